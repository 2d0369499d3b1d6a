"""progress/ consultants: views (see progress/__init__.py). Thin: load through the permission
helpers, bind the form, call one service, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services as application_services
from applications.models import Participation
from applications.permissions import ParticipationAccess, get_participation_for_user, get_round_for_user
from ligepraksis.errors import DomainError
from ligepraksis.forms import form_errors_message
from ligepraksis.models import Role
from ligepraksis.paging import page_of
from ligepraksis.permissions import round_ids_with_role
from progress.forms.consultants import AssignConsultantForm, ConsultantBudgetRaiseForm, ConsultantSessionForm
from progress.selectors import consultants as selectors
from progress.services import consultants as services

SESSIONS_PER_PAGE = 20


def _error_to_form(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def consultant_home(request):
    """The consultant's page: their practices, each with hours used against budget by kind, the last
    status report and overdue items. Only for someone holding a consultant grant."""
    if not round_ids_with_role(request.user, Role.CONSULTANT):
        raise Http404
    page = page_of(request, selectors.consultant_participations(request.user))
    rows = selectors.consultant_rows(page.object_list)
    return render(request, "progress/consultant_home.html", {"page": page, "rows": rows})


@login_required
def consultant_sessions(request, pk: int):
    """A participation's consultant sessions, used against budget, the form to record one (its
    consultant and the leaders) and the leaders' budget raise. The steering group reads, without notes."""
    participation, access = get_participation_for_user(request.user, pk)
    may_record = access in (ParticipationAccess.LEADER, ParticipationAccess.CONSULTANT)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    form = ConsultantSessionForm(request.POST or None) if may_record else None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.consultant_session_record(
                participation=participation,
                by=request.user,
                held_on=d["held_on"],
                hours=d["hours"],
                kind=d["kind"],
                topic=d["topic"],
                note=d["note"],
            )
        except DomainError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("The session is recorded."))
            return redirect("progress:consultant_sessions", pk=participation.pk)
    return _sessions_page(request, participation, access, form)


def _sessions_page(request, participation, access, form, raise_form=None):
    is_leader = access == ParticipationAccess.LEADER
    sessions = page_of(
        request,
        selectors.sessions_of(participation),
        per_page=SESSIONS_PER_PAGE,
        path=reverse("progress:consultant_sessions", args=[participation.pk]),
    )
    return render(
        request,
        "progress/consultant_sessions.html",
        {
            "participation": participation,
            "hours": selectors.hours_by_kind([participation])[participation.pk],
            "sessions": sessions,
            "raises": selectors.raises_of(participation)[:20] if is_leader else [],
            "show_notes": access != ParticipationAccess.STEERING,
            "form": form,
            "raise_form": raise_form or (ConsultantBudgetRaiseForm() if is_leader else None),
            "is_leader": is_leader,
        },
    )


@login_required
@require_POST
def consultant_budget(request, pk: int):
    """A project leader raises the practice's budget of consultant hours of a kind, with a reason."""
    participation, access = get_participation_for_user(request.user, pk)
    if access != ParticipationAccess.LEADER:
        raise PermissionDenied
    form = ConsultantBudgetRaiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_message(form))
        return redirect("progress:consultant_sessions", pk=participation.pk)
    d = form.cleaned_data
    try:
        services.consultant_budget_raise(
            participation=participation, by=request.user, kind=d["kind"], hours=d["hours"], reason=d["reason"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The budget is raised."))
    return redirect("progress:consultant_sessions", pk=participation.pk)


@login_required
def consultant_assign(request, round_id: int):
    """The round's participations with a consultant select each (a page at a time); the leaders only."""
    round_obj = get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    consultants = selectors.round_consultants(round_obj)
    if request.method == "POST":
        form = AssignConsultantForm(request.POST, consultants=consultants)
        if not form.is_valid():
            messages.error(request, form_errors_message(form) or _("Choose a consultant."))
        else:
            participation = Participation.objects.filter(
                round=round_obj, pk=form.cleaned_data["participation"]
            ).first()
            if participation is None:
                messages.error(request, _("That practice does not take part in this round."))
            else:
                try:
                    application_services.participation_assign_consultant(
                        participation=participation,
                        consultant=form.cleaned_data["consultant"],
                        by=request.user,
                    )
                except DomainError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(
                        request,
                        _("The consultant of %(practice)s is saved.")
                        % {"practice": participation.practice.name},
                    )
        return redirect(request.get_full_path())
    page = page_of(request, selectors.round_participations(round_obj))
    # The select is written out in the template from this one list (no query per row).
    consultant_list = list(consultants[: selectors.MAX_CONSULTANTS])
    return render(
        request,
        "progress/consultant_assign.html",
        {"round": round_obj, "page": page, "consultants": consultant_list},
    )
