"""What evaluation/ adds to the start page, the round menu, the demo data, the file kinds and a
person's data export."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Participation
from applications.portal import measured_practice
from evaluation import (
    demo,  # noqa: F401  (registers the demo builder)
    exports,
    national,  # noqa: F401  (registers the national-data builder)
    permissions,
    personal_data,  # noqa: F401  (registers its part of a person's data)
)
from evaluation.models import Interview, InterviewStatus, KnowledgeItem, Questionnaire, Response
from evaluation.services import reports
from finance.permissions import keu_region_ids
from ligepraksis.models import ProgrammeRound, Role, RoleGrant
from ligepraksis.permissions import role_grants, rounds_for_user
from ligepraksis.registry import (
    Card,
    Link,
    MeasuredPage,
    file_kind,
    measured_pages,
    practice_part,
    role_part,
    round_menu_links,
    start_cards,
)
from practices.permissions import own_practice_ids

file_kind(exports.ANSWERS, allowed=permissions.may_read_results, table=exports.answers_table)


@round_menu_links(order=50)
def round_links(user, round_obj, *, is_leader):
    """A project leader's evaluation pages of the round; the steering group's list of the evaluations
    whose practices consent to publish them, and the finished reports."""
    links = []
    if is_leader:
        links += [
            Link(_("Questionnaires"), reverse("evaluation:questionnaires", args=[round_obj.pk])),
            Link(_("Interviews"), reverse("evaluation:interviews", args=[round_obj.pk])),
        ]
    links.append(Link(_("Practice evaluations"), reverse("evaluation:evaluations", args=[round_obj.pk])))
    if is_leader:
        links.append(Link(_("Knowledge sharing"), reverse("evaluation:register", args=[round_obj.pk])))
    if is_leader or permissions.may_read_reports(user, round_obj):
        links.append(Link(_("Reports"), reverse("evaluation:reports", args=[round_obj.pk])))
    return links


@start_cards
def postcards_card(request):
    """The public postcards, for visitors and practices (as the material card of progress/)."""
    user = request.user
    if user.is_authenticated and not own_practice_ids(user) and role_grants(user):
        return []
    return [
        Card(
            title=_("Postcards from the practices"),
            text=_("What the practices did for their vulnerable patients, and what they learned."),
            links=(Link(_("See the postcards"), reverse("evaluation:postcards")),),
            order=12,
            key="postcards",
        )
    ]


@start_cards
def evaluation_cards(request):
    user = request.user
    if not user.is_authenticated:
        return []
    cards = _evaluator_cards(list(rounds_for_user(user, Role.EVALUATOR).order_by("-year", "name")))
    cards += _keu_report_cards(user)
    own = own_practice_ids(user)
    if own:
        cards += _practice_sharing_cards(own)
    if own and Response.objects.filter(practice_id__in=own, questionnaire__anonymous=False).exists():
        cards += [
            Card(
                title=_("Questionnaire answers"),
                links=(
                    Link(_("Our questionnaire answers"), reverse("evaluation:practice_answers", args=[pk])),
                ),
                part=practice_part(),
                order=85,
                key=f"questionnaire-answers-{pk}",
            )
            for pk in sorted(own)
        ]
    return cards


def _evaluator_cards(rounds) -> list[Card]:
    if not rounds:
        return []
    figures = {
        row["round_id"]: row
        for row in Questionnaire.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(made=Count("pk"), sent=Count("pk", filter=Q(sent_at__isnull=False)))
    }
    planned = dict(
        Interview.objects.filter(participation__round__in=rounds, status=InterviewStatus.PLANNED)
        .values("participation__round_id")
        .annotate(n=Count("pk"))
        .values_list("participation__round_id", "n")
    )
    items = dict(
        KnowledgeItem.objects.filter(participation__round__in=rounds)
        .values("participation__round_id")
        .annotate(n=Count("pk"))
        .values_list("participation__round_id", "n")
    )
    cards = []
    for r in rounds:
        f = figures.get(r.pk, {"made": 0, "sent": 0})
        listing = reverse("evaluation:questionnaires", args=[r.pk])
        n_planned, n_items = planned.get(r.pk, 0), items.get(r.pk, 0)
        cards.append(
            Card(
                title=_("Evaluation"),
                text=_(
                    "Questionnaires to the participating practices before and after the programme, their "
                    "results, interviews, the practices' evaluations and their knowledge sharing."
                ),
                links=(
                    Link(
                        _("Questionnaires"),
                        listing,
                        state=ngettext("%(n)s sent", "%(n)s sent", f["sent"]) % {"n": f["sent"]},
                    ),
                    Link(
                        _("Interviews"),
                        reverse("evaluation:interviews", args=[r.pk]),
                        state=ngettext("%(n)s planned", "%(n)s planned", n_planned) % {"n": n_planned},
                    ),
                    Link(_("Practice evaluations"), reverse("evaluation:evaluations", args=[r.pk])),
                    Link(
                        _("Knowledge sharing"),
                        reverse("evaluation:register", args=[r.pk]),
                        state=ngettext("%(n)s entry", "%(n)s entries", n_items) % {"n": n_items},
                    ),
                    Link(_("Report note and postcards"), reverse("evaluation:reports", args=[r.pk])),
                ),
                next_step=None
                if f["made"]
                else Link(
                    _("Build the first questionnaire"), reverse("evaluation:questionnaire_new", args=[r.pk])
                ),
                part=role_part(Role.EVALUATOR.label, r.name),
                order=80,
                key=f"evaluator-{r.pk}",
            )
        )
    return cards


def _practice_sharing_cards(own) -> list[Card]:
    """Per active participation of the user's practices: its evaluation and its knowledge sharing."""
    participations = list(
        Participation.objects.active()
        .filter(practice_id__in=own)
        .select_related("round", "practice", "evaluation")
        .annotate(items=Count("knowledge_items"))
        .order_by("-round__year", "round__name", "practice__name")
    )
    several = len(participations) > 1
    cards = []
    for p in participations:
        evaluation = getattr(p, "evaluation", None)
        if evaluation is None:
            state = _("Not written yet")
        elif evaluation.is_consented:
            state = _("Written; consent to publish given")
        else:
            state = _("Written; no consent to publish")
        title = _("Evaluation and knowledge sharing in %(round)s") % {"round": p.round.name}
        if several:
            title += f" – {p.practice.name}"
        cards.append(
            Card(
                title=title,
                text=_(
                    "Your evaluation of the own intervention, and the articles, talks and postcards you "
                    "share."
                ),
                links=(
                    Link(
                        _("Our evaluation"),
                        reverse("evaluation:practice_evaluation", args=[p.pk]),
                        state=state,
                    ),
                    Link(
                        _("Our knowledge sharing"),
                        reverse("evaluation:participation_register", args=[p.pk]),
                        state=ngettext("%(n)s entry", "%(n)s entries", p.items) % {"n": p.items},
                    ),
                ),
                part=practice_part(),
                order=86,
                key=f"practice-sharing-{p.pk}",
            )
        )
    return cards


