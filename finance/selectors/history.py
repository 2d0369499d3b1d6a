"""The money audit trail of a round: every change to its region's rates, its paid items, entries,
budget lines and expenses, with who, when, and the values before and after (django-simple-history
rows). The page lists a page of changes: one UNION query of the rows' keys (and its count), then per
audited model one query for every version of the objects on the page (for "before"), whatever the
number of changes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Value
from django.utils.translation import gettext as _

from finance.models import (
    BudgetLine,
    EarningEntry,
    Expense,
    Instalment,
    MoneyCorrection,
    ParticipationInstalment,
    PayItem,
    PaymentBatch,
    Rate,
)
from ligepraksis import formatting

# model key -> (model, fields shown, the history rows of a round)
SOURCES = {
    "rate": (Rate, ("year", "hourly", "per_km"), lambda r: {"region_id": r.region_id}),
    "item": (PayItem, ("kind", "enabled", "cap"), lambda r: {"round_id": r.pk}),
    "entry": (
        EarningEntry,
        ("worked_on", "hours", "km", "status", "decision_reason"),
        lambda r: {"participation__round_id": r.pk},
    ),
    "line": (BudgetLine, ("name", "granted"), lambda r: {"round_id": r.pk}),
    "expense": (
        Expense,
        ("description", "amount", "status", "overspend_reason"),
        lambda r: {"line__round_id": r.pk},
    ),
    "instalment": (Instalment, ("number", "name", "milestone_kinds"), lambda r: {"round_id": r.pk}),
    "practice_instalment": (
        ParticipationInstalment,
        ("status", "amount", "withheld_reason", "release_reason", "paid_on"),
        lambda r: {"participation__round_id": r.pk},
    ),
    "correction": (MoneyCorrection, ("amount", "reason"), lambda r: {"participation__round_id": r.pk}),
    "batch": (PaymentBatch, ("reference", "paid_on", "total"), lambda r: {"round_id": r.pk}),
}


@dataclass
class Change:
    what: str
    object_id: int
    when: object
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, object, object]]  # (field label, before, after)

    @property
    def kind_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}.get(self.kind, self.kind)


def history_keys(round_obj):
    """(source, history_id, history_date) of every change of the round's money, newest first: one
    queryset (a UNION ALL) a paginator can count and slice."""
    parts = [
        model.history.filter(**where(round_obj))
        .annotate(source=Value(key, output_field=CharField()))
        .values_list("source", "history_id", "history_date")
        .order_by()
        for key, (model, _fields, where) in SOURCES.items()
    ]
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def _display(model, name, value):
    field = model._meta.get_field(name)
    if value is not None and field.choices:
        return dict(field.choices).get(value, value)
    if isinstance(value, Decimal):
        return formatting.number(value, 2)  # 1.098,80
    if name == "year" and value is not None:
        return str(value)  # unlocalised: 2026, not 2.026
    return value


def changes(keys) -> list[Change]:
    """The page's changes (`keys` from `history_keys`), each with the values it changed, before and
    after."""
    wanted: dict[str, list[int]] = {}
    for source, history_id, _when in keys:
        wanted.setdefault(source, []).append(history_id)
    found = {}
    for source, ids in wanted.items():
        model, fields, _where = SOURCES[source]
        object_ids = model.history.filter(history_id__in=ids).values("id")
        versions = (
            model.history.filter(id__in=object_ids)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous = {}
        for h in versions:
            before = previous.get(h.id)
            if h.history_id in ids:
                diffs = []
                for name in fields:
                    after_value = getattr(h, name)
                    before_value = getattr(before, name) if before is not None else None
                    if before is None or before_value != after_value:
                        diffs.append(
                            (
                                str(model._meta.get_field(name).verbose_name),
                                _display(model, name, before_value) if before is not None else None,
                                _display(model, name, after_value),
                            )
                        )
                found[(source, h.history_id)] = Change(
                    what=str(model._meta.verbose_name),
                    object_id=h.id,
                    when=h.history_date,
                    who=h.history_user,
                    kind=h.history_type,
                    changes=diffs,
                )
            previous[h.id] = h
    return [
        found[(source, history_id)] for source, history_id, _when in keys if (source, history_id) in found
    ]
