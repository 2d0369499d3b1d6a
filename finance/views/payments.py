"""The payment list of a round (approved, unpaid instalments) for the region's finance system, its
exports, and the KEU secretariat marking a batch paid under the batch's reference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finance import exports, permissions
from finance.forms import PaymentForm
from finance.selectors import payments as selectors
from finance.services import instalments as services
from ligepraksis.errors import DomainError
from ligepraksis.exports import respond
from ligepraksis.forms import add_domain_error, form_errors_message
from ligepraksis.money import format_kr
from ligepraksis.paging import page_of


def _page(request, round_obj, form=None):
    path = reverse("finance:payments", args=[round_obj.pk])
    page = page_of(request, selectors.payable_rows(round_obj), path=path)
    may_pay = permissions.can_record_payments(request.user, round_obj)
    return render(
        request,
        "finance/payments.html",
        {
            "round": round_obj,
            "page": page,
            "total": selectors.payable_total(round_obj),
            "may_pay": may_pay,
            "form": form or PaymentForm(),
            "batches": page_of(
                request, selectors.round_batches(round_obj), param="batches", per_page=10, path=path
            ),
        },
    )


@login_required
def payments(request, round_id: int):
    """The round's leaders and the region's KEU secretariat; only the secretariat records payments."""
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    return _page(request, round_obj)


@login_required
def payments_export(request, round_id: int, fmt: str):
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return respond(request, kind=exports.PAYMENTS, params={"round": round_obj.pk}, fmt=fmt)


@login_required
@require_POST
def payments_pay(request, round_id: int):
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    if not permissions.can_record_payments(request.user, round_obj):
        raise PermissionDenied
    row_ids = list(selectors.payable_rows(round_obj).values_list("pk", flat=True))
    form = PaymentForm(request.POST, row_ids=row_ids)
    if form.is_valid():
        d = form.cleaned_data
        try:
            batch = services.instalments_pay(
                user=request.user,
                round_obj=round_obj,
                row_ids=d["rows"],
                reference=d["reference"],
                paid_on=d["paid_on"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s instalments are recorded as paid (%(total)s) under %(ref)s.")
                % {"count": len(d["rows"]), "total": format_kr(batch.total), "ref": batch.reference},
            )
            return redirect("finance:payments", round_id=round_obj.pk)
    messages.error(request, form_errors_message(form) or _("Nothing was recorded."))
    return _page(request, round_obj, form)
