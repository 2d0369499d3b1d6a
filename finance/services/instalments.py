"""Writes for instalments: the round's instalments (data), a project leader's approval, withholding
and release, corrections, and the KEU secretariat's payments.

Exactly once: approving and paying lock the rows they change (`lock`, SELECT ... FOR UPDATE) and
change the state only from the state they read under the lock; two leaders approving at once, the
secretariat pressing "paid" twice or a retried request give one approval and one payment. Nothing is
half-saved: every function is one transaction and validates before it writes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Participation
from finance import permissions
from finance.models import (
    BudgetLine,
    Instalment,
    InstalmentStatus,
    MoneyCorrection,
    ParticipationInstalment,
    PaymentBatch,
)
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.money import format_kr, to_ore
from progress.models import Milestone, MilestoneKind

# Error codes a view or a test may branch on (never on the translated text).
FORBIDDEN = "forbidden"
OWN_PRACTICE = "own_practice"
NOT_OPEN = "not_open"
EARLIER_FIRST = "earlier_first"
ALREADY_DECIDED = "already_decided"
WITHHELD = "withheld"
NOT_WITHHELD = "not_withheld"
REASON_REQUIRED = "reason_required"
MISSING_RATE = "missing_rate"
NOT_APPROVED = "not_approved"
ALREADY_PAID = "already_paid"
REFERENCE_USED = "reference_used"
REFERENCE_REQUIRED = "reference_required"
NOTHING_CHOSEN = "nothing_chosen"
PAID_FIXED = "paid_fixed"
SETTLED = "settled"
NOT_A_NUMBER = "not_a_number"
ZERO_CORRECTION = "zero_correction"

# The round's instalments unless its leaders change them (seed 004 has three): the first opens on the
# start-up meeting, the second on the activities and the own intervention, the last (the final
# settlement) on the status reports.
DEFAULT_INSTALMENTS = (
    (1, _("1st instalment"), [MilestoneKind.STARTUP]),
    (
        2,
        _("2nd instalment"),
        [
            MilestoneKind.HOURS,
            MilestoneKind.CLINIC_MODULE,
            MilestoneKind.FOLLOWUP,
            MilestoneKind.INTERVENTION,
        ],
    ),
    (3, _("Final settlement"), [MilestoneKind.STATUS_REPORTS]),
)


def lock(queryset):
    """THE row lock of approvals and payments (a test switches it off to show the race it stops)."""
    return queryset.select_for_update()


def _stored(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def instalments_ensure(*, round_obj) -> list[Instalment]:
    """The round's instalments, the defaults made when it has none (idempotent); instalments without a
    budget line count on the round's practice-honoraria line (`BudgetLine.honoraria`) once it has one."""
    line = BudgetLine.objects.filter(round=round_obj, honoraria=True).first()
    if not Instalment.objects.filter(round=round_obj).exists():
        for number, name, kinds in DEFAULT_INSTALMENTS:
            Instalment.objects.get_or_create(
                round=round_obj,
                number=number,
                defaults={
                    "name": _stored(name),
                    "milestone_kinds": [str(k) for k in kinds],
                    "budget_line": line,
                },
            )
    elif line is not None:
        for instalment in Instalment.objects.filter(round=round_obj, budget_line__isnull=True):
            instalment.budget_line = line
            instalment.save(update_fields=["budget_line"])
    return list(Instalment.objects.filter(round=round_obj).order_by("number"))


@transaction.atomic
def instalment_save(*, user, instalment: Instalment, name: str, milestone_kinds: list[str], budget_line=None):
    """A leader of the round changes an instalment's name, the milestones that open it and its line."""
    if instalment.round_id not in permissions.leader_round_ids(user):
        raise DomainError(_("Only the round's project leaders change its instalments."), code=FORBIDDEN)
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    instalment.name = name
    instalment.milestone_kinds = [str(k) for k in milestone_kinds]
    if budget_line is not None and budget_line.round_id != instalment.round_id:
        raise DomainError(_("Choose a budget line of the round."), field="budget_line", code=FORBIDDEN)
    instalment.budget_line = budget_line
    validate_or_refuse(instalment)
    instalment._history_user = user
    instalment.save()
    return instalment


def rows_ensure(*, participations) -> None:
    """One row per participation and instalment of its round (no decision yet); idempotent. Made
    before any lock is taken, so that deciders of the same instalment meet on the same row."""
    parts = list(participations)
    rounds = {p.round_id for p in parts}
    by_round: dict[int, list[int]] = {}
    for pk, round_id in Instalment.objects.filter(round_id__in=rounds).values_list("pk", "round_id"):
        by_round.setdefault(round_id, []).append(pk)
    have = set(
        ParticipationInstalment.objects.filter(participation__in=parts).values_list(
            "participation_id", "instalment_id"
        )
    )
    missing = [
        ParticipationInstalment(participation_id=p.pk, instalment_id=i)
        for p in parts
        for i in by_round.get(p.round_id, [])
        if (p.pk, i) not in have
    ]
    if missing:
        ParticipationInstalment.objects.bulk_create(missing, ignore_conflicts=True)


