"""Template tags that put digitisation into other apps' pages with a one-line include:
`{% digitised_summary dossier %}` (back-office dossier page) and `{% store_pick component %}`
(portal submission form)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.digitisation import selectors

register = template.Library()


@register.inclusion_tag("digitisation/_summary.html")
def digitised_summary(dossier: Any) -> dict[str, Any]:
    """Where each component of the dossier came from (source, store origin), with the link to
    the digitisation page."""
    return {"dossier": dossier, "digitised": selectors.dossier_digitised(dossier)}


@register.inclusion_tag("digitisation/_store_pick.html", takes_context=True)
def store_pick(context: template.Context, component: Any) -> dict[str, Any]:
    """A <select> of the citizen's store items for `component` (nothing when the store is
    empty): the item chosen is attached instead of an uploaded file."""
    user = context.get("user")
    if user is None:
        return {"component": component, "choice": None}
    cache = context.render_context  # one query per form, not per component
    if "digitisation_store_items" not in cache:
        cache["digitisation_store_items"] = selectors.usable_store_items(user)
    items = cache["digitisation_store_items"]
    return {"component": component, "choice": selectors.store_choice(user, component, items)}
