"""Sending messages to citizens: e-mail through Django's mail framework, SMS through a
pluggable backend.

A real SMS gateway plugs in as a class with a `send(*, phone, text)` method named by the dotted
path in `settings.MOTCUA["SMS_BACKEND"]` (default: `LoggingSmsBackend`, which only logs and
keeps the messages in `LoggingSmsBackend.outbox` for tests). E-mail uses `EMAIL_BACKEND`; in
DEBUG, when the SMTP default is still set, the console backend is used instead.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Development and test SMS backend: logs the message, sends nothing."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, phone: str, text: str) -> None:
        LoggingSmsBackend.outbox.append((phone, text))
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    path = str(settings.MOTCUA.get("SMS_BACKEND", "motcua.portal.notify.LoggingSmsBackend"))
    backend: SmsBackend = import_string(path)()
    return backend


def notify(*, channel: str, destination: str, subject: str, text: str) -> None:
    """Send `text` to a phone number (`channel="sms"`) or an e-mail address (`"email"`)."""
    if channel == "sms":
        sms_backend().send(phone=destination, text=text)
        return
    send_mail(subject, text, None, [destination], connection=mail_connection())


def mail_connection() -> Any:
    """A connection of the configured e-mail backend; in DEBUG, while the SMTP default is still
    set (the demo: no mail server), the console backend's. Every sender uses this one."""
    if settings.DEBUG and settings.EMAIL_BACKEND == SMTP_BACKEND:
        return get_connection(CONSOLE_BACKEND)
    return get_connection()
