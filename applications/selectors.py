"""Reads that cross relations, with their joins done once here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications import permissions, selection
from applications.models import PLACE_HOLDING, Application, ApplicationStatus, Recommendation, Review, Score
from ligepraksis.models import Area, ProgrammeRound
from practices.models import Practice, PracticeType
from practices.permissions import own_practice_ids

TWO = Decimal("0.01")


def _mean(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def places_taken(round_obj: ProgrammeRound, now=None) -> int:
    """Selected and participating practices plus open (unexpired) offers."""
    now = now or timezone.now()
    holders = Application.objects.filter(round=round_obj, status__in=PLACE_HOLDING)
    return holders.exclude(status=ApplicationStatus.OFFERED, offer_expires_at__lte=now).count()


def applications_for_round(round_obj: ProgrammeRound, *, include_drafts: bool = False):
    """Applications of a round with practice, municipality, numbers, mean score, latest recommendation
    and rank on the waiting list (`waitlist_rank`)."""
    latest = Recommendation.objects.filter(application=OuterRef("pk")).order_by("-recorded_at", "-pk")
    # Mean and count as subqueries per application, not a join grouped over the applications' wide
    # rows: on the national data's 300 applications with 1,500 reviews the grouped join took ~2× longer.
    valid = Review.objects.filter(application=OuterRef("pk"), conflict_of_interest=False).order_by()
    mean = (
        Score.objects.filter(review__application=OuterRef("pk"), review__conflict_of_interest=False)
        .order_by()
        .values("review__application")
        .annotate(mean=Avg("value"))
        .values("mean")
    )
    count = valid.values("application").annotate(n=Count("pk")).values("n")
    qs = (
        Application.objects.filter(round=round_obj)
        .with_waitlist_rank()
        .select_related("practice__municipality", "doctor_coordinator", "staff_coordinator")
        .prefetch_related("practice__provider_numbers")
        .annotate(
            mean_score=Subquery(mean, output_field=FloatField()),
            review_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
            recommendation=Subquery(latest.values("outcome")[:1]),
        )
        .order_by("practice__name", "pk")
    )
    if not include_drafts:
        qs = qs.exclude(status=ApplicationStatus.DRAFT)
    return qs


def applications_for_selection(round_obj: ProgrammeRound):
    """The selection workspace's order: highest mean score first, the unscored last, then by name."""
    return applications_for_round(round_obj).order_by(
        F("mean_score").desc(nulls_last=True), "practice__name", "pk"
    )


def waitlist_rank(application: Application) -> int | None:
    """The application's rank on its round's waiting list (1 is first), None if it is not on it."""
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    return (
        Application.objects.filter(pk=application.pk)
        .with_waitlist_rank()
        .values_list("waitlist_rank", flat=True)
        .first()
    )


def applications_for_reviewer(round_obj: ProgrammeRound, user):
    """The round's submitted applications a reviewer may see: never their own practice's (a queryset:
    the round's list shows a page of it)."""
    return applications_for_round(round_obj).filter(pk__in=_reviewable([round_obj.pk], user))


def own_review_state(round_obj: ProgrammeRound, user) -> tuple[set[int], set[int]]:
    """(ids the user has reviewed, ids where the user declared a conflict of interest)."""
    rows = Review.objects.filter(application__round=round_obj, reviewer=user).values_list(
        "application_id", "conflict_of_interest"
    )
    reviewed, conflicted = set(), set()
    for app_id, conflict in rows:
        reviewed.add(app_id)
        if conflict:
            conflicted.add(app_id)
    return reviewed, conflicted


def criterion_means(round_obj: ProgrammeRound, application_ids=None) -> dict[int, dict[int, Decimal]]:
    """application id -> criterion id -> mean score (one query); only of `application_ids` if given."""
    scores = Score.objects.filter(review__application__round=round_obj, review__conflict_of_interest=False)
    if application_ids is not None:
        scores = scores.filter(review__application_id__in=list(application_ids))
    rows = scores.values("review__application_id", "criterion_id").annotate(mean=Avg("value"))
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        out[row["review__application_id"]][row["criterion_id"]] = _mean(row["mean"])
    return out


def application_detail_scores(application: Application):
    """Every review of one application, with scores, for a leader."""
    return application.reviews.select_related("reviewer").prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("criterion").order_by("criterion__order"))
    )


def application_history(application: Application, user):
    """The application's history as `user` may read it: the practice sees its own steps and the
    decisions, never the assessment (permissions.sees_assessment)."""
    events = application.events.select_related("actor").order_by("at", "pk")
    if not permissions.sees_assessment(user, application):
        events = events.for_applicant()
    return events


