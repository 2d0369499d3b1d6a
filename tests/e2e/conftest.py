"""A real browser for the end-to-end tests: Debian's Chromium driven by Playwright's sync API.

Playwright's own browser download does not work on these machines, so the tests launch the system
Chromium through `executable_path`. Without it the tests skip (and fail under CI=true).
"""

from __future__ import annotations

import os
import shutil

import pytest

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


def _chromium_executable() -> str | None:
    return os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE") or shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    While Playwright's sync API is started, an asyncio event loop counts as running in the test thread,
    and Django refuses ORM calls from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set (it is safe here:
    nothing is really async). Both the loop and the variable last only as long as this fixture, so the
    tests outside tests/e2e keep Django's async-safety check, and subprocesses such as
    `manage.py check --deploy` do not inherit the variable.
    """
    executable = _chromium_executable()
    if not executable:
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def new_context(browser):
    """A factory of isolated browser contexts (one per actor: own cookies, own session).

    The contexts ask for Danish, as a Danish user's browser does; the portal's default is Danish too.
    """
    contexts = []

    def make(**kwargs):
        kwargs.setdefault("locale", "da-DK")
        kwargs.setdefault("timezone_id", "Europe/Copenhagen")
        context = browser.new_context(**kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(request, settings):
    """Links in mail are made from SITE_URL (ligepraksis/links.py), as `dev.py start` sets it to the
    address it serves: in a browser test that is the live server's."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url
