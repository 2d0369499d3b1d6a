"""Reads for the catalogue and the hours ledger; joins done once here, counts constant in rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from activities.models import Activity, ClaimStatus, HourClaim, Registration, RegistrationStatus, Session
from applications.models import Participation
from practices.models import Membership, PersonKind, Practice
from practices.permissions import own_practice_ids

ZERO = Decimal("0")


def catalogue_sessions(*, round_ids=None, kind=None, month=None, audience=None, upcoming_only=True, now=None):
    """Sessions with their activity, provider and how many are confirmed (free places = capacity - that)."""
    now = now or timezone.now()
    qs = (
        Session.objects.select_related("activity__provider", "activity__round")
        .annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            )
        )
        .order_by("starts_at", "pk")
    )
    if round_ids is not None:
        qs = qs.filter(activity__round_id__in=round_ids)
    if upcoming_only:
        qs = qs.filter(starts_at__gte=now)
    if kind:
        qs = qs.filter(activity__kind=kind)
    if audience:
        qs = qs.filter(activity__audience__in=[audience, "both"] if audience != "both" else ["both"])
    if month:
        year, mon = month
        qs = qs.filter(starts_at__year=year, starts_at__month=mon)
    return qs


def free_places(session) -> int:
    return max(session.capacity - session.confirmed_count, 0)


@dataclass
class PersonHours:
    person_id: int
    name: str
    kind: str
    hours: Decimal = ZERO


@dataclass
class Ledger:
    """A participation's hours toward its target."""

    participation: Participation
    target: Decimal
    total: Decimal = ZERO
    doctor: Decimal = ZERO
    staff: Decimal = ZERO
    pending_claims: Decimal = ZERO
    by_person: dict[int, PersonHours] = field(default_factory=dict)
    startup_attended: set[int] = field(default_factory=set)
    coordinator_ids: set[int] = field(default_factory=set)

    @property
    def remaining(self) -> Decimal:
        return max(self.target - self.total, ZERO)

    @property
    def percent(self) -> int:
        if not self.target:
            return 100
        return min(int(self.total * 100 / self.target), 100)

    @property
    def done(self) -> bool:
        return self.total >= self.target

    @property
    def startup_done(self) -> bool:
        return bool(self.coordinator_ids) and self.coordinator_ids <= self.startup_attended

    def add(self, person, hours: Decimal) -> None:
        row = self.by_person.setdefault(person.pk, PersonHours(person.pk, person.name, person.kind))
        row.hours += hours
        self.total += hours
        if person.kind == PersonKind.DOCTOR:
            self.doctor += hours
        else:
            self.staff += hours


def ledgers(participations) -> list[Ledger]:
    """Hours for many participations in a fixed number of queries (whatever their number).

    Counted: attended registrations of activities that count toward the target, held inside the
    round's hour window, plus approved claims in the window; only for the people whose hours count
    (the two coordinators, or every member, a setting of the round).
    """
    parts = list(
        participations.select_related(
            "round", "practice", "application__doctor_coordinator", "application__staff_coordinator"
        )
        if hasattr(participations, "select_related")
        else participations
    )
    if not parts:
        return []
    by_key = {}
    result = []
    for p in parts:
        ledger = Ledger(participation=p, target=p.round.hour_target)
        ledger.coordinator_ids = {c.pk for c in p.application.coordinators}
        by_key[(p.practice_id, p.round_id)] = ledger
        result.append(ledger)
    practice_ids = {p.practice_id for p in parts}
    round_ids = {p.round_id for p in parts}
    members: dict[int, set[int]] = defaultdict(set)
    for m in Membership.objects.filter(practice_id__in=practice_ids).values("practice_id", "person_id"):
        members[m["practice_id"]].add(m["person_id"])

    def counts(ledger: Ledger, person_id: int) -> bool:
        if ledger.participation.round.hours_count_for == "members":
            return person_id in members[ledger.participation.practice_id]
        return person_id in ledger.coordinator_ids

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
        start, end = ledger.participation.round.hour_window()
        day = timezone.localtime(reg.session.starts_at).date()
        if activity.counts_toward_target and start <= day <= end and counts(ledger, reg.person_id):
            ledger.add(reg.person, activity.hours)
    claims = HourClaim.objects.filter(
        practice_id__in=practice_ids,
        round_id__in=round_ids,
        status__in=[ClaimStatus.APPROVED, ClaimStatus.PENDING],
    ).select_related("person", "activity")
    for claim in claims:
        ledger = by_key.get((claim.practice_id, claim.round_id))
        if ledger is None or not counts(ledger, claim.person_id):
            continue
        if claim.activity is not None and not claim.activity.counts_toward_target:
            continue
        start, end = ledger.participation.round.hour_window()
        if not start <= claim.occurred_on <= end:
            continue
        if claim.status == ClaimStatus.APPROVED:
            ledger.add(claim.person, claim.hours)
        else:
            ledger.pending_claims += claim.hours
    return result


