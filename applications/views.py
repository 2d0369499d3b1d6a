"""Thin views: load through the permission helpers, bind a form, call one service, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from applications import letters, permissions, selectors, services
from applications import selection as selection_algorithm
from applications.exports import KIND as EXPORT_KIND
from applications.forms import (
    AcceptForm,
    ApplicationForm,
    DecisionForm,
    HandOverForm,
    ReasonForm,
    RecommendationForm,
    ReviewForm,
    SelectionFilterForm,
)
from applications.models import ApplicationStatus, Recommendation
from ligepraksis import exports, formatting, signin, throttle
from ligepraksis.email_links import link_page, send_login_link
from ligepraksis.errors import DomainError
from ligepraksis.exports import CACHE_CONTROL
from ligepraksis.forms import EmailForm, add_domain_error, form_errors_message
from ligepraksis.models import FileJobStatus, ProgrammeRound, Role
from ligepraksis.paging import page_of
from practices import selectors as practice_selectors
from practices import services as practice_services
from practices.forms import LookupForm, PracticeRegisterForm


def _open_rounds():
    return ProgrammeRound.objects.open_for_applications(timezone.now())


def _post_action(request, form, action, success: str) -> None:
    """The shape of every small POST: validate the form, call one service with its data, say how it went."""
    if not form.is_valid():
        messages.error(request, form_errors_message(form))
        return
    try:
        action(**form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


# --- Applying -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@throttle.sign_in_mail
def apply(request, round_id: int):
    """Step 1: an e-mail address gets a sign-in link (ligepraksis/signin.py) that logs the applicant in."""
    round_obj = get_object_or_404(ProgrammeRound, pk=round_id)
    if request.user.is_authenticated:
        return redirect("applications:start", round_id=round_obj.pk)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return send_login_link(
            request,
            email=form.cleaned_data["email"],
            scope=signin.apply_scope(round_obj.pk),
            url_name="applications:verify",
            url_kwargs={"round_id": round_obj.pk},
            template="verify_email",
            context={"round": round_obj},
        )
    return render(request, "applications/apply.html", {"form": form, "round": round_obj})


@require_http_methods(["GET", "POST"])
def verify(request, round_id: int, token: str):
    """The e-mailed link: a page with a "Log in" button, whose POST spends the link."""
    round_obj = get_object_or_404(ProgrammeRound, pk=round_id)
    return link_page(
        request,
        token,
        scope=signin.apply_scope(round_obj.pk),
        success_url=reverse("applications:start", args=[round_obj.pk]),
        retry_url=reverse("applications:apply", args=[round_obj.pk]),
        success_message=_("Your e-mail address is verified. You can now fill in the application."),
    )


def _registers_a_practice(request) -> bool:
    return request.method == "POST" and request.POST.get("step") == "register"


@login_required
@require_http_methods(["GET", "POST"])
@throttle.practice_registration(when=_registers_a_practice)
def start(request, round_id: int):
    """Step 2: find the practice by provider number, or register it; then a draft is created."""
    round_obj = get_object_or_404(ProgrammeRound.objects.select_related("region"), pk=round_id)
    if not round_obj.is_open_for_applications():
        messages.error(request, _("This round is not open for applications."))
        return redirect("home")
    lookup = LookupForm(request.POST if request.POST.get("step") == "lookup" else None)
    register = None
    found = None
    step = request.POST.get("step")
    try:
        if step == "lookup" and lookup.is_valid():
            found = practice_selectors.practice_find(provider_number=lookup.cleaned_data["provider_number"])
            if found is None:
                register = PracticeRegisterForm(
                    initial={"provider_numbers": lookup.cleaned_data["provider_number"]},
                    region=round_obj.region,
                )
        elif step == "confirm":
            found = practice_selectors.practice_find(provider_number=request.POST.get("provider_number", ""))
            if found is None:
                raise DomainError(_("No practice has that provider number."))
            app = services.application_start(user=request.user, round_obj=round_obj, practice=found)
            return redirect("applications:edit", pk=app.pk)
        elif step == "register":
            register = PracticeRegisterForm(request.POST, region=round_obj.region)
            if register.is_valid():
                data = dict(register.cleaned_data)
                numbers = data.pop("provider_numbers")
                practice = practice_services.practice_register(
                    provider_numbers=numbers, registered_by=request.user, **data
                )
                # A first registration can be used at once; a leader confirms it before selection.
                practice_services.practice_grant(user=request.user, practice=practice)
                app = services.application_start(user=request.user, round_obj=round_obj, practice=practice)
                messages.success(request, _("The practice is registered and a draft application created."))
                return redirect("applications:edit", pk=app.pk)
    except DomainError as exc:
        if register is not None and exc.field and exc.field in register.fields:
            register.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
    return render(
        request,
        "applications/start.html",
        {"round": round_obj, "lookup": lookup, "register": register, "found": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "edit")
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", pk=pk)
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.application_update(
                application=application,
                user=request.user,
                practice_description=d["practice_description"],
                patient_base=d["patient_base"],
                motivation=d["motivation"],
                doctor=services.CoordinatorData(d["doctor_name"], d["doctor_email"], d["doctor_phone"]),
                staff=services.CoordinatorData(
                    d["staff_name"], d["staff_email"], d["staff_phone"], d["staff_title"]
                ),
            )
            if "submit" in request.POST:
                services.application_submit(application=application, user=request.user)
                messages.success(
                    request, _("The application is submitted. A confirmation has been sent by e-mail.")
                )
                return redirect("applications:detail", pk=pk)
            messages.success(request, _("The draft is saved."))
            return redirect("applications:edit", pk=pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "applications/edit.html", {"application": application, "form": form})


@login_required
@require_POST
def delete(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "edit")
    try:
        services.application_delete(application=application, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:detail", pk=pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("applications:mine")


@login_required
@require_POST
def confirm_request(request, pk: int):
    """Someone acting for the practice, or a project leader, confirms a request to apply for it."""
    application = permissions.get_application_for_user(request.user, pk, "view")
    try:
        services.application_request_confirm(application=application, user=request.user)
        messages.success(request, _("The request is confirmed; its author can now submit the application."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def lift_conflict(request, pk: int):
    """Another project leader lifts a reviewer's declared conflict of interest, with a reason."""
    application = permissions.get_application_for_user(request.user, pk, "decide")
    review = application.reviews.select_related("reviewer").filter(pk=request.POST.get("review") or 0).first()
    form = ReasonForm(request.POST)
    if review is None:
        messages.error(request, _("No such review of this application."))
    elif form.is_valid():
        try:
            services.conflict_lift(
                application=application, reviewer=review.reviewer, user=request.user,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(request, _("The conflict of interest is lifted."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, " ".join(form.errors.get("reason", [])))
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def confirm_practice(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "decide")
    services.practice_registration_confirm(application=application, user=request.user)
    messages.success(request, _("The practice's registration is confirmed."))
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def hand_over(request, pk: int):
    """A project leader hands a wrongly claimed practice to its real people."""
    application = permissions.get_application_for_user(request.user, pk, "decide")
    form = HandOverForm(request.POST)
    if form.is_valid():
        services.practice_hand_over(
            application=application,
            user=request.user,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
        )
        messages.success(
            request,
            _("%(email)s now acts for the practice; nobody else does.")
            % {"email": form.cleaned_data["email"]},
        )
    else:
        messages.error(request, _("Give the e-mail address of someone in the practice."))
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def reopen(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "edit")
    try:
        services.application_reopen(application=application, user=request.user)
        messages.success(request, _("The application is open for changes. Remember to submit it again."))
        return redirect("applications:edit", pk=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:detail", pk=pk)


@login_required
def mine(request):
    applications = (
        permissions.applications_for_user(request.user)
        .select_related("round", "practice")
        .order_by("-created_at")
    )
    return render(
        request,
        "applications/mine.html",
        {
            "applications": applications,
            "open_rounds": _open_rounds(),
            "requests": selectors.requests_for_my_practices(request.user),
        },
    )


def _letters_of(user, application) -> dict:
    """Which of the application's PDFs to link on its page (their addresses make them on demand)."""
    if not permissions.can_read_letters(user, application):
        return {}
    return {
        "decision": letters.has_letter(application, letters.DECISION_LETTER),
        "terms": letters.has_letter(application, letters.TERMS),
    }


@login_required
def detail(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "view")
    user = request.user
    is_owner = permissions.is_application_owner(user, application)
    is_leader = permissions.can_decide(user, application)
    context = {
        "application": application,
        "is_owner": is_owner,
        "history": selectors.application_history(application, user),
        "waitlist_rank": selectors.waitlist_rank(application),
        "can_review": permissions.can_review(user, application),
        "can_recommend": permissions.can_recommend(user, application),
        "can_decide": is_leader,
        "recommendations": application.recommendations.select_related("recorded_by")
        if permissions.sees_assessment(user, application)
        else [],
        "reviews": selectors.application_detail_scores(application) if is_leader else [],
        "decision_form": DecisionForm() if is_leader else None,
        "recommendation_form": RecommendationForm() if permissions.can_recommend(user, application) else None,
        "reason_form": ReasonForm(),
        "places_taken": selectors.places_taken(application.round) if is_leader else None,
        "can_confirm_request": permissions.can_confirm_request(user, application),
        "hand_over_form": HandOverForm() if is_leader else None,
        "letters": _letters_of(user, application),
    }
    return render(request, "applications/detail.html", context)


def _letter(request, pk: int, which: str):
    """The stable address of an application's letter (linked from its e-mails): the latest finished
    PDF; while it is being made, a small page that asks again by itself (a Refresh header, no script)."""
    application = permissions.get_application_for_user(request.user, pk, "view")
    if not permissions.can_read_letters(request.user, application):
        raise Http404
    job = letters.letter_job(application=application, which=which, user=request.user)
    if job is None:
        raise Http404
    if job.status == FileJobStatus.DONE:
        try:
            handle = job.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type="application/pdf", filename=job.filename)
        response["Cache-Control"] = CACHE_CONTROL
        return response
    response = render(request, "applications/letter_pending.html", {"application": application, "job": job})
    if job.is_pending:
        response["Refresh"] = "3"
    return response


@login_required
def decision_letter(request, pk: int):
    return _letter(request, pk, letters.DECISION_LETTER)


@login_required
def terms_pdf(request, pk: int):
    return _letter(request, pk, letters.TERMS)


@login_required
@require_http_methods(["GET", "POST"])
def accept(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "edit")
    terms = application.round.current_terms()
    form = AcceptForm(request.POST or None, initial={"terms_id": terms.pk if terms else None})
    if request.method == "POST" and form.is_valid():
        try:
            chosen = application.round.terms.get(pk=form.cleaned_data["terms_id"])
            services.application_accept(application=application, user=request.user, terms=chosen)
            messages.success(request, _("Welcome to the programme! Your participation is registered."))
            return redirect("applications:detail", pk=pk)
        except application.round.terms.model.DoesNotExist:
            form.add_error(
                None, _("The terms have changed since the page was opened. Please read them again.")
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request, "applications/accept.html", {"application": application, "terms": terms, "form": form}
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "withdraw")
    _post_action(
        request,
        ReasonForm(request.POST),
        lambda reason: services.application_withdraw(
            application=application, user=request.user, reason=reason
        ),
        _("The application is withdrawn."),
    )
    return redirect("applications:detail", pk=pk)


# --- Review, recommendation and decision --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "review")
    round_obj = application.round
    criteria = round_obj.criteria.all()
    existing = application.reviews.filter(reviewer=request.user).prefetch_related("scores").first()
    initial = {}
    if existing:
        initial = {"conflict": existing.conflict_of_interest, "comment": existing.comment}
        for s in existing.scores.all():
            initial[f"score_{s.criterion_id}"] = str(s.value)
            initial[f"comment_{s.criterion_id}"] = s.comment
    form = ReviewForm(
        request.POST or None,
        initial=initial,
        criteria=criteria,
        score_min=round_obj.score_min,
        score_max=round_obj.score_max,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                application=application,
                reviewer=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                conflict=form.cleaned_data["conflict"],
            )
            if form.cleaned_data["conflict"]:
                messages.info(
                    request, _("Your conflict of interest is recorded; you are kept out of this application.")
                )
                return redirect("applications:round_list", round_id=round_obj.pk)
            messages.success(request, _("Your review is saved."))
            return redirect("applications:round_list", round_id=round_obj.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "applications/review.html", {"application": application, "form": form})


@login_required
@require_POST
def recommend(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "recommend")
    _post_action(
        request,
        RecommendationForm(request.POST),
        lambda **data: services.recommendation_record(application=application, user=request.user, **data),
        _("The recommendation is recorded."),
    )
    return redirect("applications:detail", pk=pk)


def _next_url(request, default: str) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


@login_required
@require_POST
def decide(request, pk: int):
    """A decision in two steps: the chosen decision first shows what will happen and who gets mail
    (nothing changes), and only its confirmation (`confirm`) records it."""
    application = permissions.get_application_for_user(request.user, pk, "decide")
    next_url = _next_url(request, reverse("applications:detail", args=[pk]))
    form = DecisionForm(request.POST)
    form.is_valid()
    if "outcome" in form.errors:
        messages.error(request, form_errors_message(form))
        return HttpResponseRedirect(next_url)
    outcome = form.cleaned_data["outcome"]
    if form.is_valid() and request.POST.get("confirm"):
        try:
            services.application_decide(
                application=application,
                user=request.user,
                outcome=outcome,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.field != "reason":
                messages.error(request, exc.message)
                return HttpResponseRedirect(next_url)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The decision is recorded and the practice informed by e-mail."))
            return HttpResponseRedirect(next_url)
    try:
        preview = services.decision_preview(application=application, user=request.user, outcome=outcome)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(next_url)
    form.fields["reason"].required = preview.reason_required  # shown as required; the service enforces it
    return render(
        request,
        "applications/decide_confirm.html",
        {"application": application, "preview": preview, "form": form, "next_url": next_url},
    )


@login_required
@require_POST
def offer(request, pk: int):
    application = permissions.get_application_for_user(request.user, pk, "decide")
    _post_action(
        request,
        ReasonForm(request.POST),
        lambda reason: services.waitlist_offer(application=application, user=request.user, reason=reason),
        _("A place is offered. The practice is informed by e-mail."),
    )
    return redirect("applications:detail", pk=pk)


# --- Lists for the steering group and project leaders ----------------------------------------------


@login_required
def round_list(request, round_id: int):
    """All submitted applications of a round, for reviewers; leaders also see mean scores."""
    round_obj = permissions.get_round_for_user(
        request.user, round_id, roles=(Role.PROJECT_LEADER, Role.STEERING)
    )
    is_leader = permissions.is_leader(request.user, round_obj)
    apps = page_of(request, selectors.applications_for_reviewer(round_obj, request.user))
    reviewed, conflicted = selectors.own_review_state(round_obj, request.user)
    return render(
        request,
        "applications/round_list.html",
        {
            "round": round_obj,
            "applications": apps,
            "is_leader": is_leader,
            "reviewed": reviewed,
            "conflicted": conflicted,
            "review_open": round_obj.review_is_open(),
            "requests": selectors.open_requests(round_obj) if is_leader else [],
        },
    )


@login_required
def selection(request, round_id: int):
    """The project leaders' selection workspace: scores, recommendations, spread and a suggestion."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    groups = selectors.round_groups(round_obj)
    criteria = list(round_obj.criteria.all())
    filters = SelectionFilterForm(request.GET or None, areas=groups.areas)
    criteria_chosen = filters.cleaned_data if filters.is_valid() else {}
    # A page of the applications at a time; the spread is counted over all of them by the database.
    page = page_of(request, selectors.selection_rows(round_obj, groups, **criteria_chosen))
    means = selectors.criterion_means(round_obj, application_ids=[a.pk for a in page])
    rows = [
        {
            "app": a,
            "area": groups.area(a.practice),
            "size": groups.size_band(a.practice),
            "criterion_means": [means.get(a.pk, {}).get(c.pk) for c in criteria],
            "recommendation": Recommendation.Outcome(a.recommendation).label if a.recommendation else "",
        }
        for a in page
    ]
    suggestion = suggestion_rows = suggestion_uncovered = preview = None
    if request.GET.get("suggest"):
        preview = services.suggestion_preview(round_obj=round_obj)
        suggestion = preview.suggestion
        suggestion_rows, suggestion_uncovered = _describe_suggestion(suggestion, groups)
    return render(
        request,
        "applications/selection.html",
        {
            "round": round_obj,
            "rows": rows,
            "criteria": criteria,
            "filters": filters,
            "spread": selectors.selection_spread(groups, round_obj),
            "page": page,
            "places_taken": selectors.places_taken(round_obj),
            "suggestion": suggestion,
            "suggestion_rows": suggestion_rows,
            "suggestion_uncovered": suggestion_uncovered,
            "suggestion_preview": preview,
            "decision_form": DecisionForm(),
            "waitlist": selectors.waiting_list(round_obj),
        },
    )


@login_required
@require_POST
def apply_suggestion(request, round_id: int):
    """Select the practices of the balanced suggestion the leader saw in its preview and confirmed."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    try:
        expected = [int(v) for v in request.POST.getlist("application")]
    except ValueError:
        expected = None
    if not expected:
        messages.error(request, _("Look at the suggestion and confirm it there."))
        return redirect(reverse("applications:selection", args=[round_obj.pk]) + "?suggest=1")
    try:
        selected = services.suggestion_apply(round_obj=round_obj, user=request.user, expected=expected)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("applications:selection", args=[round_obj.pk]) + "?suggest=1")
    messages.success(
        request,
        ngettext(
            "%(count)s practice is selected and informed by e-mail.",
            "%(count)s practices are selected and informed by e-mail.",
            len(selected),
        )
        % {"count": formatting.number(len(selected))},
    )
    return redirect("applications:selection", round_id=round_obj.pk)


def _describe_suggestion(suggestion, groups):
    """Translated reasons per pick, and the groups no application could cover."""
    form_labels = dict(groups.forms)
    dim_labels = {"area": _("area"), "form": _("practice form"), "size": _("size band")}

    def group_label(dim, group):
        return str(form_labels.get(group, group)) if dim == "form" else group

    rows = []
    for pick in suggestion.picks:
        texts = []
        for reason in pick.reasons:
            if reason.code == selection_algorithm.REASON_FIXED:
                texts.append(_("already selected"))
            elif reason.code == selection_algorithm.REASON_ONLY_COVER:
                texts.append(
                    _("the only one covering %(dimension)s “%(group)s”")
                    % {
                        "dimension": dim_labels[reason.dimension],
                        "group": group_label(reason.dimension, reason.group),
                    }
                )
            else:
                texts.append(_("among the highest mean scores"))
        rows.append(
            {
                "key": pick.candidate.key,
                "label": pick.candidate.label,
                "score": pick.candidate.score,
                "reasons": texts,
            }
        )
    uncovered = [
        f"{dim_labels[dim]}: {group_label(dim, g)}"
        for dim, names in suggestion.uncoverable.items()
        for g in names
    ]
    return rows, uncovered


@login_required
def export(request, round_id: int):
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        messages.error(request, _("Choose XLSX or CSV."))
        return redirect("applications:selection", round_id=round_id)
    return exports.respond(request, kind=EXPORT_KIND, params={"round": round_obj.pk}, fmt=fmt)
