"""Browser tests: Playwright drives Debian's Chromium (`/usr/bin/chromium`) against
pytest-django's `live_server` (docs/dev/e2e.md).

One browser per session, a fresh context (cookies, storage) per test. The browser binary is
never downloaded: without `/usr/bin/chromium` every browser test is skipped with a stated reason
(CI installs the Debian package). Screenshots for humans go to `e2e/artifacts/` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.helpers import TIMEOUT_MS, Console, watch

CHROMIUM = Path(os.environ.get("MOTCUA_E2E_CHROMIUM", "/usr/bin/chromium"))
# Root in containers needs --no-sandbox; the networking flags keep Chromium off the internet
# (component updates, sync, safe-browsing lists, QUIC probes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under e2e/ carries the `e2e` marker (`pytest -m e2e` / `-m "not e2e"`), and
    the browser tests run LAST: Playwright's sync API keeps an asyncio loop running in the main
    thread while the session-wide browser lives, which would make `asyncio.run()` (pyHanko's
    signing) fail and Django's async-safety check pass wrongly in every test run after them."""
    root = Path(__file__).resolve().parent
    browser_tests = []
    for item in items:
        if root in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            browser_tests.append(item)
    if browser_tests:
        chosen = set(browser_tests)
        items[:] = [item for item in items if item not in chosen] + browser_tests


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium ({CHROMIUM}) is not installed: browser tests skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread; Django's ORM calls made by the
    # tests themselves (fixtures, assertions) are still synchronous, so allow them here only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def flushable_append_only_tables(transactional_db: None) -> Iterator[None]:
    """Let the flush after each live-server test empty the append-only tables on SQLite.

    `motcua.core.db.append_only_operation` installs triggers refusing DELETE; Django flushes a
    SQLite test database with DELETE (PostgreSQL uses TRUNCATE, which row triggers ignore).
    Before the flush, drop those triggers, empty their tables, and put the triggers back.
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE '%append_only%'"
        )
        triggers = cursor.fetchall()
        for name, _table, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in sorted({table for _name, table, _sql in triggers}):
            cursor.execute(f'DELETE FROM "{table}"')
        for _name, _table, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    """The demo data set (xã Tái Sơn), committed so the live server thread sees it."""
    from motcua.demo.services import demo_load

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()


@pytest.fixture
def context(browser: Any, live_server: Any) -> Iterator[Any]:
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(context: Any, console: Console) -> Any:
    # Every page of the context is watched, including the print pages opened in a new tab.
    context.on("page", lambda new: watch(new, console))
    return context.new_page()
