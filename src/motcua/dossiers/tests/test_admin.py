"""The admin is for data repair: events are read-only, dossiers cannot be deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import UserFactory

from motcua.dossiers.tests.conftest import received_dossier

pytestmark = pytest.mark.django_db


def test_admin_shows_the_event_log_read_only(client, commune, version):
    d = received_dossier(commune, version)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    assert client.get(reverse("admin:dossiers_dossier_changelist")).status_code == 200
    page = client.get(reverse("admin:dossiers_dossier_change", args=[d.pk]))
    assert page.status_code == 200
    assert d.code in page.content.decode()
    assert "events-0-action" not in page.content.decode()  # no editable event field
    delete = client.get(reverse("admin:dossiers_dossier_delete", args=[d.pk]))
    assert delete.status_code == 403
