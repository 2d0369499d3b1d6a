"""Reads for the catalogue and the hours ledger; joins done once here, counts constant in rows."""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import permissions
from activities.models import (
    COUNTS_TOWARD_TARGET,
    Activity,
    ClaimStatus,
    HourClaim,
    Registration,
    RegistrationStatus,
    Session,
)
from applications.models import Participation
from ligepraksis.models import ProgrammeRound
from practices.models import Membership, PersonKind, Practice
from practices.permissions import own_practice_ids

ZERO = Decimal("0")


def confirmed_count_subquery():
    """How many are confirmed on the session (a correlated subquery: counted only over the sessions
    a page lists, and left out of a paginator's count)."""
    return Coalesce(
        Subquery(
            Registration.objects.filter(session=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def catalogue_sessions(
    *, round_ids=None, kind=None, month=None, audience=None, region=None, upcoming_only=True, now=None
):
    """Sessions with their activity, provider and how many are confirmed (free places = capacity - that).

    `region`: only the sessions of that region's rounds (a Region or its pk)."""
    now = now or timezone.now()
    qs = (
        Session.objects.select_related("activity__provider", "activity__round")
        .annotate(confirmed_count=confirmed_count_subquery())
        .order_by("starts_at", "pk")
    )
    if round_ids is not None:
        qs = qs.filter(activity__round_id__in=round_ids)
    if region:
        qs = qs.filter(activity__round__region=region)
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


# --- The hours ledger -----------------------------------------------------------------------------
# The counting rules live here once, as SQL expressions (Q) over a "source" of hours: attended
# registrations and hour claims for the ledger, sessions and sign-ups for the hours page's marks.
# `ledgers()` sums with them in one grouped query whatever the year's activity; `mark_counting()`
# annotates the rows a page shows with the first rule that fails. The former Python ledger is kept in
# tests/activities/test_ledger_oracle.py as the oracle the SQL is compared with on random data.


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
        """Both coordinators attended the start-up meeting (who attended: `startup_attended_q`)."""
        return bool(self.coordinator_ids) and self.coordinator_ids <= self.startup_attended

    @property
    def round(self):
        return self.participation.round

    @property
    def members_count(self) -> bool:
        """The round's setting: every member's hours count (else only the two coordinators')."""
        return self.round.hours_count_for == HOURS_COUNT_FOR_MEMBERS

    @property
    def coordinators(self):
        return self.participation.application.coordinators

    @property
    def window_start(self):
        return self.round.hour_window()[0]

    @property
    def window_end(self):
        """The hour deadline: activities up to and including this day count."""
        return self.round.hour_window()[1]

    @property
    def coordinator_names(self) -> str:
        return and_list([person.name for person in self.coordinators])

    def add(self, person_id: int, name: str, kind: str, hours: Decimal) -> None:
        row = self.by_person.setdefault(person_id, PersonHours(person_id, name, kind))
        row.hours += hours
        self.total += hours
        if kind == PersonKind.DOCTOR:
            self.doctor += hours
        else:
            self.staff += hours


def and_list(names: list[str]) -> str:
    """'Ida, Bo og Eva' in the active language."""
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


class NotCounting:
    """Why hours do not count toward a participation's target (codes the pages explain)."""

    KIND = "kind"  # the start-up meeting or the theme day: in addition to the target
    OUTSIDE_WINDOW = "outside_window"  # before or after the round's hour window
    PERSON = "person"  # not one of the people whose hours count (the round's setting)
    OTHER_ROUND = "other_round"  # an activity of a round the practice does not take part in


HOURS_COUNT_FOR_MEMBERS = "members"  # ProgrammeRound.hours_count_for: every member's hours count


@dataclass(frozen=True)
class HoursSource:
    """Where rows that may credit hours keep what the rules read: ORM paths from the row's model."""

    model: type
    activity: str  # the activity
    round: str  # the round the hours would count toward
    day: str  # the day the hours were spent, in Danish time (the current time zone)
    hours: str = ""
    person: str = ""  # "" for a session: nobody's hours yet
    practice: str = ""
    activity_optional: bool = False  # a claim may name no activity (it then counts by kind)


ATTENDANCE = HoursSource(
    Registration,
    activity="session__activity",
    round="session__activity__round",
    day="session__starts_at__date",
    hours="session__activity__hours",
    person="person",
    practice="practice",
)
CLAIMS = HoursSource(
    HourClaim,
    activity="activity",
    round="round",
    day="occurred_on",
    hours="hours",
    person="person",
    practice="practice",
    activity_optional=True,
)
SESSIONS = HoursSource(Session, activity="activity", round="activity__round", day="starts_at__date")

# Attendance that credits hours: a confirmed sign-up marked present. Claims: approved (pending ones
# are shown beside the total). Rejected claims, no-shows and attendance not yet taken never count.
ATTENDED = Q(status=RegistrationStatus.CONFIRMED, attended=True)
CLAIM_STATUSES = (ClaimStatus.APPROVED, ClaimStatus.PENDING)


def _under(prefix: str, q: Q) -> Q:
    """A Q written for a model, read through a relation (`COUNTS_TOWARD_TARGET` from a session)."""
    children = [_under(prefix, c) if isinstance(c, Q) else (f"{prefix}__{c[0]}", c[1]) for c in q.children]
    return Q(*children, _connector=q.connector, _negated=q.negated)


def kind_counts_q(src: HoursSource) -> Q:
    """The activity's kind counts (NOT_COUNTING_KINDS, models.COUNTS_TOWARD_TARGET); a claim that
    names no activity counts by this rule."""
    q = _under(src.activity, COUNTS_TOWARD_TARGET)
    return Q(**{f"{src.activity}__isnull": True}) | q if src.activity_optional else q


def in_window_q(src: HoursSource, parts) -> Q:
    """The day lies in its round's hour window, both ends included, by the day in Danish time. The
    window is `ProgrammeRound.hour_window()` (its one home, with the year as the default), carried into
    the SQL as values: one term per round of the page's participations."""
    rounds = {p.round_id: p.round for p in parts}.values()
    terms = [Q(**{f"{src.round}_id": r.pk, f"{src.day}__range": r.hour_window()}) for r in rounds]
    return reduce(operator.or_, terms)


PARTICIPATION = "ledger_participation"  # the row's participation, joined by `with_participation`


def with_participation(qs, src: HoursSource):
    """Join each row's participation: its practice's participation in the row's round (one at most,
    `one_participation_per_round`), as `ledger_participation`; the row's round id as `ledger_round`."""
    relation = f"{src.practice}__participations"
    return qs.annotate(ledger_round=F(f"{src.round}_id")).annotate(
        **{
            PARTICIPATION: FilteredRelation(
                relation, condition=Q(**{f"{relation}__round": F("ledger_round")})
            ),
        }
    )


def coordinator_q(src: HoursSource) -> Q:
    """The person is one of the two coordinators of the practice's participation in the round
    (`Application.coordinators`; on rows `with_participation`)."""
    application = f"{PARTICIPATION}__application"
    return Q(**{f"{application}__doctor_coordinator": F(src.person)}) | Q(
        **{f"{application}__staff_coordinator": F(src.person)}
    )


def member_on_the_day_q(src: HoursSource) -> Exists:
    """The person was a member of the practice on the day: a membership that had not ended before it.
    Its start is not read: `started_on` is the day the person was added to the portal (a walk-in when
    attendance is taken, a coordinator when the practice accepts), not the day they joined the practice."""
    return Exists(
        Membership.objects.filter(practice=OuterRef(src.practice), person=OuterRef(src.person)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef(src.day))
        )
    )


def counts_person_q(src: HoursSource) -> Q:
    """Whose hours count, the round's setting: every member of the practice (not gone before the day
    the hours were spent, `member_on_the_day_q`), or only the participation's two coordinators."""
    members = Q(**{f"{src.round}__hours_count_for": HOURS_COUNT_FOR_MEMBERS})
    return (members & member_on_the_day_q(src)) | (~members & coordinator_q(src))


def counts_q(src: HoursSource, parts) -> Q:
    """The ledger's rule: hours of the row count toward the target of its round's participation
    (`parts`: the page's participations, with their round and application)."""
    q = kind_counts_q(src) & in_window_q(src, parts)
    return q & counts_person_q(src) if src.person else q


def startup_attended_q() -> Q:
    """A coordinator attended the start-up meeting (the required activity), whenever it was held;
    `Ledger.startup_done` asks this of both coordinators."""
    return ATTENDED & Q(session__activity__required=True) & coordinator_q(ATTENDANCE)


def not_counting_code(src: HoursSource, parts) -> Case:
    """The first rule a row fails, as a NotCounting code (NULL when its hours count), in the order
    the hours page explains them; the same Q's as `counts_q`."""
    whens = [
        When(~kind_counts_q(src), then=Value(NotCounting.KIND)),
        When(~in_window_q(src, parts), then=Value(NotCounting.OUTSIDE_WINDOW)),
    ]
    if src.person:
        whens.append(When(~counts_person_q(src), then=Value(NotCounting.PERSON)))
    return Case(*whens, default=Value(None), output_field=CharField())


HOURS = DecimalField(max_digits=9, decimal_places=2)


def _hours_rows(parts):
    """One grouped query (two grouped SELECTs in a UNION ALL): per practice, round and person, the
    hours that count, the claimed hours awaiting approval that would count, and whether they attended
    the start-up meeting as a coordinator."""
    pks, practice_ids = [p.pk for p in parts], {p.practice_id for p in parts}
    person = ("practice_id", "ledger_round", "person_id", "person__name", "person__kind")
    attendance = (
        with_participation(Registration.objects.filter(ATTENDED, practice_id__in=practice_ids), ATTENDANCE)
        .filter(**{f"{PARTICIPATION}__in": pks})
        .values(*person)
        .annotate(
            counted=Sum(ATTENDANCE.hours, filter=counts_q(ATTENDANCE, parts), output_field=HOURS),
            pending=Value(None, output_field=HOURS),
            startup=Count("pk", filter=startup_attended_q()),
        )
        .order_by()
    )
    claims_count = counts_q(CLAIMS, parts)
    claims = (
        with_participation(
            HourClaim.objects.filter(practice_id__in=practice_ids, status__in=CLAIM_STATUSES), CLAIMS
        )
        .filter(**{f"{PARTICIPATION}__in": pks})
        .values(*person)
        .annotate(
            counted=Sum(
                CLAIMS.hours, filter=Q(status=ClaimStatus.APPROVED) & claims_count, output_field=HOURS
            ),
            pending=Sum(
                CLAIMS.hours, filter=Q(status=ClaimStatus.PENDING) & claims_count, output_field=HOURS
            ),
            startup=Value(0, output_field=IntegerField()),
        )
        .order_by()
    )
    return attendance.union(claims, all=True)


def ledgers(participations) -> list[Ledger]:
    """Hours for many participations in two queries (the participations, the grouped hours), however
    many participations, sessions, sign-ups and claims there are.

    Counted (`counts_q`): attended registrations of activities that count toward the target, held
    inside the round's hour window, plus approved claims in the window; only for the people whose
    hours count (the two coordinators, or every member on the day, a setting of the round).
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
    for row in _hours_rows(parts):
        ledger = by_key.get((row["practice_id"], row["ledger_round"]))
        if ledger is None:
            continue  # a practice of the page signed up for a round it does not take part in
        if row["startup"]:
            ledger.startup_attended.add(row["person_id"])
        if row["counted"] is not None:
            ledger.add(row["person_id"], row["person__name"], row["person__kind"], row["counted"])
        if row["pending"] is not None:
            ledger.pending_claims += row["pending"]
    return result


def _codes(src: HoursSource, parts, pks) -> dict[int, str | None]:
    if not pks:
        return {}
    rows = src.model.objects.filter(pk__in=pks)
    if src.person:
        rows = with_participation(rows, src)
    rows = rows.annotate(code=not_counting_code(src, parts))
    return dict(rows.values_list("pk", "code"))


def mark_counting(ledgers_: list[Ledger], registrations=(), sessions=()) -> None:
    """Set `not_counting` (a NotCounting code, or None when the hours count) and `ledger` on each
    registration and session, by the ledger's own rules (`not_counting_code`), for the hours page: one
    query for the registrations and one for the sessions, whatever their number. A session is marked
    for nobody in particular (its kind and day); a practice without a target has no marks."""
    if not ledgers_:
        return
    by_round = {lg.participation.round_id: lg for lg in ledgers_}
    parts = [lg.participation for lg in ledgers_]
    for src, rows, activity_of in (
        (ATTENDANCE, list(registrations), lambda r: r.session.activity),
        (SESSIONS, list(sessions), lambda s: s.activity),
    ):
        for row in rows:
            row.ledger = by_round.get(activity_of(row).round_id)
        codes = _codes(src, parts, [row.pk for row in rows if row.ledger is not None])
        for row in rows:
            row.not_counting = codes.get(row.pk) if row.ledger is not None else NotCounting.OTHER_ROUND


def round_overview(round_obj) -> list[Ledger]:
    """All participations of a round, furthest behind first."""
    parts = Participation.objects.active().filter(round=round_obj)
    return sorted(ledgers(parts), key=lambda lg: (lg.total - lg.target, lg.participation.practice.name))


def upcoming_fill_rates(round_obj, now=None):
    """The round's upcoming sessions that are not cancelled, soonest first, with their confirmed
    count (the overview shows a page of them, and `fill_rate()` of each)."""
    return catalogue_sessions(round_ids=[round_obj.pk], now=now).filter(cancelled_at__isnull=True)


def fill_rate(session) -> tuple:
    """(session, confirmed, capacity, percent filled) for a session from upcoming_fill_rates()."""
    confirmed = session.confirmed_count
    return session, confirmed, session.capacity, int(confirmed * 100 / session.capacity)


# --- The pages' lists ---------------------------------------------------------------------------


def session_signups_of_practice(session, practice):
    """The practice's active sign-ups (confirmed or waiting) for the session, with the person."""
    return (
        session.registrations.filter(practice=practice)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("person")
        .order_by("person__name", "pk")
    )


def waiting_count(session) -> int:
    """How many wait for a place on the session."""
    return session.registrations.filter(status=RegistrationStatus.WAITLISTED).count()


def practice_claims(practice):
    """All the practice's hour claims, newest first."""
    return (
        HourClaim.objects.filter(practice=practice)
        .select_related("person", "activity", "round")
        .order_by("-submitted_at", "-pk")
    )


def open_sessions(*, round_ids=None, now=None):
    """Upcoming sessions still open for sign-up (not cancelled, deadline not passed)."""
    now = now or timezone.now()
    return catalogue_sessions(round_ids=round_ids, now=now).filter(
        cancelled_at__isnull=True, signup_deadline__gt=now
    )


def pending_claims(round_obj):
    return (
        HourClaim.objects.filter(round=round_obj, status=ClaimStatus.PENDING)
        .select_related("round", "practice", "person", "activity")
        .order_by("submitted_at", "pk")
    )


def catalogue_months(*, region=None, now=None) -> list[tuple[int, int]]:
    """(year, month) of every month with an upcoming session (of the region's rounds, when given), in
    Europe/Copenhagen."""
    now = now or timezone.now()
    sessions = Session.objects.filter(starts_at__gte=now)
    if region:
        sessions = sessions.filter(activity__round__region=region)
    firsts = (
        sessions.annotate(month=TruncMonth("starts_at"))  # in the current time zone (Europe/Copenhagen)
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


def participations_of(practice):
    """Every participation of the practice, ended ones included (its history spans them)."""
    return Participation.objects.filter(practice=practice)


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


# --- Attendance to take, "my activities" and the start page -----------------------------------------
# One rule, one home: a session "needs attendance" once it has started, is not cancelled and has a
# confirmed sign-up whose attendance is not recorded. The start page's counts and the my-activities
# page both use `needs_attendance_q`.


def needs_attendance_q(now) -> Q:
    unmarked = Registration.objects.filter(
        session=OuterRef("pk"), status=RegistrationStatus.CONFIRMED, attended__isnull=True
    )
    return Q(starts_at__lte=now, cancelled_at__isnull=True) & Q(Exists(unmarked))


def needs_attendance(sessions, *, now=None):
    """The sessions of `sessions` whose attendance is still to be taken."""
    return sessions.filter(needs_attendance_q(now or timezone.now()))


class AttendanceState:
    UPCOMING = "upcoming"  # not yet started: attendance opens at the start
    CANCELLED = "cancelled"
    NEEDED = "needed"  # started, attendance open and not (fully) taken
    TAKEN = "taken"
    NOBODY = "nobody"  # started, nobody was confirmed


def attendance_state(session, now) -> str:
    """A session's attendance state (on a session from `sessions_with_attendance`)."""
    if session.is_cancelled:
        return AttendanceState.CANCELLED
    if session.starts_at > now:
        return AttendanceState.UPCOMING
    if session.needs_attendance:
        return AttendanceState.NEEDED
    return AttendanceState.TAKEN if session.confirmed_count else AttendanceState.NOBODY


def sessions_with_attendance(sessions, *, now=None):
    """Sessions with their activity, confirmed and present counts and whether attendance is needed."""
    now = now or timezone.now()
    return (
        sessions.select_related("activity__provider", "activity__round")
        .annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            present_count=Count("registrations", filter=Q(registrations__attended=True)),
            needs_attendance=ExpressionWrapper(needs_attendance_q(now), output_field=BooleanField()),
        )
        .order_by("starts_at", "pk")
    )


def kept_activities(user):
    """The activities a user may edit and take attendance for (permissions.editable_activities), the
    newest round first: the my-activities page shows a page of them."""
    return (
        permissions.editable_activities(user)
        .select_related("round", "provider")
        .order_by("-round__year", "title", "pk")
    )


def with_session_rows(activities, *, now=None):
    """Give each activity (a page of them) its sessions, past and upcoming, and each session its
    attendance state: one query, whatever the number of activities."""
    now = now or timezone.now()
    activities = list(activities)
    by_activity: dict[int, list] = defaultdict(list)
    sessions = sessions_with_attendance(
        Session.objects.filter(activity__in=[a.pk for a in activities]), now=now
    )
    for s in sessions:
        s.attendance_state = attendance_state(s, now)
        by_activity[s.activity_id].append(s)
    for a in activities:
        a.session_rows = by_activity.get(a.pk, [])
        a.needs_attendance_count = sum(
            1 for s in a.session_rows if s.attendance_state == AttendanceState.NEEDED
        )
    return activities


ATTENDANCE_LISTED = 20  # the my-activities page lists that many sessions waiting for attendance


def attendance_to_take(user, *, now=None, limit: int = ATTENDANCE_LISTED):
    """(the first `limit` sessions of the user's activities whose attendance is still to be taken,
    oldest first; how many there are): two queries."""
    sessions = needs_attendance(
        Session.objects.filter(activity__in=permissions.editable_activities(user)), now=now
    ).order_by("starts_at", "pk")
    return list(sessions.select_related("activity")[:limit]), sessions.count()


def rounds_for_new_activity(user, *, today=None):
    """Rounds the user may add an activity to now: a leader's rounds; for a provider, every round whose
    hour window has not ended (leaders and providers keep the catalogue, permissions.can_manage_catalogue)."""
    today = today or timezone.localdate()
    rounds = list(ProgrammeRound.objects.order_by("-year", "name"))
    return [
        r
        for r in rounds
        if permissions.can_manage_catalogue(user, r)
        and (permissions.is_leader(user, r) or r.hour_window()[1] >= today)
    ]


@dataclass
class EditorSummary:
    """What a provider's (or a leader's) start page says about the activities they run."""

    activities: int = 0
    upcoming: int = 0
    needs_attendance: int = 0
    first_needing_attendance: Session | None = None


def editor_summary(activities, *, now=None) -> EditorSummary:
    """Counts over `activities` (a queryset) in three queries, whatever their number."""
    now = now or timezone.now()
    sessions = Session.objects.filter(activity__in=activities)
    counts = sessions.aggregate(
        upcoming=Count("pk", filter=Q(starts_at__gt=now, cancelled_at__isnull=True)),
    )
    needing = needs_attendance(sessions, now=now).order_by("starts_at", "pk")
    return EditorSummary(
        activities=activities.count(),
        upcoming=counts["upcoming"],
        needs_attendance=needing.count(),
        first_needing_attendance=needing.select_related("activity").first(),
    )


def needs_attendance_by_round(round_ids, *, now=None) -> dict[int, int]:
    """round id -> how many of its sessions need attendance (one query)."""
    rows = (
        needs_attendance(Session.objects.filter(activity__round_id__in=round_ids), now=now)
        .values("activity__round_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["activity__round_id"]: r["n"] for r in rows}


def pending_claims_by_round(round_ids) -> dict[int, int]:
    """round id -> how many hour claims wait for a leader (the rule of `pending_claims`; one query)."""
    rows = (
        HourClaim.objects.filter(round_id__in=round_ids, status=ClaimStatus.PENDING)
        .values("round_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["round_id"]: r["n"] for r in rows}


def is_behind(ledger: Ledger, today) -> bool:
    """Behind on hours: fewer hours than the target's share of the hour window gone by (the whole
    target once the deadline has passed); never before the window opens or once the target is met."""
    if ledger.done:
        return False
    start, end = ledger.participation.round.hour_window()
    if today < start:
        return False
    if today >= end:
        return True
    share = Decimal((today - start).days) / Decimal((end - start).days or 1)
    return ledger.total < ledger.target * share


def behind_by_round(round_ids, *, today=None) -> dict[int, int]:
    """round id -> how many active participations are behind on hours (the ledger's fixed queries)."""
    today = today or timezone.localdate()
    out: dict[int, int] = defaultdict(int)
    for ledger in ledgers(Participation.objects.active().filter(round_id__in=round_ids)):
        if is_behind(ledger, today):
            out[ledger.participation.round_id] += 1
    return out


@dataclass
class PracticeSummary:
    """A practice's state on its start page, per round it takes part in (from the ledger)."""

    ledger: Ledger
    startup_signed_up: Session | None = None  # the start-up meeting session a coordinator is signed up for
    pending_claims: int = 0


def practice_summaries(practice_ids, *, now=None) -> list[PracticeSummary]:
    """Hours toward the target with the start-up meeting and claims waiting, for each active
    participation of the practices; a fixed number of queries."""
    now = now or timezone.now()
    result = [
        PracticeSummary(ledger=lg)
        for lg in ledgers(
            Participation.objects.active()
            .filter(practice_id__in=practice_ids)
            .order_by("practice__name", "-round__year")
        )
    ]
    if not result:
        return result
    signed = (
        Registration.objects.filter(
            practice_id__in=practice_ids,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
            session__activity__required=True,
            session__cancelled_at__isnull=True,
            session__starts_at__gt=now,
        )
        .select_related("session__activity")
        .order_by("session__starts_at")
    )
    first_signed: dict[tuple[int, int], Session] = {}
    for reg in signed:
        first_signed.setdefault((reg.practice_id, reg.session.activity.round_id), reg.session)
    claims = pending_claims_by_practice(practice_ids)
    for s in result:
        p = s.ledger.participation
        s.startup_signed_up = first_signed.get((p.practice_id, p.round_id))
        s.pending_claims = claims.get((p.practice_id, p.round_id), 0)
    return result


def pending_claims_by_practice(practice_ids) -> dict[tuple[int, int], int]:
    rows = (
        HourClaim.objects.filter(practice_id__in=practice_ids, status=ClaimStatus.PENDING)
        .values("practice_id", "round_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["practice_id"], r["round_id"]): r["n"] for r in rows}


def upcoming_signups_by_practice(practice_ids, *, now=None) -> dict[int, int]:
    """practice id -> its people's sign-ups (confirmed or waiting) for sessions to come (one query)."""
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(
            practice_id__in=practice_ids,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
            session__starts_at__gt=now,
            session__cancelled_at__isnull=True,
        )
        .values("practice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["practice_id"]: r["n"] for r in rows}


def startup_sessions_open(round_ids, *, now=None):
    """Upcoming start-up meetings still open for sign-up, per round: round id -> first session."""
    out: dict[int, Session] = {}
    for s in open_sessions(round_ids=round_ids, now=now).filter(activity__required=True):
        out.setdefault(s.activity.round_id, s)
    return out


# --- Bounded lists: the catalogue's region, a practice's next sign-ups and its history ---------------


def visitor_region_id(user) -> int | None:
    """The region the catalogue shows by default: that of the (first, by name) practice the user acts
    for; None for anyone else (they choose one in the filter)."""
    if not user.is_authenticated:
        return None
    ids = own_practice_ids(user)
    if not ids:
        return None
    return (
        Practice.objects.filter(pk__in=ids)
        .order_by("name", "pk")
        .values_list("municipality__region_id", flat=True)
        .first()
    )


NEXT_SIGNUPS = 20  # the hours page shows the practice's next sign-ups a page at a time
FITTING_SESSIONS = 20  # and that many sessions that fit it (its region, open for sign-up)


def upcoming_registrations(practice, *, now=None):
    """The practice's sign-ups for sessions to come, soonest first (the hours page shows a page)."""
    now = now or timezone.now()
    return (
        Registration.objects.filter(practice=practice, session__starts_at__gte=now)
        .select_related("person", "session__activity__provider")
        .order_by("session__starts_at", "person__name", "pk")
    )


def past_registrations(practice, *, now=None):
    """The practice's sign-ups for sessions that have started, newest first (the history page)."""
    now = now or timezone.now()
    return (
        Registration.objects.filter(practice=practice, session__starts_at__lt=now)
        .select_related("person", "session__activity__provider")
        .order_by("-session__starts_at", "person__name", "pk")
    )


def sessions_for_practice(practice, *, now=None, limit: int = FITTING_SESSIONS):
    """Sessions open for sign-up in the practice's region, soonest first, at most `limit`, with the
    number of open sessions there (one query each)."""
    sessions = open_sessions(now=now).filter(activity__round__region__municipalities=practice.municipality_id)
    return list(sessions[:limit]), sessions.count()


def pending_claims_of_practice(practice, *, limit: int = NEXT_SIGNUPS):
    """The practice's claims still waiting for a leader, oldest first, at most `limit`."""
    return list(
        HourClaim.objects.filter(practice=practice, status=ClaimStatus.PENDING)
        .select_related("person", "activity")
        .order_by("submitted_at", "pk")[:limit]
    )
