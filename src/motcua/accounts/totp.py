"""Second factor for staff: TOTP (RFC 6238) with one-time recovery codes.

- Enrolment (`totp_start_enrolment`, `totp_confirm_enrolment`): a random base32 secret is kept
  encrypted on an unconfirmed `TOTPDevice`; the officer scans the QR code (otpauth:// URI,
  inline SVG by segno) and confirms with a code; 10 recovery codes are shown ONCE and only their
  SHA-256 is stored.
- Verification (`totp_verify`): a 6-digit code of the current time step ±1 (clock drift) whose
  step is LATER than the last accepted one (a code cannot be replayed, also not in the next 30
  s); or an unused recovery code, which is then spent. Failures are counted by the log-in
  lockout (`motcua.accounts.lockout`) per account, whatever the address: 5 wrong codes lock the
  second step for 15 minutes.
- Session: after the password step the session holds no flag; `mark_verified` stores the user
  id under `SESSION_KEY` once the second step succeeded. `TwoFactorMiddleware` keeps an
  enrolled account (and, where `MOTCUA["TOTP_REQUIRED_ROLES"]` requires it, a not yet enrolled
  one) out of every page but the second-step pages until then.

Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) with the key
`MOTCUA_TOTP_KEY` (any string; SHA-256 of it is the key) or, when unset, a key derived from
`SECRET_KEY` — rotating `SECRET_KEY` without setting `MOTCUA_TOTP_KEY` then forces every
officer to enrol again. Secrets and codes are never logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.accounts import lockout
from motcua.accounts.models import RecoveryCode, TOTPDevice, User

ISSUER = "Một Cửa"
STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # accept the previous and the next step too (clock drift)
RECOVERY_CODES = 10
SESSION_KEY = "motcua_2fa_user"
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


# ---------------------------------------------------------------------------------------------
# Secrets at rest
# ---------------------------------------------------------------------------------------------


def _fernet() -> Fernet:
    material = getattr(settings, "MOTCUA_TOTP_KEY", "") or f"motcua-totp:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def device_secret(device: TOTPDevice) -> str:
    return decrypt_secret(device.secret_encrypted)


# ---------------------------------------------------------------------------------------------
# Settings: who must use the second factor
# ---------------------------------------------------------------------------------------------


def required_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "MOTCUA", {}).get("TOTP_REQUIRED_ROLES", ()) or ())


def is_required(user: Any) -> bool:
    """Does `MOTCUA["TOTP_REQUIRED_ROLES"]` oblige this account to use the second factor?
    Role names are those of `organisation.Role` plus "superuser"."""
    roles = required_roles()
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_citizen", False):
        return False
    if "superuser" in roles and user.is_superuser:
        return True
    from motcua.organisation.selectors import roles_held

    return bool(roles_held(user) & roles)


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()


# ---------------------------------------------------------------------------------------------
# Session flag
# ---------------------------------------------------------------------------------------------


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and request.session.get(SESSION_KEY) == user.pk)


def mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = request.user.pk
    request.session.cycle_key()  # a new session id once the second factor is proven


# ---------------------------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------------------------


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.get_username(), issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """Inline SVG (presentation attributes only: allowed by the strict CSP)."""
    return str(segno.make_qr(uri, error="m").svg_inline(scale=4))


@transaction.atomic
def totp_start_enrolment(user: User) -> tuple[TOTPDevice, str]:
    """A new unconfirmed device with a fresh secret (replacing an unconfirmed one).
    Refused (ValueError) when the account already has a confirmed device."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed:
        raise ValueError("already enrolled")
    secret = pyotp.random_base32()
    if device is None:
        device = TOTPDevice(user=user)
    device.secret_encrypted = encrypt_secret(secret)
    device.last_step = 0
    device.save()
    return device, secret


def pending_secret(user: User) -> str | None:
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        return None
    try:
        return device_secret(device)
    except InvalidToken:
        return None


@transaction.atomic
def totp_confirm_enrolment(user: User, code: str, *, now: float | None = None) -> list[str] | None:
    """Confirm the pending device with a code; returns the new recovery codes (to show once),
    or None when the code is wrong."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    )
    if device is None:
        return None
    step = _matching_step(device, code, now=now)
    if step is None:
        return None
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    User.objects.filter(pk=user.pk).update(totp_enabled=True)
    user.totp_enabled = True
    return recovery_codes_replace(user)


@transaction.atomic
def totp_reset(user: User) -> None:
    """Remove the second factor (an administrator's repair when the phone is lost): the
    officer enrols again at the next log-in where it is required."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(totp_enabled=False)
    user.totp_enabled = False


def recovery_codes_replace(user: User) -> list[str]:
    """New recovery codes (the old ones stop working); only hashes are stored."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash_recovery(c)) for c in codes
    )
    return codes


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum() and ch.isascii())


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------


def _clean_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace())


def _matching_step(device: TOTPDevice, code: str, *, now: float | None = None) -> int | None:
    """The time step (±VALID_WINDOW around now) whose code equals `code` and that is later
    than the last accepted step; None otherwise."""
    code = _clean_code(code)
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    try:
        totp = pyotp.TOTP(device_secret(device), digits=DIGITS, interval=STEP_SECONDS)
    except InvalidToken:
        return None
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step <= device.last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


@dataclass(frozen=True)
class Verification:
    ok: bool
    locked_seconds: int = 0
    used_recovery_code: bool = False
    tries_left: int = 0


def _attempt(user: User) -> lockout.Attempt:
    # Per account, whatever the address: whoever is at this step already knows the password.
    return lockout.Attempt(username=f"totp:{user.pk}", ip="*")


def totp_verify(user: User, code: str, *, now: float | None = None) -> Verification:
    """Check a TOTP code or a recovery code of the user's confirmed device (see module doc)."""
    attempt = _attempt(user)
    seconds = lockout.locked_for(attempt)
    if seconds:
        return Verification(ok=False, locked_seconds=seconds)
    device = confirmed_device(user)
    if device is not None:
        step = _matching_step(device, code, now=now)
        if step is not None:
            # Conditional update: two requests with the same code cannot both win.
            won = TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            if won:
                lockout.clear(attempt)
                return Verification(ok=True)
        elif _normalise_recovery(code) and not _clean_code(code).isdigit():
            spent = RecoveryCode.objects.filter(
                user=user, code_hash=_hash_recovery(code), used_at__isnull=True
            ).update(used_at=timezone.now())
            if spent:
                lockout.clear(attempt)
                return Verification(ok=True, used_recovery_code=True)
    count = lockout.register_failure(attempt)
    seconds = lockout.locked_for(attempt)
    return Verification(
        ok=False, locked_seconds=seconds, tries_left=max(0, lockout.max_failures() - count)
    )


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