@dataclass
class RoundGroups:
    """How the round sorts practices into groups: areas (by municipality), forms and size bands."""

    area_of_municipality: dict[int, str]
    areas: list[str]
    forms: list[tuple[str, str]]
    size_bands: list
    municipalities: list[str] = field(default_factory=list)

    def area(self, practice) -> str | None:
        return self.area_of_municipality.get(practice.municipality_id)

    def size_band(self, practice) -> str | None:
        for band in self.size_bands:
            if band.contains(practice.doctor_capacities):
                return band.name
        return None

    def dimensions(self) -> dict[str, list[str]]:
        return {
            "area": list(self.areas),
            "form": [value for value, _label in self.forms],
            "size": [b.name for b in self.size_bands],
        }

    def groups_of(self, practice) -> dict[str, str]:
        out = {"form": practice.form}
        if (a := self.area(practice)) is not None:
            out["area"] = a
        if (s := self.size_band(practice)) is not None:
            out["size"] = s
        return out


def round_groups(round_obj: ProgrammeRound) -> RoundGroups:
    areas = list(Area.objects.filter(round=round_obj).prefetch_related("municipalities").order_by("name"))
    area_of = {}
    for area in areas:
        for m in area.municipalities.all():
            area_of.setdefault(m.pk, area.name)
    municipalities = list(round_obj.region.municipalities.order_by("name").values_list("name", flat=True))
    return RoundGroups(
        area_of_municipality=area_of,
        areas=[a.name for a in areas],
        forms=list(PracticeType.choices),
        size_bands=list(round_obj.size_bands.order_by("min_capacities")),
        municipalities=municipalities,
    )


@dataclass
class SpreadRow:
    dimension: str
    group: str
    label: str
    count: int


@dataclass
class Spread:
    rows: list[SpreadRow]
    missing: list[SpreadRow]
    total: int


def spread(groups: RoundGroups, applications) -> Spread:
    """How the given (selected) applications spread over areas, municipalities, forms and size bands."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    applications = list(applications)
    for app in applications:
        p = app.practice
        counts[("area", groups.area(p) or "")] += 1
        counts[("municipality", p.municipality.name)] += 1
        counts[("form", p.form)] += 1
        counts[("size", groups.size_band(p) or "")] += 1
    return _spread_rows(groups, counts, len(applications))


def selection_spread(groups: RoundGroups, round_obj: ProgrammeRound) -> Spread:
    """`spread()` of the applications holding a place in the round, counted by the database (one
    grouped query, whatever the number of applications): the selection workspace shows its
    applications a page at a time, the spread is over all of them."""
    rows = (
        Application.objects.filter(round=round_obj, status__in=PLACE_HOLDING)
        .values("practice__municipality_id", "practice__municipality__name", "practice__form",
                "practice__doctor_capacities")
        .annotate(n=Count("pk"))
        .order_by()
    )  # fmt: skip
    counts: dict[tuple[str, str], int] = defaultdict(int)
    total = 0
    for row in rows:
        practice = Practice(
            municipality_id=row["practice__municipality_id"],
            form=row["practice__form"],
            doctor_capacities=row["practice__doctor_capacities"],
        )
        n = row["n"]
        total += n
        counts[("area", groups.area(practice) or "")] += n
        counts[("municipality", row["practice__municipality__name"])] += n
        counts[("form", practice.form)] += n
        counts[("size", groups.size_band(practice) or "")] += n
    return _spread_rows(groups, counts, total)


def _spread_rows(groups: RoundGroups, counts, total: int) -> Spread:
    form_labels = dict(groups.forms)
    rows = []
    for dim, names in (
        ("area", [(a, a) for a in groups.areas]),
        ("form", [(v, form_labels[v]) for v, _ in groups.forms]),
        ("size", [(b.name, b.name) for b in groups.size_bands]),
        ("municipality", [(m, m) for m in groups.municipalities]),
    ):
        for key, label in names:
            rows.append(SpreadRow(dim, key, label, counts.get((dim, key), 0)))
    missing = [r for r in rows if r.count == 0 and r.dimension != "municipality"]
    return Spread(rows=rows, missing=missing, total=total)


def selection_rows(
    round_obj: ProgrammeRound, groups: RoundGroups, *, status="", area="", form="", recommendation=""
):
    """The selection workspace's applications (its order) narrowed by the filters, in the database."""
    qs = applications_for_selection(round_obj)
    if status:
        qs = qs.filter(status=status)
    if area:
        qs = qs.filter(
            practice__municipality_id__in=[m for m, a in groups.area_of_municipality.items() if a == area]
        )
    if form:
        qs = qs.filter(practice__form=form)
    if recommendation:
        qs = qs.filter(recommendation=recommendation)
    return qs


