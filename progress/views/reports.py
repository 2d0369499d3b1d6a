"""Status-report pages: a participation's reports (the practice files; leaders, steering group and
consultant read), one report (the practice edits), and a round's overview for its readers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error
from ligepraksis.paging import page_of
from progress import permissions
from progress.forms.reports import StatusReportEditForm, StatusReportForm
from progress.selectors import reports as selectors
from progress.services import reports as services


@login_required
def reports(request, pk: int):
    participation = permissions.get_participation_for_reports(
        request.user, pk, write=request.method == "POST"
    )
    today = timezone.localdate()
    status = selectors.report_status(participation, today)
    may_file = permissions.can_record(request.user, participation)
    form = None
    if may_file and status.open_periods:
        form = StatusReportForm(request.POST or None, periods=status.open_periods)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("There is no period to report on now."))
            return redirect("progress:reports", pk=participation.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.status_report_submit(
                    user=request.user,
                    participation=participation,
                    period_number=d["period"],
                    progress=d["progress"],
                    challenges=d["challenges"],
                    support_wanted=d["support_wanted"],
                    traffic_light=d["traffic_light"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Thank you: the status report is filed."))
                return redirect("progress:reports", pk=participation.pk)
        messages.error(request, _("The report was not filed; see the form below."))
    page = page_of(request, selectors.reports_of(participation))
    return render(
        request,
        "progress/reports.html",
        {
            "participation": participation,
            "status": status,
            "form": form,
            "may_file": may_file,
            "page": page,
            "today": today,
        },
    )


@login_required
def report(request, pk: int):
    report = permissions.get_report_for_user(request.user, pk, write=request.method == "POST")
    may_edit = permissions.can_record(request.user, report.participation)
    form = None
    if may_edit:
        initial = {
            "progress": report.progress,
            "challenges": report.challenges,
            "support_wanted": report.support_wanted,
            "traffic_light": report.traffic_light,
            "version": report.version,
        }
        form = StatusReportEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.status_report_update(
                    user=request.user,
                    report=report,
                    version=d["version"],
                    progress=d["progress"],
                    challenges=d["challenges"],
                    support_wanted=d["support_wanted"],
                    traffic_light=d["traffic_light"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The status report is saved."))
                return redirect("progress:report", pk=report.pk)
        messages.error(request, _("The report was not saved; see the form below."))
    history = report.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "progress/report.html", {"report": report, "form": form, "history": history})


@login_required
def round_reports(request, round_id: int):
    round_obj = permissions.get_round_for_report_readers(request.user, round_id)
    if request.method == "POST":
        raise PermissionDenied
    practice_ids = permissions.reports_practice_ids(request.user, round_obj)
    today = timezone.localdate()
    page = page_of(
        request,
        selectors.round_participations(round_obj, practice_ids=practice_ids),
        path=reverse("progress:round_reports", args=[round_obj.pk]),
    )
    statuses = selectors.report_statuses(page.object_list, today)
    return render(
        request,
        "progress/round_reports.html",
        {"round": round_obj, "page": page, "statuses": statuses, "today": today},
    )
