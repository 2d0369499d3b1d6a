"""The hours ledger in SQL (activities.selectors.ledgers / mark_counting) against the former Python
ledger, kept here only as the oracle: on random data (seeded) both must agree for every
participation, every sign-up's mark and every session's mark. And the ledger's queries do not grow
with the year's activity.

The oracle is the ledger as it was written in Python before it moved into the database (loads every
attended registration and claim and walks the rules row by row), with one rule made dated as the
SQL has it: in a round where every member's hours count, a person counts while their membership of
the practice had not ended before the day the hours were spent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import (
    Activity,
    ActivityKind,
    ClaimStatus,
    HourClaim,
    Registration,
    RegistrationStatus,
    Session,
)
from activities.selectors import NotCounting, ledgers, mark_counting, round_overview
from applications.models import Participation
from ligepraksis.models import Role
from practices.models import Membership, Person, PersonKind
from tests.activities.service_factories import make_person, participate, provider
from tests.conftest import make_practice, make_round, make_user
from tests.helpers import login

CPH = ZoneInfo("Europe/Copenhagen")
ZERO = Decimal("0")


# --- The oracle: the Python ledger ---------------------------------------------------------------


@dataclass
class OracleLedger:
    participation: Participation
    total: Decimal = ZERO
    doctor: Decimal = ZERO
    staff: Decimal = ZERO
    pending_claims: Decimal = ZERO
    by_person: dict[int, tuple[str, str, Decimal]] = field(default_factory=dict)
    startup_attended: set[int] = field(default_factory=set)
    coordinator_ids: set[int] = field(default_factory=set)
    # person id -> the end dates of their memberships of the practice (None: still a member)
    memberships: dict[int, list] = field(default_factory=dict)

    @property
    def round(self):
        return self.participation.round

    @property
    def startup_done(self) -> bool:
        return bool(self.coordinator_ids) and self.coordinator_ids <= self.startup_attended

    def counts_person(self, person_id: int, day) -> bool:
        if self.round.hours_count_for == "members":
            return any(end is None or end >= day for end in self.memberships.get(person_id, []))
        return person_id in self.coordinator_ids

    def add(self, person, hours: Decimal) -> None:
        name, kind, had = self.by_person.get(person.pk, (person.name, person.kind, ZERO))
        self.by_person[person.pk] = (name, kind, had + hours)
        self.total += hours
        if person.kind == PersonKind.DOCTOR:
            self.doctor += hours
        else:
            self.staff += hours


def oracle_not_counting(ledger, *, activity, day, person_id) -> str | None:
    if ledger is None:
        return NotCounting.OTHER_ROUND
    if activity is not None and not activity.counts_toward_target:
        return NotCounting.KIND
    start, end = ledger.round.hour_window()
    if not start <= day <= end:
        return NotCounting.OUTSIDE_WINDOW
    if person_id is not None and not ledger.counts_person(person_id, day):
        return NotCounting.PERSON
    return None


def session_day(session):
    return timezone.localtime(session.starts_at).date()


def oracle_ledgers(participations) -> list[OracleLedger]:
    parts = list(
        participations.select_related(
            "round", "practice", "application__doctor_coordinator", "application__staff_coordinator"
        )
    )
    by_key, result = {}, []
    for p in parts:
        ledger = OracleLedger(participation=p)
        ledger.coordinator_ids = {c.pk for c in p.application.coordinators}
        by_key[(p.practice_id, p.round_id)] = ledger
        result.append(ledger)
    practice_ids = {p.practice_id for p in parts}
    round_ids = {p.round_id for p in parts}
    members: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for m in Membership.objects.filter(practice_id__in=practice_ids):
        members[m.practice_id][m.person_id].append(m.ended_on)
    for ledger in result:
        ledger.memberships = members[ledger.participation.practice_id]

    regs = Registration.objects.filter(
        practice_id__in=practice_ids,
        session__activity__round_id__in=round_ids,
        status=RegistrationStatus.CONFIRMED,
        attended=True,
    ).select_related("person", "session__activity")
    for reg in regs:
        ledger = by_key.get((reg.practice_id, reg.session.activity.round_id))
        if ledger is None:
            continue
        activity = reg.session.activity
        if activity.required and reg.person_id in ledger.coordinator_ids:
            ledger.startup_attended.add(reg.person_id)
        code = oracle_not_counting(
            ledger, activity=activity, day=session_day(reg.session), person_id=reg.person_id
        )
        if code is None:
            ledger.add(reg.person, activity.hours)
    claims = HourClaim.objects.filter(
        practice_id__in=practice_ids,
        round_id__in=round_ids,
        status__in=[ClaimStatus.APPROVED, ClaimStatus.PENDING],
    ).select_related("person", "activity")
    for claim in claims:
        ledger = by_key.get((claim.practice_id, claim.round_id))
        if ledger is None:
            continue
        if oracle_not_counting(
            ledger, activity=claim.activity, day=claim.occurred_on, person_id=claim.person_id
        ):
            continue
        if claim.status == ClaimStatus.APPROVED:
            ledger.add(claim.person, claim.hours)
        else:
            ledger.pending_claims += claim.hours
    return result


# --- Random data ------------------------------------------------------------------------------------

KINDS = list(ActivityKind.values)
HOURS = [Decimal(h) for h in ("0.25", "0.5", "1", "1.5", "2", "2.75", "3", "6")]


def _random_day(rng, year=2026):
    return dt.date(year - 1, 12, 1) + dt.timedelta(days=rng.randrange(0, 430))


def _random_moment(rng, windows):
    """A session start: often on a window's first or last day near midnight in Danish time."""
    if rng.random() < 0.3:
        start, end = rng.choice(windows)
        day = rng.choice([start, end, start - dt.timedelta(days=1), end + dt.timedelta(days=1)])
        hour, minute = rng.choice([(0, 15), (0, 45), (23, 30), (1, 30), (22, 45)])
    else:
        day, (hour, minute) = _random_day(rng), (rng.randrange(7, 20), rng.choice([0, 30]))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CPH)


