"""The activity pages through the test client: three actors per view (the owner, a colleague or
leader with access, an outsider who gets 404), and the flows behind each form."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from activities.models import (
    Activity,
    ActivityKind,
    ClaimStatus,
    HourClaim,
    Registration,
    RegistrationStatus,
    Session,
)
from ligepraksis.models import Role
from practices.models import Membership, Person, PersonKind
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_session,
    participate,
    practice_user,
    provider,
    provider_user,
)
from tests.conftest import make_practice, make_user
from tests.helpers import body as response_body
from tests.helpers import english, login

PDF = b"%PDF-1.4 evidence"


@pytest.fixture(autouse=True)
def _setup(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def org(db):
    return provider("VID")


@pytest.fixture
def world(closed_round, leader, org):
    """A participating practice with a user and two members; an activity with an upcoming session."""
    participation, user = participate(closed_round, leader)
    practice = participation.practice
    doctor = participation.application.doctor_coordinator
    staff = participation.application.staff_coordinator
    activity = make_activity(closed_round, org=org, title="Webinar om sårbare patienter", hours="1.5")
    session = make_session(activity, capacity=10)
    return {
        "round": closed_round,
        "practice": practice,
        "user": user,
        "doctor": doctor,
        "staff": staff,
        "activity": activity,
        "session": session,
        "participation": participation,
    }


@pytest.fixture
def other_practice_user(region):
    return practice_user(make_practice(region))


# --- The public catalogue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_sees_the_catalogue_with_free_places(client, world):
    full = make_session(world["activity"], capacity=1, starts_at=timezone.now() + dt.timedelta(days=20))
    Registration.objects.create(
        session=full, person=world["doctor"], practice=world["practice"], status=RegistrationStatus.CONFIRMED
    )
    cancelled = make_session(world["activity"], starts_at=timezone.now() + dt.timedelta(days=25))
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    response = english(client).get(reverse("activities:catalogue"))
    html = body(response)
    assert response.status_code == 200
    assert html.count('data-row="session"') == 3
    assert "Webinar om sårbare patienter" in html and "VID" in html
    assert "10 free places" in html
    assert "Full – waiting list" in html
    assert "Cancelled" in html


@pytest.mark.django_db
def test_catalogue_filters_by_kind_month_and_audience(client, world, org):
    course = make_activity(
        world["round"], org=org, title="Kursus i samtaler", kind=ActivityKind.COURSE, audience="doctors"
    )
    later = timezone.localtime(world["session"].starts_at) + dt.timedelta(days=40)
    make_session(course, starts_at=later)
    client = english(client)
    html = body(client.get(reverse("activities:catalogue"), {"kind": "course"}))
    assert html.count('data-row="session"') == 1 and "Kursus i samtaler" in html
    month = f"{later.year:04d}-{later.month:02d}"
    html = body(client.get(reverse("activities:catalogue"), {"month": month}))
    assert "Kursus i samtaler" in html and "Webinar om sårbare patienter" not in html.split("<tbody>")[1]
    html = body(client.get(reverse("activities:catalogue"), {"audience": "staff"}))
    assert html.count('data-row="session"') == 1  # the webinar is for both; the course for doctors only


@pytest.mark.django_db
def test_activity_page_is_public_and_shows_its_sessions(client, world):
    response = english(client).get(reverse("activities:activity", args=[world["activity"].pk]))
    assert response.status_code == 200
    assert body(response).count('data-row="session"') == 1
    assert reverse("activities:activity_edit", args=[world["activity"].pk]) not in body(response)


# --- Sign-up --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_user_signs_up_two_people_and_the_second_waits(client, world):
    session = world["session"]
    session.capacity = 1
    session.save()
    client = login(english(client), world["user"])
    response = client.post(
        reverse("activities:signup", args=[session.pk]),
        {"practice": world["practice"].pk, "persons": [world["doctor"].pk, world["staff"].pk]},
        follow=True,
    )
    html = body(response)
    assert response.redirect_chain[-1][0] == reverse("activities:practice_hours", args=[world["practice"].pk])
    statuses = dict(Registration.objects.filter(session=session).values_list("person_id", "status"))
    assert sorted(statuses.values()) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert "Confirmed:" in html and "On the waiting list" in html


@pytest.mark.django_db
def test_sign_up_adds_a_person_on_the_spot(client, world):
    client = login(english(client), world["user"])
    response = client.post(
        reverse("activities:signup", args=[world["session"].pk]),
        {"practice": world["practice"].pk, "new_name": "Ny Vikar", "new_kind": PersonKind.STAFF},
    )
    assert response.status_code == 302
    person = Person.objects.get(name="Ny Vikar")
    assert Membership.objects.filter(person=person, practice=world["practice"], ended_on=None).exists()
    assert Registration.objects.filter(session=world["session"], person=person).exists()


@pytest.mark.django_db
def test_refused_sign_up_shows_the_error_and_keeps_no_new_person(client, world):
    Registration.objects.create(
        session=world["session"],
        person=world["doctor"],
        practice=world["practice"],
        status=RegistrationStatus.CONFIRMED,
    )
    client = login(english(client), world["user"])
    response = client.post(
        reverse("activities:signup", args=[world["session"].pk]),
        {
            "practice": world["practice"].pk,
            "persons": [world["doctor"].pk],
            "new_name": "Ny Vikar",
            "new_kind": PersonKind.STAFF,
        },
    )
    assert response.status_code == 200
    assert "is already signed up for this session" in body(response)
    assert not Person.objects.filter(name="Ny Vikar").exists()  # nothing half-saved


@pytest.mark.django_db
def test_sign_up_cannot_choose_someone_outside_the_practice(client, world, other_practice_user, region):
    stranger = make_person(make_practice(region))
    response = login(english(client), world["user"]).post(
        reverse("activities:signup", args=[world["session"].pk]),
        {"practice": world["practice"].pk, "persons": [stranger.pk]},
    )
    assert response.status_code == 200
    assert not Registration.objects.filter(person=stranger).exists()


@pytest.mark.django_db
def test_user_without_a_practice_is_told_how_to_get_access(client, world, outsider):
    response = login(english(client), outsider).get(reverse("activities:signup", args=[world["session"].pk]))
    assert response.status_code == 200
    assert "not linked to a practice" in body(response)


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in_to_sign_up(client, world):
    response = client.get(reverse("activities:signup", args=[world["session"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Cancelling a registration --------------------------------------------------------------------


@pytest.fixture
def registration(world):
    return Registration.objects.create(
        session=world["session"],
        person=world["doctor"],
        practice=world["practice"],
        status=RegistrationStatus.CONFIRMED,
    )


@pytest.mark.django_db
def test_practice_user_cancels_its_registration(client, world, registration):
    response = login(english(client), world["user"]).post(
        reverse("activities:registration_cancel", args=[registration.pk])
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.django_db
def test_leader_cancels_a_registration(client, world, registration, leader):
    login(english(client), leader).post(reverse("activities:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.django_db
def test_other_practice_gets_404_cancelling_a_registration(client, world, registration, other_practice_user):
    response = login(english(client), other_practice_user).post(
        reverse("activities:registration_cancel", args=[registration.pk])
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


# --- The practice's hours page --------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_sees_its_progress_split_by_person(client, world, leader):
    past = make_session(world["activity"], starts_at=timezone.now() - dt.timedelta(days=3))
    for person in (world["doctor"], world["staff"]):
        Registration.objects.create(
            session=past,
            person=person,
            practice=world["practice"],
            status=RegistrationStatus.CONFIRMED,
            attended=True,
        )
    response = login(english(client), world["user"]).get(
        reverse("activities:practice_hours", args=[world["practice"].pk])
    )
    html = body(response)
    assert response.status_code == 200
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="3.0"' in html or 'aria-valuenow="3.00"' in html
    assert 'aria-valuemax="10' in html
    assert "3 of 10 hours" in html
    assert html.count('data-row="person"') == 2
    assert "/kalender/praksis/" in html  # the practice's calendar feed
    assert html.count('data-row="open-session"') == 1


@pytest.mark.django_db
def test_progress_label_is_danish_by_default(client, world):
    past = make_session(world["activity"], starts_at=timezone.now() - dt.timedelta(days=3))
    Registration.objects.create(
        session=past,
        person=world["doctor"],
        practice=world["practice"],
        status=RegistrationStatus.CONFIRMED,
        attended=True,
    )
    login(client, world["user"])
    html = body(client.get(reverse("activities:practice_hours", args=[world["practice"].pk])))
    assert re.search(r"1,5 (of|af) 10", html)  # Danish decimals in the progress label


@pytest.mark.django_db
def test_leader_sees_the_practice_hours_page_read_only(client, world, leader):
    response = login(english(client), leader).get(
        reverse("activities:practice_hours", args=[world["practice"].pk])
    )
    assert response.status_code == 200
    assert response.context["is_own"] is False
    assert reverse("activities:claim_new", args=[world["practice"].pk]) not in body(response)


@pytest.mark.django_db
def test_other_practice_gets_404_on_the_hours_page(client, world, other_practice_user):
    response = login(english(client), other_practice_user).get(
        reverse("activities:practice_hours", args=[world["practice"].pk])
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_my_hours_goes_to_the_users_practice(client, world):
    response = login(english(client), world["user"]).get(reverse("activities:my_hours"))
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:practice_hours", args=[world["practice"].pk])


# --- Claims ---------------------------------------------------------------------------------------


def _claim_data(world, **extra):
    data = {
        "person": world["staff"].pk,
        "description": "Temadag om ulighed i sundhed",
        "occurred_on": "22-11-2026",
        "hours": "2,5",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_practice_claims_hours_with_evidence(client, world):
    data = _claim_data(world, evidence=SimpleUploadedFile("bevis.pdf", PDF, content_type="application/pdf"))
    response = login(english(client), world["user"]).post(
        reverse("activities:claim_new", args=[world["practice"].pk]), data
    )
    assert response.status_code == 302
    claim = HourClaim.objects.get()
    assert claim.status == ClaimStatus.PENDING
    assert claim.hours == Decimal("2.5") and claim.occurred_on == dt.date(2026, 11, 22)
    assert claim.round == world["round"]


@pytest.mark.django_db
def test_claim_evidence_that_is_not_a_pdf_is_an_error_on_the_field(client, world):
    data = _claim_data(world, evidence=SimpleUploadedFile("bevis.pdf", b"MZ not a pdf"))
    response = login(english(client), world["user"]).post(
        reverse("activities:claim_new", args=[world["practice"].pk]), data
    )
    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert not HourClaim.objects.exists()


@pytest.mark.django_db
def test_claim_hours_absurdly_high_are_refused(client, world):
    response = login(english(client), world["user"]).post(
        reverse("activities:claim_new", args=[world["practice"].pk]), _claim_data(world, hours="100")
    )
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    assert not HourClaim.objects.exists()


@pytest.mark.django_db
def test_leader_may_not_claim_for_a_practice(client, world, leader):
    response = login(english(client), leader).get(
        reverse("activities:claim_new", args=[world["practice"].pk])
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_other_practice_gets_404_claiming(client, world, other_practice_user):
    response = login(english(client), other_practice_user).get(
        reverse("activities:claim_new", args=[world["practice"].pk])
    )
    assert response.status_code == 404


@pytest.fixture
def claim(world):
    c = HourClaim(
        round=world["round"],
        practice=world["practice"],
        person=world["staff"],
        description="Kursus",
        occurred_on=dt.date(2026, 11, 20),
        hours=Decimal("3"),
        submitted_by=world["user"],
    )
    c.evidence = SimpleUploadedFile("bevis.pdf", PDF)
    c.save()
    return c


@pytest.mark.django_db
def test_leader_lists_and_approves_a_claim(client, world, leader, claim):
    client = login(english(client), leader)
    html = body(client.get(reverse("activities:claims", args=[world["round"].pk])))
    assert html.count('data-row="claim"') == 1
    assert reverse("activities:claim_evidence", args=[claim.pk]) in html
    response = client.post(
        reverse("activities:claims_decide", args=[claim.round_id]),
        {"claims": [claim.pk], "decision": "approve"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


@pytest.mark.django_db
def test_rejecting_without_a_reason_is_refused(client, world, leader, claim):
    response = login(english(client), leader).post(
        reverse("activities:claims_decide", args=[claim.round_id]),
        {"claims": [claim.pk], "decision": "reject"},
        follow=True,
    )
    assert "Give a reason for rejecting the claim." in body(response)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_practice_cannot_decide_its_own_claim_and_outsider_gets_404(client, world, claim, outsider):
    url = reverse("activities:claims_decide", args=[claim.round_id])
    data = {"claims": [claim.pk], "decision": "approve"}
    assert login(english(client), world["user"]).post(url, data).status_code == 404
    assert login(english(client), outsider).post(url, data).status_code == 404
    assert (
        login(english(client), world["user"])
        .get(reverse("activities:claims", args=[world["round"].pk]))
        .status_code
        == 404
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_evidence_is_streamed_to_the_practice_and_the_leader_only(client, world, claim, leader, outsider):
    url = reverse("activities:claim_evidence", args=[claim.pk])
    response = login(english(client), world["user"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert login(english(client), leader).get(url).status_code == 200
    assert login(english(client), outsider).get(url).status_code == 404
    assert not claim.evidence.url.startswith(url)


# --- Attendance -----------------------------------------------------------------------------------


@pytest.fixture
def running(world):
    """A session that started half an hour ago, with both members confirmed."""
    start = timezone.now() - dt.timedelta(minutes=30)
    session = make_session(world["activity"], starts_at=start)
    regs = [
        Registration.objects.create(
            session=session, person=p, practice=world["practice"], status=RegistrationStatus.CONFIRMED
        )
        for p in (world["doctor"], world["staff"])
    ]
    return session, regs


@pytest.mark.django_db
def test_provider_takes_attendance_with_a_no_show_and_a_walk_in(client, world, org, running):
    session, (doctor_reg, staff_reg) = running
    number = world["practice"].provider_numbers.first().number
    client = login(english(client), provider_user(org))
    url = reverse("activities:attendance", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200 and body(page).count('data-row="attendee"') == 2
    assert "checked" not in body(page)  # nobody ticked until attendance is taken
    response = client.post(
        url,
        {
            f"attended_{doctor_reg.pk}": "on",
            "walkin-TOTAL_FORMS": "3",
            "walkin-INITIAL_FORMS": "0",
            "walkin-0-provider_number": number,
            "walkin-0-name": "Vikar Hansen",
            "walkin-0-kind": PersonKind.DOCTOR,
        },
    )
    assert response.status_code == 302
    doctor_reg.refresh_from_db()
    staff_reg.refresh_from_db()
    assert doctor_reg.attended is True and staff_reg.attended is False
    walk_in = Registration.objects.get(session=session, walk_in=True)
    assert walk_in.person.name == "Vikar Hansen" and walk_in.attended is True
    assert walk_in.practice == world["practice"]


@pytest.mark.django_db
def test_attendance_with_an_unknown_provider_number_saves_nothing(client, world, leader, running):
    session, (doctor_reg, _staff) = running
    response = login(english(client), leader).post(
        reverse("activities:attendance", args=[session.pk]),
        {
            f"attended_{doctor_reg.pk}": "on",
            "walkin-TOTAL_FORMS": "1",
            "walkin-INITIAL_FORMS": "0",
            "walkin-0-provider_number": "999999",
            "walkin-0-name": "Vikar Hansen",
            "walkin-0-kind": PersonKind.DOCTOR,
        },
    )
    assert response.status_code == 200
    doctor_reg.refresh_from_db()
    assert doctor_reg.attended is None
    assert not Person.objects.filter(name="Vikar Hansen").exists()


@pytest.mark.django_db
def test_other_provider_and_practice_get_404_on_attendance(client, world, running):
    session, _regs = running
    url = reverse("activities:attendance", args=[session.pk])
    assert login(english(client), provider_user(provider("Anden udbyder"))).get(url).status_code == 404
    assert login(english(client), world["user"]).get(url).status_code == 404


# --- The leaders' overview ------------------------------------------------------------------------


@pytest.mark.django_db
def test_leader_sees_the_overview_with_fill_rates(client, world, leader):
    response = login(english(client), leader).get(reverse("activities:overview", args=[world["round"].pk]))
    html = body(response)
    assert response.status_code == 200
    assert html.count('data-row="participation"') == 1
    assert html.count('data-row="fill"') == 1
    assert reverse("activities:practice_hours", args=[world["practice"].pk]) in html


@pytest.mark.django_db
def test_practice_and_other_round_leader_get_404_on_the_overview(client, world, region):
    from tests.conftest import make_round

    other_leader = make_user(role=Role.PROJECT_LEADER, round=make_round(region, open_=False))
    url = reverse("activities:overview", args=[world["round"].pk])
    assert login(english(client), world["user"]).get(url).status_code == 404
    assert login(english(client), other_leader).get(url).status_code == 404


# --- Catalogue editing ----------------------------------------------------------------------------


def _activity_data(provider_pk, **extra):
    data = {
        "title": "Ny podcast",
        "kind": ActivityKind.PODCAST,
        "provider": provider_pk,
        "description": "Om sårbare patienter",
        "audience": "both",
        "hours": "1,5",
        "online": "on",
        "counts_toward_target": "on",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_provider_creates_an_activity_for_its_own_organisation(client, world, org):
    response = login(english(client), provider_user(org)).post(
        reverse("activities:activity_new", args=[world["round"].pk]), _activity_data(org.pk)
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Ny podcast")
    assert activity.provider == org and activity.hours == Decimal("1.5")


@pytest.mark.django_db
def test_provider_cannot_choose_another_organisation(client, world, org):
    other = provider("Dybe Ende")
    response = login(english(client), provider_user(org)).post(
        reverse("activities:activity_new", args=[world["round"].pk]), _activity_data(other.pk)
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not Activity.objects.filter(title="Ny podcast").exists()


@pytest.mark.django_db
def test_cpr_number_in_a_description_is_refused(client, world, leader, org):
    response = login(english(client), leader).post(
        reverse("activities:activity_edit", args=[world["activity"].pk]),
        _activity_data(org.pk, description="Patient 010190-1234"),
    )
    assert response.status_code == 200
    world["activity"].refresh_from_db()
    assert "010190" not in world["activity"].description


@pytest.mark.django_db
def test_other_provider_gets_404_editing(client, world):
    user = provider_user(provider("Anden udbyder"))
    assert (
        login(english(client), user)
        .get(reverse("activities:activity_edit", args=[world["activity"].pk]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_leader_adds_a_session_with_danish_dates(client, world, leader):
    response = login(english(client), leader).post(
        reverse("activities:session_new", args=[world["activity"].pk]),
        {
            "starts_at": "10.03.2027 14:00",
            "ends_at": "10-03-2027 16:00",
            "signup_deadline": "03/03/2027 12:00",
            "place": "MidtKraft, Aarhus",
            "capacity": "25",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(place="MidtKraft, Aarhus")
    local = timezone.localtime(session.starts_at)
    assert (local.day, local.month, local.hour) == (10, 3, 14)
    assert session.starts_at.utcoffset() == dt.timedelta(0)  # stored in UTC: 13:00Z
    assert session.starts_at.astimezone(dt.UTC).hour == 13


@pytest.mark.django_db
def test_session_ending_before_it_starts_is_refused(client, world, leader):
    response = login(english(client), leader).post(
        reverse("activities:session_edit", args=[world["session"].pk]),
        {
            "starts_at": "10.03.2027 14:00",
            "ends_at": "10.03.2027 13:00",
            "signup_deadline": "03.03.2027 12:00",
            "capacity": "25",
        },
    )
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors


@pytest.mark.django_db
def test_leader_cancels_a_session_with_a_reason(client, world, leader):
    response = login(english(client), leader).post(
        reverse("activities:session_cancel", args=[world["session"].pk]), {"reason": "Underviseren er syg"}
    )
    assert response.status_code == 302
    world["session"].refresh_from_db()
    assert world["session"].is_cancelled and world["session"].cancel_reason == "Underviseren er syg"


@pytest.mark.django_db
def test_practice_gets_404_cancelling_a_session(client, world):
    response = login(english(client), world["user"]).post(
        reverse("activities:session_cancel", args=[world["session"].pk]), {"reason": "Nej"}
    )
    assert response.status_code == 404
    world["session"].refresh_from_db()
    assert not world["session"].is_cancelled


# --- Import and export ----------------------------------------------------------------------------

# The columns as the Danish export writes them (the file has no counts_toward_target column).
HEADER = (
    "Titel;Type;Udbyder;Beskrivelse;Målgruppe;Timer;Online;Starter;Slutter;Sted;Onlinelink;Pladser;"
    "Tilmeldingsfrist"
)


def _csv(*rows: str) -> SimpleUploadedFile:
    text = "\ufeff" + "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("katalog.csv", text.encode("utf-8"), content_type="text/csv")


GOOD = (
    "Kursus i motiverende samtale;Kursus;VID;Tre timer;Læger og personale;3;Nej;"
    "12.01.2027 13:00;12.01.2027 16:00;Aarhus;;20;05.01.2027 12:00"
)


@pytest.mark.django_db
def test_export_has_a_row_per_session_in_both_formats(client, world, leader):
    client = login(english(client), leader)
    url = reverse("activities:catalogue_export", args=[world["round"].pk])
    csv_text = response_body(client.get(url, {"format": "csv"})).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Title;Type;Provider")  # the page's language
    assert "Webinar om sårbare patienter;Webinar;VID" in csv_text
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert workbook.active.max_row == 2


@pytest.mark.django_db
def test_import_dry_run_then_confirm_creates_the_catalogue(client, world, leader):
    client = login(english(client), leader)
    url = reverse("activities:catalogue_import", args=[world["round"].pk])
    second = GOOD.replace("12.01.2027 13:00;12.01.2027 16:00", "19.01.2027 13:00;19.01.2027 16:00")
    response = client.post(url, {"file": _csv(GOOD, second)})
    assert response.status_code == 200 and not response.context["problems"]
    assert not Activity.objects.filter(title="Kursus i motiverende samtale").exists()  # a dry run
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    activity = Activity.objects.get(title="Kursus i motiverende samtale")
    assert activity.sessions.count() == 2 and activity.hours == Decimal("3")
    assert timezone.localtime(activity.sessions.first().starts_at).hour == 13


@pytest.mark.django_db
def test_import_updates_a_session_found_by_title_and_start(client, world, leader):
    client = login(english(client), leader)
    url = reverse("activities:catalogue_import", args=[world["round"].pk])
    client.post(url, {"file": _csv(GOOD)})
    client.post(url, {"confirm": "1"})
    client.post(url, {"file": _csv(GOOD.replace(";20;", ";30;"))})
    client.post(url, {"confirm": "1"})
    session = Session.objects.get(activity__title="Kursus i motiverende samtale")
    assert session.capacity == 30


@pytest.mark.django_db
def test_import_refuses_a_cpr_number_in_a_description(client, world, leader):
    bad = GOOD.replace("Tre timer", "Patient 010190-1234")
    response = login(english(client), leader).post(
        reverse("activities:catalogue_import", args=[world["round"].pk]), {"file": _csv(bad)}
    )
    problems = response.context["problems"]
    assert [(n, col) for n, col, _msg in problems] == [(2, "Description")]  # the spreadsheet's row
    assert body(response).count('data-row="import-error"') == 1
    assert not Activity.objects.filter(title="Kursus i motiverende samtale").exists()


@pytest.mark.django_db
def test_nothing_is_saved_when_any_row_fails(client, world, leader):
    from activities.resources import catalogue_import

    good_other = GOOD.replace("Kursus i motiverende samtale", "Andet kursus")
    unknown = GOOD.replace(";VID;", ";Ukendt Udbyder;")
    content = ("\n".join([HEADER, good_other, unknown]) + "\n").encode("utf-8")
    with translation.override("en"):  # the message is asserted by its msgid
        result = catalogue_import(round_obj=world["round"], content=content, filename="k.csv", dry_run=False)
    assert result.has_validation_errors()
    assert "Unknown provider" in str(result.invalid_rows[0].error_dict["provider"])
    assert not Activity.objects.filter(title__in=["Andet kursus", "Kursus i motiverende samtale"]).exists()
    assert Session.objects.count() == 1  # only the world's own session


@pytest.mark.django_db
def test_import_and_export_are_for_leaders_only(client, world, org):
    url = reverse("activities:catalogue_import", args=[world["round"].pk])
    assert login(english(client), provider_user(org)).get(url).status_code == 404
    assert login(english(client), world["user"]).get(url).status_code == 404
