"""finance/' part of a person's personal data (practices/personal_data.py runs it): the entries and
expenses their login entered, the decisions it made, and the money history rows it caused (entries,
expenses, rates, paid items, budget lines). Erasing
keeps every row and amount; it replaces the person's name in the texts of the entries of their
practices and of the expenses their login entered, in the history rows too."""

from __future__ import annotations

from django.db.models import Q

from finance.models import (
    BudgetLine,
    EarningEntry,
    Expense,
    MoneyCorrection,
    ParticipationInstalment,
    PayItem,
    PaymentBatch,
    Rate,
)
from ligepraksis.registry import personal_data
from practices.personal_data import rewrite_texts

ENTRY_TEXTS = ("description", "decision_reason")
INSTALMENT_TEXTS = ("withheld_reason", "release_reason")
CORRECTION_TEXTS = ("reason",)
EXPENSE_TEXTS = ("description", "overspend_reason")


def _entry(e) -> dict:
    return {
        "round": e.participation.round.name,
        "practice": e.participation.practice.name,
        "item": e.item.get_kind_display(),
        "date": e.worked_on,
        "hours": e.hours,
        "km": e.km,
        "description": e.description,
        "status": e.get_status_display(),
        "submitted_at": e.submitted_at,
        "decided_at": e.decided_at,
        "decision_reason": e.decision_reason,
    }


def export(person) -> dict:
    if not person.user_id:
        return {
            "entries_logged": [],
            "entries_decided": [],
            "expenses_entered": [],
            "instalments_decided": [],
            "corrections_entered": [],
            "payments_recorded": [],
            "money_history": [],
        }
    user = person.user_id
    entries = EarningEntry.objects.select_related("participation__round", "participation__practice", "item")
    history = []
    for model in (  # every audited money model
        EarningEntry,
        Expense,
        Rate,
        PayItem,
        BudgetLine,
        ParticipationInstalment,
        MoneyCorrection,
        PaymentBatch,
    ):
        for h in model.history.filter(history_user_id=user).order_by("history_date", "history_id"):
            history.append(
                {
                    "what": str(model._meta.verbose_name),
                    "id": h.id,
                    "when": h.history_date,
                    "type": h.history_type,
                }
            )
    return {
        "entries_logged": [
            _entry(e) for e in entries.filter(submitted_by_id=user).order_by("worked_on", "pk")
        ],
        "entries_decided": [
            _entry(e) for e in entries.filter(decided_by_id=user).order_by("worked_on", "pk")
        ],
        "expenses_entered": [
            {
                "line": x.line.name,
                "description": x.description,
                "amount": x.amount,
                "status": x.get_status_display(),
                "date": x.incurred_on,
                "overspend_reason": x.overspend_reason,
            }
            for x in Expense.objects.filter(created_by_id=user)
            .select_related("line")
            .order_by("incurred_on", "pk")
        ],
        "instalments_decided": [
            {
                "round": r.participation.round.name,
                "practice": r.participation.practice.name,
                "instalment": r.instalment.name,
                "status": r.get_status_display(),
                "amount": r.amount,
                "approved_at": r.approved_at if r.approved_by_id == user else None,
                "withheld_at": r.withheld_at if r.withheld_by_id == user else None,
                "withheld_reason": r.withheld_reason,
            }
            for r in ParticipationInstalment.objects.filter(Q(approved_by_id=user) | Q(withheld_by_id=user))
            .select_related("participation__round", "participation__practice", "instalment")
            .order_by("pk")
        ],
        "corrections_entered": [
            {
                "practice": c.participation.practice.name,
                "amount": c.amount,
                "reason": c.reason,
                "at": c.created_at,
            }
            for c in MoneyCorrection.objects.filter(created_by_id=user)
            .select_related("participation__practice")
            .order_by("pk")
        ],
        "payments_recorded": [
            {"reference": b.reference, "paid_on": b.paid_on, "total": b.total}
            for b in PaymentBatch.objects.filter(created_by_id=user).order_by("pk")
        ],
        "money_history": history,
    }


def erase(person, *, label: str) -> None:
    practices = person.memberships.values("practice_id")
    entries = EarningEntry.objects.filter(participation__practice_id__in=practices)
    rewrite_texts(entries, ENTRY_TEXTS, person.name, label)
    rewrite_texts(
        EarningEntry.history.filter(participation__practice_id__in=practices), ENTRY_TEXTS, person.name, label
    )
    for model, texts in ((ParticipationInstalment, INSTALMENT_TEXTS), (MoneyCorrection, CORRECTION_TEXTS)):
        where = {"participation__practice_id__in": practices}
        rewrite_texts(model.objects.filter(**where), texts, person.name, label)
        rewrite_texts(model.history.filter(**where), texts, person.name, label)
    if person.user_id:
        rewrite_texts(Expense.objects.filter(created_by_id=person.user_id), EXPENSE_TEXTS, person.name, label)
        rewrite_texts(Expense.history.filter(created_by_id=person.user_id), EXPENSE_TEXTS, person.name, label)


def rounds(person_ids):
    """A person took part in the rounds of the entries their login logged."""
    from practices.models import Person

    users = dict(Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("user_id", "pk"))
    for user_id, round_id in (
        EarningEntry.objects.filter(submitted_by_id__in=users)
        .values_list("submitted_by_id", "participation__round_id")
        .distinct()
    ):
        yield users[user_id], round_id


personal_data("finance", export=export, erase=erase, rounds=rounds, order=60)
