"""What the round pays for: its project leaders switch items on and off and set their caps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finance import permissions
from finance.forms.items import PayItemForm
from finance.models import ItemKind, PayItem
from finance.services import items as services
from finance.services.earnings import pay_items_ensure
from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error

CAP_HELP = {
    ItemKind.STARTUP: gettext_lazy("Hours per coordinator who attended."),
    ItemKind.INSPIRATION: gettext_lazy("Hours per practice. Empty: the round's hour target."),
    ItemKind.OWN_INTERVENTION: gettext_lazy("Hours per practice."),
    ItemKind.EVALUATION: gettext_lazy("Hours per practice."),
    ItemKind.TRANSPORT: gettext_lazy("Km per practice. Empty: no cap beyond 500 km per trip."),
}


@login_required
def pay_items(request, round_id: int):
    """One form per item; a POST changes the item it names. The round's defaults are made on the first
    visit (idempotent)."""
    round_obj = permissions.get_round_for_pay_items(request.user, round_id)
    pay_items_ensure(round_obj=round_obj)
    order = {k: i for i, k in enumerate(ItemKind.values)}
    items = sorted(PayItem.objects.filter(round=round_obj), key=lambda i: order[i.kind])
    failed = None
    if request.method == "POST":
        form = PayItemForm(request.POST)
        item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
        if item is None:
            messages.error(request, _("Choose an item of the round."))
            return redirect("finance:pay_items", round_id=round_obj.pk)
        if form.is_valid():
            try:
                services.pay_item_save(
                    user=request.user,
                    item=item,
                    enabled=form.cleaned_data["enabled"],
                    cap=form.cleaned_data["cap"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("What the round pays for is saved."))
                return redirect("finance:pay_items", round_id=round_obj.pk)
        failed = (item.pk, form)
    for item in items:
        if failed and failed[0] == item.pk:
            item.form = failed[1]
        else:
            item.form = PayItemForm(initial={"item": item.pk, "enabled": item.enabled, "cap": item.cap})
        item.form.auto_id = f"id_item{item.pk}_%s"
        item.form.fields["cap"].help_text = CAP_HELP[item.kind]
    return render(request, "finance/pay_items.html", {"round": round_obj, "items": items})