def round_overview(round_obj) -> list[Ledger]:
    """All participations of a round, furthest behind first."""
    parts = Participation.objects.active().filter(round=round_obj)
    return sorted(ledgers(parts), key=lambda lg: (lg.total - lg.target, lg.participation.practice.name))


def upcoming_fill_rates(round_obj, now=None):
    sessions = catalogue_sessions(round_ids=[round_obj.pk], now=now).filter(cancelled_at__isnull=True)
    return [(s, s.confirmed_count, s.capacity, int(s.confirmed_count * 100 / s.capacity)) for s in sessions]


# --- The pages' lists ---------------------------------------------------------------------------


def practice_registrations(practice):
    """A practice's sign-ups, newest session first, with what the page shows joined in."""
    return (
        Registration.objects.filter(practice=practice)
        .select_related("person", "session__activity__provider")
        .order_by("-session__starts_at", "person__name", "pk")
    )


def practice_claims(practice):
    return HourClaim.objects.filter(practice=practice).select_related("person", "activity", "round")


def open_sessions(*, round_ids=None, now=None):
    """Upcoming sessions still open for sign-up (not cancelled, deadline not passed)."""
    now = now or timezone.now()
    return catalogue_sessions(round_ids=round_ids, now=now).filter(
        cancelled_at__isnull=True, signup_deadline__gt=now
    )


def pending_claims(round_obj):
    return (
        HourClaim.objects.filter(round=round_obj, status=ClaimStatus.PENDING)
        .select_related("practice", "person", "activity")
        .order_by("submitted_at", "pk")
    )


def catalogue_months(*, now=None) -> list[tuple[int, int]]:
    """(year, month) of every month with an upcoming session, in Europe/Copenhagen."""
    now = now or timezone.now()
    firsts = (
        Session.objects.filter(starts_at__gte=now)
        .annotate(month=TruncMonth("starts_at"))  # in the current time zone (Europe/Copenhagen)
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )
    return sorted({(m.year, m.month) for m in firsts})


def claim_round(practice):
    """The round a claim without an activity counts toward: the newest active participation's."""
    participation = (
        Participation.objects.active()
        .filter(practice=practice)
        .select_related("round")
        .order_by("-round__year", "-round_id")
        .first()
    )
    return participation.round if participation else None


def own_practices(user):
    """The practices the user acts for, by name."""
    return Practice.objects.filter(pk__in=own_practice_ids(user)).order_by("name")


def active_participations(practice):
    return (
        Participation.objects.active()
        .filter(practice=practice)
        .select_related("round")
        .order_by("-round__year")
    )


def claimable_activities(practice):
    """(rounds the practice takes part in, newest first; the activities of those rounds)."""
    rounds = [p.round for p in active_participations(practice)]
    return rounds, Activity.objects.filter(round__in=rounds).order_by("title")


def participating_practices(round_obj):
    """Practices with an active participation in the round (walk-ins at a session), by name."""
    return Practice.objects.filter(
        pk__in=Participation.objects.active().filter(round=round_obj).values("practice_id")
    ).order_by("name")