def waiting_list(round_obj: ProgrammeRound):
    """The round's waiting list in its order (rank 1 first)."""
    return (
        Application.objects.filter(round=round_obj, status=ApplicationStatus.WAITLISTED)
        .with_waitlist_rank()
        .select_related("practice")
        .order_by("waitlist_rank", "pk")
    )


SUGGESTION_POOL = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.SELECTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
)


def balanced_suggestion(round_obj: ProgrammeRound, applications, groups: RoundGroups) -> selection.Suggestion:
    """Suggest the places: already selected or participating practices are kept, the rest chosen."""
    candidates = [
        selection.Candidate(
            key=app.pk,
            label=app.practice.name,
            score=_mean(app.mean_score),
            groups=groups.groups_of(app.practice),
            fixed=app.status
            in (ApplicationStatus.SELECTED, ApplicationStatus.ACCEPTED, ApplicationStatus.OFFERED),
        )
        for app in applications
        if app.status in SUGGESTION_POOL
    ]
    return selection.suggest_balanced_selection(
        candidates, places=round_obj.places, dimensions=groups.dimensions()
    )


def open_requests(round_obj: ProgrammeRound):
    """Requests to apply for a practice that nobody acting for it, nor a leader, has confirmed yet."""
    return (
        Application.objects.filter(round=round_obj, status=ApplicationStatus.DRAFT, is_request=True)
        .select_related("practice", "created_by")
        .order_by("practice__name", "pk")
    )


def requests_for_my_practices(user):
    """Open requests from others to apply for the practices the user acts for."""
    return (
        Application.objects.filter(
            practice_id__in=own_practice_ids(user), status=ApplicationStatus.DRAFT, is_request=True
        )
        .exclude(created_by=user)
        .select_related("practice", "round", "created_by")
        .order_by("-created_at")
    )


# --- The start page's counts (aggregate queries: their number does not grow with the rows) -------------

# An offer expiring sooner than this is flagged on the leaders' start page.
OFFER_EXPIRY_WARNING = dt.timedelta(days=2)


@dataclass
class LeaderCounts:
    to_decide: int = 0  # submitted, waiting for a decision
    open_offers: int = 0  # offered places not yet answered nor expired
    first_offer_expires: object = None
    requests: int = 0  # requests to apply that wait for confirmation


def leader_counts(round_ids, *, now=None) -> dict[int, LeaderCounts]:
    """round id -> what waits for its project leaders among the applications (one query)."""
    now = now or timezone.now()
    open_offer = Q(status=ApplicationStatus.OFFERED, offer_expires_at__gt=now)
    rows = (
        Application.objects.filter(round_id__in=round_ids)
        .values("round_id")
        .annotate(
            to_decide=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
            open_offers=Count("pk", filter=open_offer),
            first_offer_expires=Min("offer_expires_at", filter=open_offer),
            requests=Count("pk", filter=Q(status=ApplicationStatus.DRAFT, is_request=True)),
        )
        .order_by()
    )
    out = {rid: LeaderCounts() for rid in round_ids}
    for r in rows:
        out[r["round_id"]] = LeaderCounts(
            r["to_decide"], r["open_offers"], r["first_offer_expires"], r["requests"]
        )
    return out


@dataclass
class ReviewProgress:
    round: ProgrammeRound
    total: int = 0  # the round's submitted applications the member may review
    done: int = 0  # of those, scored (or a conflict declared) by the member
    next_application: Application | None = None


def _reviewable(round_ids, user):
    """Submitted applications a reviewer sees in the round list: never their own practice's
    (`applications_for_reviewer`)."""
    return (
        Application.objects.filter(round_id__in=round_ids)
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(practice_id__in=own_practice_ids(user))
    )


def review_progress(rounds, user) -> list[ReviewProgress]:
    """Per round: how many of its submitted applications the member has scored, and the next one to
    score in the round list's order (a query for the counts and one per round for the next)."""
    rounds = list(rounds)
    mine = Review.objects.filter(application=OuterRef("pk"), reviewer=user)
    rows = (
        _reviewable([r.pk for r in rounds], user)
        .annotate(mine=Exists(mine))
        .values("round_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(mine=True)))
        .order_by()
    )
    counts = {r["round_id"]: r for r in rows}
    out = []
    for r in rounds:
        c = counts.get(r.pk, {"total": 0, "done": 0})
        progress = ReviewProgress(round=r, total=c["total"], done=c["done"])
        if progress.done < progress.total:
            progress.next_application = (
                _reviewable([r.pk], user)
                .exclude(Exists(mine))
                .select_related("practice")
                .order_by("practice__name", "pk")
                .first()
            )
        out.append(progress)
    return out
