"""Questionnaire pages: the round's list, building and sending (evaluators and project leaders of the
round), the results and the raw answers, the answer page behind a personal link (nobody logged in),
and a practice's own answers to questionnaires that are not anonymous."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from evaluation import charts, exports, permissions
from evaluation.forms import AnswerForm, QuestionForm, QuestionnaireForm
from evaluation.models import Phase
from evaluation.selectors import questionnaires as selectors
from evaluation.services import questionnaires as services
from ligepraksis.errors import DomainError
from ligepraksis.exports import respond
from ligepraksis.forms import add_domain_error
from ligepraksis.paging import page_of
from practices.permissions import acts_for


@login_required
def questionnaires(request, round_id: int):
    round_obj = permissions.get_round_for_evaluation(request.user, round_id)
    page = page_of(request, selectors.round_questionnaires(round_obj), per_page=25)
    return render(request, "evaluation/questionnaires.html", {"round": round_obj, "page": page})


@login_required
def questionnaire_new(request, round_id: int):
    round_obj = permissions.get_round_for_evaluation(request.user, round_id)
    form = QuestionnaireForm(request.POST or None, round_obj=round_obj)
    if request.method == "POST" and form.is_valid():
        try:
            q = services.questionnaire_create(user=request.user, round_obj=round_obj, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The questionnaire is created. Add its questions."))
            return redirect("evaluation:questionnaire", pk=q.pk)
    return render(request, "evaluation/questionnaire_new.html", {"round": round_obj, "form": form})


@login_required
def questionnaire(request, pk: int):
    q = permissions.get_questionnaire(request.user, pk)
    return render(
        request,
        "evaluation/questionnaire.html",
        {
            "q": q,
            "round": q.round,
            "questions": q.questions.order_by("order", "pk"),
            "form": QuestionForm() if not q.is_sent else None,
        },
    )


@login_required
def question_new(request, pk: int):
    q = permissions.get_questionnaire(request.user, pk)
    if q.is_sent:
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(user=request.user, questionnaire=q, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The question is added."))
            return redirect("evaluation:questionnaire", pk=q.pk)
    return render(request, "evaluation/question_new.html", {"q": q, "round": q.round, "form": form})


@login_required
@require_POST
def questionnaire_send(request, pk: int):
    q = permissions.get_questionnaire(request.user, pk)
    try:
        n = services.questionnaire_send(user=request.user, questionnaire=q)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The questionnaire is sent to %(n)s coordinators.") % {"n": n})
    return redirect("evaluation:questionnaire", pk=q.pk)


@login_required
def results(request, pk: int):
    """Response rate; per question the count, mean and distribution, before against after, as a chart
    with its figures in a table beside it; the free-text answers."""
    q = permissions.get_questionnaire(request.user, pk)
    mine = selectors.results(q)
    other_q = selectors.counterpart(q)
    other = selectors.results(other_q) if other_q is not None else None
    before, after = (other, mine) if q.phase == Phase.AFTER else (mine, other)
    single = q.phase == Phase.MILESTONE  # no before and after: one column, in `before`
    rows = []
    for c in selectors.compare(before, after):
        # pygal's SVG, its <script> removed (ligepraksis/charts.py); question texts and labels are
        # escaped by pygal.
        rows.append({"c": c, "chart": mark_safe(charts.question_svg(c, single=single))})  # noqa: S308
    return render(
        request,
        "evaluation/results.html",
        {
            "q": q,
            "round": q.round,
            "mine": mine,
            "other": other,
            "before": before,
            "after": after,
            "rows": rows,
            "single": single,
            "min_group": selectors.MIN_GROUP,
        },
    )


@login_required
def answers_export(request, pk: int, fmt: str):
    q = permissions.get_questionnaire(request.user, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return respond(request, kind=exports.ANSWERS, params={"questionnaire": q.pk}, fmt=fmt)


@never_cache
def answer(request, questionnaire_id: int, token: str):
    """The page behind a personal link: it logs nobody in; opening it shows the form, only a valid
    answer spends the link."""
    try:
        invitation = services.invitation_for_token(token=token, questionnaire_id=questionnaire_id)
    except DomainError as exc:
        status = 410 if exc.code == services.ALREADY_ANSWERED else 404
        return render(request, "evaluation/answer_refused.html", {"message": exc.message}, status=status)
    q = invitation.questionnaire
    questions = list(q.questions.order_by("order", "pk"))
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_submit(token=token, questionnaire_id=questionnaire_id, answers=form.answers())
        except DomainError as exc:
            if exc.code in (services.ALREADY_ANSWERED, services.LINK_INVALID):
                return render(request, "evaluation/answer_refused.html", {"message": exc.message}, status=410)
            add_domain_error(form, exc)
        else:
            return render(request, "evaluation/answer_thanks.html", {"q": q})
    return render(request, "evaluation/answer.html", {"q": q, "form": form, "practice": invitation.practice})


@login_required
def practice_answers(request, practice_id: int):
    """A practice's own answers to questionnaires that are not anonymous."""
    if not acts_for(request.user, practice_id):
        raise Http404
    page = page_of(request, selectors.practice_answers(practice_id), per_page=10)
    return render(request, "evaluation/practice_answers.html", {"page": page, "practice_id": practice_id})