def missing_milestones(participation, instalment: Instalment) -> list[Milestone | str]:
    """What is not done before the instalment opens: the participation's milestones of its kinds
    that are not closed (a kind the participation has no milestone of counts as missing)."""
    kinds = set(instalment.milestone_kinds)
    if not kinds:
        return []
    milestones = list(
        Milestone.objects.filter(participation=participation, template__kind__in=kinds).select_related(
            "template"
        )
    )
    have = {m.template.kind for m in milestones}
    return [m for m in milestones if not m.is_done] + sorted(kinds - have)


def milestone_name(m) -> str:
    return str(m.template.name) if isinstance(m, Milestone) else str(MilestoneKind(m).label)


def _leader_check(user, participation) -> None:
    """A project leader of the round (the KEU secretariat cannot), never for a practice they act for."""
    if participation.round_id not in permissions.leader_round_ids(user):
        raise DomainError(_("Only the round's project leaders decide on instalments."), code=FORBIDDEN)
    if permissions.is_practice_of(user, participation):
        raise DomainError(
            _("You act for this practice, so another project leader must decide on its money."),
            code=OWN_PRACTICE,
        )


def _locked_row(participation, instalment) -> tuple[Participation, ParticipationInstalment]:
    rows_ensure(participations=[participation])
    participation = lock(Participation.objects.filter(pk=participation.pk)).select_related("round").get()
    row = lock(
        ParticipationInstalment.objects.filter(participation=participation, instalment=instalment)
    ).get()
    row.instalment = Instalment.objects.get(pk=instalment.pk)  # as stored now, not as the caller read it
    return participation, row


def earned_total(participation) -> Decimal:
    """What the practice has earned and got approved, plus its corrections; refuses when a year
    without rates has earnings (they could not be counted)."""
    from finance.selectors.earnings import earnings_of

    earned = earnings_of(participation)
    if earned.missing_rate_years:
        raise DomainError(
            _("The rates of %(years)s are missing: enter them before approving.")
            % {"years": ", ".join(str(y) for y in earned.missing_rate_years)},
            code=MISSING_RATE,
        )
    corrections = MoneyCorrection.objects.filter(participation=participation).aggregate(s=Sum("amount"))["s"]
    return to_ore(earned.total + (corrections or Decimal("0")))


def _counted_before(participation, row) -> Decimal:
    total = (
        ParticipationInstalment.objects.filter(
            participation=participation, status__in=(InstalmentStatus.APPROVED, InstalmentStatus.PAID)
        )
        .exclude(pk=row.pk)
        .aggregate(s=Sum("amount"))["s"]
    )
    return to_ore(total or Decimal("0"))


@transaction.atomic
def instalment_approve(*, user, participation, instalment: Instalment, now=None) -> ParticipationInstalment:
    """A project leader approves a practice's payable instalment; its amount is counted now (earned,
    approved, not in an earlier instalment; never negative: a larger reversal carries forward) and
    fixed from then on."""
    _leader_check(user, participation)
    participation, row = _locked_row(participation, instalment)
    if row.status == InstalmentStatus.WITHHELD:
        raise DomainError(_("The instalment is withheld: release it first."), code=WITHHELD)
    if row.status != InstalmentStatus.OPEN:
        raise DomainError(_("The instalment has already been approved."), code=ALREADY_DECIDED)
    instalment = row.instalment
    missing = missing_milestones(participation, instalment)
    if missing:
        names = ", ".join(milestone_name(m) for m in missing)
        raise DomainError(
            _("The instalment is not open yet: these milestones are not done: %(names)s.") % {"names": names},
            code=NOT_OPEN,
        )
    earlier = ParticipationInstalment.objects.filter(
        participation=participation, instalment__number__lt=instalment.number
    ).exclude(status__in=(InstalmentStatus.APPROVED, InstalmentStatus.PAID))
    if earlier.exists():
        raise DomainError(_("Approve the earlier instalments first."), code=EARLIER_FIRST)
    available = earned_total(participation) - _counted_before(participation, row)
    row.amount = max(available, Decimal("0.00"))
    row.status = InstalmentStatus.APPROVED
    row.approved_by = user
    row.approved_at = now or timezone.now()
    validate_or_refuse(row)
    row._history_user = user
    row.save()
    return row


