"""The payment list for the region's finance system: the round's approved, unpaid instalments with
the practice's CVR number, provider numbers (ydernummer, as text), the amount and a payment text."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from finance.models import InstalmentStatus, ParticipationInstalment, PaymentBatch


def payable_rows(round_obj):
    """Approved, unpaid instalments of the round, by practice name (a page of them: ligepraksis.paging)."""
    return (
        ParticipationInstalment.objects.filter(
            participation__round=round_obj, status=InstalmentStatus.APPROVED
        )
        .select_related("participation__practice", "participation__round", "instalment")
        .prefetch_related("participation__practice__provider_numbers")
        .order_by("participation__practice__name", "instalment__number", "pk")
    )


def payable_total(round_obj):
    return payable_rows(round_obj).aggregate(s=Sum("amount"))["s"]


def payment_text(row) -> str:
    return _("%(round)s, %(instalment)s, %(practice)s") % {
        "round": row.participation.round.name,
        "instalment": row.instalment.name,
        "practice": row.participation.practice.name,
    }


def provider_numbers(row) -> str:
    return ", ".join(sorted(p.number for p in row.participation.practice.provider_numbers.all()))


def round_batches(round_obj):
    return (
        PaymentBatch.objects.filter(round=round_obj).select_related("created_by").order_by("-paid_on", "-pk")
    )
