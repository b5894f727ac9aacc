"""New work is not addressed to a unit that does not exist on its date: after the merger of
01/07/2025 (two-tier local government, Nghị quyết 202/2025/QH15; DOMAIN §0 "Rule sets") a
dossier received at the counter, submitted online, a PAKN (portal form, Open311) or a
forwarding to a merged commune is refused with the name of the unit that took it over; lists
for citizens show only the units in force. Dossiers and feedback already held by the old unit
stay where they are (organisation.md: "the old units keep their dossiers")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import ProcedureVersionFactory

from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import make_commune
from motcua.feedback import services as feedback_services
from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback
from motcua.organisation.constants import UnitKind
from motcua.organisation.selectors import require_unit_in_force, units_valid_on
from motcua.organisation.services import unit_create, unit_merge

pytestmark = pytest.mark.django_db

MERGER = dt.date(2025, 7, 1)
VN = dt.timezone(dt.timedelta(hours=7))


def _merged() -> tuple[Any, Any]:
    """A commune with its staff merged on 01/07/2025 into a new commune."""
    old = make_commune()
    new = unit_create(code="X2025", name="Xã Hợp Nhất", kind=UnitKind.COMMUNE)
    unit_merge(predecessors=[old.unit], successor=new, on=MERGER)
    old.unit.refresh_from_db()
    return old, new


# (case, valid_from, valid_to, day, refused message or None) — the validity dates are inclusive
# (organisation.md), the day after `valid_to` is the first day the unit no longer exists.
CASES = [
    ("no dates", None, None, dt.date(2025, 7, 1), None),
    ("last day before the merger", None, dt.date(2025, 6, 30), dt.date(2025, 6, 30), None),
    (
        "first day after the merger",
        None,
        dt.date(2025, 6, 30),
        dt.date(2025, 7, 1),
        "không còn hoạt động từ ngày 01/07/2025",
    ),
    ("first day of a new unit", dt.date(2025, 7, 1), None, dt.date(2025, 7, 1), None),
    (
        "before a new unit starts",
        dt.date(2025, 7, 1),
        None,
        dt.date(2025, 6, 30),
        "bắt đầu hoạt động từ ngày 01/07/2025",
    ),
]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "day", "refused"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_require_unit_in_force(
    valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date, refused: str | None
) -> None:
    unit = unit_create(
        code="U1", name="Xã Thử", kind=UnitKind.COMMUNE, valid_from=valid_from, valid_to=valid_to
    )
    if refused is None:
        require_unit_in_force(unit, day)
        assert unit in units_valid_on(day)
    else:
        with pytest.raises(DomainError, match=refused) as info:
            require_unit_in_force(unit, day)
        assert info.value.code == "unit_not_in_force"
        assert unit not in units_valid_on(day)


def test_the_message_names_the_successor() -> None:
    old, _new = _merged()
    with pytest.raises(DomainError) as info:
        require_unit_in_force(old.unit, MERGER)
    assert info.value.message.endswith("Vui lòng gửi đến đơn vị kế thừa: Xã Hợp Nhất.")


def test_counter_intake_at_a_merged_commune_is_refused_and_writes_nothing() -> None:
    old, _new = _merged()
    version = ProcedureVersionFactory()
    ids = list(version.components.values_list("pk", flat=True))
    common = {
        "user": old.receiver,
        "unit": old.unit,
        "procedure": version.procedure,
        "applicant_name": "Trần Thị Bình",
        "provided_component_ids": ids,
    }
    before_merger = dt.datetime(2025, 6, 30, 9, tzinfo=VN)
    d = dossier_services.dossier_receive_at_counter(**common, at=before_merger)
    assert d.code is not None
    for receive in (
        dossier_services.dossier_receive_at_counter,
        dossier_services.dossier_create_at_counter,
    ):
        with pytest.raises(DomainError, match="Xã Hợp Nhất"):
            receive(**common, at=dt.datetime(2025, 7, 1, 9, tzinfo=VN))
    assert list(Dossier.objects.values_list("pk", flat=True)) == [d.pk]


def test_online_submission_to_a_merged_commune_is_refused() -> None:
    from tests.factories import UserFactory

    from motcua.accounts.models import UserKind

    old, _new = _merged()
    version = ProcedureVersionFactory()
    with pytest.raises(DomainError, match="không còn hoạt động"):
        dossier_services.dossier_submit_online(
            user=UserFactory(kind=UserKind.CITIZEN),
            unit=old.unit,
            procedure=version.procedure,
            idempotency_key="k-merged",
            applicant_name="Trần Thị Bình",
            at=dt.datetime(2025, 7, 2, 9, tzinfo=VN),
        )
    assert not Dossier.objects.exists()


def _pakn(unit: Any, **extra: Any) -> Feedback:
    data: dict[str, Any] = {
        "unit": unit,
        "kind": "phan_anh",
        "subject": "Đèn đường hỏng",
        "content": "Đèn đường thôn 3 hỏng đã lâu.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0912345678",
        **extra,
    }
    return feedback_services.feedback_submit(**data)


def test_feedback_to_a_merged_commune_is_refused_on_the_unit_field() -> None:
    old, new = _merged()
    with pytest.raises(feedback_services.FeedbackInvalid) as info:
        _pakn(old.unit)
    assert [name for name, _ in info.value.errors] == ["unit"]
    assert "Xã Hợp Nhất" in info.value.errors[0][1]
    assert _pakn(new).unit == new
    assert Feedback.objects.count() == 1


def test_open311_request_to_a_merged_commune_is_a_400_naming_the_successor() -> None:
    old, _new = _merged()
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "service_code": "PAKN",
            "jurisdiction_id": old.unit.code,
            "description": "Đèn đường thôn 3 hỏng",
            "first_name": "Cường",
            "phone": "0912345678",
        },
    )
    assert response.status_code == 400
    assert any("Xã Hợp Nhất" in e["description"] for e in response.json())
    assert not Feedback.objects.exists()


def test_forwarding_to_a_merged_commune_is_refused() -> None:
    old, _new = _merged()
    holder = make_commune()
    f = _pakn(holder.unit)
    with pytest.raises(DomainError, match="Xã Hợp Nhất"):
        feedback_services.feedback_forward(
            feedback=f, user=holder.leader, to_unit=old.unit, note="Thuộc xã cũ"
        )
    f.refresh_from_db()
    assert f.unit == holder.unit and f.version == 1


def test_the_feedback_form_lists_only_units_in_force() -> None:
    old, new = _merged()
    assert timezone.localdate() > MERGER
    choices = set(FeedbackForm().fields["unit"].queryset)  # type: ignore[attr-defined]
    assert new in choices and old.unit not in choices


@pytest.mark.parametrize("action", ["consult", "transfer"])
def test_consulting_or_transferring_to_a_merged_unit_is_refused(action: str) -> None:
    from decimal import Decimal

    from motcua.dossiers.tests.conftest import in_process_dossier

    old, _new = _merged()
    holder = make_commune()
    version = ProcedureVersionFactory()
    d = in_process_dossier(holder, version, at=dt.datetime(2025, 7, 7, 9, tzinfo=VN))
    send = {
        "consult": dossier_services.dossier_consult_send,
        "transfer": dossier_services.dossier_transfer_send,
    }[action]
    with pytest.raises(DomainError, match="Xã Hợp Nhất"):
        send(
            dossier=d,
            user=holder.specialist,
            to_unit=old.unit,
            content="Lấy ý kiến",
            amount=Decimal(3),
            at=dt.datetime(2025, 7, 8, 9, tzinfo=VN),
        )
    d.refresh_from_db()
    assert d.current_unit == holder.unit and not d.transfers.exists()


def test_the_counter_offers_only_units_in_force(client: Client) -> None:
    """An officer of a merged commune who also receives for its successor (the demo's case):
    the intake page and the home page offer only the successor."""
    from tests.factories import MembershipFactory

    from motcua.organisation.constants import Role

    old, new = _merged()
    MembershipFactory(user=old.receiver, unit=new, role=Role.RECEIVER)
    client.force_login(old.receiver)
    intake = client.get("/tiep-nhan/moi/").content.decode()
    # One unit left to receive for: it is the form's (hidden) unit, no choice is offered.
    assert f'<input type="hidden" name="unit" value="{new.pk}">' in intake
    assert f'<option value="{old.unit.pk}"' not in intake
    home = client.get("/").content.decode()
    assert f"/so-theo-doi/{new.pk}/" in home and f"/so-theo-doi/{old.unit.pk}/" not in home


def test_nearby_units_leave_out_units_not_in_force() -> None:
    from motcua.backoffice.forms import nearby_units

    province = unit_create(code="P1", name="Tỉnh Thử", kind=UnitKind.PROVINCE)
    district = unit_create(
        code="D1",
        name="Huyện Cũ",
        kind=UnitKind.DISTRICT,
        parent=province,
        valid_to=dt.date(2025, 6, 30),
    )
    commune = unit_create(code="C1", name="Xã A", kind=UnitKind.COMMUNE, parent=province)
    neighbour = unit_create(code="C2", name="Xã B", kind=UnitKind.COMMUNE, parent=province)
    assert district not in nearby_units(commune)
    assert neighbour in nearby_units(commune) and province in nearby_units(commune)


def test_a_receiver_of_only_a_merged_commune_is_told_why(client: Client) -> None:
    """The counter's link is role-based; the page then says the unit was merged and where new
    dossiers go, instead of 'only receivers may receive'."""
    old, _new = _merged()
    client.force_login(old.receiver)
    response = client.get("/tiep-nhan/moi/")
    assert response.status_code == 403
    page = response.content.decode()
    assert f"{old.unit.name} không còn hoạt động từ ngày 01/07/2025." in page
    assert "Xã Hợp Nhất" in page and "liên hệ quản trị hệ thống" in page
