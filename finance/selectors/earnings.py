"""What practices have earned so far, by item, at the rate of the year each hour was worked.

Sums are made in the database: the start-up meeting and the inspiration hours through the activities
ledger's own rules (activities.selectors: `counts_q`, `startup_attended_q`), the logged entries by a
grouped aggregate; a fixed number of queries however many participations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Min, Sum
from django.db.models.functions import ExtractYear

from activities.models import ClaimStatus, HourClaim, Registration
from activities.selectors import (
    ATTENDANCE,
    ATTENDED,
    CLAIMS,
    PARTICIPATION,
    counts_q,
    startup_attended_q,
    with_participation,
)
from finance.models import LOGGED_KINDS, EarningEntry, EntryStatus, ItemKind, PayItem, amount
from finance.selectors.rates import rates_by_region_year

ZERO = Decimal("0")
HOURS = DecimalField(max_digits=9, decimal_places=2)


@dataclass
class YearPart:
    """Part of an item's earnings worked in one year, paid at that year's rate (None: no rate yet)."""

    year: int
    quantity: Decimal
    rate: Decimal | None
    amount: Decimal | None


@dataclass
class ItemEarnings:
    item: PayItem
    cap: Decimal | None
    quantity: Decimal = ZERO  # counted, after the cap
    over_cap: Decimal = ZERO  # worked or approved beyond the cap: not paid
    pending: Decimal = ZERO  # logged, awaiting a decision
    parts: list[YearPart] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def label(self) -> str:
        return self.item.get_kind_display()

    @property
    def is_km(self) -> bool:
        return self.item.is_km

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.parts if p.amount is not None), ZERO)

    @property
    def missing_rate_years(self) -> list[int]:
        return [p.year for p in self.parts if p.amount is None]


@dataclass
class Earnings:
    """A participation's earnings so far, one row per item the round pays for."""

    participation: object
    items: list[ItemEarnings] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)

    @property
    def missing_rate_years(self) -> list[int]:
        return sorted({y for i in self.items for y in i.missing_rate_years})


def _capped(by_year: dict[int, Decimal], cap: Decimal | None) -> tuple[list[tuple[int, Decimal]], Decimal]:
    """Fill the cap year by year, the earliest first: [(year, counted)], and what lies beyond it."""
    out, left, over = [], cap, ZERO
    for year in sorted(by_year):
        q = by_year[year]
        if left is not None:
            take = min(q, left)
            over += q - take
            left -= take
            q = take
        if q:
            out.append((year, q))
    return out, over


def _startup_years(parts) -> dict[int, dict[int, int]]:
    """Per participation: coordinators who attended the start-up meeting, counted in the year of
    their first attendance ({participation: {year: coordinators}})."""
    pks, practice_ids = [p.pk for p in parts], {p.practice_id for p in parts}
    rows = (
        with_participation(Registration.objects.filter(ATTENDED, practice_id__in=practice_ids), ATTENDANCE)
        .filter(startup_attended_q(), **{f"{PARTICIPATION}__in": pks})
        .values(PARTICIPATION, "person_id")
        .annotate(year=Min(ExtractYear("session__starts_at")))
        .order_by()
    )
    out: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        out[row[PARTICIPATION]][row["year"]] += 1
    return out


def _inspiration_years(parts) -> dict[int, dict[int, Decimal]]:
    """Per participation: hours that count toward the target (the ledger's rules), by year worked."""
    pks, practice_ids = [p.pk for p in parts], {p.practice_id for p in parts}
    attendance = (
        with_participation(Registration.objects.filter(ATTENDED, practice_id__in=practice_ids), ATTENDANCE)
        .filter(**{f"{PARTICIPATION}__in": pks})
        .annotate(year=ExtractYear("session__starts_at"))
        .values(PARTICIPATION, "year")
        .annotate(counted=Sum(ATTENDANCE.hours, filter=counts_q(ATTENDANCE, parts), output_field=HOURS))
        .order_by()
    )
    claims = (
        with_participation(
            HourClaim.objects.filter(practice_id__in=practice_ids, status=ClaimStatus.APPROVED), CLAIMS
        )
        .filter(**{f"{PARTICIPATION}__in": pks})
        .annotate(year=ExtractYear("occurred_on"))
        .values(PARTICIPATION, "year")
        .annotate(counted=Sum(CLAIMS.hours, filter=counts_q(CLAIMS, parts), output_field=HOURS))
        .order_by()
    )
    out: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in attendance.union(claims, all=True):
        if row["counted"]:
            out[row[PARTICIPATION]][row["year"]] += row["counted"]
    return out


