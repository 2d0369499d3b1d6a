"""Service tests for applications: scoring, deadlines, submitting, places, waiting list, history,
the balanced suggestion and the spread of a selection. They all hit the database."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from applications import permissions, selection, selectors, services
from applications.models import Application, ApplicationEvent, ApplicationStatus, Participation, Review, Score
from ligepraksis import formatting
from ligepraksis.errors import DomainError
from ligepraksis.models import OutboxMessage, Role, TermsVersion
from practices.models import Person, PracticeType
from practices.services import practice_grant
from tests.conftest import make_application, make_practice, make_round, make_user
from tests.helpers import login

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC


@pytest.fixture(autouse=True)
def _english_messages():
    """Assert on the English source messages, whatever translations get compiled later."""
    with translation.override("en"):
        yield


def all_scores(round_obj, *values):
    """Scores for the round's criteria in their order: {criterion id: (value, comment)}."""
    criteria = list(round_obj.criteria.order_by("order"))
    assert len(criteria) == len(values)
    return {c.pk: (v, "") for c, v in zip(criteria, values, strict=True)}


def review(app, reviewer, *values, conflict=False):
    return services.review_save(
        application=app,
        reviewer=reviewer,
        scores=all_scores(app.round, *values) if values else {},
        comment="" if conflict else "Fin ansøgning",
        conflict=conflict,
    )


def decide(app, user, outcome, reason="", now=None):
    return services.application_decide(application=app, user=user, outcome=outcome, reason=reason, now=now)


def events(app):
    return [
        (e.actor, e.from_status, e.to_status, e.reason)
        for e in ApplicationEvent.objects.filter(application=app).order_by("at", "pk")
    ]


def coordinator_data(n):
    return (
        services.CoordinatorData(f"Læge {n}", f"doc{n}@example.org"),
        services.CoordinatorData(f"Sekretær {n}", f"staff{n}@example.org"),
    )


# --- Scoring -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_review_save_stores_one_score_per_criterion(closed_round, steering):
    app = make_application(closed_round)
    saved = review(app, steering, 4, 2)
    stored = {
        s.criterion.name: s.value for s in Score.objects.filter(review=saved).select_related("criterion")
    }
    assert stored == {"Motivation": 4, "Patientgrundlag": 2}
    assert saved.comment == "Fin ansøgning"
    assert saved.conflict_of_interest is False


@pytest.mark.django_db
def test_review_save_again_replaces_the_reviewers_scores(closed_round, steering):
    app = make_application(closed_round)
    review(app, steering, 4, 2)
    review(app, steering, 1, 5)
    assert sorted(Score.objects.filter(review__application=app).values_list("value", flat=True)) == [1, 5]
    assert Review.objects.filter(application=app).count() == 1


@pytest.mark.django_db
def test_means_per_criterion_and_overall_leave_out_conflicted_reviews(closed_round, steering, leader):
    app = make_application(closed_round)
    other = make_user(role=Role.STEERING, round=closed_round)
    flagged = make_user(role=Role.STEERING, round=closed_round)
    review(app, steering, 5, 4)
    review(app, other, 2, 3)
    # A review that has scores but is (later) flagged as a conflict must not count either.
    flagged_review = review(app, flagged, 1, 1)
    Review.objects.filter(pk=flagged_review.pk).update(conflict_of_interest=True)
    # A reviewer who declares a conflict through the service.
    review(app, leader, conflict=True)

    motivation, patients = closed_round.criteria.order_by("order")
    means = selectors.criterion_means(closed_round)
    assert means[app.pk] == {motivation.pk: Decimal("3.50"), patients.pk: Decimal("3.50")}

    row = selectors.applications_for_round(closed_round).get(pk=app.pk)
    assert row.review_count == 2
    assert Decimal(str(row.mean_score)) == Decimal("3.5")


@pytest.mark.django_db
def test_review_without_a_score_for_every_criterion_is_refused_and_keeps_old_scores(closed_round, steering):
    app = make_application(closed_round)
    review(app, steering, 3, 3)
    motivation = closed_round.criteria.get(name="Motivation")
    with pytest.raises(DomainError) as err:
        services.review_save(
            application=app, reviewer=steering, scores={motivation.pk: (5, "")}, comment="", conflict=False
        )
    assert "Patientgrundlag" in str(err.value)
    assert sorted(Score.objects.filter(review__application=app).values_list("value", flat=True)) == [3, 3]


