"""Thin views for the activities: load through the permission helpers, bind a form, call one service,
message, redirect."""

from __future__ import annotations

import os
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from activities import permissions, selectors, services
from activities.exports import CATALOGUE as CATALOGUE_EXPORT
from activities.exports import SIGNUPS as SIGNUPS_EXPORT
from activities.feeds import practice_token
from activities.forms import (
    ActivityForm,
    AttendanceForm,
    CancelSessionForm,
    CatalogueFilterForm,
    ClaimBatchForm,
    ClaimForm,
    ImportForm,
    SessionForm,
    SignupForm,
    WalkInFormSet,
)
from activities.models import Activity, RegistrationStatus, Session
from activities.resources import catalogue_file_has_cpr, import_problems
from activities.resources import catalogue_import as import_catalogue
from ligepraksis import exports, throttle
from ligepraksis.cpr import CPR_MESSAGE
from ligepraksis.errors import DomainError
from ligepraksis.forms import form_errors_message
from ligepraksis.links import absolute_url
from ligepraksis.models import ProgrammeRound, ProviderOrganisation, Region, Role
from ligepraksis.paging import page_of
from practices.selectors import current_members

IMPORT_SESSION_KEY = "activities.catalogue_import"


def _members(practice):
    return current_members(practice)


def _error_to_form(form, exc: DomainError, fields: dict | None = None) -> None:
    """A DomainError on the field it names (mapped to the form's field name), else on the form."""
    name = (fields or {}).get(exc.field, exc.field)
    if name and name in form.fields:
        form.add_error(name, exc.message)
    else:
        form.add_error(None, exc.message)


def _forget_import(request) -> None:
    """Delete a checked import file that waits for confirmation, and its mention in the session."""
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if stored and stored.get("path"):
        default_storage.delete(stored["path"])


def _names(registrations) -> str:
    return ", ".join(r.person.name for r in registrations)


# --- The public catalogue -------------------------------------------------------------------------


def catalogue(request):
    """Upcoming sessions, a page at a time, of the visitor's region (that of the practice a logged-in
    user acts for, else the one chosen in the filter): any practice in the region may join."""
    data = request.GET.copy()
    if "region" not in data:
        default_region = selectors.visitor_region_id(request.user)
        if default_region:
            data["region"] = str(default_region)
    region = data.get("region") if str(data.get("region", "")).isdigit() else None
    filters = CatalogueFilterForm(
        data,
        months=selectors.catalogue_months(region=region),
        regions=Region.objects.order_by("name"),
    )
    filters.is_valid()  # a filter that does not validate (a month gone by) is left out, the rest apply
    criteria = filters.cleaned_data
    sessions = selectors.catalogue_sessions(
        region=criteria.get("region"),
        kind=criteria.get("kind") or None,
        month=criteria.get("month"),
        audience=criteria.get("audience") or None,
    )
    page = page_of(request, sessions)
    rows = [(s, selectors.free_places(s)) for s in page]
    return render(request, "activities/catalogue.html", {"filters": filters, "rows": rows, "page": page})


def activity(request, pk: int):
    activity = get_object_or_404(Activity.objects.select_related("provider", "round"), pk=pk)
    sessions = selectors.catalogue_sessions(upcoming_only=False).filter(activity=activity)
    now = timezone.now()
    return render(
        request,
        "activities/activity.html",
        {
            "activity": activity,
            "rows": [(s, selectors.free_places(s)) for s in sessions],
            "now": now,
            "can_edit": permissions.can_edit_activity(request.user, activity),
            "cancel_form": CancelSessionForm(),
        },
    )


