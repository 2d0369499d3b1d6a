"""The layering issue's "one home for each rule": each of these was wrong or doubled on 2e04c07."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from activities import selectors as activity_selectors
from activities import services as activity_services
from activities.exports import catalogue_export
from activities.models import ActivityKind, Registration, RegistrationStatus, Session
from activities.resources import catalogue_import
from applications import permissions as app_permissions
from applications import services as app_services
from applications.models import ApplicationEvent, ApplicationStatus
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.activities.service_factories import (
    at_session,
    make_activity,
    make_person,
    make_session,
    participate,
    practice_user,
)
from tests.conftest import make_application, make_practice, make_user


def _signup(user, session, practice, *persons):
    return activity_services.registration_signup(
        user=user, session=session, practice=practice, persons=list(persons)
    )


# --- A session's capacity --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_import_cannot_set_a_capacity_below_the_confirmed_count(closed_round, region):
    activity = make_activity(closed_round, title="Kursus i motiverende samtale")
    starts_at = (timezone.now() + dt.timedelta(days=14)).replace(second=0, microsecond=0)
    session = make_session(activity, starts_at=starts_at, capacity=5, place="Aarhus")
    practice = make_practice(region)
    user = practice_user(practice)
    _signup(user, session, practice, *(make_person(practice) for _ in range(3)))
    content, _type = catalogue_export(closed_round, "csv")
    lowered = content.decode("utf-8-sig").replace(";5;", ";1;").encode("utf-8-sig")

    result = catalogue_import(round_obj=closed_round, content=lowered, filename="k.csv", dry_run=False)
    assert result.has_validation_errors() or result.has_errors()
    assert Session.objects.get(pk=session.pk).capacity == 5
    assert Session.objects.filter(activity=activity).count() == 1


@pytest.mark.django_db
def test_raising_the_capacity_confirms_the_waiting_list_in_order(closed_round, region, leader):
    activity = make_activity(closed_round)
    session = make_session(activity, capacity=1)
    practice = make_practice(region)
    user = practice_user(practice)
    first, second, third = (make_person(practice) for _ in range(3))
    _signup(user, session, practice, first)
    _signup(user, session, practice, second)
    _signup(user, session, practice, third)

    session.capacity = 2
    activity_services.session_save(user=leader, session=session)
    statuses = dict(Registration.objects.filter(session=session).values_list("person_id", "status"))
    assert statuses == {
        first.pk: RegistrationStatus.CONFIRMED,
        second.pk: RegistrationStatus.CONFIRMED,  # the first in line, not a newcomer
        third.pk: RegistrationStatus.WAITLISTED,
    }
    newcomer = make_person(practice)
    result = _signup(user, session, practice, newcomer)
    assert result.waitlisted and not result.confirmed


# --- What counts toward the hour target -----------------------------------------------------------


@pytest.mark.django_db
def test_a_theme_day_made_in_the_portal_never_counts(closed_round, leader):
    participation, user = participate(closed_round, leader)
    now = timezone.now()
    theme_day = activity_services.activity_save(
        user=leader, activity=_unsaved_activity(closed_round, ActivityKind.THEME_DAY, "6")
    )
    assert not theme_day.counts_toward_target
    session = make_session(
        theme_day, starts_at=now - dt.timedelta(days=2), deadline_before=dt.timedelta(days=1)
    )
    doctor = participation.application.doctor_coordinator
    Registration.objects.create(
        session=session, person=doctor, practice=participation.practice, status=RegistrationStatus.CONFIRMED
    )
    confirmed = session.registrations.all()
    activity_services.attendance_record(
        user=leader, session=session, attended_ids=[r.pk for r in confirmed], now=at_session(session)
    )
    (ledger,) = activity_selectors.ledgers([participation])
    assert ledger.total == Decimal("0")


def _unsaved_activity(round_obj, kind, hours):
    from activities.models import Activity
    from ligepraksis.models import ProviderOrganisation

    return Activity(
        round=round_obj,
        title="Temadag",
        kind=kind,
        provider=ProviderOrganisation.objects.get_or_create(name="MidtKraft")[0],
        hours=Decimal(hours),
    )


@pytest.mark.django_db
def test_the_activity_form_has_no_counts_toward_target_switch():
    from activities.forms import ActivityForm
    from ligepraksis.models import ProviderOrganisation

    assert "counts_toward_target" not in ActivityForm(providers=ProviderOrganisation.objects.none()).fields


@pytest.mark.parametrize(
    "case",
    ["startup", "theme_day", "future", "before_window", "after_window"],
)
@pytest.mark.django_db
def test_a_claim_that_cannot_count_is_refused_when_submitted_saying_why(closed_round, leader, case):
    closed_round.hour_window_start = dt.date(2026, 2, 1)
    closed_round.hour_window_end = dt.date(2026, 11, 15)
    closed_round.save()
    participation, user = participate(closed_round, leader)
    person = participation.application.doctor_coordinator
    today = timezone.localdate()
    activity, occurred_on, field = None, dt.date(2026, 5, 4), "occurred_on"
    if case in ("startup", "theme_day"):
        activity = make_activity(closed_round, kind=case, hours="1.5")
        field = "activity"
    elif case == "future":
        occurred_on = today + dt.timedelta(days=1)
    elif case == "before_window":
        occurred_on = dt.date(2026, 1, 31)
    else:
        occurred_on = dt.date(2026, 11, 16)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        activity_services.claim_submit(
            user=user,
            practice=participation.practice,
            person=person,
            description="Kursus",
            occurred_on=occurred_on,
            hours=Decimal("2"),
            activity=activity,
        )
    assert refused.value.field == field
    assert {
        "startup": "in addition",
        "theme_day": "in addition",
        "future": "future",
        "before_window": "Only hours from",
        "after_window": "Only hours from",
    }[case] in str(refused.value)
    assert not participation.practice.hour_claims.exists()


# --- Codes, not translated text ----------------------------------------------------------------


@pytest.mark.django_db
def test_joining_an_already_registered_practice_gives_the_advice_in_danish(client, region):
    existing = make_practice(region)
    client.force_login(make_user("fremmed@example.org"))
    response = client.post(
        reverse("practices:join_practice"),
        {
            "person_name": "Fremmed",
            "person_kind": "doctor",
            "provider_numbers": existing.provider_numbers.get().number,
            "name": "X",
            "cvr": "29190925",
            "address": "Vej 1",
            "postcode": "8000",
            "city": "Aarhus",
            "municipality": region.municipalities.get(name="Aarhus").pk,
            "form": "solo",
            "doctor_capacities": "1",
            "staff_count": "1",
            "listed_patients": "100",
        },
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 200
    assert "kollega" in response.content.decode()  # the Danish advice, found through the error's code


# --- Conflicts of interest ---------------------------------------------------------------------


def _score_all(round_obj, value=4):
    return {c.pk: (value, "") for c in round_obj.criteria.all()}


@pytest.mark.django_db
def test_a_reviewer_cannot_clear_a_declared_conflict_and_score(closed_round, steering):
    app = make_application(closed_round)
    app_services.review_save(application=app, reviewer=steering, scores={}, comment="", conflict=True)
    with pytest.raises(DomainError) as refused:
        app_services.review_save(
            application=app, reviewer=steering, scores=_score_all(closed_round), comment="", conflict=False
        )
    assert refused.value.code == "conflict_declared"
    assert app.reviews.get(reviewer=steering).conflict_of_interest


@pytest.mark.django_db
def test_a_leader_with_a_declared_conflict_cannot_decide_until_another_leader_lifts_it(closed_round, leader):
    app = make_application(closed_round)
    app_services.review_save(application=app, reviewer=leader, scores={}, comment="", conflict=True)
    assert not app_permissions.can_decide(leader, app)
    with pytest.raises(DomainError):
        app_services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    with pytest.raises(DomainError):  # not by the reviewer themself
        app_services.conflict_lift(application=app, reviewer=leader, user=leader, reason="Ikke længere")

    other = make_user(role=Role.PROJECT_LEADER, round=closed_round)
    with pytest.raises(DomainError):  # a reason is needed
        app_services.conflict_lift(application=app, reviewer=leader, user=other, reason=" ")
    app_services.conflict_lift(application=app, reviewer=leader, user=other, reason="Praksis skiftede ejer")
    assert ApplicationEvent.objects.filter(application=app, reason__contains="Praksis skiftede ejer").exists()
    assert app_permissions.can_decide(type(leader).objects.get(pk=leader.pk), app)
