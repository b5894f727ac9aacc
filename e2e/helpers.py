"""Helpers of the browser tests (docs/dev/e2e.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT_MS = 10_000

# Demo log-ins (public: motcua.demo.services.DEMO_ACCOUNTS).
RECEIVER = ("taison.tiepnhan", "Hoa-Sen-2023!")
SUPERVISOR = ("tinh.giamsat", "Bien-Dong-2023!")


# Known missing assets, reported to the lead, that must not hide real errors: browsers ask for
# /favicon.ico on every page and the project does not ship one.
IGNORED_MISSING = ("/favicon.ico",)
# Chromium's CSP wording: "Refused to execute inline script …" (older) and "Applying inline
# style violates the following Content Security Policy directive …" (recent).
CSP_RE = re.compile(r"Refused to|Content Security Policy|Content-Security-Policy")


@dataclass
class Console:
    """Console messages and uncaught page errors seen by every page of one browser context."""

    # (page URL, type, text, source URL: for "Failed to load resource" the resource itself)
    messages: list[tuple[str, str, str, str]] = field(default_factory=list)
    page_errors: list[tuple[str, str]] = field(default_factory=list)  # (page URL, message)

    def problems(self) -> list[str]:
        """CSP violations ("Refused to …"), console errors and uncaught JS errors."""
        found = []
        for url, kind, text, source in self.messages:
            if text.startswith("Failed to load resource") and source.endswith(IGNORED_MISSING):
                continue
            if kind == "error" or CSP_RE.search(text):
                found.append(f"{kind}: {text} [{source}] @ {url}")
        found += [f"pageerror: {message} @ {url}" for url, message in self.page_errors]
        return found

    def csp_violations(self) -> list[str]:
        return [text for _url, _kind, text, _source in self.messages if CSP_RE.search(text)]


def watch(page: Any, console: Console) -> None:
    """Record console messages and uncaught errors of `page` into `console`."""
    page.on(
        "console",
        lambda m: console.messages.append(
            (page.url, m.type, m.text, (m.location or {}).get("url", ""))
        ),
    )
    page.on("pageerror", lambda e: console.page_errors.append((page.url, str(e))))


def login(page: Any, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "/dang-nhap/" not in page.url, f"log-in failed for {username}"


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot for humans under e2e/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def cccd(*, province: str = "030", birth_year: int, female: bool, serial: int) -> str:
    """A valid 12-digit personal identification number, DOMAIN §10.2 (NĐ 137/2015 art. 13):
    3-digit province code, century/sex digit (20th c.: 0 men, 1 women; 21st c.: 2/3),
    2-digit birth year, 6-digit serial."""
    g = (birth_year // 100 - 19) * 2 + (1 if female else 0)
    return f"{province}{g}{birth_year % 100:02d}{serial:06d}"
