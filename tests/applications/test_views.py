"""The application pages through the test client: three actors per view, and the whole apply flow."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import Application, ApplicationStatus, Review
from ligepraksis import signin
from ligepraksis.models import Role
from ligepraksis.services import user_get_or_create
from practices.models import Practice
from tests.conftest import make_application, make_practice, make_user, signin_token
from tests.helpers import body, english, login


@pytest.fixture
def owner(db):
    return make_user("ejer@example.org")


@pytest.fixture
def submitted(closed_round, owner):
    return make_application(closed_round, user=owner)


@pytest.fixture
def draft(open_round, owner):
    return make_application(open_round, user=owner, submit=False)


# --- detail -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_sees_the_application_detail(client, submitted, owner):
    response = login(client, owner).get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 200
    assert submitted.practice.name in response.content.decode()
    assert response.context["is_owner"] is True


@pytest.mark.django_db
def test_leader_sees_the_application_detail_with_the_decision_form(client, submitted, leader):
    response = login(client, leader).get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 200
    assert response.context["can_decide"] is True
    assert response.context["decision_form"] is not None


@pytest.mark.django_db
def test_outsider_gets_404_on_the_application_detail(client, submitted, outsider):
    response = login(client, outsider).get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 404


# --- edit ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_can_open_the_draft_for_editing(client, draft, owner):
    response = login(client, owner).get(reverse("applications:edit", args=[draft.pk]))
    assert response.status_code == 200
    assert response.context["form"].instance.pk == draft.pk


@pytest.mark.django_db
def test_colleague_of_the_practice_can_edit_the_draft(client, draft):
    colleague = make_user("kollega@example.org", practice=draft.practice)
    url = reverse("applications:edit", args=[draft.pk])
    response = login(client, colleague).post(
        url, {"practice_description": "Skrevet af kollegaen", "save": "1"}
    )
    assert response.status_code == 302 and response["Location"] == url
    draft.refresh_from_db()
    assert draft.practice_description == "Skrevet af kollegaen"


@pytest.mark.django_db
def test_leader_of_the_round_may_see_but_not_edit_a_draft(client, draft, open_round):
    leader = make_user("rundeleder@example.org", role=Role.PROJECT_LEADER, round=open_round)
    assert login(client, leader).get(reverse("applications:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("applications:edit", args=[draft.pk])).status_code == 403


@pytest.mark.django_db
def test_outsider_gets_404_on_edit_and_nothing_is_saved(client, draft, outsider):
    response = login(client, outsider).post(
        reverse("applications:edit", args=[draft.pk]), {"motivation": "Overtaget", "save": "1"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.motivation != "Overtaget"


# --- review -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_steering_member_scores_an_application(client, submitted, steering, closed_round):
    url = reverse("applications:review", args=[submitted.pk])
    assert login(client, steering).get(url).status_code == 200
    data = {f"score_{c.pk}": "4" for c in closed_round.criteria.all()}
    data["comment"] = "Stærk ansøgning"
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:round_list", args=[closed_round.pk])
    review = Review.objects.get(application=submitted, reviewer=steering)
    assert sorted(review.scores.values_list("value", flat=True)) == [4, 4]


@pytest.mark.django_db
def test_owner_may_not_review_their_own_application(client, submitted, owner):
    response = login(client, owner).get(reverse("applications:review", args=[submitted.pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_outsider_gets_404_on_review(client, submitted, outsider):
    response = login(client, outsider).get(reverse("applications:review", args=[submitted.pk]))
    assert response.status_code == 404


# --- decide -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_leader_selects_an_application(client, submitted, leader):
    url = reverse("applications:decide", args=[submitted.pk])
    response = login(client, leader).post(url, {"outcome": ApplicationStatus.SELECTED})
    assert response.status_code == 200  # first what will happen, to confirm
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    response = client.post(url, {"outcome": ApplicationStatus.SELECTED, "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SELECTED


@pytest.mark.django_db
def test_steering_member_may_not_decide(client, submitted, steering):
    response = login(client, steering).post(
        reverse("applications:decide", args=[submitted.pk]), {"outcome": ApplicationStatus.SELECTED}
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_outsider_gets_404_on_decide(client, submitted, outsider):
    response = login(client, outsider).post(
        reverse("applications:decide", args=[submitted.pk]), {"outcome": ApplicationStatus.SELECTED}
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


# --- selection and export -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_leader_sees_the_selection_workspace_with_every_application(client, closed_round, leader):
    make_application(closed_round)
    make_application(closed_round)
    response = login(client, leader).get(reverse("applications:selection", args=[closed_round.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('data-row="application"') == 2


@pytest.mark.django_db
def test_steering_member_gets_404_on_the_selection_workspace(client, closed_round, steering):
    response = login(client, steering).get(reverse("applications:selection", args=[closed_round.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_outsider_gets_404_on_the_selection_workspace(client, closed_round, outsider):
    response = login(client, outsider).get(reverse("applications:selection", args=[closed_round.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_leader_downloads_the_xlsx_export(client, submitted, closed_round, leader):
    response = login(client, leader).get(
        reverse("applications:export", args=[closed_round.pk]) + "?format=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].rstrip('"').endswith(".xlsx")


@pytest.mark.django_db
def test_leader_downloads_the_csv_export_with_the_practice(client, submitted, closed_round, leader):
    url = reverse("applications:export", args=[closed_round.pk]) + "?format=csv"
    response = login(client, leader).get(url)
    assert response.status_code == 200
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    assert submitted.practice.name in text


@pytest.mark.django_db
def test_steering_member_gets_404_on_the_export(client, closed_round, steering):
    response = login(client, steering).get(reverse("applications:export", args=[closed_round.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_outsider_gets_404_on_the_export(client, closed_round, outsider):
    response = login(client, outsider).get(reverse("applications:export", args=[closed_round.pk]))
    assert response.status_code == 404


# --- The apply flow -----------------------------------------------------------------------------------


def _verification_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/ansoeg/\d+/bekraeft/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _register_data(region, **overrides):
    data = {
        "step": "register",
        "provider_numbers": "654321",
        "name": "Lægehuset ved Åen",
        "cvr": "29190925",
        "address": "Åboulevarden 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "municipality": str(region.municipalities.get(name="Aarhus").pk),
        "form": "partnership",
        "doctor_capacities": "2.5",
        "staff_count": "4",
        "listed_patients": "3200",
    }
    data.update(overrides)
    return data


def _edit_data(**overrides):
    data = {
        "practice_description": "Vi er fire læger i midtbyen.",
        "patient_base": "Mange patienter med flere kroniske sygdomme.",
        "motivation": "Vi vil gerne række ud til dem, der ikke selv kommer.",
        "doctor_name": "Anne Læge",
        "doctor_email": "anne@laegehuset.dk",
        "doctor_phone": "86 12 34 56",
        "staff_name": "Bo Sygeplejerske",
        "staff_title": "Sygeplejerske",
        "staff_email": "bo@laegehuset.dk",
        "staff_phone": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_apply_flow_from_email_to_submitted_application(
    client, open_round, region, django_capture_on_commit_callbacks
):
    english(client)
    # 1. E-mail address -> a mail with a link.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:apply", args=[open_round.pk]), {"email": "ny@laegehuset.dk"}
        )
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ny@laegehuset.dk"]
    link = _verification_link(mail.outbox[0])

    # 2. The link opens a page with a button; pressing it logs the applicant in and sends them on to
    # the practice step.
    response = client.get(link)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(link)
    start_url = reverse("applications:start", args=[open_round.pk])
    assert response.status_code == 302 and response["Location"] == start_url
    assert client.session.get("_auth_user_id")
    assert client.get(start_url).status_code == 200

    # 3. An unknown provider number opens the register form with the number filled in.
    response = client.post(start_url, {"step": "lookup", "provider_number": "654 321"})
    assert response.status_code == 200
    register = response.context["register"]
    assert register is not None
    assert register.initial["provider_numbers"] == "654321"

    # 4. Register form errors say what is wrong.
    response = client.post(start_url, _register_data(region, cvr="29190926"))
    assert response.status_code == 200
    assert "check digit" in " ".join(response.context["register"].errors["cvr"])
    response = client.post(start_url, _register_data(region, provider_numbers="12345"))
    assert "6 digits" in " ".join(response.context["register"].errors["provider_numbers"])
    taken = make_practice(region).provider_numbers.get().number
    response = client.post(start_url, _register_data(region, provider_numbers=taken))
    assert response.status_code == 200
    errors = " ".join(response.context["register"].errors["provider_numbers"])
    assert f"Provider number {taken} is already registered" in errors and "Look it up instead" in errors
    assert "Look it up instead" in response.content.decode()
    assert not Practice.objects.filter(cvr="29190925").exists()

    # 5. A valid registration creates the practice and a draft, and opens the edit page.
    response = client.post(start_url, _register_data(region))
    assert response.status_code == 302
    app = Application.objects.get(practice__cvr="29190925")
    edit_url = reverse("applications:edit", args=[app.pk])
    assert response["Location"] == edit_url
    assert app.status == ApplicationStatus.DRAFT
    assert list(app.practice.provider_numbers.values_list("number", flat=True)) == ["654321"]

    # 6. Save a half-filled draft.
    half = _edit_data(patient_base="", motivation="", staff_name="", staff_title="", staff_email="")
    response = client.post(edit_url, {**half, "save": "1"})
    assert response.status_code == 302 and response["Location"] == edit_url
    app.refresh_from_db()
    assert app.practice_description == "Vi er fire læger i midtbyen."
    assert app.doctor_email == "anne@laegehuset.dk" and app.staff_email == ""
    assert app.doctor_coordinator is None  # nobody becomes a person of the practice before submitting

    # 7. Submitting without a staff coordinator says what is missing.
    no_staff = _edit_data(staff_name="", staff_title="", staff_email="")
    response = client.post(edit_url, {**no_staff, "submit": "1"})
    assert response.status_code == 200
    assert "coordinator (staff)" in " ".join(response.context["form"].non_field_errors())
    assert "coordinator (staff)" in response.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT

    # 8. A CPR number in the motivation is refused, naming the field, and nothing is saved.
    before = Application.objects.filter(pk=app.pk).values().get()
    cpr = _edit_data(practice_description="Ændret tekst", motivation="Fx patient 010190-1234")
    response = client.post(edit_url, {**cpr, "save": "1"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["motivation"])
    assert "“motivation”" in errors and "CPR number" in errors
    assert "CPR number" in response.content.decode()
    after = Application.objects.filter(pk=app.pk).values().get()
    assert after == before
    assert after["practice_description"] != "Ændret tekst"

    # 9. The full application is submitted and both coordinators get a confirmation.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, {**_edit_data(), "submit": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[app.pk])
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.submitted_at is not None
    recipients = {address for m in mail.outbox for address in m.to}
    assert {"anne@laegehuset.dk", "bo@laegehuset.dk"} <= recipients
    assert "ny@laegehuset.dk" in recipients


@pytest.mark.django_db
def test_lookup_of_a_registered_provider_number_offers_that_practice(client, open_round, region, owner):
    practice = make_practice(region)
    number = practice.provider_numbers.get().number
    start_url = reverse("applications:start", args=[open_round.pk])
    response = login(client, owner).post(start_url, {"step": "lookup", "provider_number": number})
    assert response.status_code == 200
    assert response.context["found"] == practice
    response = client.post(start_url, {"step": "confirm", "provider_number": number})
    app = Application.objects.get(practice=practice, round=open_round)
    assert response["Location"] == reverse("applications:edit", args=[app.pk])


@pytest.mark.django_db
def test_danish_applicant_registers_doctor_capacities_with_a_decimal_comma(client, open_round, region, owner):
    start_url = reverse("applications:start", args=[open_round.pk])
    response = login(client, owner).post(start_url, _register_data(region, doctor_capacities="2,5"))
    assert response.status_code == 302, response.context["register"].errors
    assert Practice.objects.get(cvr="29190925").doctor_capacities == Decimal("2.5")


@pytest.mark.django_db
def test_expired_verification_link_gives_a_clear_message(client, open_round):
    user = user_get_or_create(email="sen@example.org")
    token = signin_token(user, signin.apply_scope(open_round.pk), minutes_ago=31)
    link = reverse("applications:verify", args=[open_round.pk, token])
    english(client)
    for call in (client.get, client.post):
        response = call(link, follow=True)
        assert response.redirect_chain[0][0] == reverse("applications:apply", args=[open_round.pk])
        assert "it is more than 30 minutes old" in response.content.decode()
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_invalid_verification_link_gives_a_clear_message(client, open_round):
    token = signin_token(user_get_or_create(email="x@example.org"), signin.apply_scope(open_round.pk))
    link = reverse("applications:verify", args=[open_round.pk, token[:-3] + "abc"])
    response = english(client).post(link, follow=True)
    assert response.redirect_chain[0][0] == reverse("applications:apply", args=[open_round.pk])
    assert "This sign-in link does not work (any more)" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- Language -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_danish_is_the_default_language(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert response["Content-Language"] == "da"
    assert "Adgangskode" in html  # Django's own Danish label for the password field
    assert "Log ind" in html  # the nav, from the portal's Danish catalogue


@pytest.mark.django_db
def test_english_can_be_selected(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Log ind" not in html
    assert "Password" in html and "Adgangskode" not in html


@pytest.mark.django_db
def test_leader_withdraws_a_selected_practice_on_its_behalf_and_the_place_is_offered_on(
    client, closed_round, leader, django_capture_on_commit_callbacks
):
    from applications import services

    selected = make_application(closed_round)
    waiting = make_application(closed_round)
    services.application_decide(application=selected, user=leader, outcome=ApplicationStatus.SELECTED)
    services.application_decide(application=waiting, user=leader, outcome=ApplicationStatus.WAITLISTED)
    login(client, leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:withdraw", args=[selected.pk]), {"reason": "Praksis ringede og meldte fra"}
        )
    assert response.status_code == 302
    selected.refresh_from_db()
    waiting.refresh_from_db()
    assert selected.status == ApplicationStatus.WITHDRAWN
    assert selected.events.last().actor == leader
    assert waiting.status == ApplicationStatus.OFFERED
