"""Which language a request is answered in: Vietnamese unless the user chose another.

Django's `LocaleMiddleware` follows the browser's `Accept-Language`; many officers and citizens
in Vietnam use a browser or phone set to English, and the commune's system would then greet
them in English. Here pages are in `vi` (LANGUAGE_CODE) unless the language cookie says
otherwise — set by the switch in the footer (`POST /i18n/setlang/`). Machine clients (the REST
API under `/api/`, Open311 under `/open311/`) have no cookie: for them `Accept-Language` is the
ordinary HTTP negotiation and is followed. `MOTCUA_LANGUAGE_FROM_BROWSER=1` makes pages follow
the browser too (Django's behaviour). docs/dev/translations.md.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

#: Paths of machine clients, which negotiate by `Accept-Language`.
NEGOTIATED_PREFIXES = ("/api/", "/open311/")


def page_language(request: HttpRequest) -> str:
    """The language cookie's language when it is one we serve, else LANGUAGE_CODE (no cookie,
    or one naming a language we do not serve)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(chosen)
    except LookupError:
        return str(settings.LANGUAGE_CODE)


class LanguageMiddleware(LocaleMiddleware):
    """`LocaleMiddleware` (in its place in the stack) choosing as the module says."""

    def process_request(self, request: HttpRequest) -> None:
        follow_browser = getattr(settings, "MOTCUA_LANGUAGE_FROM_BROWSER", False)
        if follow_browser or request.path_info.startswith(NEGOTIATED_PREFIXES):
            super().process_request(request)
            return
        translation.activate(page_language(request))
        request.LANGUAGE_CODE = translation.get_language()
