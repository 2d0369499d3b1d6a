"""A practice's money page, its entries, and the leaders' queue of entries to decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finance import permissions
from finance.forms import EntryDecisionForm, EntryForm
from finance.models import LOGGED_KINDS, PayItem
from finance.selectors import earnings as selectors
from finance.selectors import instalments as instalment_selectors
from finance.services import earnings as services
from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error, form_errors_message
from ligepraksis.models import Role
from ligepraksis.paging import page_of
from ligepraksis.permissions import get_round_for_user


@login_required
def money(request, pk: int):
    """What the practice has earned so far, by item (amounts at the rate of the year worked), and a
    page of its entries. Its own practice, the round's leaders, the region's KEU secretariat."""
    participation = permissions.get_participation_for_money(request.user, pk)
    result = selectors.earnings_of(participation)
    entries = page_of(request, selectors.participation_entries(participation))
    instalments = instalment_selectors.instalment_states([participation])[participation.pk]
    return render(
        request,
        "finance/money.html",
        {
            "participation": participation,
            "earnings": result,
            "entries": entries,
            "may_log": permissions.can_log_entries(request.user, participation),
            **instalment_selectors.page_context(request.user, participation, instalments),
        },
    )


@login_required
def round_money(request, round_id: int):
    """Every participating practice's money in the round, a page at a time (the round's leaders and
    the region's KEU secretariat)."""
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    page = page_of(request, selectors.round_participations(round_obj))
    rows = selectors.earnings(page.object_list)
    return render(request, "finance/round_money.html", {"round": round_obj, "page": page, "rows": rows})


@login_required
def entry_new(request, pk: int):
    participation = permissions.get_participation_for_money(request.user, pk)
    if not permissions.can_log_entries(request.user, participation):
        raise PermissionDenied  # leaders and the secretariat see the money, only the practice logs
    items = PayItem.objects.filter(round=participation.round, kind__in=LOGGED_KINDS, enabled=True)
    form = EntryForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.entry_log(
                user=request.user,
                participation=participation,
                item=d["item"],
                worked_on=d["worked_on"],
                hours=d["hours"],
                km=d["km"],
                description=d["description"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The entry is sent for approval by the project leaders."))
            return redirect("finance:money", pk=participation.pk)
    return render(request, "finance/entry_new.html", {"participation": participation, "form": form})


def _entries_page(request, round_obj, form=None, failed=None):
    page = page_of(
        request,
        selectors.pending_entries([round_obj.pk]),
        path=reverse("finance:entries", args=[round_obj.pk]),
    )
    for entry in page:
        entry.may_decide = permissions.can_decide_entry(request.user, entry)
        entry.form = form if failed == entry.pk else EntryDecisionForm(prefix=f"e{entry.pk}")
    return render(request, "finance/entries.html", {"round": round_obj, "page": page})


@login_required
def entries(request, round_id: int):
    """The round's entries awaiting a decision (project leaders)."""
    round_obj = get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    return _entries_page(request, round_obj)


@login_required
@require_POST
def entry_decide(request, pk: int):
    entry = permissions.get_entry_for_leader(request.user, pk)
    form = EntryDecisionForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            services.entry_decide(
                user=request.user,
                entry=entry,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("finance:entries", round_id=entry.participation.round_id)
    messages.error(request, form_errors_message(form) or _("The decision was not recorded."))
    return redirect("finance:entries", round_id=entry.participation.round_id)
