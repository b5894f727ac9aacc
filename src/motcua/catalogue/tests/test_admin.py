"""Admin: accent-insensitive search, publish action through the service, Vietnamese errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from motcua.calendar.constants import LimitUnit
from motcua.catalogue import services
from motcua.catalogue.constants import VersionStatus
from motcua.catalogue.models import ProcedureVersion


@pytest.fixture
def drafts(db: None) -> tuple[ProcedureVersion, ProcedureVersion]:
    field = services.field_upsert(code="HT", name="Hộ tịch")
    procedure = services.procedure_upsert(code="P1", name="Đăng ký kết hôn", field=field)
    first = services.version_create_draft(
        procedure=procedure,
        valid_from=dt.date(2018, 6, 21),
        time_limit_amount=Decimal(3),
        time_limit_unit=LimitUnit.WORKING_DAYS,
    )
    services.version_publish(version=first)
    second = services.version_create_draft(procedure=procedure, valid_from=dt.date(2025, 7, 1))
    return first, second


def test_procedure_admin_search_is_accent_insensitive(
    admin_client: Client, drafts: tuple[ProcedureVersion, ProcedureVersion]
) -> None:
    response = admin_client.get("/quan-tri/catalogue/procedure/", {"q": "DANG KY KET HON"})
    assert response.status_code == 200
    assert "Đăng ký kết hôn" in response.content.decode()


def test_publish_action_reports_overlap_in_vietnamese(
    admin_client: Client, drafts: tuple[ProcedureVersion, ProcedureVersion]
) -> None:
    _, second = drafts
    url = "/quan-tri/catalogue/procedureversion/"
    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [second.pk]}, follow=True
    )
    assert "trùng với phiên bản 1" in response.content.decode()
    second.refresh_from_db()
    assert second.status == VersionStatus.DRAFT
    response = admin_client.post(
        url, {"action": "publish_closing_previous", "_selected_action": [second.pk]}, follow=True
    )
    second.refresh_from_db()
    assert second.status == VersionStatus.PUBLISHED
    assert ProcedureVersion.objects.get(number=1).valid_to == dt.date(2025, 6, 30)


def test_version_change_page_renders(
    admin_client: Client, drafts: tuple[ProcedureVersion, ProcedureVersion]
) -> None:
    first, second = drafts
    for version in (first, second):
        response = admin_client.get(f"/quan-tri/catalogue/procedureversion/{version.pk}/change/")
        assert response.status_code == 200
        assert "Quy trình nội bộ".lower() in response.content.decode().lower()


def _management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_saving_draft_with_steps_over_limit_shows_vietnamese_error(
    admin_client: Client, drafts: tuple[ProcedureVersion, ProcedureVersion]
) -> None:
    """3 working days = 24 working hours; 25 hours of steps are refused (DOMAIN §2.1)."""
    _, second = drafts
    second.steps.all().delete()
    data = {
        "procedure": str(second.procedure_id),
        "number": "2",
        "valid_from": "2025-07-01",
        "valid_to": "",
        "time_limit_amount": "3",
        "time_limit_unit": "working_days",
        "verification_extra_amount": "",
        "time_limit_text": "",
        "online_level": "partial",
        "legal_basis": "",
        "sources": "",
        "fee_text": "",
        "eform_schema": "{}",
        **_management("components", 0),
        **_management("fee_rules", 0),
        **_management("steps", 2),
        **_management("result_templates", 0),
        "steps-0-order": "1",
        "steps-0-name": "Thẩm định",
        "steps-0-role": "specialist",
        "steps-0-allotted_amount": "3",
        "steps-0-allotted_unit": "working_days",
        "steps-1-order": "2",
        "steps-1-name": "Ký",
        "steps-1-role": "leader",
        "steps-1-allotted_amount": "1",
        "steps-1-allotted_unit": "working_hours",
    }
    url = f"/quan-tri/catalogue/procedureversion/{second.pk}/change/"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "vượt thời hạn giải quyết" in response.content.decode()
    assert second.steps.count() == 0
    data["steps-1-allotted_amount"] = "0"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert second.steps.count() == 2


def test_result_template_uploaded_with_the_draft_version(
    admin_client: Client, drafts: tuple[ProcedureVersion, ProcedureVersion], settings, tmp_path
) -> None:
    """The DOCX result template is uploaded on the version's page; its fields are recorded."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    from motcua.documents import samples

    _, second = drafts
    page = admin_client.get(f"/quan-tri/catalogue/procedureversion/{second.pk}/change/")
    assert "result_templates-TOTAL_FORMS" in page.content.decode()
    sample = samples.SAMPLES[0]
    data = {
        "procedure": str(second.procedure_id),
        "number": "2",
        "valid_from": "2025-07-01",
        "valid_to": "",
        "time_limit_amount": "3",
        "time_limit_unit": "working_days",
        "verification_extra_amount": "",
        "time_limit_text": "",
        "online_level": "partial",
        "legal_basis": "",
        "sources": "",
        "fee_text": "",
        "eform_schema": "{}",
        **_management("components", 0),
        **_management("fee_rules", 0),
        **_management("steps", 0),
        **_management("result_templates", 1),
        "result_templates-0-name": sample.name,
        "result_templates-0-file": SimpleUploadedFile(
            sample.filename, samples.sample_path(sample).read_bytes()
        ),
    }
    second.steps.all().delete()
    response = admin_client.post(f"/quan-tri/catalogue/procedureversion/{second.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template = second.result_templates.get()
    assert template.sha256 and "ma_ho_so" in template.required_fields
    assert template.uploaded_by is not None