@pytest.mark.django_db
def test_first_review_missing_a_score_stores_nothing(closed_round, steering):
    app = make_application(closed_round)
    motivation = closed_round.criteria.get(name="Motivation")
    with pytest.raises(DomainError):
        services.review_save(
            application=app, reviewer=steering, scores={motivation.pk: (5, "")}, comment="", conflict=False
        )
    assert not Review.objects.filter(application=app).exists()
    assert not Score.objects.filter(review__application=app).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("values", [(0, 3), (3, 6), (1, 99)])
def test_score_outside_the_rounds_range_is_refused(closed_round, steering, values):
    app = make_application(closed_round)
    with pytest.raises(DomainError) as err:
        review(app, steering, *values)
    assert "1" in str(err.value) and "5" in str(err.value)
    assert not Score.objects.filter(review__application=app).exists()


@pytest.mark.django_db
def test_score_range_follows_the_round(region):
    round_obj = make_round(region, open_=False, score_min=0, score_max=10)
    reviewer = make_user(role=Role.STEERING, round=round_obj)
    app = make_application(round_obj)
    review(app, reviewer, 0, 10)
    assert sorted(Score.objects.filter(review__application=app).values_list("value", flat=True)) == [0, 10]
    with pytest.raises(DomainError):
        review(app, reviewer, 0, 11)


@pytest.mark.django_db
def test_steering_member_cannot_review_their_own_practice(closed_round, steering, client):
    own = make_application(closed_round)
    other = make_application(closed_round)
    assert permissions.can_review(steering, own)
    practice_grant(user=steering, practice=own.practice)

    assert permissions.can_review(steering, own) is False
    assert permissions.can_review(steering, other) is True
    with pytest.raises(DomainError):
        review(own, steering, 5, 5)
    assert not Review.objects.filter(application=own).exists()

    login(client, steering)
    response = client.get(reverse("applications:round_list", args=[closed_round.pk]))
    assert response.status_code == 200
    listed = {a.pk for a in response.context["applications"]}
    assert listed == {other.pk}


@pytest.mark.django_db
def test_declaring_a_conflict_removes_the_reviewers_scores(closed_round, steering):
    app = make_application(closed_round)
    review(app, steering, 5, 5)
    saved = review(app, steering, conflict=True)
    assert saved.conflict_of_interest is True
    assert saved.comment == ""
    assert not Score.objects.filter(review=saved).exists()
    row = selectors.applications_for_round(closed_round).get(pk=app.pk)
    assert row.mean_score is None
    assert row.review_count == 0


# --- Deadline in Copenhagen time --------------------------------------------------------------------


def round_with_deadline(region, deadline):
    return make_round(
        region, applications_open_at=deadline - dt.timedelta(days=30), application_deadline=deadline
    )


@pytest.mark.django_db
def test_submit_one_second_before_the_copenhagen_deadline_succeeds(region):
    deadline = dt.datetime(2026, 3, 1, 12, 0, tzinfo=CPH)
    round_obj = round_with_deadline(region, deadline)
    round_obj.refresh_from_db()
    assert round_obj.application_deadline == dt.datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # CET, UTC+1
    app = make_application(round_obj, submit=False)
    now = dt.datetime(2026, 3, 1, 11, 59, 59, tzinfo=CPH)
    services.application_submit(application=app, user=app.created_by, now=now)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.submitted_at == now


@pytest.mark.django_db
def test_submit_at_the_copenhagen_deadline_is_refused(region):
    round_obj = round_with_deadline(region, dt.datetime(2026, 3, 1, 12, 0, tzinfo=CPH))
    app = make_application(round_obj, submit=False)
    with pytest.raises(DomainError) as err:
        services.application_submit(
            application=app, user=app.created_by, now=dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=CPH)
        )
    assert "deadline" in str(err.value)
    assert "1 March 2026 at 12:00" in str(err.value)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    assert app.submitted_at is None


