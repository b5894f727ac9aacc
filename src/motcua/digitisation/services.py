"""Writes of digitisation (số hóa hồ sơ) and of the personal data store (kho dữ liệu cá nhân),
QĐ 766/QĐ-TTg group 4 (DOMAIN.md §4.2; docs/domain/digitisation.md).

- `component_digitise`: a receiver scans a paper component (or the electronic result) into the
  dossier — content-checked file, one transaction, one `component_digitised` dossier event.
- `store_item_put`: a copy of a digitised file in the applicant's store (idempotent per owner
  and SHA-256); called by the after-commit hooks (`motcua.digitisation.hooks`).
- `store_item_attach`: the citizen picks a store item for a component of an online submission
  instead of uploading — a portal `Upload` copied from the item, with its origin recorded.
- `reuse_record`: after the submission, each such upload becomes a digitised component with
  source "kho dữ liệu cá nhân" and its origin (indicator 4.3).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, PermissionDenied
from motcua.digitisation.constants import (
    COUNTER_SOURCES,
    EXTENSIONS,
    Source,
    StoreItemKind,
)
from motcua.digitisation.models import DigitisedComponent, PersonalStoreItem, StoreItemUse
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.organisation.constants import Role
from motcua.organisation.selectors import user_has_role
from motcua.portal import uploads
from motcua.portal.constants import SubmissionState
from motcua.portal.models import Submission, Upload

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.catalogue.models import Component

logger = logging.getLogger(__name__)


def can_digitise(user: User, dossier: Dossier) -> bool:
    """A receiver (Một cửa) of the dossier's receiving or current unit."""
    return user_has_role(user, dossier.unit, Role.RECEIVER) or user_has_role(
        user, dossier.current_unit, Role.RECEIVER
    )


def _read(stored: FieldFile) -> bytes:
    """All the bytes of a stored file (at most the upload limit, checked when it was stored)."""
    with stored.open("rb") as fh:
        return bytes(fh.read())


