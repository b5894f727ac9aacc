"""`{% rating_box dossier %}`: the satisfaction-rating form (or the rating given) on the
citizen's dossier page and on the look-up result. The portal templates include it with one
line, so the portal views need no change."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.feedback import selectors
from motcua.feedback.forms import RatingForm

register = template.Library()


@register.inclusion_tag("feedback/_rating.html", takes_context=True)
def rating_box(
    context: template.Context, dossier: Dossier | None, via_lookup: bool = False
) -> dict[str, Any]:
    """Own dossier page: posts to `rate_my_dossier`. Look-up result (`via_lookup`): posts the
    code and the secret the visitor has just typed, which are checked again."""
    result: dict[str, Any] = {"rating": None, "can_rate": False}
    if dossier is None:
        return result
    rating = selectors.rating_for_dossier(dossier)
    result.update(rating=rating, can_rate=selectors.can_rate(dossier, rating))
    if not result["can_rate"]:
        return result
    result["form"] = RatingForm()
    request = context.get("request")
    if via_lookup:
        secret = request.POST.get("secret", "") if request is not None else ""
        if not secret:
            result["can_rate"] = False
            return result
        result.update(
            action=reverse("feedback:rate_by_lookup"), code=dossier.code, secret=secret[:32]
        )
    else:
        result["action"] = reverse("feedback:rate_my_dossier", kwargs={"pk": dossier.pk})
    result["csrf_token"] = context.get("csrf_token")
    return result