def _entry_years(parts):
    """Per participation and item: approved quantity by year worked, and pending quantity."""
    rows = (
        EarningEntry.objects.filter(
            participation__in=[p.pk for p in parts], status__in=(EntryStatus.APPROVED, EntryStatus.PENDING)
        )
        .annotate(year=ExtractYear("worked_on"))
        .values("participation_id", "item_id", "status", "year")
        .annotate(hours=Sum("hours"), km=Sum("km"))
        .order_by()
    )
    approved: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    pending: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        q = row["hours"] if row["hours"] is not None else row["km"] or ZERO
        key = (row["participation_id"], row["item_id"])
        if row["status"] == EntryStatus.APPROVED:
            approved[key][row["year"]] += q
        else:
            pending[key] += q
    return approved, pending


def earnings(participations) -> list[Earnings]:
    """Earnings for many participations in six queries (participations, items, rates, start-up
    meeting, inspiration hours, entries), whatever their number."""
    parts = list(
        participations.select_related("round__region", "practice")
        if hasattr(participations, "select_related")
        else participations
    )
    if not parts:
        return []
    items_by_round: dict[int, list[PayItem]] = defaultdict(list)
    for item in PayItem.objects.filter(round_id__in={p.round_id for p in parts}, enabled=True).order_by("pk"):
        items_by_round[item.round_id].append(item)
    rates = rates_by_region_year({p.round.region_id for p in parts})
    startup = _startup_years(parts)
    inspiration = _inspiration_years(parts)
    approved, pending = _entry_years(parts)
    order = {k: i for i, k in enumerate(ItemKind.values)}
    result = []
    for p in parts:
        out = Earnings(participation=p)
        for item in sorted(items_by_round[p.round_id], key=lambda i: order[i.kind]):
            cap = item.cap_for(p.round)
            row = ItemEarnings(item=item, cap=cap)
            if item.kind == ItemKind.STARTUP:
                # `cap` hours per coordinator who attended
                by_year = {y: (cap or ZERO) * n for y, n in startup.get(p.pk, {}).items()}
                counted, over = _capped(by_year, None)
            elif item.kind == ItemKind.INSPIRATION:
                counted, over = _capped(dict(inspiration.get(p.pk, {})), cap)
            elif item.kind in LOGGED_KINDS:
                counted, over = _capped(dict(approved.get((p.pk, item.pk), {})), cap)
                row.pending = pending.get((p.pk, item.pk), ZERO)
            else:  # pragma: no cover - every kind is handled above
                counted, over = [], ZERO
            row.over_cap = over
            for year, quantity in counted:
                rate = rates.get((p.round.region_id, year))
                unit_rate = None if rate is None else (rate.per_km if item.is_km else rate.hourly)
                money = None if unit_rate is None else amount(quantity, unit_rate)
                row.parts.append(YearPart(year, quantity, unit_rate, money))
                row.quantity += quantity
            out.items.append(row)
        result.append(out)
    return result


def earnings_of(participation) -> Earnings:
    from applications.models import Participation

    (result,) = earnings(Participation.objects.filter(pk=participation.pk))
    return result


def round_participations(round_obj):
    """The round's active participations by practice name (a page of them: `ligepraksis.paging`)."""
    from applications.models import Participation

    return (
        Participation.objects.active()
        .filter(round=round_obj)
        .select_related("round__region", "practice")
        .order_by("practice__name", "pk")
    )


def participation_entries(participation):
    """The participation's entries, newest first (a page of them: `ligepraksis.paging`)."""
    return (
        EarningEntry.objects.filter(participation=participation)
        .select_related("item", "decided_by", "submitted_by")
        .order_by("-worked_on", "-pk")
    )


def pending_entries(round_ids):
    """Entries awaiting a leader's decision in these rounds, oldest first."""
    return (
        EarningEntry.objects.filter(participation__round_id__in=round_ids, status=EntryStatus.PENDING)
        .select_related("item", "participation__practice", "participation__round", "submitted_by")
        .order_by("submitted_at", "pk")
    )
