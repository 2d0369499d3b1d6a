"""Pages of interviews (evaluators and project leaders of the round), the practice's own evaluation and
its consent to publish, the knowledge-sharing register, and the public postcards. Thin: load through
evaluation/permissions.py, bind the form, call one service, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.models import Participation
from evaluation import permissions
from evaluation.forms.sharing import (
    InterviewForm,
    InterviewNewForm,
    KnowledgeItemForm,
    PracticeEvaluationForm,
    RegisterFilterForm,
)
from evaluation.models import InterviewStatus, PracticeEvaluation
from evaluation.selectors import sharing as selectors
from evaluation.services import sharing as services
from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error
from ligepraksis.paging import page_of
from progress.models.material import MaterialKind
from progress.selectors.material import published_material

# --- Interviews ----------------------------------------------------------------------------------------


@login_required
@require_GET
def interviews(request, round_id: int):
    round_obj = permissions.get_round_for_evaluation(request.user, round_id)
    status = request.GET.get("status", "")
    if status not in InterviewStatus.values:
        status = ""
    rows = permissions.interviews_for_user(request.user, round_obj)
    if status:
        rows = rows.filter(status=status)
    page = page_of(request, selectors.interviews(rows), per_page=selectors.INTERVIEWS_PER_PAGE)
    return render(
        request,
        "evaluation/interviews.html",
        {"round": round_obj, "page": page, "status": status, "statuses": InterviewStatus.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interview_new(request, round_id: int):
    round_obj = permissions.get_round_for_evaluation(request.user, round_id)
    form = InterviewNewForm(
        request.POST or None, participations=permissions.participations_to_interview(request.user, round_obj)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participation = data.pop("participation")
        try:
            services.interview_schedule(user=request.user, participation=participation, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The interview is scheduled."))
            return redirect("evaluation:interviews", round_id=round_obj.pk)
    return render(request, "evaluation/interview_new.html", {"round": round_obj, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def interview(request, pk: int):
    item = permissions.get_interview(request.user, pk)
    form = InterviewForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.interview_update(user=request.user, interview=item, version=version, data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The interview is saved."))
            return redirect("evaluation:interviews", round_id=item.participation.round_id)
    return render(
        request,
        "evaluation/interview.html",
        {"interview": item, "round": item.participation.round, "form": form},
    )


# --- The practice's own evaluation ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def practice_evaluation(request, pk: int):
    """Those acting for the practice write it; the round's evaluators and project leaders read it, and
    its steering group while consent stands (403 on a POST by a reader)."""
    participation, evaluation, access = permissions.get_participation_for_evaluation(
        request.user, pk, write=request.method == "POST"
    )
    form = None
    if access == permissions.PRACTICE:
        instance = evaluation or PracticeEvaluation(participation=participation)
        form = PracticeEvaluationForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            try:
                services.evaluation_save(
                    user=request.user, participation=participation, version=version, data=data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The evaluation is saved."))
                return redirect("evaluation:practice_evaluation", pk=participation.pk)
    return render(
        request,
        "evaluation/practice_evaluation.html",
        {
            "participation": participation,
            "evaluation": evaluation,
            "form": form,
            "access": access,
            # The practice sees when and where it is interviewed (the notes are the evaluators').
            "interviews": selectors.interview_times(participation) if access == permissions.PRACTICE else [],
        },
    )


@login_required
@require_POST
def evaluation_consent(request, pk: int):
    participation, _evaluation, _access = permissions.get_participation_for_evaluation(
        request.user, pk, write=True
    )
    action = request.POST.get("action")
    if action not in ("give", "withdraw"):
        messages.error(request, _("Choose whether to give or withdraw consent."))
        return redirect("evaluation:practice_evaluation", pk=participation.pk)
    try:
        services.evaluation_consent(user=request.user, participation=participation, give=action == "give")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if action == "give":
            messages.success(request, _("Thank you. The evaluation may now be published as a postcard."))
        else:
            messages.success(
                request, _("Consent is withdrawn. The postcard is no longer shown and goes into no new PDF.")
            )
    return redirect("evaluation:practice_evaluation", pk=participation.pk)


@login_required
@require_GET
def evaluations(request, round_id: int):
    """The round's practice evaluations: every one for its evaluators and project leaders, the
    consented ones for its steering group."""
    round_obj = permissions.get_round_for_evaluations(request.user, round_id)
    reads_all = round_obj.pk in permissions.evaluation_round_ids(request.user)
    rows = permissions.evaluations_for_user(request.user, round_obj)
    page = page_of(request, selectors.evaluations(rows), per_page=selectors.EVALUATIONS_PER_PAGE)
    return render(
        request,
        "evaluation/evaluations.html",
        {
            "round": round_obj,
            "page": page,
            "reads_all": reads_all,
            "counts": selectors.evaluation_counts(round_obj) if reads_all else None,
        },
    )


# --- The knowledge-sharing register --------------------------------------------------------------------


@login_required
@require_GET
def register(request, round_id: int):
    """The round's register for its evaluators and project leaders, filtered by kind, status and practice."""
    round_obj = permissions.get_round_for_evaluation(request.user, round_id)
    participations = list(
        Participation.objects.filter(round=round_obj)
        .select_related("practice")
        .order_by("practice__name", "pk")
    )
    form = RegisterFilterForm(request.GET or None, participations=participations)
    filters = form.filters()
    chosen = next((p for p in participations if p.pk == filters.get("practice")), None)
    items = selectors.register_items(
        round_obj=round_obj,
        participation=chosen,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
    )
    page = page_of(request, selectors.register(items), per_page=selectors.REGISTER_PER_PAGE)
    return render(
        request,
        "evaluation/register.html",
        {
            "round": round_obj,
            "form": form,
            "page": page,
            "chosen": chosen,
            "linked_total": selectors.linked_hours_total(items),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def participation_register(request, pk: int):
    """One practice's register: its entries and a form for a new one (the practice, and the round's
    evaluators and project leaders)."""
    participation = permissions.get_participation_for_register(request.user, pk)
    form = KnowledgeItemForm(
        request.POST or None, hour_entries=selectors.linkable_hour_entries(participation.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.knowledge_item_add(
                user=request.user,
                participation=participation,
                data=form.data_for_service(),
                hour_entry_ids=form.hour_entry_ids(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The entry is added to the register."))
            return redirect("evaluation:participation_register", pk=participation.pk)
    items = selectors.register_items(participation=participation)
    page = page_of(
        request,
        selectors.register(items),
        per_page=selectors.REGISTER_PER_PAGE,
        path=reverse("evaluation:participation_register", args=[participation.pk]),
    )
    return render(
        request,
        "evaluation/participation_register.html",
        {
            "participation": participation,
            "form": form,
            "page": page,
            "linked_total": selectors.linked_hours_total(items),
            "is_evaluator": participation.round_id in permissions.evaluation_round_ids(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_item(request, pk: int):
    item = permissions.get_knowledge_item(request.user, pk)
    form = KnowledgeItemForm(
        request.POST or None,
        instance=item,
        hour_entries=selectors.linkable_hour_entries(item.participation_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.knowledge_item_update(
                user=request.user,
                item=item,
                data=form.data_for_service(),
                hour_entry_ids=form.hour_entry_ids(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("evaluation:participation_register", pk=item.participation_id)
    return render(request, "evaluation/knowledge_item.html", {"item": item, "form": form})


# --- Postcards: public ---------------------------------------------------------------------------------


@require_GET
def postcards(request):
    """The published postcards and the clinic module's material, for anyone (no login)."""
    page = page_of(request, selectors.published_postcards(), per_page=selectors.POSTCARDS_PER_PAGE)
    material = page_of(
        request,
        published_material(kind=MaterialKind.CLINIC_MODULE),
        per_page=selectors.MATERIAL_PER_PAGE,
        param="materialeside",
    )
    return render(request, "evaluation/postcards.html", {"page": page, "material": material})


@require_GET
def postcard(request, pk: int):
    """One postcard (A6): the practice's name, its example and learning points; 404 unless published."""
    evaluation = get_object_or_404(selectors.published_postcards(), pk=pk)
    return render(request, "evaluation/postcard.html", {"evaluation": evaluation})
