"""Fixtures of the hostile suite: the portal's e-form world (a commune, the birth-registration
procedure with its e-form, a citizen) and its isolation (private files under a temporary
MEDIA_ROOT, empty throttles) are reused as they are."""

from motcua.portal.tests.conftest import _isolated, birth, citizen, commune  # noqa: F401