def _keu_report_cards(user) -> list[Card]:
    """The KEU secretariat asks for the status report of its region's rounds (one card per region, in
    the region's part of the start page, beside the budget card)."""
    regions = keu_region_ids(user)
    if not regions:
        return []
    by_region: dict = {}
    for r in (
        ProgrammeRound.objects.filter(region_id__in=regions)
        .select_related("region")
        .order_by("-year", "name")
    ):
        by_region.setdefault(r.region, []).append(r)
    return [
        Card(
            title=_("KEU status reports"),
            text=_("The status report of a round on a date, in full or aggregate only, as a PDF."),
            links=tuple(
                Link(
                    _("Reports of %(round)s") % {"round": r.name}, reverse("evaluation:reports", args=[r.pk])
                )
                for r in rounds
            ),
            part=role_part(Role.KEU.label, region.name),
            order=72,
            key=f"keu-reports-{region.pk}",
        )
        for region, rounds in by_region.items()
    ]


@measured_pages
def pages():
    out = [MeasuredPage("public postcards", "anonymous", reverse("evaluation:postcards"))]
    practice = measured_practice()
    if practice is not None:
        participation, user = practice
        out.append(
            MeasuredPage(
                "the practice's knowledge sharing",
                "practice",
                reverse("evaluation:participation_register", args=[participation.pk]),
                user,
            )
        )
    grant = RoleGrant.objects.filter(role=Role.EVALUATOR).select_related("user").order_by("pk").first()
    if grant is None or grant.round_id is None:
        return out
    role = Role.EVALUATOR.value
    out += [
        MeasuredPage(
            "questionnaires",
            role,
            reverse("evaluation:questionnaires", args=[grant.round_id]),
            grant.user,
        ),
        MeasuredPage("interviews", role, reverse("evaluation:interviews", args=[grant.round_id]), grant.user),
        MeasuredPage(
            "practice evaluations", role, reverse("evaluation:evaluations", args=[grant.round_id]), grant.user
        ),
        MeasuredPage(
            "knowledge-sharing register",
            role,
            reverse("evaluation:register", args=[grant.round_id]),
            grant.user,
        ),
    ]
    out.append(
        MeasuredPage(
            "reports", Role.EVALUATOR.value, reverse("evaluation:reports", args=[grant.round_id]), grant.user
        )
    )
    sent = (
        Questionnaire.objects.filter(round_id=grant.round_id, sent_at__isnull=False)
        .order_by("-sent_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if sent is not None:
        out.append(
            MeasuredPage(
                "questionnaire results",
                Role.EVALUATOR.value,
                reverse("evaluation:results", args=[sent]),
                grant.user,
            )
        )
    return out


# The reports (evaluation/services/reports.py): PDFs on the core's row with a status, kept after
# FILE_JOB_KEEP_HOURS (the steering group reads finished reports later).
for _kind, _render in (
    (reports.KEU_REPORT, reports.keu_report_file),
    (reports.REPORT_NOTE, reports.report_note_file),
    (reports.POSTCARDS, reports.postcards_file),
):
    file_kind(_kind, allowed=permissions.report_allowed(_kind), render=_render, keep=True)
