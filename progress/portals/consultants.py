"""progress/ consultants in the portal: the menu link to the consultant's page and the leaders' round
menu, the benchmark's measured page, the demo and national data, and the consultants' part of a
person's data (export and erasure, history rows included)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import Participation
from ligepraksis.errors import DomainError
from ligepraksis.models import Role, RoleGrant
from ligepraksis.permissions import round_ids_with_role
from ligepraksis.registry import (
    Link,
    MeasuredPage,
    demo_builder,
    measured_pages,
    menu_links,
    national_builder,
    personal_data,
    round_menu_links,
)
from ligepraksis.services import role_grant, user_get_or_create
from practices.models import Membership
from practices.personal_data import rewrite_texts
from progress.models.consultants import ConsultantBudgetRaise, ConsultantSession
from progress.services import consultants as services

# --- Menus ---------------------------------------------------------------------------------------------


@menu_links(order=30)
def consultant_menu(request):
    if round_ids_with_role(request.user, Role.CONSULTANT):
        return [Link(_("Your practices"), reverse("progress:consultant_home"))]
    return []


@round_menu_links(order=40)
def consultant_round_links(user, round_obj, *, is_leader):
    if not is_leader:
        return []
    return [Link(_("Consultants"), reverse("progress:consultant_assign", args=[round_obj.pk]))]


# --- The benchmark --------------------------------------------------------------------------------------


@measured_pages
def pages():
    """The consultant's page, as the consultant with the most assigned participations."""
    participation = (
        Participation.objects.filter(consultant__isnull=False)
        .select_related("consultant")
        .order_by("pk")
        .first()
    )
    if participation is None:
        return []
    role = Role.CONSULTANT.value
    out = [
        MeasuredPage("consultant's page", role, reverse("progress:consultant_home"), participation.consultant)
    ]
    out.append(
        MeasuredPage(
            "a practice's consultant sessions",
            role,
            reverse("progress:consultant_sessions", args=[participation.pk]),
            participation.consultant,
        )
    )
    return out


# --- Demo and national data --------------------------------------------------------------------------

TOPICS = [
    ("medical", "Gennemgang af praksis' patienter med psykisk og somatisk multisygdom", "1"),
    ("process", "Klinikmodulet: valg af målgruppe og fokus", "2"),
    ("process", "Plan for den egne indsats og første PDSA-cyklus", "1"),
    ("medical", "Opfølgning på medicingennemgang hos sårbare patienter", "0.5"),
    ("process", "Opfølgningsmøde: hvad virker, hvad skal justeres", "1"),
]
NOTES = [
    "Praksis har valgt patienter med lav sundhedskompetence som målgruppe.",
    "Aftalt at sygeplejersken ringer til patienter, der udebliver fra årskontrol.",
    "Der mangler tid i hverdagen; vi har aftalt en kortere første cyklus.",
    "",
]


def _sessions_for(participation, *, leader, consultant, rng, today, how_many) -> int:
    """Record up to `how_many` sessions of both kinds through the service, inside the budget."""
    start = timezone.localdate(participation.accepted_at)
    made = 0
    for n in range(how_many):
        kind, topic, hours = TOPICS[(participation.pk + n) % len(TOPICS)]
        span = max((today - start).days, 0)
        held_on = start + dt.timedelta(days=rng.randint(0, span)) if span else start
        try:
            services.consultant_session_record(
                participation=participation,
                by=consultant if n % 2 == 0 else leader,
                held_on=min(held_on, today),
                hours=Decimal(hours),
                kind=kind,
                topic=topic,
                note=rng.choice(NOTES),
            )
        except DomainError:  # a session over the budget is left out of the data
            continue
        made += 1
    return made


@demo_builder(order=51, name="progress.consultants")
def build_consultants_demo(ctx) -> None:
    """The demo consultant is assigned to most of the 2026 round's participations, with sessions of
    both kinds (a couple of practices are left for the leaders to assign)."""
    round_obj = ctx.round_a
    if round_obj is None or ConsultantSession.objects.filter(participation__round=round_obj).exists():
        return
    grant = RoleGrant.objects.filter(role=Role.CONSULTANT, round=round_obj).select_related("user").first()
    leader = (ctx.users.get("leaders") or [None])[0]
    if grant is None or leader is None:
        return
    participations = list(
        Participation.objects.filter(round=round_obj).select_related("round").order_by("pk")
    )
    today = timezone.localdate(ctx.now)
    sessions = 0
    for i, participation in enumerate(participations[:-2] if len(participations) > 3 else participations):
        application_services.participation_assign_consultant(
            participation=participation, consultant=grant.user, by=leader
        )
        sessions += _sessions_for(
            participation, leader=leader, consultant=grant.user, rng=ctx.rng, today=today, how_many=i % 4
        )
    ctx.say(f"  consultants: {len(participations)} participations, {sessions} consultant sessions")