@transaction.atomic
def instalment_withhold(*, user, participation, instalment: Instalment, reason: str, now=None):
    """A project leader withholds an instalment not yet approved, with a reason the practice sees
    (003, 8.3.2: the practice does not meet its obligations)."""
    _leader_check(user, participation)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for withholding."), field="reason", code=REASON_REQUIRED)
    participation, row = _locked_row(participation, instalment)
    if row.status == InstalmentStatus.WITHHELD:
        raise DomainError(_("The instalment is already withheld."), code=WITHHELD)
    if row.status != InstalmentStatus.OPEN:
        raise DomainError(_("An approved or paid instalment cannot be withheld."), code=ALREADY_DECIDED)
    row.status = InstalmentStatus.WITHHELD
    row.withheld_reason, row.withheld_by, row.withheld_at = reason, user, now or timezone.now()
    row.release_reason = ""
    validate_or_refuse(row)
    row._history_user = user
    row.save()
    return row


@transaction.atomic
def instalment_release(*, user, participation, instalment: Instalment, reason: str = ""):
    """A project leader releases a withheld instalment (it can then be approved); the withholding
    reason stays shown next to the release's."""
    _leader_check(user, participation)
    participation, row = _locked_row(participation, instalment)
    if row.status != InstalmentStatus.WITHHELD:
        raise DomainError(_("The instalment is not withheld."), code=NOT_WITHHELD)
    row.status = InstalmentStatus.OPEN
    row.release_reason = (reason or "").strip()
    validate_or_refuse(row)
    row._history_user = user
    row.save()
    return row


@transaction.atomic
def correction_add(*, user, participation, amount, reason: str, now=None) -> MoneyCorrection:
    """A project leader enters a correction (positive adds, negative reverses) with a reason; it counts
    in the next instalment approved. A paid amount itself is never edited."""
    _leader_check(user, participation)
    try:
        amount = to_ore(Decimal(str(amount)))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Not a number."), field="amount", code=NOT_A_NUMBER) from exc
    if not amount:
        raise DomainError(_("A correction is not zero."), field="amount", code=ZERO_CORRECTION)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the correction."), field="reason", code=REASON_REQUIRED)
    participation = lock(Participation.objects.filter(pk=participation.pk)).get()
    last = Instalment.objects.filter(round_id=participation.round_id).order_by("-number").first()
    if (
        last is not None
        and ParticipationInstalment.objects.filter(
            participation=participation,
            instalment=last,
            status__in=(InstalmentStatus.APPROVED, InstalmentStatus.PAID),
        ).exists()
    ):
        raise DomainError(
            _("The final settlement is approved: no instalment is left for a correction."), code=SETTLED
        )
    correction = MoneyCorrection(
        participation=participation,
        amount=amount,
        reason=reason,
        created_by=user,
        created_at=now or timezone.now(),
    )
    validate_or_refuse(correction)
    correction._history_user = user
    correction.save()
    return correction


@transaction.atomic
def instalments_pay(*, user, round_obj, row_ids: list[int], reference: str, paid_on: dt.date) -> PaymentBatch:
    """The region's KEU secretariat marks approved instalments of a round paid, as one batch under the
    finance system's reference (a reference used for another batch is refused). All or nothing."""
    if round_obj.region_id not in permissions.keu_region_ids(user):
        raise DomainError(_("Only the region's KEU secretariat records payments."), code=FORBIDDEN)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Enter the payment reference."), field="reference", code=REFERENCE_REQUIRED)
    if not row_ids:
        raise DomainError(_("Choose the instalments that were paid."), code=NOTHING_CHOSEN)
    rows = list(
        lock(ParticipationInstalment.objects.filter(pk__in=row_ids, participation__round=round_obj)).order_by(
            "pk"
        )
    )
    if len(rows) != len(set(row_ids)):
        raise DomainError(_("Choose instalments of the round."), code=NOTHING_CHOSEN)
    if any(r.status == InstalmentStatus.PAID for r in rows):
        raise DomainError(_("An instalment of the batch has already been paid."), code=ALREADY_PAID)
    if any(r.status != InstalmentStatus.APPROVED for r in rows):
        raise DomainError(_("Only approved instalments can be paid."), code=NOT_APPROVED)
    if PaymentBatch.objects.filter(reference=reference).exists():
        raise DomainError(
            _("The reference %(ref)s is already used for another batch.") % {"ref": reference},
            field="reference",
            code=REFERENCE_USED,
        )
    batch = PaymentBatch(
        round=round_obj,
        reference=reference,
        paid_on=paid_on,
        total=sum((r.amount for r in rows), Decimal("0")),
        created_by=user,
    )
    validate_or_refuse(batch)
    batch._history_user = user
    batch.save()
    for row in rows:
        row.status, row.batch, row.paid_on = InstalmentStatus.PAID, batch, paid_on
        row._history_user = user
        row.save()
    return batch


def describe_amount(value) -> str:
    return format_kr(value)
