"""The portal's fixtures (a commune, the birth-registration procedure with one fee line,
citizens) are reused by the payment tests."""

from motcua.portal.tests.conftest import (  # noqa: F401
    _isolated,
    birth,
    citizen,
    commune,
    other_citizen,
)
