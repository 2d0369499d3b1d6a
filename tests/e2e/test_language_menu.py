"""The language menu in a real browser: arrow keys only move the choice, the button changes language.

Before, the menu submitted itself on change (an inline onchange), so a keyboard user who arrowed
through the list was sent to a new page at the first key (WCAG 3.2.2, On Input), and the handler
needed inline script, which the Content-Security-Policy now forbids.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_arrow_keys_do_not_submit_the_language_menu_and_the_button_does(live_server, new_context):
    page = new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/aktiviteter/")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    menu = page.locator("select#language")
    menu.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)  # time for a submit, if one were made
    expect(menu).to_have_value("en")
    expect(page.locator("html")).to_have_attribute("lang", "da")  # still the same page, in Danish
    assert page.url == f"{live_server.url}/aktiviteter/"
    page.get_by_role("button", name="Skift").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == f"{live_server.url}/aktiviteter/"
    assert not [e for e in errors if "Content Security Policy" in e], errors
