"""Template filters of the staff pages."""

from __future__ import annotations

from django import template

from motcua.backoffice.presenters import mask_id_number
from motcua.catalogue.constants import ComponentKind

register = template.Library()


@register.filter
def kind_label(value: str) -> str:
    """`copy` → "Bản sao" (the catalogue's component kinds)."""
    try:
        return str(ComponentKind(value).label)
    except ValueError:
        return value


@register.filter
def masked(value: str) -> str:
    return mask_id_number(value)
