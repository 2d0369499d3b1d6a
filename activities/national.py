"""The national data set's catalogue, sign-ups, attendance and hour claims (see
`ligepraksis/national.py`): 400 activities with 2,000 sessions over the three rounds (most in the
first, whose start-up meeting every participating practice's two coordinators attend), 40,000
sign-ups from the practices of each round's region (participating practices sign up more often, and
their coordinators first), attendance for the sessions held (some recent ones still wait for it), a
few cancelled sessions, and 5,000 hour claims of the participating practices, most decided.

Everything goes through the services with `now=` in the past: `activity_save`, `session_save`,
`registration_signup` (which confirms while places last and puts the rest on the waiting list, so
no session is ever over its capacity), `session_cancel`, `attendance_record`, `claim_submit` and
`claim_decide`. Two batched writes date what the services stamp with the real time, as the demo does:
the claims' `submitted_at`, and `reminded_at` on sign-ups to come (no reminders to invented
addresses later). The activity texts are the demo's.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from decimal import Decimal

from activities import services as act
from activities.demo import ACTIVITIES
from activities.models import Activity, HourClaim, Registration, RegistrationStatus, Session
from applications.models import Application
from ligepraksis.national import DOMAIN, NATIONAL_PROVIDERS, NationalContext, allocate, weighted_order
from ligepraksis.registry import national_builder
from practices.models import PersonKind

VARIANTS = [
    "", "del 2", "for nye praksis", "opfølgning", "med cases", "for erfarne", "i mindre grupper",
    "aftenhold", "med workshop", "kort version",
]  # fmt: skip
VENUES = ["Sundhedshuset", "Kursuscentret", "Medborgerhuset", "Kulturhuset", "Lægernes Hus"]
CLAIM_TEXTS = [
    "Kommunens temaeftermiddag om socialt udsatte borgere.",
    "Eksternt kursus i motiverende samtale.",
    "Netværksmøde med kommunens sundhedspleje om fælles patienter.",
    "E-læringskursus om sundhedskompetence.",
    "Temamøde i lægelauget om patienter med psykisk sygdom.",
    "Besøg hos en Deep End-praksis for at se deres arbejdsgange.",
    "Workshop om tolkebistand i almen praksis.",
    "Kursus i opsporing af sårbare ældre.",
]
REJECTIONS = [
    "Aktiviteten er ikke rettet mod sårbare patienter; vælg et af programmets aktiviteter i stedet.",
    "Timerne er allerede registreret ved fremmøde til en aktivitet i kataloget.",
]
CANCEL_REASON = "Aflyst på grund af for få tilmeldte. Aktiviteten udbydes igen senere."
ROUND_SHARES = [70, 20, 10]  # of the activities and sessions, per round
STARTUP_PLACES = 40


def _audience_fits(audience: str, person) -> bool:
    return audience == "both" or (person.kind == PersonKind.DOCTOR) == (audience == "doctors")


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() > 3:  # Monday to Thursday
        day += dt.timedelta(days=1)
    return day


def _make_activities(ctx: NationalContext) -> list[tuple[Activity, int]]:
    """The activities of every round with how many sessions each gets."""
    per_round = allocate(ctx.count("activities"), ROUND_SHARES)
    if per_round[0] < 2:  # the first round has its start-up meeting and at least one other activity
        per_round[0] = 2
    templates = [a for a in ACTIVITIES if a[2] not in ("startup", "theme_day")]
    startup = next(a for a in ACTIVITIES if a[2] == "startup")
    extra_providers = [ctx.providers[n] for n in NATIONAL_PROVIDERS[3:]]
    made = []
    for n, (round_obj, count) in enumerate(zip(ctx.rounds, per_round, strict=True)):
        leader = ctx.users["leaders"][round_obj.pk][0]
        for k in range(count):
            if n == 0 and k == 0:
                key, title, kind, provider, audience, hours, online, description = startup
            else:
                key, title, kind, provider, audience, hours, online, description = templates[
                    (k + n) % len(templates)
                ]
                variant = VARIANTS[(k // len(templates)) % len(VARIANTS)]
                if variant:
                    title = f"{title} – {variant}"
            organiser = ctx.providers[provider] if ctx.rng.random() < 0.6 else ctx.rng.choice(extra_providers)
            activity = Activity(
                round=round_obj, title=title, kind=kind, provider=organiser, audience=audience,
                hours=Decimal(hours), online=online, description=description, required=kind == "startup",
            )  # fmt: skip
            made.append(act.activity_save(user=leader, activity=activity))
    total = ctx.count("sessions")
    participations = len(ctx.extra["participations"])
    startup_sessions = max(1, math.ceil(2 * participations / STARTUP_PLACES))
    others = allocate(total - startup_sessions, [0 if a.required else 1 for a in made])
    return [(a, startup_sessions if a.required else k) for a, k in zip(made, others, strict=True)]


def _make_sessions(ctx: NationalContext, plan) -> list[Session]:
    sessions = []
    participations = len(ctx.extra["participations"])
    for activity, count in plan:
        round_obj = activity.round
        leader = ctx.users["leaders"][round_obj.pk][0]
        municipalities = ctx.municipalities[round_obj.region.code]
        if activity.required:  # start-up meetings early in the hour window, all held
            first, last = (
                round_obj.hour_window_start + dt.timedelta(days=3),
                round_obj.hour_window_start + dt.timedelta(days=60),
            )
            capacity = math.ceil(2 * participations / count) + 4
        elif round_obj == ctx.main_round:
            first, last = (
                round_obj.hour_window_start + dt.timedelta(days=7),
                ctx.today + dt.timedelta(days=90),
            )
            capacity = None
        else:
            first, last = ctx.today - dt.timedelta(days=60), ctx.today + dt.timedelta(days=150)
            capacity = None
        span = (last - first).days
        for _n in range(count):
            day = _weekday(first + dt.timedelta(days=ctx.rng.randint(0, span)))
            if activity.online:
                hour, places = ctx.rng.choice([15, 16]), capacity or ctx.rng.choice([40, 60, 80])
            else:
                hour, places = (
                    ctx.rng.choice([9, 13, 17]),
                    capacity or ctx.rng.choice([12, 16, 20, 25, 30, 35]),
                )
            starts = ctx.day((day - ctx.today).days).replace(hour=hour)
            place = ""
            if not activity.online:
                m = ctx.rng.choice(municipalities)
                place = (
                    f"{ctx.rng.choice(VENUES)}, Torvet {ctx.rng.randint(1, 40)}, "
                    f"{ctx.postcodes[m.pk]} {m.name}"
                )
            session = Session(
                activity=activity,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=max(1, float(activity.hours))),
                place=place,
                online_link=f"https://moede.{DOMAIN}/lige-praksis-{activity.pk}" if activity.online else "",
                capacity=places,
                signup_deadline=starts - dt.timedelta(days=2 if activity.online else 7),
            )
            sessions.append(act.session_save(user=leader, session=session))
    return sessions


def _signup_time(ctx: NationalContext, session: Session) -> dt.datetime:
    when = session.signup_deadline - dt.timedelta(hours=ctx.rng.uniform(6, 30 * 24))
    return min(when, ctx.now - dt.timedelta(minutes=5))


def _engagement(ctx: NationalContext) -> dict[int, float]:
    """How keen each participating practice is (practice id -> weight): one in five barely takes part
    (behind on hours), three in ten somewhat, half a lot; it weighs their sign-ups and claims."""
    if "engagement" not in ctx.extra:
        levels = [0.02] * 2 + [0.4] * 3 + [1.5] * 5
        ctx.extra["engagement"] = {
            e.practice.pk: ctx.rng.choice(levels) for _p, e in ctx.extra["participations"]
        }
    return ctx.extra["engagement"]


def _sign_up(ctx, session, entry, persons) -> int:
    act.registration_signup(
        user=entry.user, session=session, practice=entry.practice, persons=persons,
        now=_signup_time(ctx, session),
    )  # fmt: skip
    return len(persons)


def _signups(ctx: NationalContext, sessions: list[Session]) -> int:
    """Every sign-up of the set, through `registration_signup`; returns how many."""
    main = ctx.main_round
    limit = main.signups_per_practice_per_session
    participating = ctx.extra["participations"]
    coordinators = {
        a.practice_id: [a.doctor_coordinator, a.staff_coordinator]
        for a in Application.objects.filter(
            pk__in=[p.application_id for p, _e in participating]
        ).select_related("doctor_coordinator", "staff_coordinator")
    }
    made = 0
    # The start-up meeting: both coordinators of every participating practice, in order.
    startup = [s for s in sessions if s.activity.required]
    for n, (_participation, entry) in enumerate(participating):
        session = startup[n * len(startup) // len(participating)]
        made += _sign_up(ctx, session, entry, coordinators[entry.practice.pk])

    others = [s for s in sessions if not s.activity.required]
    by_region: dict[str, list] = {}
    for entry in ctx.extra["practices"]:
        by_region.setdefault(entry.region, []).append(entry)
    keenness = _engagement(ctx)

    def room(session) -> int:
        """The most sign-ups a session can take from its region (each practice within the round's limit;
        beyond the places they wait)."""
        audience = session.activity.audience
        return sum(
            min(limit, sum(1 for p in e.people if _audience_fits(audience, p)))
            for e in by_region[session.activity.round.region.code]
        )

    wanted = allocate(
        max(0, ctx.count("signups") - made),
        # Most sessions a third to two thirds full; about one in ten is wanted by more than it holds.
        [s.capacity * (2.2 if ctx.rng.random() < 0.1 else ctx.rng.uniform(0.4, 1.0)) for s in others],
        [room(s) for s in others],
    )
    entry_people: dict[int, list] = {}  # practice -> its people in the order they sign up (per session)
    for session, k in zip(others, wanted, strict=True):
        activity = session.activity
        region = by_region[activity.round.region.code]
        counting = activity.round_id == main.pk and activity.counts_toward_target
        weights = [
            4 * keenness[e.practice.pk] if counting and e.practice.pk in keenness else 1.0 for e in region
        ]
        order = weighted_order(ctx.rng, region, weights)
        taken: dict[int, int] = {}  # practice -> how many of its people are signed up
        while k > 0:  # a few passes over the region's practices when one is not enough
            before = k
            for entry in order:
                if k <= 0:
                    break
                held = taken.get(entry.practice.pk, 0)
                people = [p for p in entry.people if _audience_fits(activity.audience, p)]
                if held >= min(limit, len(people)):
                    continue
                if held == 0:
                    ctx.rng.shuffle(people)
                    if counting and entry.practice.pk in keenness:  # their hours count: coordinators first
                        first = [p for p in coordinators[entry.practice.pk] if p in people]
                        people = first + [p for p in people if p not in first]
                    entry_people[entry.practice.pk] = people
                people = entry_people[entry.practice.pk]
                size = min(ctx.rng.choice([1, 2, 2, 3, 3, 4]), k, limit - held, len(people) - held)
                made += _sign_up(ctx, session, entry, people[held : held + size])
                taken[entry.practice.pk] = held + size
                k -= size
            if k == before:
                break
    return made


def _cancel_and_attend(ctx: NationalContext, sessions: list[Session]) -> tuple[int, int]:
    """Cancel about one session in fifty (never a start-up meeting) and take attendance for the
    sessions held; about half of last week's still wait for it. Returns (cancelled, attended)."""
    cancelled = attended = 0
    for session in sessions:
        leader = ctx.users["leaders"][session.activity.round_id][0]
        if not session.activity.required and ctx.rng.random() < 0.02:
            act.session_cancel(
                user=leader, session=session, reason=CANCEL_REASON,
                now=min(session.signup_deadline - dt.timedelta(days=1), ctx.now),
            )  # fmt: skip
            cancelled += 1
            continue
        if session.ends_at >= ctx.now:
            continue
        if session.starts_at > ctx.now - dt.timedelta(days=7) and ctx.rng.random() < 0.5:
            continue
        confirmed = list(
            Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not confirmed:
            continue
        came = [pk for pk in confirmed if ctx.rng.random() < 0.88]
        attended += act.attendance_record(
            user=leader, session=session, attended_ids=came, now=session.ends_at
        )
    return cancelled, attended


def _claims(ctx: NationalContext) -> int:
    """The participating practices' hour claims from outside the portal: about 15 % wait for a
    decision, 10 % are rejected with a reason, the rest approved."""
    main = ctx.main_round
    leader = ctx.users["leaders"][main.pk][0]
    participating = ctx.extra["participations"]
    coordinators = {
        a.practice_id: [a.doctor_coordinator, a.staff_coordinator]
        for a in Application.objects.filter(
            pk__in=[p.application_id for p, _e in participating]
        ).select_related("doctor_coordinator", "staff_coordinator")
    }
    engagement = _engagement(ctx)
    claim_weights = [engagement[e.practice.pk] for _p, e in participating]
    start, end = main.hour_window()
    last = min(end, ctx.today - dt.timedelta(days=1))
    submitted: dict[int, dt.datetime] = {}
    for _n in range(ctx.count("claims")):
        _participation, entry = ctx.rng.choices(participating, weights=claim_weights)[0]
        if ctx.rng.random() < 0.7:
            person = ctx.rng.choice(coordinators[entry.practice.pk])
        else:
            person = ctx.rng.choice(entry.people)
        occurred = start + dt.timedelta(days=ctx.rng.randint(0, (last - start).days))
        claim = act.claim_submit(
            user=entry.user, practice=entry.practice, round_obj=main, person=person,
            description=ctx.rng.choice(CLAIM_TEXTS), occurred_on=occurred,
            hours=Decimal(ctx.rng.choice(["0.5", "1", "1.5", "2", "2.5", "3", "4"])),
        )  # fmt: skip
        at = min(ctx.day((occurred - ctx.today).days + ctx.rng.randint(1, 10)), ctx.now)
        submitted[claim.pk] = at
        roll = ctx.rng.random()
        if roll < 0.15:
            continue
        approve = roll >= 0.25
        act.claim_decide(
            user=leader, claim=claim, approve=approve,
            reason="" if approve else ctx.rng.choice(REJECTIONS),
            now=min(at + dt.timedelta(days=ctx.rng.randint(1, 14)), ctx.now),
        )  # fmt: skip
    rows = list(HourClaim.objects.filter(pk__in=submitted).only("pk", "submitted_at"))
    for row in rows:
        row.submitted_at = submitted[row.pk]
    HourClaim.objects.bulk_update(rows, ["submitted_at"], batch_size=500)
    return len(submitted)


@national_builder(order=40, name="activities")
def build_activities(ctx: NationalContext) -> None:
    steps = []
    clock = time.perf_counter()

    def step(name):
        nonlocal clock
        now = time.perf_counter()
        steps.append(f"{name} {now - clock:.0f} s")
        clock = now

    plan = _make_activities(ctx)
    sessions = _make_sessions(ctx, plan)
    step("catalogue")
    made = _signups(ctx, sessions)
    step("sign-ups")
    cancelled, attended = _cancel_and_attend(ctx, sessions)
    step("attendance")
    # No reminders to invented addresses later: the sign-ups to come count as reminded.
    Registration.objects.filter(
        session__activity__round__in=ctx.rounds, session__starts_at__gt=ctx.now
    ).update(reminded_at=ctx.now)
    claims = _claims(ctx)
    step("claims")
    waitlisted = Registration.objects.filter(
        session__activity__round__in=ctx.rounds, status=RegistrationStatus.WAITLISTED
    ).count()
    ctx.say(
        f"  {len(plan)} activities, {len(sessions)} sessions ({cancelled} cancelled), {made} sign-ups "
        f"({waitlisted} on a waiting list), {attended} attended, {claims} hour claims ({', '.join(steps)})"
    )
