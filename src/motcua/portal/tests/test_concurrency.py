"""Two simultaneous submissions of one form (double tap on a slow line) → one dossier, thanks
to the row lock on the portal submission (PostgreSQL only: SQLite serialises all writers)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier
from motcua.portal import services
from motcua.portal.models import Submission
from motcua.portal.tests.conftest import VALID_FORM


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_dossier(commune, birth, citizen):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite serialises writers")
    birth.online_level = "partial"  # no files needed for this test
    birth.save()
    submission = Submission.objects.create(
        idempotency_key=uuid.uuid4().hex,
        user=citizen,
        procedure_version=birth,
        unit=commune.unit,
        data={k[2:]: v for k, v in VALID_FORM.items()},
        applicant={"applicant_name": "Trần Thị Bình"},
    )
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            d = services.submission_submit(submission=submission, user=citizen, declaration=True)
            results.append(d.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Dossier.objects.count() == 1
    assert results == [Dossier.objects.get().pk] * 2
