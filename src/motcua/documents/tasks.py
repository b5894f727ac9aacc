"""Generation of the documents a dossier event issues (takes ids, idempotent).

After the commit of a dossier event the hook `enqueue_generation` (registered in
`DocumentsConfig.ready` with `motcua.dossiers.tasks.register`) enqueues
`generate_documents(event_id)`; eager in the embedded default (CELERY_TASK_ALWAYS_EAGER).

| Event | Document |
|---|---|
| receive, supplement_complete | Mẫu 01 giấy tiếp nhận và hẹn trả kết quả |
| intake_request_supplement, request_supplement | Mẫu 02 phiếu yêu cầu bổ sung |
| intake_refuse, reject | Mẫu 03 phiếu từ chối |
| apology | Mẫu 04 phiếu xin lỗi (TT 03/2025: văn bản xin lỗi, gia hạn) |
| stop | Mẫu 05 thông báo dừng (TT 03/2025 only) |
| approve | the result document, when the procedure version has a `ResultTemplate` |

Each is stored as PDF and DOCX (`GeneratedDocument`, unique per event, kind and format): a
second run creates nothing. `MOTCUA["GENERATE_DOCUMENTS"] = False` turns the hook off.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


def generation_enabled() -> bool:
    return bool(settings.MOTCUA.get("GENERATE_DOCUMENTS", True))


def enqueue_generation(event_id: int) -> None:
    """Dossier after-commit hook: enqueue the generation task (never renders inline itself)."""
    if generation_enabled():
        generate_documents.delay(event_id)


@shared_task(name="documents.tasks.generate_documents", ignore_result=True)
def generate_documents(event_id: int) -> list[int]:
    """Store the documents issued by dossier event `event_id`; returns the ids of the rows of
    that event (existing ones included). Idempotent."""
    from motcua.documents.generation import generate_for_event

    return generate_for_event(event_id)
