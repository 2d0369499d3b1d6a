"""One practice's whole path through the real pages, in a real browser.

An applicant verifies an e-mail address (the e-mailed link's "Log in" button), registers the practice
and submits; after the deadline a steering-group member scores it and recommends it; a project leader
asks for a balanced suggestion and selects it; the applicant accepts the terms and the practice is
participating.

Each actor has a browser context of their own (own cookies, own session). Elements are found by their
labels and roles, which also proves that every label is tied to its input. The visible texts are
looked up through Django's translation machinery in Danish, the portal's default language, so the test
checks what a Danish user sees whether or not a string has been translated yet.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from applications.forms import AcceptForm, ApplicationForm, RecommendationForm, ReviewForm
from applications.models import Application, ApplicationStatus, Participation
from ligepraksis.forms import EmailForm
from ligepraksis.models import Role
from practices.forms import LookupForm, PracticeRegisterForm
from tests.conftest import PASSWORD, make_round, make_user

PROVIDER_NUMBER = "054321"  # a leading zero that must survive
CVR = "29190925"  # valid: the weighted digit sum is divisible by 11
PRACTICE_NAME = "Lægehuset ved Åen"


def da(message: str, **params) -> str:
    """The text a Danish user sees for a message id of the portal (or of Django)."""
    with translation.override("da"):
        text = gettext(message)
    return text % params if params else text


def starts(text: str) -> re.Pattern:
    """A label that begins with `text` (crispy appends '*' to a required field's label)."""
    return re.compile(rf"^\s*{re.escape(text)}")


def label(form, field: str) -> re.Pattern:
    """The Danish label of a form field, taken from the form itself (model fields label themselves)."""
    with translation.override("da"):
        fields = form.base_fields if isinstance(form, type) else form.fields
        return starts(str(fields[field].label))


def log_in(page: Page, base_url: str, email: str, next_path: str) -> None:
    page.goto(f"{base_url}/login/?next={next_path}")
    with translation.override("da"):
        login_form = AuthenticationForm()
    page.get_by_label(label(login_form, "username")).fill(email)
    page.get_by_label(label(login_form, "password")).fill(PASSWORD)
    page.get_by_role("button", name=da("Log in"), exact=True).click()
    page.wait_for_url(f"**{next_path}")
    expect(page.get_by_role("button", name=da("Log out"))).to_be_visible()


def verification_link(email: str) -> str:
    messages = [m for m in mail.outbox if email in m.to]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    match = re.search(r"https?://\S+/ansoeg/\d+/bekraeft/\S+/", messages[0].body)
    assert match, messages[0].body
    return match.group(0)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_practice_applies_is_selected_and_accepts(live_server, new_context, region, tmp_path):
    base = live_server.url
    round_obj = make_round(region, open_=True, places=2, name="Lige Praksis i Midt 2026")
    steering = make_user("folge@example.org", role=Role.STEERING, round=round_obj)
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    applicant_email = "ansoeger@example.org"
    mail.outbox.clear()

    # --- (a) The applicant verifies the e-mail address, registers the practice and submits ---------
    applicant = new_context().new_page()
    applicant.goto(f"{base}/ansoeg/{round_obj.pk}/")
    expect(applicant.locator("html")).to_have_attribute("lang", "da")
    applicant.get_by_label(label(EmailForm, "email")).fill(applicant_email)
    applicant.get_by_role("button", name=da("Send me the link")).click()
    expect(applicant.get_by_role("heading", name=da("Check your e-mail"))).to_be_visible()

    # The link opens a page with a button (mail scanners open links too); pressing it logs in.
    applicant.goto(verification_link(applicant_email))
    expect(applicant.get_by_text(applicant_email)).to_be_visible()
    applicant.get_by_role("button", name=da("Log in"), exact=True).click()
    applicant.wait_for_url(f"**/ansoeg/{round_obj.pk}/praksis/")
    applicant.get_by_label(label(LookupForm, "provider_number")).fill(PROVIDER_NUMBER)
    applicant.get_by_role("button", name=da("Find the practice")).click()

    register = applicant.get_by_role("region", name=da("Register the practice"))
    expect(register).to_be_visible()
    expect(register.get_by_label(label(PracticeRegisterForm, "provider_numbers"))).to_have_value(
        PROVIDER_NUMBER
    )
    register.get_by_label(label(PracticeRegisterForm, "name")).fill(PRACTICE_NAME)
    register.get_by_label(label(PracticeRegisterForm, "cvr")).fill(CVR)
    register.get_by_label(label(PracticeRegisterForm, "address")).fill("Åvej 1")
    register.get_by_label(label(PracticeRegisterForm, "postcode")).fill("8600")
    register.get_by_label(label(PracticeRegisterForm, "city")).fill("Silkeborg")
    register.get_by_label(label(PracticeRegisterForm, "municipality")).select_option(label="Herning")
    register.get_by_label(label(PracticeRegisterForm, "form")).select_option("partnership")
    register.get_by_label(label(PracticeRegisterForm, "doctor_capacities")).fill("2")
    register.get_by_label(label(PracticeRegisterForm, "staff_count")).fill("4")
    register.get_by_label(label(PracticeRegisterForm, "listed_patients")).fill("3200")
    register.get_by_role("button", name=da("Register and continue")).click()

    applicant.wait_for_url(re.compile(r"/ansoegninger/\d+/rediger/$"))
    application = Application.objects.get(practice__cvr=CVR)
    applicant.get_by_label(label(ApplicationForm, "practice_description")).fill("To læger og fire ansatte.")
    applicant.get_by_label(label(ApplicationForm, "patient_base")).fill(
        "Mange sårbare patienter med flere sygdomme."
    )
    applicant.get_by_label(label(ApplicationForm, "motivation")).fill(
        "Vi vil gerne nå de patienter, vi ikke når i dag."
    )
    doctor = applicant.get_by_role("group", name=da("Coordinator: doctor"))
    doctor.get_by_label(label(ApplicationForm, "doctor_name")).fill("Anna Læge")
    doctor.get_by_label(label(ApplicationForm, "doctor_email")).fill("anna@example.org")
    staff = applicant.get_by_role("group", name=da("Coordinator: practice staff"))
    staff.get_by_label(label(ApplicationForm, "staff_name")).fill("Bo Sygeplejerske")
    staff.get_by_label(label(ApplicationForm, "staff_title")).fill("Sygeplejerske")
    staff.get_by_label(label(ApplicationForm, "staff_email")).fill("bo@example.org")
    applicant.get_by_role("button", name=da("Submit application")).click()

    applicant.wait_for_url(f"**/ansoegninger/{application.pk}/")
    expect(applicant.get_by_test_id("status")).to_have_text(da("Submitted"))
    expect(applicant.get_by_text(PROVIDER_NUMBER, exact=True)).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.created_by.email == applicant_email
    confirmed = {address for m in mail.outbox for address in m.to}
    assert {"anna@example.org", "bo@example.org", applicant_email} <= confirmed

    # --- (b) After the deadline a steering-group member scores and recommends ----------------------
    now = timezone.now()
    round_obj.applications_open_at = now - dt.timedelta(days=10)
    round_obj.application_deadline = now - dt.timedelta(minutes=1)
    round_obj.save(update_fields=["applications_open_at", "application_deadline"])

    member = new_context().new_page()
    review_path = f"/ansoegninger/{application.pk}/vurdering/"
    log_in(member, base, steering.email, review_path)
    for criterion, score in (("Motivation", "4"), ("Patientgrundlag", "5")):
        member.get_by_label(criterion, exact=True).select_option(score)
    member.get_by_label(label(ReviewForm, "comment")).fill("En stærk ansøgning.")
    member.get_by_role("button", name=da("Save review")).click()
    member.wait_for_url(f"**/runder/{round_obj.pk}/ansoegninger/")
    expect(member.get_by_role("link", name=da("Scored – change"))).to_be_visible()

    member.goto(f"{base}/ansoegninger/{application.pk}/")
    recommendation = member.get_by_role("region", name=da("Recommendation (steering group)"))
    recommendation.get_by_label(label(RecommendationForm, "outcome")).select_option("select")
    recommendation.get_by_label(label(RecommendationForm, "reason")).fill(
        "Dækker Vest og partnerskabspraksis."
    )
    recommendation.get_by_role("button", name=da("Record recommendation")).click()
    expect(member.get_by_text(da("The recommendation is recorded."))).to_be_visible()
    assert application.recommendations.filter(outcome="select", recorded_by=steering).exists()

    # --- (c) A project leader asks for a suggestion and selects the practice -----------------------
    lead = new_context().new_page()
    # The practice registered itself while applying: a leader confirms the registration first.
    log_in(lead, base, leader.email, f"/ansoegninger/{application.pk}/")
    expect(lead.get_by_test_id("unconfirmed-practice")).to_be_visible()
    lead.get_by_role("button", name=da("Confirm the practice's registration")).click()
    expect(lead.get_by_text(da("The practice's registration is confirmed."))).to_be_visible()
    selection_path = f"/runder/{round_obj.pk}/udvaelgelse/"
    lead.goto(f"{base}{selection_path}")
    suggest = lead.locator("button[name='suggest']")
    expect(suggest).to_have_accessible_name(da("Suggest a balanced selection"))
    suggest.click()
    suggestion = lead.get_by_test_id("suggestion")
    expect(suggestion).to_be_visible()
    expect(suggestion.get_by_role("link", name=PRACTICE_NAME)).to_be_visible()

    row = lead.get_by_test_id("selection-table").get_by_role("row").filter(has_text=PRACTICE_NAME)
    row.get_by_label(da("Decision for %(p)s", p=PRACTICE_NAME)).select_option("selected")
    row.get_by_role("button", name=da("Decide …")).click()
    # Nothing is decided yet: the page says what will happen and who gets mail, and asks to confirm.
    expect(lead.get_by_test_id("decision-recipients")).to_contain_text(applicant_email)
    lead.get_by_role("button", name=da("Confirm: %(to)s", to=da("Selected"))).click()
    decided = da("The decision is recorded and the practice informed by e-mail.")
    expect(lead.get_by_text(decided)).to_be_visible()
    places_msg = "%(taken)s of %(places)s places taken (selected, participating or offered)."
    places = da(places_msg, taken=1, places=2)
    expect(lead.get_by_test_id("places")).to_have_text(places)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED

    # --- (d) The applicant, still logged in, accepts the terms ---------------------------------------
    applicant.goto(f"{base}/ansoegninger/{application.pk}/")
    expect(applicant.get_by_test_id("status")).to_have_text(da("Selected"))
    applicant.get_by_role("link", name=da("Accept the participation terms")).click()
    applicant.get_by_label(label(AcceptForm, "confirm")).check()
    applicant.get_by_role("button", name=da("Accept and take part")).click()
    applicant.wait_for_url(f"**/ansoegninger/{application.pk}/")
    expect(applicant.get_by_test_id("status")).to_have_text(da("Participating"))
    applicant.screenshot(path=str(tmp_path / "participating.png"), full_page=True)

    participation = Participation.objects.get(application=application)
    assert participation.practice.provider_numbers_display() == PROVIDER_NUMBER
    assert participation.accepted_by.email == applicant_email
    assert participation.terms == round_obj.current_terms()
