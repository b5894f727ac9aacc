"""Satisfaction ratings (đánh giá mức độ hài lòng): once per returned dossier; an unhappy one
e-mails the unit's leaders after the commit and shows in their list."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from motcua.core.errors import DomainError, PermissionDenied
from motcua.feedback import services
from motcua.feedback.models import Rating
from motcua.feedback.tasks import notify_leaders_unhappy_rating
from motcua.feedback.tests.conftest import login, received_dossier, returned_dossier

pytestmark = pytest.mark.django_db


def test_rating_only_after_the_result_is_returned(commune, version):
    d = received_dossier(commune, version)
    with pytest.raises(DomainError, match="sau khi hồ sơ đã trả kết quả"):
        services.rating_submit(dossier=d, satisfied=True, channel="lookup")
    assert Rating.objects.count() == 0


def test_rating_once_only(commune, version):
    d = returned_dossier(commune, version)
    services.rating_submit(dossier=d, satisfied=True, channel="lookup")
    with pytest.raises(DomainError, match="một lần") as exc:
        services.rating_submit(dossier=d, satisfied=False, reasons=["late"], channel="lookup")
    assert exc.value.code == "already_rated"
    assert Rating.objects.get().satisfied is True


def test_unhappy_needs_a_reason_and_known_reasons(commune, version):
    d = returned_dossier(commune, version)
    with pytest.raises(DomainError, match="ít nhất một lý do"):
        services.rating_submit(dossier=d, satisfied=False, channel="lookup")
    with pytest.raises(DomainError, match="không hợp lệ"):
        services.rating_submit(dossier=d, satisfied=False, reasons=["bribe?"], channel="lookup")
    r = services.rating_submit(dossier=d, satisfied=False, comment="Chờ lâu", channel="lookup")
    assert r.reasons == [] and r.comment == "Chờ lâu" and r.unit == commune.unit


def test_unhappy_rating_emails_the_units_leaders_after_commit(
    commune, other_commune, version, django_capture_on_commit_callbacks
):
    d = returned_dossier(commune, version)
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(
            dossier=d,
            satisfied=False,
            reasons=["late", "attitude"],
            comment="Hẹn 3 lần",
            channel="lookup",
        )
        assert len(mail.outbox) == 0  # nothing before the commit
    assert [m.to for m in mail.outbox] == [[commune.leader.email]]
    message = mail.outbox[0]
    assert d.code in message.subject
    assert "Trả kết quả chậm so với ngày hẹn" in message.body and "Hẹn 3 lần" in message.body
    rating.refresh_from_db()
    assert rating.leaders_notified_at is not None
    # idempotent: a re-run sends nothing more
    assert notify_leaders_unhappy_rating(rating.pk) == 0
    assert len(mail.outbox) == 1


def test_happy_rating_sends_nothing(commune, version, django_capture_on_commit_callbacks):
    d = returned_dossier(commune, version)
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(dossier=d, satisfied=True, reasons=["late"], channel="lookup")
    assert mail.outbox == []
    assert Rating.objects.get().reasons == []  # reasons only for unhappy ratings


def test_portal_channel_is_the_owner_only(commune, version, citizen):
    d = returned_dossier(commune, version, applicant=citizen)
    with pytest.raises(PermissionDenied):
        services.rating_submit(dossier=d, satisfied=True, channel="portal", user=commune.receiver)
    r = services.rating_submit(dossier=d, satisfied=True, channel="portal", user=citizen)
    assert r.user == citizen


def test_counter_channel_needs_a_receiver_of_the_unit(commune, other_commune, version):
    d = returned_dossier(commune, version)
    with pytest.raises(PermissionDenied):
        services.rating_submit(
            dossier=d, satisfied=True, channel="counter", user=other_commune.receiver
        )
    assert services.rating_submit(
        dossier=d, satisfied=True, channel="counter", user=commune.receiver
    )


# --- pages ------------------------------------------------------------------------------------


def test_my_dossier_page_shows_the_form_then_the_rating(commune, version, citizen):
    d = returned_dossier(commune, version, applicant=citizen)
    client = login(citizen)
    page = client.get(reverse("portal:my_dossier", args=[d.pk])).content.decode()
    assert reverse("feedback:rate_my_dossier", args=[d.pk]) in page
    response = client.post(
        reverse("feedback:rate_my_dossier", args=[d.pk]),
        {"satisfied": "0", "reasons": ["guidance"], "comment": "Không rõ"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=d)
    assert (rating.satisfied, rating.reasons, rating.channel) == (False, ["guidance"], "portal")
    page = client.get(reverse("portal:my_dossier", args=[d.pk])).content.decode()
    assert "Chưa hài lòng" in page and 'name="satisfied"' not in page


def test_another_citizen_cannot_rate_by_pk(commune, version, citizen):
    d = returned_dossier(commune, version, applicant=citizen)
    from tests.factories import UserFactory

    other = UserFactory(kind="citizen")
    response = login(other).post(
        reverse("feedback:rate_my_dossier", args=[d.pk]), {"satisfied": "1"}
    )
    assert response.status_code == 404 and not Rating.objects.exists()


def test_lookup_result_has_the_form_and_rating_by_code_and_secret(commune, version):
    d = returned_dossier(commune, version)
    client = Client()
    page = client.post(
        reverse("lookup"), {"ma": d.code, "secret": d.lookup_secret}
    ).content.decode()
    assert reverse("feedback:rate_by_lookup") in page and 'name="satisfied"' in page
    wrong = client.post(
        reverse("feedback:rate_by_lookup"), {"ma": d.code, "secret": "SAI", "satisfied": "1"}
    )
    assert wrong.status_code == 404 and not Rating.objects.exists()
    ok = client.post(
        reverse("feedback:rate_by_lookup"),
        {"ma": d.code, "secret": d.lookup_secret, "satisfied": "1"},
    )
    assert ok.status_code == 200 and Rating.objects.get().channel == "lookup"
    again = client.post(
        reverse("feedback:rate_by_lookup"),
        {"ma": d.code, "secret": d.lookup_secret, "satisfied": "0", "comment": "x"},
    )
    assert again.status_code == 422 and Rating.objects.count() == 1


def test_unhappy_list_for_the_units_staff_only(commune, other_commune, version):
    d = returned_dossier(commune, version)
    services.rating_submit(dossier=d, satisfied=False, reasons=["extra_papers"], channel="lookup")
    url = reverse("feedback:unhappy")
    mine = login(commune.leader).get(url)
    assert mine.status_code == 200 and d.code in mine.content.decode()
    assert "Bị yêu cầu giấy tờ ngoài quy định" in mine.content.decode()
    theirs = login(other_commune.leader).get(url)
    assert theirs.status_code == 200 and d.code not in theirs.content.decode()


def test_rating_at_the_counter_page(commune, other_commune, version):
    d = returned_dossier(commune, version)
    url = reverse("feedback:rate_at_counter", args=[d.pk])
    assert login(other_commune.receiver).get(url).status_code == 404
    assert login(commune.specialist).get(url).status_code == 404
    client = login(commune.receiver)
    assert 'name="satisfied"' in client.get(url).content.decode()
    assert client.post(url, {"satisfied": "0"}).status_code == 422  # no reason
    assert client.post(url, {"satisfied": "0", "reasons": ["many_trips"]}).status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.user, rating.reasons) == (
        "counter",
        commune.receiver,
        ["many_trips"],
    )
