"""Writes for what a round pays for: its project leaders switch items on and off and set their caps.

A cap never goes below what a practice already has approved against the item (the earnings it fixed
would change), and an item with approved amounts is not switched off; the start-up meeting's cap (per
coordinator) is not lowered once a coordinator attended. Every change is a history row with who made it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from finance import permissions
from finance.models import ItemKind, PayItem
from finance.selectors.earnings import largest_approved
from ligepraksis import formatting
from ligepraksis.errors import DomainError, validate_or_refuse

FORBIDDEN = "forbidden"
CAP_BELOW_APPROVED = "cap_below_approved"
CAP_REQUIRED = "cap_required"
CAP_INVALID = "cap_invalid"
ITEM_IN_USE = "item_in_use"

# Items whose cap may be empty: inspiration (the round's hour target) and transport (no cap beyond
# 500 km per trip).
OPTIONAL_CAP = (ItemKind.INSPIRATION, ItemKind.TRANSPORT)


def _cap(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        cap = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Not a number."), field="cap", code=CAP_INVALID) from exc
    if cap < 0 or not cap.is_finite():
        raise DomainError(_("A cap is 0 or more."), field="cap", code=CAP_INVALID)
    return cap.quantize(Decimal("0.01"))


@transaction.atomic
def pay_item_save(*, user, item: PayItem, enabled: bool, cap) -> PayItem:
    """Switch an item of the round on or off and set its cap (the round's project leaders)."""
    item = PayItem.objects.select_for_update(of=("self",)).select_related("round").get(pk=item.pk)
    if not permissions.can_keep_pay_items(user, item.round):
        raise DomainError(_("Only the round's project leaders change what it pays for."), code=FORBIDDEN)
    cap = _cap(cap)
    if cap is None and item.kind not in OPTIONAL_CAP:
        raise DomainError(
            _("%(item)s needs a cap.") % {"item": item.get_kind_display()}, field="cap", code=CAP_REQUIRED
        )
    approved = largest_approved(item)
    unit = _("km") if item.is_km else _("hours")
    if approved and not enabled:
        raise DomainError(
            _("%(item)s cannot be switched off: amounts are already approved for it.")
            % {"item": item.get_kind_display()},
            field="enabled",
            code=ITEM_IN_USE,
        )
    new_cap = cap
    if cap is None and item.kind == ItemKind.INSPIRATION:
        new_cap = item.round.hour_target
    if approved and new_cap is not None and new_cap < approved:
        raise DomainError(
            _(
                "The cap cannot be lower than what is already approved: %(quantity)s %(unit)s for one "
                "practice."
            )
            % {"quantity": formatting.hours(approved), "unit": unit},
            field="cap",
            code=CAP_BELOW_APPROVED,
        )
    item.enabled, item.cap = enabled, cap
    validate_or_refuse(item)
    item._history_user = user  # who, also outside a request (commands, tasks)
    item.save()
    return item
