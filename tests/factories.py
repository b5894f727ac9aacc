"""factory_boy factories shared by every app's tests (and the benchmark generator).

Traits give the common shapes: `ProcedureVersionFactory(working_days=3)`,
`DossierFactory(received=True)`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from motcua.accounts.models import User, UserKind
from motcua.calendar.constants import LimitUnit
from motcua.catalogue.constants import OnlineLevel, VersionStatus
from motcua.catalogue.models import Component, Field, Procedure, ProcedureVersion, ProcessStep
from motcua.core.text import fold
from motcua.dossiers.constants import Channel, RuleSet, State
from motcua.dossiers.models import Dossier
from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Membership, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    kind = UnitKind.COMMUNE
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else '/'}{o.code}/")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    kind = UserKind.STAFF
    password = factory.django.Password("mat-khau-thu-nghiem")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.RECEIVER


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "HT"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    field = factory.SubFactory(FieldFactory)


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = VersionStatus.PUBLISHED
    valid_from = dt.date(2018, 1, 1)
    valid_to = None
    time_limit_amount = Decimal(3)
    time_limit_unit = LimitUnit.WORKING_DAYS
    online_level = OnlineLevel.PARTIAL

    class Params:
        same_day = factory.Trait(time_limit_amount=Decimal(0), time_limit_unit=LimitUnit.SAME_DAY)
        working_hours = factory.Trait(
            time_limit_amount=Decimal(8), time_limit_unit=LimitUnit.WORKING_HOURS
        )

    @factory.post_generation
    def with_steps(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Two components and a three-step internal process, unless `with_steps=False`."""
        if not create or extracted is False:
            return
        Component.objects.create(version=self, order=1, name="Tờ khai theo mẫu")
        Component.objects.create(version=self, order=2, name="Giấy tờ tùy thân", kind="copy")
        ProcessStep.objects.create(
            version=self,
            order=1,
            name="Thẩm định hồ sơ",
            role=Role.SPECIALIST,
            allotted_amount=Decimal(8),
            allotted_unit=LimitUnit.WORKING_HOURS,
        )
        ProcessStep.objects.create(
            version=self,
            order=2,
            name="Phê duyệt kết quả",
            role=Role.LEADER,
            allotted_amount=Decimal(4),
            allotted_unit=LimitUnit.WORKING_HOURS,
        )
        ProcessStep.objects.create(
            version=self,
            order=3,
            name="Trả kết quả",
            role=Role.RECEIVER,
            allotted_amount=Decimal(4),
            allotted_unit=LimitUnit.WORKING_HOURS,
        )


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier row built directly (no services): for statistics and selector tests."""

    class Meta:
        model = Dossier

    unit = factory.SubFactory(UnitFactory)
    current_unit = factory.SelfAttribute("unit")
    procedure_version = factory.SubFactory(ProcedureVersionFactory)
    field = factory.SelfAttribute("procedure_version.procedure.field")
    rule_set = RuleSet.ND61_2018
    channel = Channel.ONLINE
    state = State.IN_PROCESS
    applicant_name = "Trần Thị Bình"
    received_at = factory.LazyFunction(timezone.now)
    clock_started_at = factory.SelfAttribute("received_at")
    due_at = factory.LazyAttribute(lambda o: o.received_at + dt.timedelta(days=3))
