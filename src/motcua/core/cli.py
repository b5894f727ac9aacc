"""Helpers shared by the management commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def output_file(path: str | Path) -> Path:
    """The path of a file a command is about to write, with a clear Vietnamese error (and
    nothing written) when its folder does not exist or is not a folder."""
    out = Path(path)
    folder = out.parent
    if not folder.is_dir():
        raise CommandError(
            _("Không ghi được %(file)s: thư mục %(folder)s không tồn tại.")
            % {"file": out, "folder": folder}
        )
    if out.is_dir():
        raise CommandError(_("Không ghi được %(file)s: đó là một thư mục.") % {"file": out})
    return out
