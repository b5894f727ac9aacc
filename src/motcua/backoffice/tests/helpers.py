"""Helpers shared by the back-office HTTP tests."""

from __future__ import annotations

from django.test import Client

from motcua.dossiers.models import Dossier

VALID_ID = "001203004567"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def intake_data(world, **overrides):
    data = {
        "unit": world["commune"].pk,
        "procedure": world["procedure"].pk,
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": VALID_ID,
        "applicant_phone": "0912345678",
        "applicant_address": "Thôn Đông, xã Hòa Bình",
        "applicant_email": "binh@example.vn",
        "channel": "counter",
        "components": [c.pk for c in world["version"].components.all()],
        "copies": "1",
        "note": "",
        "decision": "receive",
    }
    data.update(overrides)
    return data


def act(client: Client, dossier: Dossier, action: str, **data):
    dossier.refresh_from_db()
    data.setdefault("expected_version", dossier.version)
    return client.post(f"/ho-so/{dossier.pk}/thao-tac/{action}/", data, follow=True)