@pytest.mark.django_db
def test_deadline_on_the_day_summer_time_starts_is_ten_utc(region):
    # Denmark moves to CEST (UTC+2) at 02:00 on 29 March 2026: 12:00 local is 10:00 UTC, not 11:00.
    round_obj = round_with_deadline(region, dt.datetime(2026, 3, 29, 12, 0, tzinfo=CPH))
    round_obj.refresh_from_db()
    assert round_obj.application_deadline == dt.datetime(2026, 3, 29, 10, 0, tzinfo=UTC)

    in_time = make_application(round_obj, submit=False)
    services.application_submit(
        application=in_time, user=in_time.created_by, now=dt.datetime(2026, 3, 29, 9, 59, 59, tzinfo=UTC)
    )
    in_time.refresh_from_db()
    assert in_time.status == ApplicationStatus.SUBMITTED

    for late_utc in (
        dt.datetime(2026, 3, 29, 10, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 10, 30, tzinfo=UTC),
    ):
        late = make_application(round_obj, submit=False)
        with pytest.raises(DomainError) as err:
            services.application_submit(application=late, user=late.created_by, now=late_utc)
        assert "29 March 2026 at 12:00" in str(err.value)
        late.refresh_from_db()
        assert late.status == ApplicationStatus.DRAFT


@pytest.mark.django_db
def test_update_after_the_deadline_is_refused(region):
    deadline = dt.datetime(2026, 3, 1, 12, 0, tzinfo=CPH)
    round_obj = round_with_deadline(region, deadline)
    app = make_application(round_obj, submit=False)
    doctor, staff = coordinator_data("late")
    with pytest.raises(DomainError) as err:
        services.application_update(
            application=app,
            user=app.created_by,
            practice_description="Ny tekst",
            patient_base="Ny tekst",
            motivation="Ny tekst",
            doctor=doctor,
            staff=staff,
            now=deadline,
        )
    assert "deadline" in str(err.value)
    app.refresh_from_db()
    assert app.motivation == "Vi vil gerne blive bedre."


@pytest.mark.django_db
def test_reopen_before_the_deadline_returns_to_draft_and_is_recorded(region):
    deadline = dt.datetime(2026, 3, 1, 12, 0, tzinfo=CPH)
    round_obj = round_with_deadline(region, deadline)
    app = make_application(round_obj)
    owner = app.created_by
    services.application_reopen(application=app, user=owner, now=deadline - dt.timedelta(minutes=1))
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    assert events(app)[-1] == (owner, ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT, "")
    # A reopened draft can be submitted again before the deadline.
    services.application_submit(application=app, user=owner, now=deadline - dt.timedelta(seconds=1))
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_reopen_after_the_deadline_is_refused(region):
    deadline = dt.datetime(2026, 3, 1, 12, 0, tzinfo=CPH)
    round_obj = round_with_deadline(region, deadline)
    app = make_application(round_obj)
    before = len(events(app))
    with pytest.raises(DomainError) as err:
        services.application_reopen(application=app, user=app.created_by, now=deadline)
    assert "deadline" in str(err.value)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert len(events(app)) == before


# --- Submitting ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submitting_twice_is_refused(open_round):
    app = make_application(open_round)
    with pytest.raises(DomainError) as err:
        services.application_submit(application=app, user=app.created_by)
    assert "already been submitted" in str(err.value)
    assert (
        ApplicationEvent.objects.filter(application=app, to_status=ApplicationStatus.SUBMITTED).count() == 1
    )


@pytest.mark.django_db
def test_second_submitted_application_from_the_same_practice_is_refused(open_round):
    first = make_application(open_round)
    second = make_application(open_round, practice=first.practice, submit=False)
    with pytest.raises(DomainError) as err:
        services.application_submit(application=second, user=second.created_by)
    assert first.practice.name in str(err.value)
    assert "already submitted" in str(err.value)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.DRAFT


@pytest.mark.django_db
def test_colleagues_continue_the_practices_one_draft_and_submit_it(open_round):
    """The layering issue's draft rule: one open draft per practice and round among those who act for it."""
    practice = make_practice(open_round.region)
    first = make_application(open_round, practice=practice, submit=False)
    second = make_application(open_round, practice=practice, submit=False)
    assert second.pk == first.pk
    services.application_submit(application=second, user=second.created_by)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_submit_without_a_staff_coordinator_names_the_missing_field(open_round):
    practice = make_practice(open_round.region)
    user = make_user(practice=practice)
    app = services.application_start(user=user, round_obj=open_round, practice=practice)
    doctor, _staff = coordinator_data("solo")
    services.application_update(
        application=app,
        user=user,
        practice_description="Beskrivelse",
        patient_base="Patienter",
        motivation="Motivation",
        doctor=doctor,
        staff=None,
    )
    with pytest.raises(DomainError) as err:
        services.application_submit(application=app, user=user)
    message = str(err.value)
    assert "coordinator (staff)" in message
    assert "coordinator (doctor)" not in message
    assert "motivation" not in message
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