def _edges(window):
    start, end = window
    one = dt.timedelta(days=1)
    return [start - one, start, end, end + one]


def _random_window(rng):
    if rng.random() < 0.3:
        return None, None  # the default: the round's year
    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 150))
    end = start + dt.timedelta(days=rng.randrange(0, 240))
    return (start if rng.random() < 0.8 else None), (end if rng.random() < 0.8 else None)


def build_random_world(region, seed: int):
    """Several rounds (coordinators or members, random windows), participating practices with
    coordinators and colleagues (some gone, some also in another practice), a practice that takes part
    in nothing, activities of every kind, sessions across the windows' edges, sign-ups of every state
    and claims of every status. Returns the round objects."""
    rng = random.Random(seed)
    rounds, parts = [], []
    for _round in range(3):
        start, end = _random_window(rng)
        while start and end and end < start:
            start, end = _random_window(rng)
        r = make_round(
            region,
            open_=False,
            places=10,
            hours_count_for=rng.choice(["coordinators", "members"]),
            hour_window_start=start,
            hour_window_end=end,
        )
        leader = make_user(role=Role.PROJECT_LEADER, round=r)
        for _ in range(3):
            practice = parts[-1].practice if parts and rng.random() < 0.3 else None  # in two rounds
            if practice and Participation.objects.filter(practice=practice, round=r).exists():
                practice = None
            participation, _user = participate(r, leader, practice=practice)
            parts.append(participation)
        rounds.append((r, leader))
    windows = [r.hour_window() for r, _leader in rounds]
    outsider = make_practice(region)  # signs up, takes part in no round
    practices = list({p.practice for p in parts}) + [outsider]

    people: dict[int, list[Person]] = {}
    for practice in practices:
        crowd = [
            make_person(practice, kind=rng.choice(PersonKind.values)) for _ in range(rng.randrange(2, 6))
        ]
        for person in crowd:
            if rng.random() < 0.3:  # gone on a random day
                Membership.objects.filter(person=person, practice=practice).update(ended_on=_random_day(rng))
        people[practice.pk] = list(
            {m.person for m in Membership.objects.filter(practice=practice).select_related("person")}
        )
    for practice in practices:  # a few people also belong to another practice
        other = rng.choice(practices)
        person = rng.choice(people[practice.pk])
        if other != practice and person not in people[other.pk] and rng.random() < 0.5:
            ended_on = rng.choice([None, _random_day(rng)])
            Membership.objects.create(
                person=person, practice=other, started_on=dt.date(2020, 1, 1), ended_on=ended_on
            )
            people[other.pk].append(person)
    for p in parts:  # the coordinators sometimes leave during the year
        if rng.random() < 0.3:
            Membership.objects.filter(person=p.application.doctor_coordinator, practice=p.practice).update(
                started_on=dt.date(2020, 1, 1), ended_on=_random_day(rng)
            )

    activities = []
    for r, _leader in rounds:
        for kind in KINDS:
            for _ in range(rng.randrange(1, 3)):
                activities.append(
                    Activity.objects.create(
                        round=r,
                        title=f"{kind} {len(activities)}",
                        kind=kind,
                        provider=provider(rng.choice(["MidtKraft", "VID"])),
                        hours=rng.choice(HOURS),
                        required=kind == ActivityKind.STARTUP or rng.random() < 0.05,
                    )
                )
    sessions = []
    for _ in range(60):
        starts = _random_moment(rng, windows)
        sessions.append(
            Session(
                activity=rng.choice(activities),
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                signup_deadline=starts - dt.timedelta(days=1),
                capacity=50,
                cancelled_at=starts if rng.random() < 0.05 else None,
            )
        )
    sessions = Session.objects.bulk_create(sessions)

    registrations, signed_up = [], set()
    for session in sessions:
        for practice in rng.sample(practices, k=rng.randrange(1, len(practices) + 1)):
            crowd = people[practice.pk]
            for person in rng.sample(crowd, k=min(len(crowd), rng.randrange(0, 4))):
                if (session.pk, person.pk) in signed_up:
                    continue
                signed_up.add((session.pk, person.pk))
                status = rng.choices(RegistrationStatus.values, weights=[6, 1, 1])[0]
                attended = rng.choice([True, True, True, False, None]) if status == "confirmed" else None
                registrations.append(
                    Registration(
                        session=session, person=person, practice=practice, status=status, attended=attended
                    )
                )
    Registration.objects.bulk_create(registrations)

    claims = []
    round_leaders = dict((r.pk, leader) for r, leader in rounds)
    for _ in range(120):
        practice = rng.choice(practices)
        r = rng.choice([r for r, _leader in rounds])
        round_activities = [a for a in activities if a.round_id == r.pk]
        status = rng.choice(ClaimStatus.values)
        claims.append(
            HourClaim(
                round=r,
                practice=practice,
                person=rng.choice(people[practice.pk]),
                activity=rng.choice([None, None, *round_activities]),
                description="Kursus i samtaler med sårbare patienter",
                occurred_on=rng.choice([*_edges(r.hour_window()), _random_day(rng), _random_day(rng)]),
                hours=rng.choice(HOURS),
                status=status,
                submitted_by=round_leaders[r.pk],
                decision_reason="Ikke dokumenteret" if status == ClaimStatus.REJECTED else "",
            )
        )
    HourClaim.objects.bulk_create(claims)
    return [r for r, _leader in rounds]


