"""Argument helpers shared by the signing commands: every bad argument is a Vietnamese message
and exit status 2 (like argparse), never a traceback."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

#: Exit status for bad arguments or unreadable input (argparse uses 2 as well).
BAD_ARGUMENTS = 2


def bad_arguments(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_ARGUMENTS)


def from_domain_error(exc: DomainError) -> CommandError:
    return bad_arguments(exc.message)


def read_input(path: str, what: str) -> bytes:
    """The bytes of an input file, or exit 2 with a clear message."""
    file = Path(path)
    if not file.is_file():
        raise bad_arguments(_("Không tìm thấy %(what)s: %(f)s") % {"what": what, "f": path})
    try:
        return file.read_bytes()
    except OSError as exc:
        raise bad_arguments(
            _("Không đọc được %(f)s: %(e)s") % {"f": path, "e": exc.strerror}
        ) from exc