@pytest.mark.django_db
def test_cpr_number_in_the_motivation_is_refused_and_nothing_is_saved(open_round):
    app = make_application(open_round, submit=False)
    texts = (app.practice_description, app.patient_base, app.motivation)
    coordinators = (app.doctor_coordinator_id, app.staff_coordinator_id)
    persons = Person.objects.count()
    doctor, staff = coordinator_data("cpr")
    with pytest.raises(DomainError) as err:
        services.application_update(
            application=app,
            user=app.created_by,
            practice_description="Ændret beskrivelse",
            patient_base="Ændret patientgrundlag",
            motivation="Vores patient 010190-1234 er et godt eksempel.",
            doctor=doctor,
            staff=staff,
        )
    assert "CPR" in str(err.value)
    assert "010190" not in str(err.value)
    app.refresh_from_db()
    assert (app.practice_description, app.patient_base, app.motivation) == texts
    assert (app.doctor_coordinator_id, app.staff_coordinator_id) == coordinators
    assert Person.objects.count() == persons


@pytest.mark.django_db
def test_cpr_number_in_a_coordinators_title_rolls_back_the_other_coordinator(open_round):
    app = make_application(open_round, submit=False)
    persons = Person.objects.count()
    doctor, _ = coordinator_data("ok")
    staff = services.CoordinatorData("Sekretær", "sek-cpr@example.org", title="ref. 0101901234")
    with pytest.raises(DomainError):
        services.application_update(
            application=app,
            user=app.created_by,
            practice_description="Ændret",
            patient_base="Ændret",
            motivation="Ændret",
            doctor=doctor,
            staff=staff,
        )
    assert Person.objects.count() == persons
    assert not Person.objects.filter(email__in=["docok@example.org", "sek-cpr@example.org"]).exists()
    app.refresh_from_db()
    assert app.motivation == "Vi vil gerne blive bedre."


@pytest.mark.django_db
def test_motivation_over_5000_characters_is_refused(open_round):
    app = make_application(open_round, submit=False)
    doctor, staff = coordinator_data("long")

    def update(motivation):
        return services.application_update(
            application=app,
            user=app.created_by,
            practice_description="Beskrivelse",
            patient_base="Patienter",
            motivation=motivation,
            doctor=doctor,
            staff=staff,
        )

    with pytest.raises(DomainError) as err:
        update("x" * 5001)
    assert "5000" in str(err.value)
    app.refresh_from_db()
    assert app.motivation == "Vi vil gerne blive bedre."

    update("x" * 5000)
    app.refresh_from_db()
    assert len(app.motivation) == 5000


# --- Places and the waiting list -------------------------------------------------------------------


@pytest.mark.django_db
def test_places_are_never_exceeded(closed_round, leader):
    assert closed_round.places == 3
    apps = [make_application(closed_round) for _ in range(4)]
    for app in apps[:3]:
        decide(app, leader, ApplicationStatus.SELECTED)
    assert selectors.places_taken(closed_round) == 3
    with pytest.raises(DomainError) as err:
        decide(apps[3], leader, ApplicationStatus.SELECTED)
    assert "3 places" in str(err.value)
    apps[3].refresh_from_db()
    assert apps[3].status == ApplicationStatus.SUBMITTED
    assert selectors.places_taken(closed_round) == 3


@pytest.mark.django_db
def test_waitlisted_applications_get_positions_in_order(closed_round, leader):
    apps = [make_application(closed_round) for _ in range(3)]
    for app in apps:
        decide(app, leader, ApplicationStatus.WAITLISTED)
    positions = [Application.objects.get(pk=a.pk).waitlist_position for a in apps]
    assert positions == [1, 2, 3]


