"""A project leader's decisions on a practice's instalments (approve, withhold, release), corrections,
and the round's instalments (which milestones open each)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finance import permissions
from finance.forms import CorrectionForm, InstalmentDecisionForm, InstalmentForm
from finance.forms.instalments import APPROVE, WITHHOLD
from finance.models import Instalment
from finance.services import instalments as services
from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error, form_errors_message
from ligepraksis.models import Role
from ligepraksis.permissions import get_round_for_user


def _leader_participation(request, pk: int):
    """The participation, for a leader of its round: 404 to those who see none of its money, 403 to the
    practice and the KEU secretariat (they see it, but do not decide)."""
    participation = permissions.get_participation_for_money(request.user, pk)
    if participation.round_id not in permissions.leader_round_ids(request.user):
        raise PermissionDenied
    return participation


@login_required
@require_POST
def instalment_decide(request, pk: int, instalment_id: int):
    participation = _leader_participation(request, pk)
    instalment = get_object_or_404(Instalment, pk=instalment_id, round_id=participation.round_id)
    form = InstalmentDecisionForm(request.POST, prefix=f"i{instalment.pk}")
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        kw = {"user": request.user, "participation": participation, "instalment": instalment}
        try:
            if action == APPROVE:
                row = services.instalment_approve(**kw)
                done = _("The instalment is approved: %(amount)s.") % {
                    "amount": services.describe_amount(row.amount)
                }
            elif action == WITHHOLD:
                services.instalment_withhold(**kw, reason=reason)
                done = _("The instalment is withheld.")
            else:
                services.instalment_release(**kw, reason=reason)
                done = _("The instalment is released.")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("finance:money", pk=participation.pk)
    messages.error(request, form_errors_message(form) or _("Nothing was changed."))
    return redirect("finance:money", pk=participation.pk)


@login_required
def correction_new(request, pk: int):
    participation = _leader_participation(request, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_add(
                user=request.user,
                participation=participation,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The correction is recorded; it counts in the next instalment."))
            return redirect("finance:money", pk=participation.pk)
    return render(request, "finance/correction_new.html", {"participation": participation, "form": form})


@login_required
def round_instalments(request, round_id: int):
    """The round's instalments and the milestones that open each (the round's project leaders)."""
    round_obj = get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    instalments = services.instalments_ensure(round_obj=round_obj)
    forms_ = []
    for inst in instalments:
        data = (
            request.POST
            if request.method == "POST" and request.POST.get("instalment") == str(inst.pk)
            else None
        )
        form = InstalmentForm(
            data,
            prefix=f"i{inst.pk}",
            initial={"name": inst.name, "milestone_kinds": inst.milestone_kinds},
        )
        if data is not None and form.is_valid():
            try:
                services.instalment_save(
                    user=request.user,
                    instalment=inst,
                    name=form.cleaned_data["name"],
                    milestone_kinds=form.cleaned_data["milestone_kinds"],
                    budget_line=inst.budget_line,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The instalment is saved."))
                return redirect("finance:instalments", round_id=round_obj.pk)
        forms_.append((inst, form))
    return render(request, "finance/instalments.html", {"round": round_obj, "forms": forms_})
