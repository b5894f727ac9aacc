"""Digitised dossier components and the citizen's personal data store (kho dữ liệu cá nhân),
QĐ 766/QĐ-TTg group 4 (DOMAIN.md §4.2 indicators 4.2–4.4). Files are private (see
`motcua.portal.storage.get_private_storage`): local disk or an S3-compatible bucket."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.digitisation.constants import EXTENSIONS, Source, StoreItemKind
from motcua.portal.storage import get_private_storage


def _path(prefix: str, instance: Any) -> str:
    ext = EXTENSIONS.get(getattr(instance, "content_type", ""), "bin")
    return f"{prefix}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


def digitised_path(instance: Any, filename: str) -> str:
    """`so-hoa/YYYY/MM/<random>.<ext>`: the scanned file's own name is never used."""
    return _path("so-hoa", instance)


def store_path(instance: Any, filename: str) -> str:
    """`kho/YYYY/MM/<random>.<ext>`."""
    return _path("kho", instance)


class PersonalStoreItem(models.Model):
    """One file of a citizen's personal data store (QĐ 766 indicator 4.3/4.4): a result
    returned to them or a component digitised for one of their dossiers. Filled after the
    commit by `hooks.fill_store`; one item per owner and content (SHA-256)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="store_items",
        verbose_name=_("chủ sở hữu"),
    )
    title = models.CharField(_("tên giấy tờ"), max_length=400)
    kind = models.CharField(_("loại"), max_length=16, choices=StoreItemKind.choices)
    file = models.FileField(storage=get_private_storage, upload_to=store_path, max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hồ sơ gốc"),
    )
    source_component = models.ForeignKey(
        "dossiers.DossierComponent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component_name = models.CharField(_("thành phần hồ sơ"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu cá nhân")
        verbose_name_plural = _("kho dữ liệu cá nhân")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="store_item_owner_sha256"),
        ]

    def __str__(self) -> str:
        return self.title


class DigitisedComponent(models.Model):
    """A digitised component (or electronic result) of a dossier: scanned at the counter by a
    receiver (`services.component_digitise`), or reused from the citizen's personal store in an
    online submission (`source=personal_store`, `origin` = the store item)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="digitised_components"
    )
    dossier_component = models.ForeignKey(
        "dossiers.DossierComponent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="digitised",
        verbose_name=_("thành phần hồ sơ"),
    )
    file = models.FileField(storage=get_private_storage, upload_to=digitised_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    source = models.CharField(_("nguồn"), max_length=24, choices=Source.choices)
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người số hóa"),
    )
    digitised_at = models.DateTimeField(_("số hóa lúc"))
    origin = models.ForeignKey(
        PersonalStoreItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name=_("lấy từ kho"),
    )
    #: The portal upload a reused component was submitted as (one row per upload).
    upload = models.OneToOneField(
        "portal.Upload",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="digitised",
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ số hóa")
        verbose_name_plural = _("thành phần hồ sơ số hóa")
        ordering = ["dossier", "digitised_at", "id"]
        indexes = [models.Index(fields=["dossier", "source"], name="digitised_dossier_source")]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class StoreItemUse(models.Model):
    """A portal upload copied from a store item: the citizen picked the item instead of
    uploading a file (QĐ 766 indicator 4.3, reuse). Lives and dies with its upload."""

    upload = models.OneToOneField(
        "portal.Upload", on_delete=models.CASCADE, related_name="store_origin"
    )
    item = models.ForeignKey(PersonalStoreItem, on_delete=models.PROTECT, related_name="uses")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần sử dụng lại giấy tờ trong kho")
        verbose_name_plural = _("lần sử dụng lại giấy tờ trong kho")