# --- Sign-up --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@throttle.session_signup
def signup(request, pk: int):
    session = get_object_or_404(selectors.catalogue_sessions(upcoming_only=False), pk=pk)
    own = permissions.own_practice_ids(request.user)
    if not own:
        return render(request, "activities/signup_no_practice.html", {"session": session})
    practices = list(selectors.own_practices(request.user))
    chosen = request.POST.get("practice") or request.GET.get("practice")
    practice = next((p for p in practices if str(p.pk) == chosen), practices[0])
    members = _members(practice)
    already = list(selectors.session_signups_of_practice(session, practice))
    form = SignupForm(request.POST or None, members=members, signed_up=already)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new_person = (
            services.NewPerson(name=d["new_name"], kind=d["new_kind"], email=d["new_email"])
            if d["new_name"]
            else None
        )
        try:
            result = services.registration_signup_with_new_person(
                user=request.user,
                session=session,
                practice=practice,
                persons=list(d["persons"]),
                new_person=new_person,
            )
        except DomainError as exc:
            _error_to_form(form, exc, {"email": "new_email", "name": "new_name"})
        else:
            if result.confirmed:
                messages.success(request, _("Confirmed: %(names)s.") % {"names": _names(result.confirmed)})
            if result.waitlisted:
                messages.warning(
                    request,
                    _("On the waiting list (the session is full): %(names)s.")
                    % {"names": _names(result.waitlisted)},
                )
            return redirect("activities:practice_hours", pk=practice.pk)
    now = timezone.now()
    return render(
        request,
        "activities/signup.html",
        {
            "session": session,
            "form": form,
            "practice": practice,
            "practices": practices,
            "already": already,
            "free": selectors.free_places(session),
            "closed": session.is_cancelled or session.signup_deadline <= now or session.starts_at <= now,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk: int):
    """GET: say what cancelling does (who gets the place) and ask; POST: cancel."""
    registration = permissions.get_registration_for_user(request.user, pk)
    if request.method == "GET":
        return render(
            request,
            "activities/registration_cancel.html",
            {
                "registration": registration,
                "session": registration.session,
                "refusal": registration.cancel_refusal(),
                "waiting": selectors.waiting_count(registration.session),
            },
        )
    try:
        promoted = services.registration_cancel(user=request.user, registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s's registration is cancelled.") % {"name": registration.person.name}
        )
        if promoted is not None:
            messages.info(request, _("The first on the waiting list got the place."))
    return redirect("activities:practice_hours", pk=registration.practice_id)


# --- A practice's hours ---------------------------------------------------------------------------


def _practice_feed_url(request, practice) -> str:
    return absolute_url("calendar:practice", token=practice_token(practice))


def _person_feeds(request, practice) -> list[tuple]:
    """The feed links of the practice's current members who have one (made with their first sign-up)."""
    return [
        (person, absolute_url("calendar:person", token=person.feed_token))
        for person in current_members(practice).exclude(feed_token=None)
    ]


@login_required
def my_hours(request):
    """The nav's "Hours": the user's practice's page (or a choice of them)."""
    own = permissions.own_practice_ids(request.user)
    if len(own) == 1:
        return redirect("activities:practice_hours", pk=next(iter(own)))
    return render(request, "activities/my_hours.html", {"practices": selectors.own_practices(request.user)})


@login_required
def practice_hours(request, pk: int):
    """Where the practice stands: its hours, its next sign-ups and the sessions that fit it (open in
    its region), each list bounded; the history is a page of its own (practice_history)."""
    practice = permissions.get_practice_for_user(request.user, pk)
    now = timezone.now()
    # A consultant sees only the participation assigned to them (a leader those of their rounds).
    ledgers = selectors.ledgers(
        permissions.participations_seen_by(
            request.user, selectors.active_participations(practice), practice_id=practice.pk
        )
    )
    for ledger in ledgers:
        ledger.people = sorted(ledger.by_person.values(), key=lambda row: row.name)
    upcoming = page_of(
        request, selectors.upcoming_registrations(practice, now=now), per_page=selectors.NEXT_SIGNUPS
    )
    for registration in upcoming:
        registration.cancellable = registration.can_cancel(now)
    is_own = permissions.acts_for(request.user, practice.pk)
    fitting, fitting_count = selectors.sessions_for_practice(practice, now=now) if is_own else ([], 0)
    open_rows = [(s, selectors.free_places(s)) for s in fitting]
    selectors.mark_counting(ledgers, registrations=upcoming.object_list, sessions=fitting)
    return render(
        request,
        "activities/practice_hours.html",
        {
            "practice": practice,
            "ledgers": ledgers,
            "upcoming": upcoming,
            "open_rows": open_rows,
            "open_count": fitting_count,
            "claims": selectors.pending_claims_of_practice(practice),
            "is_own": is_own,
            "now": now,
            # The feed links are keys to the practice's calendar: only for those acting for it.
            "feed_url": _practice_feed_url(request, practice) if is_own else "",
            "person_feeds": _person_feeds(request, practice) if is_own else [],
        },
    )


@login_required
def practice_history(request, pk: int):
    """The practice's past sign-ups and all its hour claims, a page of each at a time."""
    practice = permissions.get_practice_for_user(request.user, pk)
    now = timezone.now()
    past, claims = selectors.past_registrations(practice, now=now), selectors.practice_claims(practice)
    if not permissions.acts_for(request.user, practice.pk):
        # A leader or consultant sees the rounds they may see of the practice (as on its hours page).
        rounds = permissions.participations_seen_by(
            request.user, selectors.participations_of(practice), practice_id=practice.pk
        ).values("round_id")
        past = past.filter(session__activity__round_id__in=rounds)
        claims = claims.filter(round_id__in=rounds)
    past = page_of(request, past)
    claims = page_of(request, claims, param="krav")
    ledgers = selectors.ledgers(
        permissions.participations_seen_by(
            request.user, selectors.active_participations(practice), practice_id=practice.pk
        )
    )
    selectors.mark_counting(ledgers, registrations=past.object_list)
    return render(
        request,
        "activities/practice_history.html",
        {"practice": practice, "past": past, "claims": claims},
    )


# --- Hour claims ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request, pk: int):
    practice = permissions.get_practice_for_user(request.user, pk)
    if not permissions.acts_for(request.user, practice.pk):
        raise PermissionDenied  # a leader may see the practice, not claim for it
    round_list, claimable = selectors.claimable_activities(practice)
    if not round_list:
        return render(request, "activities/claim_new.html", {"practice": practice, "form": None})
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        members=_members(practice),
        activities=claimable,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.claim_submit(
                user=request.user,
                practice=practice,
                person=d["person"],
                description=d["description"],
                occurred_on=d["occurred_on"],
                hours=d["hours"],
                activity=d["activity"],
                evidence=d["evidence"],
            )
        except DomainError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("The hours are sent for approval by the project leaders."))
            return redirect("activities:practice_hours", pk=practice.pk)
    return render(request, "activities/claim_new.html", {"practice": practice, "form": form})


