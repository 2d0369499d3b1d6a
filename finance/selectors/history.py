"""The money audit trail of a round: every change to its rates, paid items, entries, budget lines and
expenses, with who, when, and the values before and after (django-simple-history rows)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from finance.models import BudgetLine, EarningEntry, Expense, PayItem, Rate

# (model, fields shown, filter to the round)
_SOURCES = (
    (Rate, ("year", "hourly", "per_km"), lambda r: {"region_id": r.region_id}),
    (PayItem, ("kind", "enabled", "cap"), lambda r: {"round_id": r.pk}),
    (
        EarningEntry,
        ("worked_on", "hours", "km", "status", "decision_reason"),
        lambda r: {"participation__round_id": r.pk},
    ),
    (BudgetLine, ("name", "granted"), lambda r: {"round_id": r.pk}),
    (Expense, ("description", "amount", "status", "overspend_reason"), lambda r: {"line__round_id": r.pk}),
)


@dataclass
class Change:
    what: str
    object_id: int
    when: object
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, object, object]]  # (field label, before, after)


def _object_ids(model, round_obj, where) -> list[int]:
    return list(model.objects.filter(**where(round_obj)).values_list("pk", flat=True))


def history_rows(round_obj):
    """A list of every history row of the round's money, newest first, each with its previous row
    (for before/after). One query per audited model plus one for the users, whatever the number."""
    rows = []
    for model, fields, where in _SOURCES:
        ids = _object_ids(model, round_obj, where)
        if not ids:
            continue
        history = list(
            model.history.filter(id__in=ids)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous = {}
        for h in history:
            before = previous.get(h.id)
            changes = []
            for name in fields:
                label = str(model._meta.get_field(name).verbose_name)
                after_value = getattr(h, name)
                before_value = getattr(before, name) if before is not None else None
                if before is None or before_value != after_value:
                    changes.append((label, before_value, after_value))
            rows.append(
                Change(
                    what=str(model._meta.verbose_name),
                    object_id=h.id,
                    when=h.history_date,
                    who=h.history_user,
                    kind=h.history_type,
                    changes=changes,
                )
            )
            previous[h.id] = h
    rows.sort(key=lambda c: c.when, reverse=True)
    return rows


KIND_LABELS = {"+": "created", "~": "changed", "-": "deleted"}


def kind_label(kind: str) -> str:
    return {"+": _("created"), "~": _("changed"), "-": _("deleted")}.get(kind, kind)
