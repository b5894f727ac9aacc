"""Rendering and storing the documents of one dossier event (see `documents.tasks`)."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from motcua.documents import printforms
from motcua.documents.docx_forms import form_docx
from motcua.documents.models import RESULT_KIND, DocumentFormat, GeneratedDocument
from motcua.documents.pdf import FONTS_CSS, html_to_pdf
from motcua.documents.services import (
    MissingResultFields,
    document_store,
    result_render,
    result_render_pdf,
    template_for,
)
from motcua.dossiers.constants import EventKind, RuleSet, State
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.transitions import Action, form_number

logger = logging.getLogger(__name__)

FORMATS = (DocumentFormat.PDF, DocumentFormat.DOCX)


def form_pdf(context: dict) -> bytes:
    """The PDF of a form: its print page (the same template as the browser) via WeasyPrint."""
    html = render_to_string(f"backoffice/print/{context['kind']}.html", context)
    return html_to_pdf(html, stylesheets=[FONTS_CSS])


def generate_for_event(event_id: int) -> list[int]:
    event = (
        DossierEvent.objects.select_related(
            "dossier__unit__parent", "dossier__procedure_version__procedure", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        logger.warning("generate_documents: event %s does not exist", event_id)
        return []
    existing = GeneratedDocument.objects.filter(event=event)
    dossier = event.dossier
    kind = printforms.form_kind_for_action(event.action)
    if kind is not None:
        if not form_number(dossier.rule_set or RuleSet.ND61_2018, kind):
            return []
        have = set(existing.filter(kind=kind.value).values_list("format", flat=True))
        if have.issuperset(FORMATS):
            return list(existing.values_list("pk", flat=True))
        context = printforms.form_context(dossier, kind, event)
        title = f"Mẫu {context['number']}: {context['title']}"
        renderers = {DocumentFormat.PDF: form_pdf, DocumentFormat.DOCX: form_docx}
        for fmt in FORMATS:
            if fmt not in have:
                document_store(
                    dossier=dossier,
                    kind=kind.value,
                    format=fmt,
                    content=renderers[fmt](context),
                    title=title,
                    event=event,
                )
    elif event.action == EventKind.FORM_DATA_UPDATED and dossier.state == State.RESULT_READY:
        # Approved while the e-form lacked what the result template needs (a counter dossier
        # has no e-form data until an officer types it): the approval's document, now.
        approve = dossier.events.filter(action=Action.APPROVE).order_by("-seq").first()
        return generate_for_event(approve.pk) if approve is not None else []
    elif event.action == Action.APPROVE:
        template = template_for(dossier)
        if template is None:
            return []
        have = set(existing.filter(kind=RESULT_KIND).values_list("format", flat=True))
        if not have.issuperset(FORMATS):
            try:
                docx = result_render(dossier, template, at=event.at)
            except MissingResultFields as exc:
                logger.warning(
                    "Result document of dossier %s not generated: %s", dossier.pk, exc.message
                )
                return []
            contents = {DocumentFormat.DOCX: docx, DocumentFormat.PDF: result_render_pdf(docx)}
            for fmt in FORMATS:
                if fmt not in have:
                    document_store(
                        dossier=dossier,
                        kind=RESULT_KIND,
                        format=fmt,
                        content=contents[fmt],
                        title=template.name,
                        event=event,
                        result_template=template,
                    )
    return list(existing.values_list("pk", flat=True))