def _as_plain(ledger) -> dict:
    by_person = ledger.by_person
    if by_person and not isinstance(next(iter(by_person.values())), tuple):
        by_person = {pk: (row.name, row.kind, row.hours) for pk, row in by_person.items()}
    return {
        "total": ledger.total,
        "doctor": ledger.doctor,
        "staff": ledger.staff,
        "pending": ledger.pending_claims,
        "by_person": by_person,
        "startup_attended": ledger.startup_attended,
        "startup_done": ledger.startup_done,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_sql_ledger_equals_the_python_ledger_on_random_data(region, seed):
    build_random_world(region, seed)
    participations = Participation.objects.order_by("pk")
    sql = {lg.participation.pk: _as_plain(lg) for lg in ledgers(participations)}
    oracle = {lg.participation.pk: _as_plain(lg) for lg in oracle_ledgers(participations)}
    assert len(sql) >= 9
    assert sql == oracle
    # The data reach every rule: some hours counted, some pending, some not counted for each reason.
    assert sum(1 for row in sql.values() if row["total"]) >= 3
    assert any(row["pending"] for row in sql.values())
    assert Registration.objects.count() >= 200 and HourClaim.objects.count() == 120

    # One participation at a time (the hours page) gives the same as all at once (the overview).
    for pk, expected in sql.items():
        (single,) = ledgers(Participation.objects.filter(pk=pk))
        assert _as_plain(single) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_the_hours_page_marks_equal_the_python_rule_on_random_data(region, seed):
    build_random_world(region, seed)
    seen = defaultdict(int)
    for practice_id in Participation.objects.values_list("practice_id", flat=True).distinct():
        parts = Participation.objects.filter(practice_id=practice_id)
        sql_ledgers = ledgers(parts)
        oracle_by_round = {lg.participation.round_id: lg for lg in oracle_ledgers(parts)}
        registrations = list(
            Registration.objects.filter(practice_id=practice_id).select_related("session__activity")
        )
        sessions = list(Session.objects.select_related("activity"))
        mark_counting(sql_ledgers, registrations=registrations, sessions=sessions)
        for reg in registrations:
            expected = oracle_not_counting(
                oracle_by_round.get(reg.session.activity.round_id),
                activity=reg.session.activity,
                day=session_day(reg.session),
                person_id=reg.person_id,
            )
            assert reg.not_counting == expected, (reg.pk, reg.session.starts_at)
            assert (reg.ledger is None) == (expected == NotCounting.OTHER_ROUND)
            seen[expected] += 1
        for session in sessions:
            expected = oracle_not_counting(
                oracle_by_round.get(session.activity.round_id),
                activity=session.activity,
                day=session_day(session),
                person_id=None,
            )
            assert session.not_counting == expected, (session.pk, session.starts_at)
    assert set(seen) == {None, NotCounting.KIND, NotCounting.OUTSIDE_WINDOW, NotCounting.PERSON,
                         NotCounting.OTHER_ROUND}  # fmt: skip


# --- Queries that do not grow with the year's activity ---------------------------------------------


def _add_activity(round_obj, leader, parts, sessions: int, seed: int):
    """`sessions` more sessions with every participation's coordinators attending, and claims."""
    rng = random.Random(seed)
    activity = Activity.objects.create(
        round=round_obj, title=f"Kursus {seed}", kind=ActivityKind.COURSE, provider=provider("VID"),
        hours=Decimal("1"),
    )  # fmt: skip
    made = Session.objects.bulk_create(
        Session(
            activity=activity,
            starts_at=dt.datetime(2026, 3, 1, 10, tzinfo=CPH) + dt.timedelta(days=i),
            ends_at=dt.datetime(2026, 3, 1, 12, tzinfo=CPH) + dt.timedelta(days=i),
            signup_deadline=dt.datetime(2026, 2, 1, tzinfo=CPH),
            capacity=200,
        )
        for i in range(sessions)
    )
    Registration.objects.bulk_create(
        Registration(
            session=s,
            person=person,
            practice=p.practice,
            status=RegistrationStatus.CONFIRMED,
            attended=rng.random() < 0.8,
        )  # fmt: skip
        for s in made
        for p in parts
        for person in p.application.coordinators
    )
    HourClaim.objects.bulk_create(
        HourClaim(
            round=round_obj,
            practice=p.practice,
            person=p.application.staff_coordinator,
            description="Kursus",
            occurred_on=dt.date(2026, 4, 1),
            hours=Decimal("0.5"),
            submitted_by=leader,
            status=rng.choice([ClaimStatus.APPROVED, ClaimStatus.PENDING]),
        )  # fmt: skip
        for p in parts
        for _ in range(sessions)
    )


@pytest.mark.django_db
def test_the_ledger_takes_two_queries_however_much_activity_the_year_has(region):
    round_obj = make_round(region, open_=False, places=20)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    parts = [participate(round_obj, leader)[0] for _ in range(8)]

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            result = round_overview(round_obj)
        return result, len(ctx.captured_queries)

    _add_activity(round_obj, leader, parts, sessions=2, seed=1)
    few, few_queries = measure()
    _add_activity(round_obj, leader, parts, sessions=40, seed=2)
    many, many_queries = measure()
    assert few_queries == many_queries == 2
    assert sum(lg.total for lg in many) > sum(lg.total for lg in few) > 0
    oracle = oracle_ledgers(Participation.objects.filter(round=round_obj))
    assert {lg.participation.pk: _as_plain(lg) for lg in many} == {
        lg.participation.pk: _as_plain(lg) for lg in oracle
    }


@pytest.mark.django_db
def test_the_overview_and_the_hours_page_run_the_same_queries_for_little_and_much_activity(region):
    round_obj = make_round(region, open_=False, places=20, hours_count_for="members")
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    parts = [participate(round_obj, leader)[0] for _ in range(6)]
    own, practice_user = participate(round_obj, leader)
    parts.append(own)
    leader_client = login(Client(), leader)
    practice_client = login(Client(), practice_user)
    overview = reverse("activities:overview", args=[round_obj.pk])
    hours_page = reverse("activities:practice_hours", args=[own.practice_id])

    def render(client, url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    _add_activity(round_obj, leader, parts, sessions=2, seed=3)
    few_overview, _ = render(leader_client, overview)
    few_page, few_html = render(practice_client, hours_page)
    _add_activity(round_obj, leader, parts, sessions=30, seed=4)
    for _ in range(10):
        make_person(own.practice)
    many_overview, _ = render(leader_client, overview)
    many_page, many_html = render(practice_client, hours_page)
    assert many_overview == few_overview
    assert many_page == few_page
    assert many_html.count("<tr") > few_html.count("<tr")  # the page really shows more