@pytest.mark.django_db
def test_decisions_are_refused_before_the_deadline(open_round):
    leader = make_user(role=Role.PROJECT_LEADER, round=open_round)
    app = make_application(open_round)
    with pytest.raises(DomainError):
        decide(app, leader, ApplicationStatus.SELECTED)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def selected_and_waitlisted(round_obj, leader, selected=3, waitlisted=2):
    chosen = [make_application(round_obj) for _ in range(selected)]
    waiting = [make_application(round_obj) for _ in range(waitlisted)]
    for app in chosen:
        decide(app, leader, ApplicationStatus.SELECTED)
    for app in waiting:
        decide(app, leader, ApplicationStatus.WAITLISTED)
    return chosen, waiting


@pytest.mark.django_db
def test_withdrawing_a_selected_application_offers_the_place_to_the_first_on_the_waitlist(
    closed_round, leader, django_capture_on_commit_callbacks
):
    chosen, (first, second) = selected_and_waitlisted(closed_round, leader)
    leaving = chosen[0]
    now = timezone.now()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application=leaving, user=leaving.created_by, reason="Sygdom", now=now)

    leaving.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert leaving.status == ApplicationStatus.WITHDRAWN
    assert first.status == ApplicationStatus.OFFERED
    assert first.waitlist_position is None
    assert first.offer_expires_at == now + dt.timedelta(days=closed_round.offer_days)
    assert second.status == ApplicationStatus.WAITLISTED
    assert selectors.places_taken(closed_round, now) == 3

    # The offer is the only event of the first on the list here, so its mails name that practice.
    offered_to = {a for m in mail.outbox if first.practice.name in m.subject for a in m.to}
    assert {p.email for p in first.coordinators} <= offered_to
    offer = ApplicationEvent.objects.get(application=first, to_status=ApplicationStatus.OFFERED)
    assert OutboxMessage.objects.filter(
        key__startswith=f"application-event:{offer.pk}:", state="sent"
    ).exists()
    withdrawn_to = {a for m in mail.outbox if leaving.practice.name in m.subject for a in m.to}
    assert {p.email for p in leaving.coordinators} <= withdrawn_to
    # Nobody else on the list was written to.
    assert not [m for m in mail.outbox if second.practice.name in m.subject]


@pytest.mark.django_db
def test_withdrawing_a_waitlisted_application_offers_nothing(closed_round, leader):
    _chosen, (first, second) = selected_and_waitlisted(closed_round, leader)
    services.application_withdraw(application=first, user=first.created_by)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.WAITLISTED
    assert not Application.objects.filter(round=closed_round, status=ApplicationStatus.OFFERED).exists()


@pytest.mark.django_db
def test_offering_to_number_two_while_number_one_waits_needs_a_reason(closed_round, leader):
    _chosen, (first, second) = selected_and_waitlisted(closed_round, leader, selected=2, waitlisted=2)
    with pytest.raises(DomainError) as err:
        services.waitlist_offer(application=second, user=leader, reason="  ")
    assert err.value.field == "reason"
    assert "1 practice is ahead" in str(err.value)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.WAITLISTED

    services.waitlist_offer(application=second, user=leader, reason="Mangler en praksis i Vest")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == ApplicationStatus.OFFERED
    assert first.status == ApplicationStatus.WAITLISTED and first.waitlist_position == 1
    assert events(second)[-1] == (
        leader,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.OFFERED,
        "Mangler en praksis i Vest",
    )


@pytest.mark.django_db
def test_offering_to_number_one_needs_no_reason_but_a_free_place(closed_round, leader):
    _chosen, (first, _second) = selected_and_waitlisted(closed_round, leader, selected=3, waitlisted=2)
    with pytest.raises(DomainError):
        services.waitlist_offer(application=first, user=leader)
    services.application_withdraw(application=_chosen[0], user=leader)  # offers #1 automatically
    first.refresh_from_db()
    assert first.status == ApplicationStatus.OFFERED


