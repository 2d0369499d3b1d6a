"""Thin views of the practice's records: those acting for the practice edit; its consultant, the
round's leaders and steering group read (a change by them is refused with 403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error
from ligepraksis.paging import page_of
from progress import permissions
from progress.forms.records import ClinicModuleForm, FollowupForm, InterventionForm, PdsaCycleForm
from progress.models import ClinicModule, FollowupMeeting, Intervention, PdsaCycle
from progress.selectors.records import CYCLES_PER_PAGE, cycles_of, records_of
from progress.services import records as services


def _load(request, pk):
    action = permissions.RECORD if request.method == "POST" else permissions.VIEW
    return permissions.get_participation_for_user(request.user, pk, action)


def _save(request, form, save, **kwargs) -> bool:
    """Call the service with the form's data; True when it saved, else the error is on the form."""
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    try:
        save(user=request.user, version=version, data=data, **kwargs)
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    return True


def _record_page(request, pk, *, model, form_class, save, template, saved_message):
    participation = _load(request, pk)
    current = model.objects.filter(participation=participation).first()
    instance = current or model(participation=participation)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and _save(request, form, save, participation=participation):
        messages.success(request, saved_message)
        return redirect("progress:progress", pk=participation.pk)
    return render(
        request,
        template,
        {
            "participation": participation,
            "record": current,
            "form": form,
            "can_record": permissions.can_record(request.user, participation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def clinic_module(request, pk: int):
    return _record_page(
        request,
        pk,
        model=ClinicModule,
        form_class=ClinicModuleForm,
        save=services.clinic_module_save,
        template="progress/clinic_module.html",
        saved_message=_("The clinic module is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup(request, pk: int):
    return _record_page(
        request,
        pk,
        model=FollowupMeeting,
        form_class=FollowupForm,
        save=services.followup_save,
        template="progress/followup.html",
        saved_message=_("The follow-up meeting is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def intervention(request, pk: int):
    """The own intervention and its log of PDSA cycles (a page at a time)."""
    participation = _load(request, pk)
    current = Intervention.objects.filter(participation=participation).first()
    form = InterventionForm(
        request.POST or None, instance=current or Intervention(participation=participation)
    )
    if request.method == "POST" and _save(
        request, form, services.intervention_save, participation=participation
    ):
        messages.success(request, _("The own intervention is saved."))
        return redirect("progress:intervention", pk=participation.pk)
    return render(
        request,
        "progress/intervention.html",
        {
            "participation": participation,
            "record": current,
            "form": form,
            "cycles": page_of(request, cycles_of(current), per_page=CYCLES_PER_PAGE),
            "can_record": permissions.can_record(request.user, participation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pdsa_new(request, pk: int):
    """A new PDSA cycle: a page of those acting for the practice only (the others read the log)."""
    participation = permissions.get_participation_for_user(request.user, pk, permissions.RECORD)
    current = records_of(participation).intervention
    if current is None:
        messages.info(request, _("Describe the own intervention first; then log its PDSA cycles."))
        return redirect("progress:intervention", pk=participation.pk)
    form = PdsaCycleForm(request.POST or None, instance=PdsaCycle(intervention=current))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.pdsa_cycle_add(intervention=current, user=request.user, data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The PDSA cycle is saved."))
            return redirect("progress:intervention", pk=participation.pk)
    return render(
        request,
        "progress/pdsa.html",
        {"participation": participation, "form": form, "cycle": None, "can_record": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pdsa_edit(request, pk: int):
    action = permissions.RECORD if request.method == "POST" else permissions.VIEW
    cycle = permissions.get_cycle_for_user(request.user, pk, action)
    participation = cycle.intervention.participation
    form = PdsaCycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and _save(request, form, _pdsa_save, cycle=cycle):
        messages.success(request, _("The PDSA cycle is saved."))
        return redirect("progress:intervention", pk=participation.pk)
    return render(
        request,
        "progress/pdsa.html",
        {
            "participation": participation,
            "form": form,
            "cycle": cycle,
            "can_record": permissions.can_record(request.user, participation),
        },
    )


def _pdsa_save(*, cycle, user, version, data):
    return services.pdsa_cycle_save(cycle=cycle, user=user, version=version, data=data)
