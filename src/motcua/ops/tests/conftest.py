"""Fixtures of the ops tests: reuse the dossier lifecycle's commune and procedure."""

from __future__ import annotations

import pytest
from tests.factories import ProcedureVersionFactory

from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers.tests.conftest import Commune, make_commune


@pytest.fixture
def commune(db: None) -> Commune:
    return make_commune()


@pytest.fixture
def version(db: None) -> ProcedureVersion:
    return ProcedureVersionFactory()


@pytest.fixture
def other_commune(db: None) -> Commune:
    return make_commune()
