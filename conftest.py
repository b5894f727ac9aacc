"""Project-wide pytest configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: object) -> None:
    """Fast password hashing in tests: factories create many accounts."""
    from django.conf import settings as django_settings

    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Stored documents (motcua.documents.tasks): off in tests, where every executed on-commit
    # hook would render PDFs (~0.3 s each) and write files under MEDIA_ROOT; the documents
    # tests turn it on where they test it.
    django_settings.MOTCUA["GENERATE_DOCUMENTS"] = False
    # The demo signing keys of a developer's `make run` (var/signing/) must not make tests'
    # signatures trusted or give them a signer: tests create their own CA.
    django_settings.MOTCUA["DEMO_SIGNING_DIR"] = ""


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Vietnamese): a request made in English by an
    earlier test (LocaleMiddleware activates the language for the thread) must not leak."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
