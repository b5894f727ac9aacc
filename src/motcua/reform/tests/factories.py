"""Factories of the reform app's tests (the shared ones are in tests/factories.py)."""

from __future__ import annotations

import datetime as dt

import factory
from tests.factories import UnitFactory

from motcua.reform.constants import ActivityKind, ReformArea, ReviewProposal, TaskStatus
from motcua.reform.models import ProcedureReview, ReformActivity, ReformPlan, ReformTask


class ReformPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReformPlan

    unit = factory.SubFactory(UnitFactory)
    number = factory.Sequence(lambda n: f"{n + 1}/KH-UBND")
    issued_on = dt.date(2023, 1, 10)
    title = "Kế hoạch cải cách hành chính năm 2023"
    area = ReformArea.DIRECTION


class ReformTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReformTask

    plan = factory.SubFactory(ReformPlanFactory)
    title = factory.Sequence(lambda n: f"Nhiệm vụ {n}")
    deadline = dt.date(2023, 3, 31)
    status = TaskStatus.NOT_STARTED

    class Params:
        on_time = factory.Trait(status=TaskStatus.DONE, done_on=factory.SelfAttribute("deadline"))
        late = factory.Trait(
            status=TaskStatus.DONE,
            done_on=factory.LazyAttribute(lambda o: o.deadline + dt.timedelta(days=5)),
        )


class ReformActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReformActivity

    unit = factory.SubFactory(UnitFactory)
    kind = ActivityKind.PROPAGANDA
    held_on = dt.date(2023, 2, 15)
    title = "Tuyên truyền trên đài truyền thanh xã"
    count = 1


class ProcedureReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureReview

    unit = factory.SubFactory(UnitFactory)
    period = "2023"
    reviewed_on = dt.date(2023, 4, 20)
    procedure_text = "Đăng ký khai sinh"
    proposal = ReviewProposal.SIMPLIFY