def component_digitise(
    *,
    user: User,
    dossier: Dossier,
    component: DossierComponent | None,
    uploaded_file: UploadedFile,
    source: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> DigitisedComponent:
    """Store a scanned component (or the electronic result, `component=None` allowed only for
    it) of `dossier` and append one `component_digitised` event, in one transaction.

    Refused before anything is written: a user who is not a receiver of the dossier's unit
    (`PermissionDenied`), a component of another dossier, a source other than the counter
    ones, a file that is empty, too large or not a PDF/JPEG/PNG by content (`DomainError`).
    """
    at = at or timezone.now()
    if not can_digitise(user, dossier):
        raise PermissionDenied(
            _("Chỉ cán bộ tiếp nhận (Một cửa) của đơn vị được số hóa hồ sơ này.")
        )
    if source not in COUNTER_SOURCES:
        raise DomainError(_("Vui lòng chọn nguồn của giấy tờ được số hóa."))
    if component is None and source != Source.ELECTRONIC_RESULT:
        raise DomainError(_("Vui lòng chọn thành phần hồ sơ được số hóa."))
    if component is not None and component.dossier_id != dossier.pk:
        raise DomainError(_("Thành phần hồ sơ không thuộc hồ sơ này."))
    if dossier.state == State.DRAFT:
        raise DomainError(_("Hồ sơ nháp chưa được số hóa."))
    checked = uploads.inspect_upload(uploaded_file)
    item = DigitisedComponent(
        dossier=dossier,
        dossier_component=component,
        original_name=(uploaded_file.name or "")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        source=source,
        digitised_by=user,
        digitised_at=at,
    )
    item.file.save("so-hoa", uploaded_file, save=False)
    try:
        with transaction.atomic():
            item.save()
            dossier_services.dossier_component_digitised(
                dossier=dossier,
                user=user,
                note=note,
                at=at,
                payload={
                    "digitised_id": item.pk,
                    "dossier_component_id": component.pk if component else None,
                    "component": component.name if component else "",
                    "source": source,
                    "sha256": checked.sha256,
                    "size": checked.size,
                    "content_type": checked.content_type,
                },
            )
    except Exception:
        item.file.storage.delete(str(item.file.name))  # nothing written: no orphan file either
        raise
    return item


# ---------------------------------------------------------------------------------------------
# Personal data store
# ---------------------------------------------------------------------------------------------


def store_item_put(
    *,
    owner: User,
    digitised: DigitisedComponent,
    kind: str,
    title: str,
) -> PersonalStoreItem:
    """A copy of `digitised` in `owner`'s personal store; the existing item when the owner
    already has a file with the same content (unique owner + SHA-256: safe to repeat)."""
    existing = PersonalStoreItem.objects.filter(owner=owner, sha256=digitised.sha256).first()
    if existing is not None:
        return existing
    component = digitised.dossier_component
    item = PersonalStoreItem(
        owner=owner,
        title=title[:400],
        kind=kind,
        content_type=digitised.content_type,
        size=digitised.size,
        sha256=digitised.sha256,
        source_dossier=digitised.dossier,
        source_component=component,
        component_name=component.name if component else "",
    )
    ext = EXTENSIONS.get(digitised.content_type, "bin")
    copy = SimpleUploadedFile(f"kho.{ext}", _read(digitised.file))
    item.file.save("kho", copy, save=False)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # the same content stored meanwhile by a concurrent run
        item.file.storage.delete(str(item.file.name))
        return PersonalStoreItem.objects.get(owner=owner, sha256=digitised.sha256)
    return item


def store_item_attach(
    *,
    user: User,
    submission: Submission,
    component: Component,
    item: PersonalStoreItem,
) -> Upload:
    """Attach a copy of the citizen's store item to a component of their online submission
    (instead of uploading a file). The copy is checked like an upload and must still have the
    item's SHA-256; its origin is recorded (`StoreItemUse`). Picking the same item again for
    the same component returns the first copy."""
    from motcua.portal import services as portal_services

    if not getattr(user, "is_citizen", False) or submission.user_id != user.pk:
        raise PermissionDenied()
    if item.owner_id != user.pk:
        raise PermissionDenied()
    if submission.state != SubmissionState.DRAFT or submission.dossier_id is not None:
        raise DomainError(_("Hồ sơ đã nộp, không thể thay đổi giấy tờ."))
    if component.version_id != submission.procedure_version_id:
        raise DomainError(_("Thành phần hồ sơ không thuộc thủ tục này."))
    if item.valid_until is not None and item.valid_until < timezone.localdate():
        raise DomainError(
            _("Giấy tờ “%(title)s” trong kho đã hết giá trị sử dụng.") % {"title": item.title}
        )
    previous = Upload.objects.filter(
        submission=submission, component=component, store_origin__item=item
    ).first()
    if previous is not None:
        return previous
    ext = EXTENSIONS.get(item.content_type, "bin")
    name = f"{item.title[:180]}.{ext}"
    copy = SimpleUploadedFile(name, _read(item.file), item.content_type)
    with transaction.atomic():
        upload = portal_services.upload_store(
            user=user, file=copy, submission=submission, component=component
        )
        if upload.sha256 != item.sha256:
            raise DomainError(
                _("Giấy tờ “%(title)s” trong kho không còn nguyên vẹn; vui lòng tải tệp lên.")
                % {"title": item.title}
            )
        StoreItemUse.objects.create(upload=upload, item=item)
    return upload


def store_picks_attach(
    *,
    user: User,
    submission: Submission,
    components: Mapping[int, Component],
    data: Mapping[str, Any],
) -> list[str]:
    """The portal form's picks: each `store_<component id>` field naming one of the citizen's
    usable store items attaches a copy of it (`store_item_attach`). Returns the Vietnamese
    messages of the picks refused (the others are attached)."""
    from motcua.digitisation.selectors import usable_store_item

    errors: list[str] = []
    for key, value in data.items():
        if not key.startswith("store_") or not key[6:].isdigit():
            continue
        component = components.get(int(key[6:]))
        raw = str(value or "").strip()
        if component is None or not raw:
            continue
        item = usable_store_item(user, int(raw)) if raw.isdigit() else None
        if item is None:
            errors.append(
                _("Không tìm thấy giấy tờ đã chọn trong kho cho “%(name)s”.")
                % {"name": component.name}
            )
            continue
        try:
            store_item_attach(user=user, submission=submission, component=component, item=item)
        except DomainError as exc:
            errors.append(exc.message)
    return errors


def reuse_record(dossier: Dossier, *, at: dt.datetime | None = None) -> list[DigitisedComponent]:
    """Record each upload of `dossier` copied from a store item as a digitised component with
    source "kho dữ liệu cá nhân" and its origin (QĐ 766 indicator 4.3). The upload's stored
    file is referenced (it is already a copy of the item). Safe to repeat: one row per upload."""
    at = at or timezone.now()
    uploads_qs = (
        Upload.objects.filter(dossier=dossier, store_origin__isnull=False, digitised__isnull=True)
        .select_related("store_origin__item")
        .order_by("pk")
    )
    by_catalogue = {c.component_id: c for c in dossier.components.all() if c.component_id}
    created: list[DigitisedComponent] = []
    for upload in uploads_qs:
        try:
            with transaction.atomic():
                row = DigitisedComponent.objects.create(
                    dossier=dossier,
                    dossier_component=by_catalogue.get(upload.component_id or 0),
                    file=upload.file.name,
                    original_name=upload.original_name,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                    source=Source.PERSONAL_STORE,
                    digitised_by=upload.uploaded_by,
                    digitised_at=at,
                    origin=upload.store_origin.item,
                    upload=upload,
                )
        except IntegrityError:  # recorded meanwhile by a concurrent run
            continue
        created.append(row)
    return created


__all__ = [
    "StoreItemKind",
    "can_digitise",
    "component_digitise",
    "reuse_record",
    "store_item_attach",
    "store_item_put",
    "store_picks_attach",
]
