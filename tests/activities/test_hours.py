"""The hours ledger (activities.selectors.ledgers / round_overview): what counts toward a practice's
10 hours and what does not, the split by doctor, staff and person, the start-up meeting, the
leaders' overview order, and a query count that does not grow with the participations."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities import services
from activities.models import ActivityKind, ClaimStatus, HourClaim, Registration, RegistrationStatus
from activities.selectors import ledgers, round_overview
from applications.models import Participation
from ligepraksis.models import Role
from practices.models import PersonKind
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_session,
    participate,
    provider,
)
from tests.conftest import make_round, make_user

CPH = ZoneInfo("Europe/Copenhagen")


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=CPH)


@pytest.fixture
def part(closed_round, leader):
    """A participating practice of the 2026 round (window: the whole of 2026, the default)."""
    participation, puser = participate(closed_round, leader)
    app = participation.application
    return participation, puser, app.doctor_coordinator, app.staff_coordinator


def ledger_of(participation):
    (ledger,) = ledgers(Participation.objects.filter(pk=participation.pk))
    return ledger


def held(activity, starts_at, puser, practice, leader, present=(), absent=()):
    """A session of the activity that took place: `present` attended, `absent` were no-shows."""
    session = make_session(activity, starts_at=starts_at, capacity=50)
    result = services.registration_signup(
        user=puser,
        session=session,
        practice=practice,
        persons=[*present, *absent],
        now=session.signup_deadline - dt.timedelta(days=1),
    )
    wanted = {p.pk for p in present}
    services.attendance_record(
        user=leader,
        session=session,
        attended_ids=[r.pk for r in result.confirmed if r.person_id in wanted],
        now=session.starts_at + dt.timedelta(minutes=10),
    )
    return session


def claim(
    participation, person, hours, status, *, occurred_on=dt.date(2026, 4, 1), activity=None, leader=None
):
    c = HourClaim.objects.create(
        round=participation.round,
        practice=participation.practice,
        person=person,
        activity=activity,
        description="Eksternt kursus i motiverende samtale",
        occurred_on=occurred_on,
        hours=Decimal(hours),
        submitted_by=participation.accepted_by,
    )
    if status != ClaimStatus.PENDING:
        services.claim_decide(
            user=leader, claim=c, approve=status == ClaimStatus.APPROVED, reason="Ikke dokumenteret"
        )
    return c


# --- Attendance -------------------------------------------------------------------------------


def test_attended_hours_count_and_no_shows_do_not(closed_round, leader, part):
    participation, puser, doctor, staff = part
    webinar = make_activity(closed_round, hours="2")
    held(webinar, at(2026, 3, 10), puser, participation.practice, leader, present=[doctor], absent=[staff])

    ledger = ledger_of(participation)
    assert ledger.total == Decimal("2")
    assert (ledger.doctor, ledger.staff) == (Decimal("2"), Decimal("0"))
    assert [(r.name, r.hours) for r in ledger.by_person.values()] == [(doctor.name, Decimal("2"))]
    assert ledger.remaining == Decimal("8") and ledger.percent == 20 and not ledger.done
    no_show = Registration.objects.get(person=staff)
    assert no_show.status == RegistrationStatus.CONFIRMED and no_show.attended is False


def test_signed_up_but_attendance_not_yet_taken_does_not_count(closed_round, leader, part):
    participation, puser, doctor, _staff = part
    session = make_session(make_activity(closed_round, hours="3"), starts_at=at(2026, 5, 5))
    services.registration_signup(
        user=puser, session=session, practice=participation.practice, persons=[doctor],
        now=at(2026, 5, 1),
    )  # fmt: skip
    assert ledger_of(participation).total == 0


def test_the_split_is_by_doctor_staff_and_person(closed_round, leader, part):
    participation, puser, doctor, staff = part
    practice = participation.practice
    webinar = make_activity(closed_round, hours="1.5")
    course = make_activity(closed_round, hours="3", kind=ActivityKind.COURSE)
    held(webinar, at(2026, 2, 3), puser, practice, leader, present=[doctor, staff])
    held(course, at(2026, 4, 14), puser, practice, leader, present=[staff])
    claim(participation, doctor, "2", ClaimStatus.APPROVED, leader=leader)

    ledger = ledger_of(participation)
    assert ledger.total == Decimal("8")
    assert ledger.doctor == Decimal("3.5") and ledger.staff == Decimal("4.5")
    assert {r.person_id: r.hours for r in ledger.by_person.values()} == {
        doctor.pk: Decimal("3.5"),
        staff.pk: Decimal("4.5"),
    }
    assert {r.kind for r in ledger.by_person.values()} == {PersonKind.DOCTOR, PersonKind.STAFF}


def test_ten_hours_is_done(closed_round, leader, part):
    participation, puser, doctor, staff = part
    course = make_activity(closed_round, hours="5", kind=ActivityKind.COURSE)
    held(course, at(2026, 3, 3), puser, participation.practice, leader, present=[doctor, staff])
    ledger = ledger_of(participation)
    assert ledger.total == Decimal("10") and ledger.done and ledger.remaining == 0 and ledger.percent == 100


# --- Activities that never count; the start-up meeting ---------------------------------------------


@pytest.fixture
def startup(closed_round):
    return make_activity(
        closed_round, title="Opstartsmøde", kind=ActivityKind.STARTUP, hours="1.5", required=True,
    )  # fmt: skip


def test_the_start_up_meeting_and_theme_day_never_count_but_mark_the_start_up_done(
    closed_round, leader, part, startup
):
    participation, puser, doctor, staff = part
    theme_day = make_activity(
        closed_round,
        title="Temapraksisdag",
        kind=ActivityKind.THEME_DAY,
        hours="6",
    )
    held(startup, at(2026, 1, 20), puser, participation.practice, leader, present=[doctor, staff])
    held(theme_day, at(2026, 9, 10), puser, participation.practice, leader, present=[doctor, staff])
    claim(participation, doctor, "6", ClaimStatus.APPROVED, activity=theme_day, leader=leader)

    ledger = ledger_of(participation)
    assert ledger.total == 0 and ledger.by_person == {}
    assert ledger.startup_done


def test_the_start_up_meeting_is_done_only_when_both_coordinators_attended(
    closed_round, leader, part, startup
):
    participation, puser, doctor, staff = part
    colleague = make_person(participation.practice, kind=PersonKind.STAFF)
    held(
        startup,
        at(2026, 1, 20),
        puser,
        participation.practice,
        leader,
        present=[doctor, colleague],
        absent=[staff],
    )
    assert not ledger_of(participation).startup_done
    held(startup, at(2026, 2, 2), puser, participation.practice, leader, present=[staff])  # the second run
    assert ledger_of(participation).startup_done


# --- Whose hours count ------------------------------------------------------------------------


def test_by_default_only_the_two_coordinators_hours_count(closed_round, leader, part):
    participation, puser, doctor, _staff = part
    colleague = make_person(participation.practice, kind=PersonKind.DOCTOR)
    webinar = make_activity(closed_round, hours="2")
    held(webinar, at(2026, 3, 10), puser, participation.practice, leader, present=[doctor, colleague])
    claim(participation, colleague, "4", ClaimStatus.APPROVED, leader=leader)
    claim(participation, colleague, "1", ClaimStatus.PENDING)

    assert closed_round.hours_count_for == "coordinators"
    ledger = ledger_of(participation)
    assert ledger.total == Decimal("2") and set(ledger.by_person) == {doctor.pk}
    assert ledger.pending_claims == 0


def test_with_members_every_member_of_the_practice_counts(closed_round, leader, part):
    participation, puser, doctor, _staff = part
    colleague = make_person(participation.practice, kind=PersonKind.DOCTOR)
    webinar = make_activity(closed_round, hours="2")
    held(webinar, at(2026, 3, 10), puser, participation.practice, leader, present=[doctor, colleague])
    claim(participation, colleague, "4", ClaimStatus.APPROVED, leader=leader)
    closed_round.hours_count_for = "members"
    closed_round.save()

    ledger = ledger_of(participation)
    assert ledger.total == Decimal("8") and ledger.doctor == Decimal("8")
    assert {r.person_id: r.hours for r in ledger.by_person.values()} == {
        doctor.pk: Decimal("2"),
        colleague.pk: Decimal("6"),
    }


def test_another_practices_people_never_count(closed_round, leader, part):
    participation, _puser, _doctor, _staff = part
    other, other_user = participate(closed_round, leader)
    webinar = make_activity(closed_round, hours="2")
    held(
        webinar,
        at(2026, 3, 10),
        other_user,
        other.practice,
        leader,
        present=[other.application.doctor_coordinator],
    )
    assert ledger_of(participation).total == 0
    assert ledger_of(other).total == Decimal("2")


# --- The hour window ------------------------------------------------------------------------------


def test_only_sessions_inside_the_hour_window_count_whenever_the_practice_was_selected(
    closed_round, leader, part
):
    """Window 1 Feb - 30 Jun 2026, in Danish time; the practice accepted the terms only in November."""
    participation, puser, doctor, _staff = part
    closed_round.hour_window_start, closed_round.hour_window_end = dt.date(2026, 2, 1), dt.date(2026, 6, 30)
    closed_round.save()
    assert participation.accepted_at > at(2026, 7, 1)  # selected after every one of these sessions
    webinar = make_activity(closed_round, hours="1")
    practice = participation.practice
    for starts_at, inside in [
        (at(2026, 1, 31, 23, 30), False),  # the day before the window, in Danish time
        (at(2026, 2, 1, 0, 30), True),  # 31 January in UTC, 1 February in Denmark
        (at(2026, 4, 15), True),
        (at(2026, 6, 30, 23, 30), True),  # the last day (still 30 June in UTC too)
        (at(2026, 7, 1, 0, 30), False),  # 30 June in UTC, but 1 July in Denmark
        (at(2025, 4, 15), False),
    ]:
        before = ledger_of(participation).total
        held(webinar, starts_at, puser, practice, leader, present=[doctor])
        assert ledger_of(participation).total - before == (1 if inside else 0), starts_at
    assert ledger_of(participation).total == Decimal("3")


def test_claims_outside_the_window_never_count(closed_round, leader, part):
    participation, _puser, doctor, _staff = part
    closed_round.hour_window_start, closed_round.hour_window_end = dt.date(2026, 2, 1), dt.date(2026, 6, 30)
    closed_round.save()
    claim(participation, doctor, "2", ClaimStatus.APPROVED, occurred_on=dt.date(2026, 1, 31), leader=leader)
    claim(participation, doctor, "3", ClaimStatus.APPROVED, occurred_on=dt.date(2026, 6, 30), leader=leader)
    claim(participation, doctor, "4", ClaimStatus.APPROVED, occurred_on=dt.date(2026, 7, 1), leader=leader)
    assert ledger_of(participation).total == Decimal("3")


def test_another_rounds_activities_do_not_count(closed_round, leader, part, region):
    participation, puser, doctor, _staff = part
    other_round = make_round(region, open_=False)
    other_leader = make_user(role=Role.PROJECT_LEADER, round=other_round)
    held(make_activity(other_round, hours="4"), at(2026, 3, 3), puser, participation.practice, other_leader,
         present=[doctor])  # fmt: skip
    assert ledger_of(participation).total == 0


# --- Claims ---------------------------------------------------------------------------------------


def test_approved_claims_count_pending_show_as_pending_rejected_never(closed_round, leader, part):
    participation, _puser, doctor, staff = part
    claim(participation, doctor, "2.5", ClaimStatus.APPROVED, leader=leader)
    claim(participation, staff, "1.5", ClaimStatus.PENDING)
    claim(participation, staff, "4", ClaimStatus.REJECTED, leader=leader)

    ledger = ledger_of(participation)
    assert ledger.total == Decimal("2.5") and ledger.doctor == Decimal("2.5") and ledger.staff == 0
    assert ledger.pending_claims == Decimal("1.5")
    assert set(ledger.by_person) == {doctor.pk}


def test_approving_a_pending_claim_moves_it_into_the_total(closed_round, leader, part):
    participation, _puser, _doctor, staff = part
    pending = claim(participation, staff, "1.5", ClaimStatus.PENDING)
    assert (ledger_of(participation).total, ledger_of(participation).pending_claims) == (0, Decimal("1.5"))
    services.claim_decide(user=leader, claim=pending, approve=True)
    assert (ledger_of(participation).total, ledger_of(participation).pending_claims) == (Decimal("1.5"), 0)


# --- The leaders' overview ---------------------------------------------------------------------


def test_round_overview_lists_the_furthest_behind_first(region):
    round_obj = make_round(region, open_=False, places=10)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    course = make_activity(round_obj, hours="1", kind=ActivityKind.COURSE)
    parts = {}
    for hours in (4, 0, 10, 7):
        participation, puser = participate(round_obj, leader)
        doctor = participation.application.doctor_coordinator
        if hours:
            claim(participation, doctor, str(hours), ClaimStatus.APPROVED, leader=leader)
        parts[hours] = participation
    held(course, at(2026, 3, 3), puser, participation.practice, leader, present=[doctor])  # the 7 becomes 8
    ended, _ = participate(round_obj, leader)
    Participation.objects.filter(pk=ended.pk).update(ended_at=timezone.now())

    overview = round_overview(round_obj)
    assert [lg.participation.pk for lg in overview] == [parts[h].pk for h in (0, 4, 7, 10)]
    assert [lg.total for lg in overview] == [Decimal(h) for h in (0, 4, 8, 10)]
    assert [lg.done for lg in overview] == [False, False, False, True]


# --- Query counts ---------------------------------------------------------------------------------


def test_ledgers_use_the_same_number_of_queries_for_5_and_for_50_participations(region):
    round_obj = make_round(region, open_=False, places=60)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    course = make_activity(round_obj, hours="2", org=provider("VID"), kind=ActivityKind.COURSE)
    startup = make_activity(round_obj, hours="1.5", kind=ActivityKind.STARTUP, required=True)
    sessions = [make_session(course, starts_at=at(2026, 3, 3), capacity=200),
                make_session(startup, starts_at=at(2026, 2, 2), capacity=200)]  # fmt: skip
    parts = []
    for _ in range(50):
        participation, _puser = participate(round_obj, leader)
        app = participation.application
        for person in app.coordinators:
            for session in sessions:
                Registration.objects.create(
                    session=session, person=person, practice=participation.practice,
                    status=RegistrationStatus.CONFIRMED, attended=True,
                )  # fmt: skip
        claim(participation, app.staff_coordinator, "1", ClaimStatus.APPROVED, leader=leader)
        claim(participation, app.doctor_coordinator, "0.5", ClaimStatus.PENDING)
        parts.append(participation)

    def measure(pks):
        with CaptureQueriesContext(connection) as ctx:
            result = ledgers(Participation.objects.filter(pk__in=pks))
        return result, len(ctx.captured_queries)

    five, queries_5 = measure([p.pk for p in parts[:5]])
    fifty, queries_50 = measure([p.pk for p in parts])
    assert len(five) == 5 and len(fifty) == 50
    for ledger in fifty:  # every row really holds its hours
        assert ledger.total == Decimal("5") and ledger.pending_claims == Decimal("0.5")
        assert ledger.startup_done and len(ledger.by_person) == 2
    assert queries_5 == queries_50 <= 5
