"""Reading interviews, practice evaluations, postcards and the knowledge-sharing register. Every list
is one query for its page (related rows selected here once); sums are made in the database.

`published_postcards` is what the postcard pages and the postcard PDFs read: the one rule of what may
be shown publicly is `PracticeEvaluation.objects.published()` (consent given, not withdrawn, and
learning points to show)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from applications.models import Participation
from evaluation.models import InterviewStatus, KnowledgeItem, PracticeEvaluation
from finance.models import EarningEntry, EntryStatus, ItemKind

POSTCARDS_PER_PAGE = 12
MATERIAL_PER_PAGE = 10
INTERVIEWS_PER_PAGE = 25
EVALUATIONS_PER_PAGE = 20
REGISTER_PER_PAGE = 25


def published_postcards(round_id: int | None = None):
    """The published practice evaluations (postcards), with `participation__practice` and
    `participation__round` selected, ordered by round and practice name; of one round if given."""
    rows = PracticeEvaluation.objects.published().select_related(
        "participation__practice", "participation__round"
    )
    if round_id is not None:
        rows = rows.filter(participation__round_id=round_id)
    return rows.order_by(
        "-participation__round__year", "participation__round__name", "participation__practice__name", "pk"
    )


def interviews(rows):
    """The interviews `rows` (from `permissions.interviews_for_user`) for the round's list."""
    return rows.select_related("participation__practice", "evaluator").order_by("scheduled_at", "pk")


def evaluations(rows):
    """The practice evaluations `rows` (from `permissions.evaluations_for_user`) for the round's list."""
    return rows.select_related("participation__practice").order_by("participation__practice__name", "pk")


def evaluation_counts(round_obj) -> dict:
    """How many of the round's active participations have written an evaluation, and consented."""
    return (
        Participation.objects.active()
        .filter(round=round_obj)
        .aggregate(
            participations=Count("pk"),
            written=Count("pk", filter=Q(evaluation__isnull=False)),
            consented=Count(
                "pk",
                filter=Q(
                    evaluation__consent_given_at__isnull=False, evaluation__consent_withdrawn_at__isnull=True
                ),
            ),
        )
    )


# --- The knowledge-sharing register ----------------------------------------------------------------


def linkable_hour_entries(participation_id: int):
    """The hour entries a knowledge-sharing item of the participation may link to: the practice's own
    entries of the "evaluation and knowledge sharing" item of that round, not rejected."""
    return (
        EarningEntry.objects.filter(participation_id=participation_id, item__kind=ItemKind.EVALUATION)
        .exclude(status=EntryStatus.REJECTED)
        .order_by("worked_on", "pk")
    )


def register_items(*, round_obj=None, participation=None, kind: str = "", status: str = ""):
    """Knowledge-sharing items of a round or of one participation, filtered by kind and status."""
    rows = KnowledgeItem.objects.all()
    if round_obj is not None:
        rows = rows.filter(participation__round=round_obj)
    if participation is not None:
        rows = rows.filter(participation=participation)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows


def register(items):
    """`items` (from `register_items`) for a list: each with the hours of the evaluation entries
    linked to it summed in the database (`linked_hours`), newest first."""
    return (
        items.select_related("participation__practice")
        .annotate(linked_hours=Sum("hour_entries__hours"))
        .order_by(F("happens_on").desc(nulls_last=True), "-pk")
    )


def linked_hours_total(items) -> Decimal:
    """The hours of the distinct evaluation entries linked to any of `items` (an entry linked to two
    items counts once)."""
    ids = KnowledgeItem.hour_entries.through.objects.filter(knowledgeitem__in=items.values("pk")).values(
        "earningentry_id"
    )
    total = EarningEntry.objects.filter(pk__in=ids).aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0")


def interview_times(participation) -> list[dict]:
    """When and where the practice's interviews are (planned or held), for the practice itself: the
    time, the place and the status, never the notes."""
    return list(
        participation.interviews.exclude(status=InterviewStatus.CANCELLED)
        .order_by("scheduled_at", "pk")
        .values("scheduled_at", "place", "status")
    )
