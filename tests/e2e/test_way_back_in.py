"""Issue 8: an applicant gets back in by e-mail after the application deadline, in a real browser at a
desk and on a phone: one not selected, who never chose a password, by the e-mailed sign-in link; and a
selected coordinator who never set a password, by "choose a new password". Both start on the login
page, which names the two ways, and read their link from the outbox's mail. Also: a locked-out login
gets the Danish lockout page, and the new public pages (login, privacy notice, lockout) pass axe-core.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from applications import services as app_services
from applications.models import ApplicationStatus
from ligepraksis.forms import EmailForm, PasswordResetForm
from ligepraksis.models import Role
from ligepraksis.services import user_get_or_create
from tests.conftest import PASSWORD, make_application, make_round, make_user
from tests.e2e.test_accessibility import axe_violations, describe

VIEWPORTS = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
NEW_PASSWORD = "Et-nyt-og-langt-kodeord-42"


def da(message: str) -> str:
    with translation.override("da"):
        return gettext(message)


def label(form_class, field: str) -> re.Pattern:
    with translation.override("da"):
        form = form_class(None) if form_class is SetPasswordForm else form_class()
        return re.compile(rf"^\s*{re.escape(str(form.fields[field].label))}")


def link_in_mail(to: str, path_pattern: str) -> str:
    """The last link matching `path_pattern` mailed to `to` (through the outbox)."""
    bodies = [m.body for m in mail.outbox if to in m.to]
    found = [m.group(0) for body in bodies for m in re.finditer(rf"https?://\S+{path_pattern}\S*/", body)]
    assert found, f"no {path_pattern} link mailed to {to}: {[m.subject for m in mail.outbox]}"
    return found[-1]


@pytest.fixture
def after_deadline(region, settings, live_server):
    """A round past its deadline with one rejected and one selected application, both decided."""
    settings.SITE_URL = live_server.url  # links in mail point at the portal being served (dev.py does it)
    round_obj = make_round(region, open_=False, places=2, name="Lige Praksis i Midt 2026")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    applicant = user_get_or_create(email="ikke.udvalgt@example.org")  # applied by link: no password
    rejected = make_application(round_obj, user=applicant, municipality="Randers")
    selected = make_application(round_obj, municipality="Herning")
    app_services.practice_registration_confirm(application=selected, user=leader)
    app_services.application_decide(
        application=rejected,
        user=leader,
        outcome=ApplicationStatus.REJECTED,
        reason="Praksis ligger uden for årets fokusområder.",
    )
    app_services.application_decide(application=selected, user=leader, outcome=ApplicationStatus.SELECTED)
    selected.refresh_from_db()
    coordinator = selected.doctor_coordinator.user
    assert coordinator is not None and not coordinator.has_usable_password()
    assert not applicant.has_usable_password()
    assert not round_obj.is_open_for_applications()
    return {"rejected": rejected, "selected": selected, "applicant": applicant, "coordinator": coordinator}


def open_login(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    expect(page.get_by_role("heading", name=da("No password, or forgotten it?"))).to_be_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_applicant_not_selected_gets_back_in_by_the_sign_in_link(
    live_server, new_context, after_deadline, viewport
):
    base, email = live_server.url, after_deadline["applicant"].email
    mail.outbox.clear()
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    open_login(page, base)
    page.get_by_role("link", name=da("Get a link to log in by e-mail")).click()
    page.wait_for_url("**/log-ind/link/")
    page.get_by_label(label(EmailForm, "email")).fill(email)
    page.get_by_role("button", name=da("Send me the link")).click()
    expect(page.get_by_role("heading", name=da("Check your e-mail"))).to_be_visible()

    link = link_in_mail(email, "/log-ind/link/")
    assert link.startswith(f"{base}/")  # made from SITE_URL, the address served
    page.goto(link)
    page.get_by_role("button", name=da("Log in"), exact=True).click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/ansoegninger/{after_deadline['rejected'].pk}/")
    expect(page.get_by_test_id("status")).to_have_text(da("Not selected"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_selected_coordinator_without_a_password_chooses_one_by_e_mail(
    live_server, new_context, after_deadline, viewport
):
    base, email = live_server.url, after_deadline["coordinator"].email
    mail.outbox.clear()
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    open_login(page, base)
    page.get_by_role("link", name=da("Choose a new password")).click()
    page.wait_for_url("**/adgangskode/")
    page.get_by_label(label(PasswordResetForm, "email")).fill(email.upper())
    page.get_by_role("button", name=da("Send the link")).click()
    expect(page.get_by_role("heading", name=da("Check your e-mail"))).to_be_visible()

    link = link_in_mail(email, "/adgangskode/ny/")
    assert link.startswith(f"{base}/")
    page.goto(link)
    page.get_by_label(label(SetPasswordForm, "new_password1")).fill(NEW_PASSWORD)
    page.get_by_label(label(SetPasswordForm, "new_password2")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=da("Save password")).click()
    expect(page.get_by_role("heading", name=da("Password saved"))).to_be_visible()

    page.get_by_role("link", name=da("Log in"), exact=True).last.click()
    with translation.override("da"):
        login_form = AuthenticationForm()
        user_label = re.compile(rf"^\s*{re.escape(str(login_form.fields['username'].label))}")
        password_label = re.compile(rf"^\s*{re.escape(str(login_form.fields['password'].label))}")
    page.get_by_label(user_label).fill(email)
    page.get_by_label(password_label).fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name=da("Log in"), exact=True).click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/ansoegninger/{after_deadline['selected'].pk}/")
    expect(page.get_by_test_id("status")).to_have_text(da("Selected"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_locked_out_login_gets_the_danish_page_with_the_ways_back(live_server, new_context, viewport):
    make_user("laast@example.org")
    client = Client(REMOTE_ADDR="127.0.0.1")  # the browser's address: axes locks the name from there
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "laast@example.org", "password": "forkert"})
    context = new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    with translation.override("da"):
        login_form = AuthenticationForm()
        page.get_by_label(re.compile(rf"^\s*{re.escape(str(login_form.fields['username'].label))}")).fill(
            "laast@example.org"
        )
        page.get_by_label(re.compile(rf"^\s*{re.escape(str(login_form.fields['password'].label))}")).fill(
            PASSWORD
        )
    page.locator("main").get_by_role("button", name=da("Log in"), exact=True).click()
    expect(page.get_by_role("heading", name=da("Too many attempts to log in"))).to_be_visible()
    expect(page.get_by_role("link", name=da("Choose a new password"))).to_be_visible()
    expect(page.get_by_role("link", name=da("Get a link to log in by e-mail"))).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", ["/login/", "/privatliv/", "/log-ind/link/"])
def test_the_public_pages_pass_axe_and_fit_a_phone(live_server, new_context, region, viewport, path):
    make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    page = new_context(viewport=VIEWPORTS[viewport], bypass_csp=True).new_page()
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200
    footer = page.locator("footer")
    expect(footer.get_by_role("link", name=da("Accessibility statement"))).to_have_attribute("href", "/was")
    expect(footer.get_by_role("link", name=da("Privacy notice"))).to_have_attribute("href", "/privatliv/")
    violations = axe_violations(page)
    assert not violations, f"{path}:\n{describe(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