CONSULTANTS_NATIONAL = 6  # the working group: medical and process consultants


@national_builder(order=51, name="progress.consultants")
def build_consultants_national(ctx) -> None:
    """Consultants of the main round each get their share of its participations (assigned through the
    service), and some sessions are recorded."""
    main = ctx.main_round
    leader = ctx.users["leaders"][main.pk][0]
    consultants = list(
        RoleGrant.objects.filter(role=Role.CONSULTANT, round=main).select_related("user").order_by("pk")
    )
    consultants = [g.user for g in consultants]
    for n in range(len(consultants) + 1, CONSULTANTS_NATIONAL + 1):
        user = user_get_or_create(
            email=f"konsulent{n}.landsdata@{_domain(consultants)}", full_name=ctx.person_name()
        )
        role_grant(user=user, role=Role.CONSULTANT, round=main)
        consultants.append(user)
    participations = list(Participation.objects.filter(round=main).select_related("round").order_by("pk"))
    today = ctx.today
    sessions = 0
    for i, participation in enumerate(participations):
        consultant = consultants[i % len(consultants)]
        try:
            application_services.participation_assign_consultant(
                participation=participation, consultant=consultant, by=leader
            )
        except DomainError:  # a consultant who belongs to the practice: left unassigned
            continue
        sessions += _sessions_for(
            participation,
            leader=leader,
            consultant=consultant,
            rng=ctx.rng,
            today=today,
            how_many=ctx.rng.randint(0, 4),
        )
    ctx.say(
        f"  consultants: {len(consultants)} consultants, {len(participations)} participations, "
        f"{sessions} sessions"
    )


def _domain(users) -> str:
    return users[0].email.split("@", 1)[1] if users else "landsdata.invalid"


# --- A person's data -------------------------------------------------------------------------------------


def _mentions(person, fields):
    name = (person.name or "").strip()
    if len(name) < 3:
        return Q(pk__in=[])
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__contains": name})
    return q


def _practice_ids(person):
    return Membership.objects.filter(person=person).values("practice_id")


def _recorded_by_person(person, field):
    return Q(**{field: person.user_id}) if person.user_id else Q(pk__in=[])


def export(person) -> dict:
    """Consultant sessions and budget raises that name the person (in their practices' texts) or that
    they recorded through their login; and the earlier versions of those sessions (history rows)."""
    practices = _practice_ids(person)
    sessions = ConsultantSession.objects.filter(
        (Q(participation__practice_id__in=practices) & _mentions(person, ("topic", "note")))
        | _recorded_by_person(person, "recorded_by_id")
    ).select_related("participation__practice", "participation__round")
    history = ConsultantSession.history.filter(
        (Q(participation__practice_id__in=practices) & _mentions(person, ("topic", "note")))
        | _recorded_by_person(person, "recorded_by_id")
    ).order_by("history_date", "history_id")
    raises = ConsultantBudgetRaise.objects.filter(
        (Q(participation__practice_id__in=practices) & _mentions(person, ("reason",)))
        | _recorded_by_person(person, "raised_by_id")
    ).select_related("participation__practice")
    return {
        "consultant_sessions": [
            {
                "practice": s.participation.practice.name,
                "round": s.participation.round.name,
                "date": s.held_on,
                "hours": s.hours,
                "kind": s.get_kind_display(),
                "topic": s.topic,
                "note": s.note,
                "recorded_at": s.recorded_at,
            }
            for s in sessions.order_by("held_on", "pk")
        ],
        "consultant_session_history": [
            {
                "session": h.id,
                "changed_at": h.history_date,
                "change": h.get_history_type_display(),
                "date": h.held_on,
                "hours": h.hours,
                "topic": h.topic,
                "note": h.note,
            }
            for h in history
        ],
        "consultant_budget_raises": [
            {
                "practice": r.participation.practice.name,
                "kind": r.get_kind_display(),
                "hours": r.hours,
                "reason": r.reason,
                "raised_at": r.raised_at,
            }
            for r in raises.order_by("raised_at", "pk")
        ],
    }


def erase(person, *, label: str) -> None:
    """The person's name becomes the label in the sessions' and raises' texts of their practices, in the
    sessions' history rows too; the rows and hours stay."""
    practices = _practice_ids(person)
    rewrite_texts(
        ConsultantSession.objects.filter(participation__practice_id__in=practices),
        ("topic", "note"),
        person.name,
        label,
    )
    rewrite_texts(
        ConsultantSession.history.model.objects.filter(participation__practice_id__in=practices),
        ("topic", "note"),
        person.name,
        label,
    )
    rewrite_texts(
        ConsultantBudgetRaise.objects.filter(participation__practice_id__in=practices),
        ("reason",),
        person.name,
        label,
    )


personal_data("progress.consultants", export=export, erase=erase, order=55)
