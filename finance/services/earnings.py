"""Writes for what a round pays for and the entries a practice logs against it.

Every function validates before it writes, locks what it changes and raises DomainError with a Danish
message (translated) and a code; nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Participation
from finance import permissions
from finance.models import (
    LOGGED_KINDS,
    MAX_HOURS,
    MAX_KM,
    MIN_HOURS,
    EarningEntry,
    EntryStatus,
    ItemKind,
    PayItem,
)
from ligepraksis import formatting
from ligepraksis.errors import DomainError, validate_or_refuse

# Error codes a view or a test may branch on (never on the translated text).
FORBIDDEN = "forbidden"
HOURS_RANGE = "hours_range"
KM_RANGE = "km_range"
OVER_CAP = "over_cap"
ITEM_OFF = "item_off"
OWN_PRACTICE = "own_practice"
ALREADY_DECIDED = "already_decided"
REASON_REQUIRED = "reason_required"

# What a round pays for unless its leaders change it (seed 000): the start-up meeting 1.5 h per
# coordinator, the inspiration activities up to the hour target, the own intervention up to a cap,
# evaluation and knowledge sharing (6 h) off and transport off until the round switches them on.
DEFAULT_ITEMS = (
    (ItemKind.STARTUP, True, Decimal("1.5")),
    (ItemKind.INSPIRATION, True, None),
    (ItemKind.OWN_INTERVENTION, True, Decimal("20")),
    (ItemKind.EVALUATION, False, Decimal("6")),
    (ItemKind.TRANSPORT, False, None),
)


def pay_items_ensure(*, round_obj) -> list[PayItem]:
    """The round's items, the defaults created where missing (idempotent)."""
    for kind, enabled, cap in DEFAULT_ITEMS:
        PayItem.objects.get_or_create(round=round_obj, kind=kind, defaults={"enabled": enabled, "cap": cap})
    return list(PayItem.objects.filter(round=round_obj))


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Not a number."), field=field) from exc


def _used(participation, item, *, statuses) -> Decimal:
    column = "km" if item.is_km else "hours"
    total = EarningEntry.objects.filter(
        participation=participation, item=item, status__in=statuses
    ).aggregate(s=Sum(column))["s"]
    return total or Decimal("0")


def _check_cap(participation, item, quantity: Decimal, *, statuses) -> None:
    cap = item.cap_for(participation.round)
    if cap is None:
        return
    used = _used(participation, item, statuses=statuses)
    if used + quantity > cap:
        unit = _("km") if item.is_km else _("hours")
        raise DomainError(
            _("%(item)s is paid for at most %(cap)s %(unit)s per practice; %(used)s are logged already.")
            % {
                "item": item.get_kind_display(),
                "cap": formatting.hours(cap),
                "unit": unit,
                "used": formatting.hours(used),
            },
            field="km" if item.is_km else "hours",
            code=OVER_CAP,
        )


def _lock_participation(pk: int) -> Participation:
    """Serialises the entries of one participation (the cap is checked under this lock)."""
    return Participation.objects.select_for_update().select_related("round", "practice").get(pk=pk)


@transaction.atomic
def entry_log(
    *,
    user,
    participation: Participation,
    item: PayItem,
    worked_on: dt.date,
    description: str,
    hours: Decimal | None = None,
    km: Decimal | None = None,
    now=None,
) -> EarningEntry:
    """The practice logs hours (own intervention, evaluation) or km (transport to a session) against an
    item of its round; a project leader approves or rejects it."""
    if not permissions.can_log_entries(user, participation):
        raise DomainError(_("Only the practice logs its own hours and km."), code=FORBIDDEN)
    participation = _lock_participation(participation.pk)
    if item.round_id != participation.round_id or item.kind not in LOGGED_KINDS:
        raise DomainError(_("Choose an item of the round."), field="item", code=ITEM_OFF)
    if not item.enabled:
        raise DomainError(
            _("%(item)s is not paid for in this round.") % {"item": item.get_kind_display()},
            field="item",
            code=ITEM_OFF,
        )
    if item.is_km:
        if km is None:
            raise DomainError(_("Enter the km of the trip."), field="km", code=KM_RANGE)
        km = _decimal(km, "km")
        if km < 0 or km > MAX_KM:
            raise DomainError(
                _("A trip is between 0 and %(max)s km.") % {"max": formatting.hours(MAX_KM)},
                field="km",
                code=KM_RANGE,
            )
        hours, quantity = None, km
    else:
        if hours is None:
            raise DomainError(_("Enter the hours."), field="hours", code=HOURS_RANGE)
        hours = _decimal(hours, "hours")
        if hours < MIN_HOURS or hours > MAX_HOURS:
            raise DomainError(
                _("One entry is between %(min)s and %(max)s hours.")
                % {"min": formatting.hours(MIN_HOURS), "max": formatting.hours(MAX_HOURS)},
                field="hours",
                code=HOURS_RANGE,
            )
        km, quantity = None, hours
    _check_cap(participation, item, quantity, statuses=(EntryStatus.PENDING, EntryStatus.APPROVED))
    entry = EarningEntry(
        participation=participation,
        item=item,
        worked_on=worked_on,
        hours=hours,
        km=km,
        description=description,
        submitted_by=user,
        submitted_at=now or timezone.now(),
    )
    validate_or_refuse(entry)  # the CPR guard on the description, the date's range
    entry._history_user = user  # who, also outside a request (commands, tasks)
    entry.save()
    return entry


@transaction.atomic
def entry_decide(*, user, entry: EarningEntry, approve: bool, reason: str = "", now=None) -> EarningEntry:
    """A project leader approves or rejects (with a reason) a pending entry; never for a practice they
    act for (nobody decides on their own practice's money)."""
    if entry.participation.round_id not in permissions.leader_round_ids(user):
        raise DomainError(_("Only the round's project leaders decide entries."), code=FORBIDDEN)
    if permissions.is_practice_of(user, entry.participation):
        raise DomainError(
            _("You act for this practice, so another project leader must decide on its money."),
            code=OWN_PRACTICE,
        )
    participation = _lock_participation(entry.participation_id)
    entry = EarningEntry.objects.select_for_update().select_related("item").get(pk=entry.pk)
    if entry.status != EntryStatus.PENDING:
        raise DomainError(_("This entry has already been decided."), code=ALREADY_DECIDED)
    reason = (reason or "").strip()
    if approve:
        _check_cap(participation, entry.item, entry.quantity, statuses=(EntryStatus.APPROVED,))
        entry.status = EntryStatus.APPROVED
    else:
        if not reason:
            raise DomainError(_("Give a reason for the rejection."), field="reason", code=REASON_REQUIRED)
        entry.status = EntryStatus.REJECTED
    entry.decision_reason = reason
    entry.decided_by = user
    entry.decided_at = now or timezone.now()
    validate_or_refuse(entry)
    entry._history_user = user
    entry.save()
    return entry
