"""A person's personal data: export (admin, JSON), anonymise now (admin, with a confirmation), and
anonymise by itself after the rounds' retention period (security finding 19)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import HourClaim, Registration, RegistrationStatus
from applications.models import ApplicationEvent
from ligepraksis import mail
from ligepraksis.auth import EmailBackend
from ligepraksis.models import OutboxMessage, Role
from ligepraksis.services import role_grant
from practices.models import Membership, Person, PracticeGrant
from practices.services import person_give_access
from tests.activities.service_factories import make_activity, make_session, practice_user
from tests.conftest import PASSWORD, make_application, make_practice, make_round, make_user

BACKEND = "ligepraksis.auth.EmailBackend"
NAME = "Anna Hansen"
EMAIL = "anna.hansen@klinik.example"
OLD = dt.date(2020, 1, 1)


def _past_round(region, year=2020, **kw):
    """A round of an earlier year (its data kept 36 months after the year ended, by default)."""
    round_obj = make_round(region, open_=False, **kw)
    round_obj.year = year
    round_obj.save()
    return round_obj


@pytest.fixture
def anna(region, settings, tmp_path):
    """Anna left her practice long ago; she signed up, attended, claimed hours with evidence, was a
    coordinator of an application that names her in its history, and got e-mails."""
    settings.MEDIA_ROOT = tmp_path
    round_obj = _past_round(region)
    practice = make_practice(region, name="Lægehuset Åen")
    acting = practice_user(practice)
    person = Person.objects.create(name=NAME, kind="doctor", email=EMAIL, phone="86 12 34 56", title="Læge")
    Membership.objects.create(person=person, practice=practice, started_on=OLD)
    person_give_access(user=acting, practice=practice, person=person)
    account = Person.objects.get(pk=person.pk).user
    account.set_password(PASSWORD)
    account.save()
    session = make_session(
        make_activity(round_obj, title="Webinar om sårbare patienter"),
        starts_at=timezone.make_aware(dt.datetime(2020, 5, 4, 15, 0)),
    )
    registration = Registration.objects.create(
        session=session, person=person, practice=practice, status=RegistrationStatus.CONFIRMED, attended=True
    )
    claim = HourClaim(
        round=round_obj, practice=practice, person=person, description=f"{NAME} var på kursus i Vejle",
        occurred_on=dt.date(2020, 6, 1), hours=Decimal("3.5"), submitted_by=acting,
    )  # fmt: skip
    claim.evidence.save("kursusbevis.pdf", ContentFile(b"%PDF-1.4 Anna Hansen"), save=False)
    claim.save()
    application = make_application(round_obj, practice=practice)
    application.doctor_coordinator = person
    application.save()
    ApplicationEvent.objects.create(
        application=application, to_status="submitted", reason=f"Indstillet efter samtale med {NAME}."
    )
    for key in ("a", "b"):
        mail.enqueue(to=EMAIL, template="join", context={"link": "https://x.example/"}, key=f"anna-{key}")
    colleague_mail = OutboxMessage.objects.create(
        to="kollega@klinik.example", subject=f"Bekræftet: {NAME}", body=f"Tilmeldt: {NAME}, Bo Hansen."
    )
    Membership.objects.filter(person=person).update(ended_on=dt.date(2021, 6, 30))
    return {
        "person": person,
        "practice": practice,
        "round": round_obj,
        "registration": registration,
        "claim": claim,
        "application": application,
        "user": account,
        "colleague_mail": colleague_mail,
    }


def _admin_client() -> Client:
    admin = make_user("admin@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin, backend=BACKEND)
    return client


def _action(client, action, person, **extra):
    return client.post(
        reverse("admin:practices_person_changelist"),
        {"action": action, "_selected_action": [person.pk], **extra},
    )


# --- Export ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_exports_everything_about_a_person_as_json(anna):
    response = _action(_admin_client(), "export_personal_data", anna["person"])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["name"] == NAME and data["person"]["email"] == EMAIL
    assert data["person"]["login"]["email"] == EMAIL
    assert [m["practice"] for m in data["practices"]["memberships"]] == ["Lægehuset Åen"]
    [registration] = data["activities"]["registrations"]
    assert registration["activity"] == "Webinar om sårbare patienter" and registration["attended"] is True
    [claim] = data["activities"]["hour_claims"]
    assert claim["hours"] == "3.50" and claim["evidence"] == "kursusbevis.pdf"
    [application] = data["applications"]
    assert application["role"] == "doctor coordinator"
    assert len(data["practices"]["emails"]) == 2
    assert all(m["to"] == EMAIL for m in data["practices"]["emails"])


@pytest.mark.django_db
def test_only_staff_reach_the_export(anna, client):
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=anna["round"])
    client.force_login(leader, backend=BACKEND)
    response = _action(client, "export_personal_data", anna["person"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Anonymising -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymising_erases_identity_and_keeps_every_count_and_amount(anna):
    from practices.personal_data import person_anonymise

    person = anna["person"]
    person_anonymise(person=person)

    person.refresh_from_db()
    assert person.name == f"Anonymiseret person #{person.pk}"
    assert (person.email, person.phone, person.title, person.user_id) == ("", "", "", None)
    assert person.anonymised_at is not None and person.feed_token is None
    # Counts and amounts stay.
    registration = Registration.objects.get(pk=anna["registration"].pk)
    assert (registration.person_id, registration.attended) == (person.pk, True)
    claim = HourClaim.objects.get(pk=anna["claim"].pk)
    assert (claim.person_id, claim.hours) == (person.pk, Decimal("3.5"))
    assert claim.description == f"Anonymiseret person #{person.pk} var på kursus i Vejle"
    assert not claim.evidence
    # The login is closed.
    user = anna["user"]
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email == f"anonymiseret-{user.pk}@anonymiseret.invalid" and user.full_name == ""
    assert not PracticeGrant.objects.filter(user=user).exists()
    assert EmailBackend().authenticate(None, username=EMAIL, password=PASSWORD) is None
    # History texts and e-mails.
    reasons = list(
        ApplicationEvent.objects.filter(application=anna["application"]).values_list("reason", flat=True)
    )
    assert not any(NAME in r for r in reasons)
    assert f"Indstillet efter samtale med Anonymiseret person #{person.pk}." in reasons
    assert not OutboxMessage.objects.filter(to__iexact=EMAIL).exists()
    colleague_mail = OutboxMessage.objects.get(pk=anna["colleague_mail"].pk)
    assert NAME not in colleague_mail.subject + colleague_mail.body
    assert "Bo Hansen" in colleague_mail.body


@pytest.mark.django_db
def test_the_evidence_file_is_deleted_from_storage(anna):
    from practices.personal_data import person_anonymise

    storage, name = anna["claim"].evidence.storage, anna["claim"].evidence.name
    assert storage.exists(name)
    person_anonymise(person=anna["person"])
    assert not storage.exists(name)


@pytest.mark.django_db
def test_a_login_used_elsewhere_is_only_unlinked(anna):
    from practices.personal_data import person_anonymise

    user = anna["user"]
    role_grant(user=user, role=Role.STEERING, round=anna["round"])
    person_anonymise(person=anna["person"])
    user.refresh_from_db()
    assert user.is_active and user.email == EMAIL
    assert not PracticeGrant.objects.filter(user=user, practice=anna["practice"]).exists()
    assert OutboxMessage.objects.filter(to__iexact=EMAIL).count() == 2  # the address lives on


@pytest.mark.django_db
def test_an_address_shared_with_a_colleague_keeps_its_mail(anna):
    from practices.personal_data import person_anonymise

    Person.objects.create(name="Fælles Postkasse", kind="staff", email=EMAIL.upper())
    person_anonymise(person=anna["person"])
    assert OutboxMessage.objects.filter(to__iexact=EMAIL).count() == 2


@pytest.mark.django_db
def test_the_admin_asks_before_anonymising(anna):
    client = _admin_client()
    person = anna["person"]

    page = _action(client, "anonymise_now", person)

    assert page.status_code == 200
    assert NAME in page.content.decode()
    assert Person.objects.get(pk=person.pk).anonymised_at is None

    done = _action(client, "anonymise_now", person, post="yes")

    assert done.status_code == 302
    assert Person.objects.get(pk=person.pk).name == f"Anonymiseret person #{person.pk}"
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(object_id=str(person.pk)).exists()
    assert not LogEntry.objects.filter(object_repr__contains=NAME).exists()


# --- Retention -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_round_ends_at_its_hour_deadline_or_its_years_end_and_keeps_data_its_retention(region):
    round_obj = _past_round(region, year=2026)
    assert round_obj.retention_months == 36
    assert round_obj.ended_on() == dt.date(2026, 12, 31)
    assert round_obj.personal_data_kept_until() == dt.date(2029, 12, 31)
    round_obj.hour_window_end = dt.date(2027, 2, 28)
    round_obj.retention_months = 12
    assert round_obj.ended_on() == dt.date(2027, 2, 28)
    assert round_obj.personal_data_kept_until() == dt.date(2028, 2, 28)
    round_obj.hour_window_end = dt.date(2027, 1, 31)
    round_obj.retention_months = 1
    assert round_obj.personal_data_kept_until() == dt.date(2027, 2, 28)  # no 31 February


@pytest.mark.django_db
def test_the_command_anonymises_people_past_the_retention_period_only(anna, region):
    from tests.activities.service_factories import make_person

    practice = anna["practice"]
    still_here = make_person(practice, name="Carl Bliver")  # a current member: kept
    Registration.objects.create(
        session=anna["registration"].session, person=still_here, practice=practice,
        status=RegistrationStatus.CONFIRMED,
    )  # fmt: skip
    recent = make_person(practice, name="Dorte Nylig")  # left, but took part in a recent round: kept
    recent_round = _past_round(region, year=timezone.localdate().year)
    Registration.objects.create(
        session=make_session(make_activity(recent_round)), person=recent, practice=practice,
        status=RegistrationStatus.CONFIRMED,
    )  # fmt: skip
    Membership.objects.filter(person=recent).update(ended_on=dt.date(2021, 1, 31))

    call_command("anonymise_expired")

    assert Person.objects.get(pk=anna["person"].pk).anonymised_at is not None
    assert Person.objects.get(pk=still_here.pk).name == "Carl Bliver"
    assert Person.objects.get(pk=recent.pk).name == "Dorte Nylig"
    # Nothing left to do the next time.
    call_command("anonymise_expired")
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_retention_months_is_a_setting_of_the_round(anna):
    from practices.personal_data import persons_due

    anna["round"].retention_months = 12 * 10
    anna["round"].save()
    assert anna["person"].pk not in persons_due()
    anna["round"].retention_months = 36
    anna["round"].save()
    assert anna["person"].pk in persons_due()


@pytest.mark.django_db
def test_a_person_in_no_round_is_kept_the_default_period_after_leaving(region):
    from practices.personal_data import persons_due

    practice = make_practice(region)
    person = Person.objects.create(name="Erik Aldrig", kind="staff")
    membership = Membership.objects.create(person=person, practice=practice, started_on=OLD)
    today = timezone.localdate()
    membership.ended_on = today - dt.timedelta(days=30)
    membership.save()
    assert person.pk not in persons_due()
    membership.ended_on = dt.date(today.year - 4, 1, 1)
    membership.save()
    assert person.pk in persons_due()
    assert settings.PERSONAL_DATA_RETENTION_MONTHS == 36


def test_beat_runs_the_anonymisation_daily():
    from ligepraksis.celery import app as celery_app

    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "practices.tasks.anonymise_expired"
    ]
    assert len(entries) == 1
    celery_app.loader.import_default_modules()
    assert "practices.tasks.anonymise_expired" in celery_app.tasks