@pytest.mark.django_db
def test_expired_offer_is_expired_and_the_place_passes_to_the_next(closed_round, leader):
    chosen, (first, second) = selected_and_waitlisted(closed_round, leader)
    start = timezone.now()
    services.application_withdraw(application=chosen[0], user=leader, now=start)
    first.refresh_from_db()
    expires = first.offer_expires_at
    assert expires == start + dt.timedelta(days=7)

    assert services.offers_expire(now=expires - dt.timedelta(seconds=1)) == 0
    first.refresh_from_db()
    assert first.status == ApplicationStatus.OFFERED

    later = expires + dt.timedelta(seconds=1)
    assert services.offers_expire(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApplicationStatus.EXPIRED
    assert events(first)[-1] == (None, ApplicationStatus.OFFERED, ApplicationStatus.EXPIRED, "")
    assert second.status == ApplicationStatus.OFFERED
    assert second.offer_expires_at == later + dt.timedelta(days=7)
    assert selectors.places_taken(closed_round, later) == 3
    # Running it again changes nothing.
    assert services.offers_expire(now=later) == 0


@pytest.mark.django_db
def test_accepting_an_offer_after_it_expired_is_refused(closed_round, leader):
    chosen, (first, _second) = selected_and_waitlisted(closed_round, leader)
    services.application_withdraw(application=chosen[0], user=leader)
    first.refresh_from_db()
    terms = closed_round.current_terms()
    too_late = first.offer_expires_at + dt.timedelta(minutes=1)
    expiry = formatting.when(first.offer_expires_at)  # in running text: "29 January 2027 at 12:00"

    # Before the expiry job has run ...
    with pytest.raises(DomainError) as err:
        services.application_accept(application=first, user=first.created_by, terms=terms, now=too_late)
    assert "expired" in str(err.value) and expiry in str(err.value)

    # ... and after it has.
    services.offers_expire(now=too_late)
    with pytest.raises(DomainError) as err:
        services.application_accept(application=first, user=first.created_by, terms=terms, now=too_late)
    assert "expired" in str(err.value) and expiry in str(err.value)
    assert not Participation.objects.filter(application=first).exists()


@pytest.mark.django_db
def test_accepting_an_offer_in_time_creates_a_participation(closed_round, leader):
    chosen, (first, _second) = selected_and_waitlisted(closed_round, leader)
    services.application_withdraw(application=chosen[0], user=leader)
    first.refresh_from_db()
    in_time = first.offer_expires_at - dt.timedelta(minutes=1)
    services.application_accept(
        application=first, user=first.created_by, terms=closed_round.current_terms(), now=in_time
    )
    first.refresh_from_db()
    assert first.status == ApplicationStatus.ACCEPTED
    assert first.offer_expires_at is None
    assert Participation.objects.get(application=first).accepted_at == in_time


@pytest.mark.django_db
def test_accept_creates_a_participation_that_keeps_the_accepted_terms(closed_round, leader):
    app = make_application(closed_round)
    decide(app, leader, ApplicationStatus.SELECTED)
    v1 = closed_round.current_terms()
    participation = services.application_accept(application=app, user=app.created_by, terms=v1)
    assert (participation.round, participation.practice, participation.accepted_by) == (
        closed_round,
        app.practice,
        app.created_by,
    )
    TermsVersion.objects.create(
        round=closed_round,
        version="2.0",
        text="Nye vilkår.",
        published_at=timezone.now() + dt.timedelta(minutes=1),
    )
    assert closed_round.current_terms().version == "2.0"
    participation.refresh_from_db()
    assert participation.terms == v1
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACCEPTED


@pytest.mark.django_db
def test_accepting_twice_is_refused(closed_round, leader):
    app = make_application(closed_round)
    decide(app, leader, ApplicationStatus.SELECTED)
    terms = closed_round.current_terms()
    services.application_accept(application=app, user=app.created_by, terms=terms)
    with pytest.raises(DomainError) as err:
        services.application_accept(application=app, user=app.created_by, terms=terms)
    assert "already been accepted" in str(err.value)
    assert Participation.objects.filter(application=app).count() == 1


@pytest.mark.django_db
def test_accepting_outdated_terms_is_refused(closed_round, leader):
    app = make_application(closed_round)
    decide(app, leader, ApplicationStatus.SELECTED)
    old = closed_round.current_terms()
    new = TermsVersion.objects.create(
        round=closed_round,
        version="2.0",
        text="Nye vilkår.",
        published_at=timezone.now() + dt.timedelta(minutes=1),
    )
    with pytest.raises(DomainError) as err:
        services.application_accept(application=app, user=app.created_by, terms=old)
    assert "terms have changed" in str(err.value)
    assert not Participation.objects.filter(application=app).exists()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SELECTED

    participation = services.application_accept(application=app, user=app.created_by, terms=new)
    assert participation.terms == new


@pytest.mark.django_db
def test_an_outsider_cannot_accept_for_the_practice(closed_round, leader, outsider):
    app = make_application(closed_round)
    decide(app, leader, ApplicationStatus.SELECTED)
    with pytest.raises(DomainError):
        services.application_accept(application=app, user=outsider, terms=closed_round.current_terms())
    assert not Participation.objects.filter(application=app).exists()


# --- History ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_status_change_is_recorded_with_actor_from_to_and_reason(closed_round, leader):
    owner = make_user()
    app = make_application(closed_round, user=owner)
    decide(app, leader, ApplicationStatus.WAITLISTED, reason="Lavere score end de valgte")
    services.waitlist_offer(application=app, user=leader)
    services.application_accept(application=app, user=owner, terms=closed_round.current_terms())
    services.application_withdraw(application=app, user=owner, reason="Lukker praksis")

    assert events(app) == [
        (owner, "", ApplicationStatus.DRAFT, ""),
        (owner, ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ""),
        (leader, ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED, "Lavere score end de valgte"),
        (leader, ApplicationStatus.WAITLISTED, ApplicationStatus.OFFERED, ""),
        (owner, ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED, "v1.0"),
        (owner, ApplicationStatus.ACCEPTED, ApplicationStatus.WITHDRAWN, "Lukker praksis"),
    ]
    kinds = list(
        ApplicationEvent.objects.filter(application=app).order_by("at", "pk").values_list("kind", flat=True)
    )
    assert kinds[2:4] == [ApplicationEvent.Kind.DECISION, ApplicationEvent.Kind.DECISION]
    assert Participation.objects.get(application=app).ended_at is not None


@pytest.mark.django_db
def test_a_changed_decision_is_recorded_from_the_previous_decision(closed_round, leader):
    app = make_application(closed_round)
    decide(app, leader, ApplicationStatus.REJECTED, reason="Uden for målgruppen")
    decide(app, leader, ApplicationStatus.SELECTED, reason="Genovervejet")
    assert events(app)[-2:] == [
        (leader, ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED, "Uden for målgruppen"),
        (leader, ApplicationStatus.REJECTED, ApplicationStatus.SELECTED, "Genovervejet"),
    ]


# --- The balanced suggestion from the database ------------------------------------------------------

# name, municipality, form, capacities, (motivation, patient base) -> area by the conftest's areas,
# size band "Lille" below 2.5 capacities, "Stor" from 2.5.
PRACTICES = [
    ("Praksis A", "Aarhus", PracticeType.SOLO, "1", (5, 5)),
    ("Praksis B", "Aarhus", PracticeType.PARTNERSHIP, "3", (5, 4)),
    ("Praksis C", "Herning", PracticeType.SOLO, "1", (3, 3)),
    ("Praksis D", "Randers", PracticeType.COOPERATING, "2", (2, 3)),
    ("Praksis E", "Samsø", PracticeType.REGION_CLINIC, "4", (4, 4)),
    ("Praksis F", "Viborg", PracticeType.PARTNERSHIP, "1.5", (2, 2)),
    ("Praksis G", "Horsens", PracticeType.SOLO, "5", (1, 2)),
]
AREA = {
    "Aarhus": "Aarhus",
    "Samsø": "Aarhus",
    "Herning": "Vest",
    "Randers": "Øst",
    "Viborg": "Øst",
    "Horsens": "Øst",
}
DIMENSIONS = {
    "area": ["Aarhus", "Vest", "Øst"],
    "form": [
        PracticeType.SOLO,
        PracticeType.PARTNERSHIP,
        PracticeType.COOPERATING,
        PracticeType.REGION_CLINIC,
    ],
    "size": ["Lille", "Stor"],
}


@pytest.fixture
def scored_round(closed_round, steering):
    """Seven scored applications for three places; returns {letter: application}."""
    apps = {}
    for name, municipality, form, capacities, values in PRACTICES:
        practice = make_practice(
            closed_round.region, name=name, municipality=municipality, form=form, capacities=capacities
        )
        app = make_application(closed_round, practice=practice)
        review(app, steering, *values)
        apps[name[-1]] = app
    # A draft is never part of the suggestion.
    make_application(closed_round, submit=False, name="Praksis H (kladde)")
    return apps


def expected_candidates(apps, fixed=()):
    out = []
    for name, municipality, form, capacities, values in PRACTICES:
        app = apps[name[-1]]
        out.append(
            selection.Candidate(
                key=app.pk,
                label=name,
                score=Decimal(sum(values)) / len(values),
                groups={
                    "area": AREA[municipality],
                    "form": str(form),
                    "size": "Lille" if Decimal(capacities) < Decimal("2.5") else "Stor",
                },
                fixed=name[-1] in fixed,
            )
        )
    return out


@pytest.mark.django_db
def test_balanced_suggestion_from_the_database_equals_brute_force(closed_round, scored_round):
    apps = scored_round
    groups = selectors.round_groups(closed_round)
    assert groups.dimensions() == {k: [str(g) for g in v] for k, v in DIMENSIONS.items()}
    suggestion = selectors.balanced_suggestion(
        closed_round, selectors.applications_for_round(closed_round), groups
    )
    expected = selection.brute_force_selection(
        expected_candidates(apps), places=closed_round.places, dimensions=DIMENSIONS
    )
    assert [p.candidate.key for p in suggestion.picks] == [p.candidate.key for p in expected.picks]
    assert suggestion.total_score == expected.total_score
    assert suggestion.covered == expected.covered
    # Worked out by hand: B, C and D cover all 3 areas, 3 forms and both sizes with the best total;
    # the three best scores (A, B, E) would all be in the Aarhus area.
    assert [p.candidate.key for p in suggestion.picks] == [apps["B"].pk, apps["C"].pk, apps["D"].pk]
    assert suggestion.total_score == Decimal("10")
    assert suggestion.covered_count == 8


@pytest.mark.django_db
def test_balanced_suggestion_keeps_already_selected_applications(closed_round, scored_round, leader):
    apps = scored_round
    decide(apps["G"], leader, ApplicationStatus.SELECTED)  # the lowest score, but already selected
    decide(apps["A"], leader, ApplicationStatus.REJECTED, reason="Uden for målgruppen")  # not a candidate
    groups = selectors.round_groups(closed_round)
    suggestion = selectors.balanced_suggestion(
        closed_round, selectors.applications_for_round(closed_round), groups
    )
    candidates = [c for c in expected_candidates(apps, fixed={"G"}) if c.key != apps["A"].pk]
    expected = selection.brute_force_selection(candidates, places=closed_round.places, dimensions=DIMENSIONS)

    keys = [p.candidate.key for p in suggestion.picks]
    assert keys == [p.candidate.key for p in expected.picks]
    assert keys[0] == apps["G"].pk
    assert suggestion.picks[0].reasons[0].code == selection.REASON_FIXED
    assert set(keys) == {apps["G"].pk, apps["B"].pk, apps["C"].pk}
    assert apps["A"].pk not in keys


# --- Spread -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_spread_names_the_missing_areas_forms_and_size_bands(closed_round, scored_round, leader):
    apps = scored_round
    decide(apps["A"], leader, ApplicationStatus.SELECTED)  # Aarhus, solo, Lille
    decide(apps["C"], leader, ApplicationStatus.SELECTED)  # Vest, solo, Lille
    selected = selectors.applications_for_round(closed_round).filter(status=ApplicationStatus.SELECTED)
    result = selectors.spread(selectors.round_groups(closed_round), selected)

    assert result.total == 2
    assert {(r.dimension, r.group) for r in result.missing} == {
        ("area", "Øst"),
        ("form", PracticeType.PARTNERSHIP),
        ("form", PracticeType.COOPERATING),
        ("form", PracticeType.REGION_CLINIC),
        ("size", "Stor"),
    }
    counts = {(r.dimension, r.group): r.count for r in result.rows}
    assert counts[("form", PracticeType.SOLO)] == 2
    assert counts[("area", "Aarhus")] == 1
    assert counts[("area", "Vest")] == 1
    assert counts[("size", "Lille")] == 2
    assert counts[("municipality", "Herning")] == 1
    assert counts[("municipality", "Viborg")] == 0  # municipalities are listed, never "missing"
    labels = {r.group: r.label for r in result.missing if r.dimension == "form"}
    assert labels[PracticeType.REGION_CLINIC] == "Region-run or tendered clinic"
