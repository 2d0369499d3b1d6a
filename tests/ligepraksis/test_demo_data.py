"""The demo as a user finds it: its logins, catalogue and hours, and the admin on it.

The demo is built once for this module (the demo_db fixture) and each test runs in a savepoint inside
it, so what a test writes is undone. The command itself, on an empty database, is tested in
test_demo_build.py."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.auth import authenticate
from django.db.models import Count, Q
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from activities import permissions
from activities.models import Activity, ClaimStatus, HourClaim, Registration, RegistrationStatus, Session
from activities.selectors import round_overview
from applications.models import Application, ApplicationStatus, Participation
from ligepraksis.models import ProgrammeRound, Role, RoleGrant, TermsVersion, User
from practices.models import PracticeGrant
from tests.helpers import login

ROUND_A = "Lige Praksis i Midt 2026"
ROUND_B = "Lige Praksis i Midt 2027"


@pytest.fixture
def superuser_client(client, demo_db):
    return login(client, User.objects.get(email="admin@demo.dk"))


@pytest.mark.django_db
def test_demo_logins_work(demo_db):
    request = RequestFactory().post("/login/")
    leader = authenticate(request, username="leder@demo.dk", password="demo1234")
    assert leader is not None
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    assert RoleGrant.objects.filter(user=leader, role=Role.PROJECT_LEADER).count() == 2
    assert authenticate(request, username="ADMIN@demo.dk", password="demo1234").is_superuser

    practice_user = User.objects.get(email="praksis@demo.dk")
    own = Application.objects.get(round=round_a, created_by=practice_user)
    assert own.status == ApplicationStatus.SELECTED
    assert PracticeGrant.objects.filter(user=practice_user, practice=own.practice).exists()


@pytest.mark.django_db
def test_every_admin_changelist_opens(superuser_client):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = superuser_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_admin_pages_of_demo_objects_open(superuser_client):
    application = Application.objects.filter(status=ApplicationStatus.SELECTED).first()
    round_obj = application.round
    for obj in (application, round_obj, application.practice, User.objects.get(email="leder@demo.dk")):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        assert superuser_client.get(url).status_code == 200, url
    assert superuser_client.get(reverse("admin:ligepraksis_user_add")).status_code == 200
    response = superuser_client.get(reverse("admin:applications_application_changelist"), {"q": "Åbyhøj"})
    assert response.status_code == 200
    assert "Lægerne i Åbyhøj" in response.content.decode()


@pytest.mark.django_db
def test_programme_records_are_read_only_in_admin(superuser_client, rf):
    request = rf.get("/")
    request.user = User.objects.get(email="admin@demo.dk")
    application = Application.objects.first()
    model_admin = admin.site._registry[Application]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, application)
    assert not model_admin.has_delete_permission(request, application)
    assert model_admin.has_view_permission(request, application)
    url = reverse("admin:applications_application_change", args=[application.pk])
    status_before = application.status
    superuser_client.post(url, {"status": ApplicationStatus.REJECTED})
    application.refresh_from_db()
    assert application.status == status_before
    assert superuser_client.get(reverse("admin:applications_application_add")).status_code == 403


@pytest.mark.django_db
def test_accepted_terms_cannot_be_changed_in_admin(superuser_client, rf):
    from applications import services

    model_admin = admin.site._registry[TermsVersion]
    request = rf.get("/")
    request.user = User.objects.get(email="admin@demo.dk")
    # Nobody has accepted the 2027 round's terms yet: they can still be corrected.
    assert model_admin.has_change_permission(
        request, ProgrammeRound.objects.get(name=ROUND_B).current_terms()
    )

    application = Application.objects.get(created_by__email="praksis@demo.dk")
    terms = application.round.current_terms()
    assert terms.participation_set.count() == 7  # the demo's accepted practices
    assert not model_admin.has_change_permission(request, terms)
    services.application_accept(application=application, user=application.created_by, terms=terms)
    assert terms.participation_set.count() == 8
    assert not model_admin.has_change_permission(request, terms)
    assert not model_admin.has_delete_permission(request, terms)
    response = superuser_client.get(
        reverse("admin:ligepraksis_programmeround_change", args=[application.round.pk])
    )
    assert response.status_code == 200
    terms_formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is TermsVersion
    ).formset
    form = next(f for f in terms_formset.forms if f.instance.pk == terms.pk)
    assert all(form.fields[name].disabled for name in ("version", "text", "published_at"))


@pytest.mark.django_db
def test_admin_adds_a_user_by_email(superuser_client):
    url = reverse("admin:ligepraksis_user_add")
    data = {
        "email": "Ny.Bruger@demo.dk",
        "full_name": "Ny Bruger",
        "usable_password": "true",
        "password1": "en-lang-adgangskode-42",
        "password2": "en-lang-adgangskode-42",
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    user = User.objects.get(email__iexact="ny.bruger@demo.dk")
    assert user.check_password("en-lang-adgangskode-42")

    response = superuser_client.post(url, {**data, "email": "LEDER@demo.dk"})
    assert response.status_code == 200  # the form again, with an error
    assert User.objects.filter(email__iexact="leder@demo.dk").count() == 1


# --- Activities: the catalogue, sign-ups, attendance and hours ----------------------------------


CPH = ZoneInfo("Europe/Copenhagen")


def _spring(qs):
    return qs.filter(
        starts_at__gte=dt.datetime(2026, 2, 1, tzinfo=CPH), starts_at__lt=dt.datetime(2026, 7, 1, tzinfo=CPH)
    )


@pytest.mark.django_db
def test_demo_activity_catalogue(demo_db):
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    assert (round_a.hour_window_start, round_a.hour_window_end) == (
        dt.date(2026, 1, 15),
        dt.date(2026, 12, 31),
    )
    assert round_a.nudge_weeks_before == 4 and round_a.hours_count_for == "coordinators"

    activities = Activity.objects.filter(round=round_a)
    assert 13 <= activities.count() <= 17
    assert set(activities.values_list("provider__name", flat=True)) == {
        "MidtKraft",
        "VID",
        "Deep End-netværket",
    }
    assert {"webinar", "talk", "course", "podcast", "startup", "theme_day"} <= set(
        activities.values_list("kind", flat=True)
    )
    startup = activities.get(title="Opstartsmøde")
    assert (startup.kind, startup.hours, startup.online, startup.required, startup.counts_toward_target) == (
        "startup", Decimal("1.5"), True, True, False
    )  # fmt: skip
    theme_day = activities.get(title="Temapraksisdag")
    assert not theme_day.counts_toward_target and not theme_day.required
    assert [a for a in activities if not a.counts_toward_target] == sorted([startup, theme_day], key=str)

    sessions = Session.objects.filter(activity__round=round_a).annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )
    spring = _spring(sessions)
    assert 35 <= spring.count() <= 45
    cancelled = sessions.filter(cancelled_at__isnull=False)
    assert cancelled.count() == 1 and cancelled.get().cancel_reason
    full = [s for s in spring if s.confirmed >= s.capacity]
    assert len(full) >= 2 and all(s.waiting for s in full)
    assert all(s.confirmed <= s.capacity for s in sessions)

    # Upcoming sessions a demo visitor can sign up for (one of them full, with a waiting list).
    now = timezone.now()
    upcoming = sessions.filter(starts_at__gt=now, cancelled_at__isnull=True, signup_deadline__gt=now)
    assert upcoming.count() >= 4
    assert any(s.confirmed < s.capacity for s in upcoming)
    assert any(s.confirmed >= s.capacity and s.waiting for s in upcoming)
    # Nothing will remind invented addresses of the demo's upcoming sign-ups.
    assert not upcoming.filter(registrations__reminded_at__isnull=True, registrations__isnull=False).exists()

    # Attendance is recorded for every session held, but for one MidtKraft course that started yesterday:
    # taking it is the demo provider's next step.
    held = sessions.filter(starts_at__lt=now, cancelled_at__isnull=True)
    untaken = held.filter(
        registrations__status=RegistrationStatus.CONFIRMED, registrations__attended__isnull=True
    ).distinct()
    assert untaken.count() == 1
    assert untaken.get().activity.provider.name == "MidtKraft"
    assert timezone.localdate(untaken.get().starts_at) == timezone.localdate(now) - dt.timedelta(days=1)
    assert held.filter(registrations__attended=False).exists()  # some no-shows

    # udbyder@demo.dk (MidtKraft) edits MidtKraft's activities, not VID's.
    provider_user = User.objects.get(email="udbyder@demo.dk")
    assert permissions.can_edit_activity(provider_user, startup)
    assert not permissions.can_edit_activity(provider_user, activities.filter(provider__name="VID").first())


@pytest.mark.django_db
def test_demo_practices_are_in_every_state_of_their_hours(demo_db):
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    participations = Participation.objects.filter(round=round_a)
    assert participations.count() == 7
    assert not participations.filter(practice__name="Lægerne i Åbyhøj").exists()

    overview = round_overview(round_a)
    totals = [lg.total for lg in overview]
    assert totals == sorted(totals)  # furthest behind first
    assert sum(lg.done for lg in overview) >= 1  # done: 10 hours or more
    assert any(Decimal("5") <= lg.total < lg.target for lg in overview)  # on track
    assert any(lg.total < Decimal("3") for lg in overview)  # behind
    assert any(lg.pending_claims > 0 for lg in overview)  # a claim waiting for approval
    assert any(lg.doctor and lg.staff for lg in overview)
    assert sum(lg.startup_done for lg in overview) == 6  # one practice missed a coordinator
    for ledger in overview:
        assert set(ledger.by_person) <= ledger.coordinator_ids  # only the coordinators' hours count
    assert set(HourClaim.objects.filter(round=round_a).values_list("status", flat=True)) == set(
        ClaimStatus.values
    )


@pytest.mark.django_db
def test_the_demo_writes_no_email(demo_db):
    from ligepraksis.models import OutboxMessage

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_activity_admin_edits_the_catalogue_and_only_shows_the_records(superuser_client, rf):
    from activities.models import HourNudge

    request = rf.get("/")
    request.user = User.objects.get(email="admin@demo.dk")
    for model in (Registration, HourClaim, HourNudge):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, model.objects.first())
        assert not model_admin.has_delete_permission(request, model.objects.first())
        assert model_admin.has_view_permission(request)
    assert admin.site._registry[Activity].has_change_permission(request)

    full = next(
        s
        for s in Session.objects.all()
        if s.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == s.capacity
    )
    for url in (
        reverse("admin:activities_activity_change", args=[full.activity_id]),
        reverse("admin:activities_session_change", args=[full.pk]),
        reverse("admin:activities_registration_change", args=[full.registrations.first().pk]),
        reverse("admin:activities_hourclaim_change", args=[HourClaim.objects.first().pk]),
    ):
        assert superuser_client.get(url).status_code == 200, url
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    changelist = reverse("admin:activities_session_changelist")
    response = superuser_client.get(
        changelist, {"activity__round__id__exact": round_a.pk, "cancelled_at__isempty": "0"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1  # the cancelled session

    # The capacity cannot drop below the people already confirmed.
    from activities.admin import SessionAdminForm

    data = {f: getattr(full, f) for f in ("starts_at", "ends_at", "place", "online_link", "signup_deadline")}
    form = SessionAdminForm(
        instance=full, data={**data, "activity": full.activity_id, "capacity": full.capacity - 1}
    )
    assert not form.is_valid() and "capacity" in form.errors
    form = SessionAdminForm(
        instance=full, data={**data, "activity": full.activity_id, "capacity": full.capacity + 2}
    )
    assert form.is_valid(), form.errors
