"""The budget page (project leaders and the KEU secretariat), its exports, expenses and lines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finance import charts, exports, permissions
from finance.forms import BudgetLineForm, ExpenseForm, PeriodForm
from finance.models import BudgetLine, Expense
from finance.selectors import budget as selectors
from finance.services import budget as services
from ligepraksis.errors import DomainError
from ligepraksis.exports import respond
from ligepraksis.forms import add_domain_error
from ligepraksis.paging import page_of


def _period(request):
    form = PeriodForm(request.GET if ("start" in request.GET or "end" in request.GET) else None)
    return form, form.period()


@login_required
def budget(request, round_id: int):
    """Per line and in total: granted, committed, paid, remaining, with a warning past the set share;
    a chart (SVG drawn on the server) with its figures in the table beside it; a page of expenses."""
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    form, period = _period(request)
    figures = selectors.budget(round_obj, period=period)
    expenses = page_of(request, selectors.round_expenses(round_obj, period=period), per_page=25)
    query = request.GET.urlencode()
    return render(
        request,
        "finance/budget.html",
        {
            "round": round_obj,
            "form": form,
            "figures": figures,
            "total": figures.total,
            # pygal's SVG, its <script> removed (finance/charts.py); no user text but line names,
            # which pygal escapes.
            "chart": mark_safe(charts.budget_svg(figures)) if figures.lines else "",  # noqa: S308
            "expenses": expenses,
            "query": query,
        },
    )


@login_required
def budget_export(request, round_id: int, fmt: str):
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, period = _period(request)
    return respond(request, kind=exports.BUDGET, params=exports.params(round_obj, period), fmt=fmt)


@login_required
def expense_new(request, round_id: int):
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    lines = BudgetLine.objects.filter(round=round_obj).order_by("order", "pk")
    form = ExpenseForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.expense_add(
                user=request.user,
                line=d["line"],
                description=d["description"],
                amount=d["amount"],
                incurred_on=d["incurred_on"],
                status=d["status"],
                overspend_reason=d["overspend_reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The expense is recorded."))
            return redirect("finance:budget", round_id=round_obj.pk)
    return render(request, "finance/expense_new.html", {"round": round_obj, "form": form})


@login_required
@require_POST
def expense_paid(request, pk: int):
    """A committed expense is paid (the round's leaders and the region's KEU secretariat)."""
    expense = Expense.objects.select_related("line__round").filter(pk=pk).first()
    if (
        expense is None
        or not permissions.budget_rounds(request.user).filter(pk=expense.line.round_id).exists()
    ):
        raise Http404
    services.expense_mark_paid(user=request.user, expense=expense)
    messages.success(request, _("The expense is recorded as paid."))
    return redirect("finance:budget", round_id=expense.line.round_id)


@login_required
def line_new(request, round_id: int):
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.budget_line_save(
                user=request.user,
                round_obj=round_obj,
                name=d["name"],
                granted=d["granted"],
                order=d["order"],
                honoraria=d["honoraria"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The budget line is saved."))
            return redirect("finance:budget", round_id=round_obj.pk)
    return render(request, "finance/line_new.html", {"round": round_obj, "form": form})