def _claims_page(request, round_obj, form):
    """A page of the pending claims with ONE decision form for those ticked; a refused batch shows
    the form again, bound, with the problem at its field."""
    page = page_of(
        request, selectors.pending_claims(round_obj), path=reverse("activities:claims", args=[round_obj.pk])
    )
    for claim in page:
        claim.may_decide = permissions.can_decide_claim(request.user, claim)
    ticked = {str(v) for v in form["claims"].value() or []} if form.is_bound else set()
    return render(
        request,
        "activities/claims.html",
        {"round": round_obj, "page": page, "form": form, "ticked": ticked},
    )


@login_required
def claims(request, round_id: int):
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    return _claims_page(request, round_obj, ClaimBatchForm(round_obj=round_obj))


@login_required
@require_POST
def claims_decide(request, round_id: int):
    """One decision for the ticked claims: all are decided, or none (services.claims_decide)."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    form = ClaimBatchForm(request.POST, round_obj=round_obj)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decided = services.claims_decide(
                user=request.user,
                claims=list(form.cleaned_data["claims"]),
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _error_to_form(form, exc)
        else:
            n = len(decided)
            messages.success(
                request,
                (
                    ngettext("%(n)s claim is approved.", "%(n)s claims are approved.", n)
                    if approve
                    else ngettext("%(n)s claim is rejected.", "%(n)s claims are rejected.", n)
                )
                % {"n": n},
            )
            return redirect("activities:claims", round_id=round_obj.pk)
    messages.error(request, _("The decision was not recorded; see the form below."))
    return _claims_page(request, round_obj, form)


@login_required
def claim_evidence(request, pk: int):
    """The evidence file, only to the practice itself and the round's project leaders."""
    claim = permissions.get_claim_for_user(request.user, pk)
    if not claim.evidence:
        raise Http404
    try:
        handle = claim.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, filename=os.path.basename(claim.evidence.name))
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Attendance -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    session = permissions.get_session_for_editor(request.user, pk)
    registrations = (
        session.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("person", "practice")
        .order_by("practice__name", "person__name")
    )
    practices = selectors.participating_practices(session.activity.round)
    form = AttendanceForm(request.POST or None, registrations=registrations)
    walk_ins = WalkInFormSet(request.POST or None, prefix="walkin", form_kwargs={"practices": practices})
    if request.method == "POST" and form.is_valid() and walk_ins.is_valid():
        new = [
            services.NewWalkIn(
                practice=f.cleaned_data["practice"], name=f.cleaned_data["name"], kind=f.cleaned_data["kind"]
            )
            for f in walk_ins.forms
            if f.is_filled()
        ]
        try:
            present = services.attendance_take(
                user=request.user, session=session, attended_ids=form.attended_ids(), new_walk_ins=new
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Attendance is recorded: %(count)s present.") % {"count": present})
            return redirect("activities:attendance", pk=session.pk)
    return render(
        request,
        "activities/attendance.html",
        {
            "session": session,
            "form": form,
            "walk_ins": walk_ins,
            "started": session.starts_at <= timezone.now(),
        },
    )


# --- The project leaders' overview ----------------------------------------------------------------


@login_required
def overview(request, round_id: int):
    """The round's participating practices (furthest behind first) and the fill rate of its upcoming
    sessions, each a page at a time."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    ledgers = page_of(request, selectors.round_overview(round_obj))
    sessions = page_of(request, selectors.upcoming_fill_rates(round_obj), param="hold")
    return render(
        request,
        "activities/overview.html",
        {
            "round": round_obj,
            "ledgers": ledgers,
            "sessions": sessions,
            "fill_rates": [selectors.fill_rate(s) for s in sessions],
            "pending_count": selectors.pending_claims(round_obj).count(),
        },
    )


# --- Catalogue editing ----------------------------------------------------------------------------


def _providers_for(user, round_obj):
    if permissions.is_leader(user, round_obj):
        return ProviderOrganisation.objects.all()
    return ProviderOrganisation.objects.filter(pk__in=permissions.provider_ids(user))


def _catalogue_round(user, round_id: int) -> ProgrammeRound:
    round_obj = get_object_or_404(ProgrammeRound, pk=round_id)
    if not permissions.can_manage_catalogue(user, round_obj):
        raise Http404
    return round_obj


def _save_activity(request, activity: Activity, round_obj, template_context: dict):
    form = ActivityForm(
        request.POST or None, instance=activity, providers=_providers_for(request.user, round_obj)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(user=request.user, activity=form.instance)
        except DomainError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("activities:activity", pk=form.instance.pk)
    return render(
        request, "activities/activity_form.html", {"form": form, "round": round_obj, **template_context}
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request, round_id: int):
    round_obj = _catalogue_round(request.user, round_id)
    return _save_activity(request, Activity(round=round_obj), round_obj, {"activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = permissions.get_activity_for_editor(request.user, pk)
    return _save_activity(request, activity, activity.round, {"activity": activity})


def _save_session(request, session: Session, context: dict):
    form = SessionForm(request.POST or None, instance=session)
    version = session.sequence
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(user=request.user, session=form.instance)
        except DomainError as exc:
            _error_to_form(form, exc)
        else:
            if form.instance.sequence > version:  # moved: the service told those signed up
                messages.success(
                    request, _("The session is saved; those signed up are sent the change by e-mail.")
                )
            else:
                messages.success(request, _("The session is saved."))
            return redirect("activities:activity", pk=session.activity_id)
    return render(request, "activities/session_form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, pk: int):
    activity = permissions.get_activity_for_editor(request.user, pk)
    return _save_session(request, Session(activity=activity), {"activity": activity, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = permissions.get_session_for_editor(request.user, pk)
    return _save_session(request, session, {"activity": session.activity, "session": session})


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = permissions.get_session_for_editor(request.user, pk)
    form = CancelSessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(user=request.user, session=session, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The session is cancelled; those signed up are told by e-mail."))
    else:
        messages.error(request, form_errors_message(form))
    return redirect("activities:activity", pk=session.activity_id)


# --- Import and export (project leaders) ----------------------------------------------------------


def _export(request, round_id: int, kind: str, back: str):
    """A leaders' export of the round: CSV streamed, XLSX at once or, when large, made in the worker."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        messages.error(request, _("Choose XLSX or CSV."))
        return redirect(back, round_id=round_id)
    return exports.respond(request, kind=kind, params={"round": round_obj.pk}, fmt=fmt)


@login_required
def catalogue_export(request, round_id: int):
    return _export(request, round_id, CATALOGUE_EXPORT, "activities:catalogue_import")


@login_required
def signups_export(request, round_id: int):
    """The round's sign-ups and attendance, one row per registration (project leaders)."""
    return _export(request, round_id, SIGNUPS_EXPORT, "activities:overview")


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request, round_id: int):
    """Upload, see a dry run with every row's problems, then confirm; nothing is saved if a row fails."""
    round_obj = permissions.get_round_for_user(request.user, round_id, roles=(Role.PROJECT_LEADER,))
    form = ImportForm(None)
    context = {"round": round_obj, "form": form, "problems": None, "result": None}
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored or stored.get("round") != round_obj.pk or not default_storage.exists(stored["path"]):
            messages.error(request, _("Upload the file again."))
            return redirect("activities:catalogue_import", round_id=round_id)
        with default_storage.open(stored["path"], "rb") as kept:
            content = kept.read()
        try:
            result = import_catalogue(
                round_obj=round_obj, content=content, filename=stored["name"], dry_run=False
            )
        except Exception:  # an unreadable file: tablib and openpyxl raise many kinds
            messages.error(request, _("The file could not be read. Use the columns of the export."))
            return redirect("activities:catalogue_import", round_id=round_id)
        problems = import_problems(result)
        if not problems:
            _forget_import(request)
            messages.success(
                request,
                _("The catalogue is imported: %(new)s new and %(updated)s changed sessions.")
                % {"new": result.totals.get("new", 0), "updated": result.totals.get("update", 0)},
            )
            return redirect("activities:catalogue")
        context.update(problems=problems, result=result)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            _forget_import(request)
            try:
                has_cpr = catalogue_file_has_cpr(content, upload.name)
                result = (
                    None
                    if has_cpr
                    else import_catalogue(
                        round_obj=round_obj, content=content, filename=upload.name, dry_run=True
                    )
                )
            except Exception:  # an unreadable file: tablib and openpyxl raise many kinds
                form.add_error("file", _("The file could not be read. Use the columns of the export."))
            else:
                if has_cpr:
                    form.add_error("file", CPR_MESSAGE)
                else:
                    problems = import_problems(result)
                    context.update(problems=problems, result=result)
                    if not problems:
                        # The checked file waits in storage (never in the session) until it is
                        # confirmed, and is deleted then or when another file is uploaded.
                        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                        path = default_storage.save(
                            f"imports/{uuid.uuid4().hex}{suffix}", ContentFile(content)
                        )
                        request.session[IMPORT_SESSION_KEY] = {
                            "round": round_obj.pk,
                            "name": upload.name,
                            "path": path,
                        }
    return render(request, "activities/catalogue_import.html", context)


# --- My activities (project leaders and providers) ------------------------------------------------


@login_required
def my_activities(request):
    """The activities a leader (of their rounds) or a provider (of its organisation) keeps, with past
    and upcoming sessions, each session's attendance state and a link to take attendance."""
    if not permissions.keeps_activities(request.user):
        raise PermissionDenied
    activities = page_of(request, selectors.kept_activities(request.user), per_page=20)
    selectors.with_session_rows(activities.object_list)
    needing, needing_count = selectors.attendance_to_take(request.user)
    return render(
        request,
        "activities/my_activities.html",
        {
            "activities": activities,
            "needing": needing,
            "needing_count": needing_count,
            "new_rounds": selectors.rounds_for_new_activity(request.user),
            "states": selectors.AttendanceState,
        },
    )
