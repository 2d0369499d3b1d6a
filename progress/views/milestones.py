"""Thin views of the milestones: the practice's progress page, a milestone (its evidence and
history, a leader's close or reopen), the leaders' dashboard and the round's milestone template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities import selectors as activity_selectors
from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error
from ligepraksis.models import Role
from ligepraksis.paging import page_of
from progress import permissions
from progress.forms.milestones import DashboardSortForm, MilestoneChangeForm, TemplateRowForm
from progress.selectors import milestones as selectors
from progress.selectors.records import cycles_of, records_of
from progress.services import milestones as services


@login_required
@require_GET
def progress(request, pk: int):
    """The practice's progress page: its milestones with their state, its records and its hours."""
    participation = permissions.get_participation_for_user(request.user, pk)
    services.milestones_refresh(participations=[participation])
    today = timezone.localdate()
    milestones = selectors.milestones_of(participation)
    cells = [(m, selectors.milestone_cell(m, today)) for m in milestones]
    records = records_of(participation)
    ledgers = activity_selectors.ledgers([participation])
    return render(
        request,
        "progress/progress.html",
        {
            "participation": participation,
            "cells": cells,
            "records": records,
            "cycles_count": cycles_of(records.intervention).count(),
            "ledger": ledgers[0] if ledgers else None,
            "can_record": permissions.can_record(request.user, participation),
            "can_lead": permissions.can_lead(request.user, participation),
            "sees_hours": permissions.sees_hours(request.user, participation),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone(request, pk: int):
    """A milestone: its state, what closed it (the evidence), its history; a leader closes or reopens
    it with a reason."""
    action = permissions.LEAD if request.method == "POST" else permissions.VIEW
    m = permissions.get_milestone_for_user(request.user, pk, action)
    m.template.round = m.participation.round
    form = MilestoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = services.milestone_reopen if m.is_done else services.milestone_close
        try:
            change(milestone=m, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("The milestone is reopened.") if m.is_done else _("The milestone is done.")
            )
            return redirect("progress:milestone", pk=m.pk)
    today = timezone.localdate()
    history = page_of(
        request, m.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    return render(
        request,
        "progress/milestone.html",
        {
            "milestone": m,
            "participation": m.participation,
            "cell": selectors.milestone_cell(m, today),
            "records": records_of(m.participation),
            "form": form,
            "history": history,
            "can_lead": permissions.can_lead(request.user, m.participation),
            "sees_hours": permissions.sees_hours(request.user, m.participation),
        },
    )


@login_required
@require_GET
def dashboard(request, round_id: int):
    """All participating practices of the round against all milestones (leaders and steering group)."""
    round_obj = permissions.get_round_for_user(
        request.user, round_id, roles=(Role.PROJECT_LEADER, Role.STEERING)
    )
    participations = permissions.participations_for_user(request.user, round_obj)
    services.milestones_refresh(participations=participations)
    today = timezone.localdate()
    sort_form = DashboardSortForm(request.GET or None)
    sort = sort_form.sort_value()
    page = page_of(
        request,
        selectors.dashboard_participations(participations, today=today, sort=sort),
        per_page=selectors.PER_PAGE,
    )
    templates = selectors.templates_of(round_obj)
    rows = selectors.dashboard_rows(page.object_list, templates, today=today)
    return render(
        request,
        "progress/dashboard.html",
        {
            "round": round_obj,
            "templates": templates,
            "rows": rows,
            "page": page,
            "sort_form": sort_form,
            "sort": sort,
            "is_leader": permissions.is_leader(request.user, round_obj),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template(request, round_id: int):
    """The round's milestone template: names, order and due dates (project leaders)."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    services.milestone_templates_ensure(rounds=[round_obj])
    rows = selectors.templates_of(round_obj)
    data = request.POST if request.method == "POST" else None
    forms_ = [
        (
            t,
            TemplateRowForm(
                data,
                prefix=f"t{t.pk}",
                initial={"name": t.name, "order": t.order, "due_date": t.due_date},
            ),
        )
        for t in rows
    ]
    if data is not None:
        if all(f.is_valid() for _t, f in forms_):
            try:
                services.milestone_template_save(
                    round_obj=round_obj, rows=[(t, f.cleaned_data) for t, f in forms_]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The milestone template is saved."))
                return redirect("progress:template", round_id=round_obj.pk)
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "progress/template.html",
        {"round": round_obj, "forms": forms_, "hour_deadline": round_obj.hour_window()[1]},
    )
