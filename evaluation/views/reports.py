"""The round's reports page: ask for the KEU status report (project leaders, the region's KEU
secretariat), the report note and the postcards (evaluators, project leaders); the list of the round's
reports with their status, error and a retry for a failed one; the steering group reads the finished
ones. The file is made in the worker; its progress and download are the core's job page
(ligepraksis.views.file_job), which polls the row."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import permissions
from evaluation.forms.reports import KeuReportForm, PostcardsForm
from evaluation.services import reports as services
from ligepraksis import filejobs
from ligepraksis.models import FileJob, FileJobStatus
from ligepraksis.paging import page_of


def _may(user, round_obj) -> dict[str, bool]:
    return {kind: permissions.may_request_report(user, kind, round_obj) for kind in services.KINDS}


@login_required
def reports(request, round_id: int):
    round_obj = permissions.get_round_for_reports(request.user, round_id)
    may = _may(request.user, round_obj)
    asks = any(may.values())
    page = page_of(request, services.round_reports(round_obj, finished_only=not asks), per_page=20)
    context = {
        "round": round_obj,
        "page": page,
        "asks": asks,
        "may_keu": may[services.KEU_REPORT],
        "may_note": may[services.REPORT_NOTE],
        "may_postcards": may[services.POSTCARDS],
        "keu_form": KeuReportForm(initial={"as_of": timezone.localdate(), "variant": "full"}),
        "postcards_form": PostcardsForm(round_obj=round_obj),
        "kinds": {
            services.KEU_REPORT: _("KEU status report"),
            services.REPORT_NOTE: _("Report note"),
            services.POSTCARDS: _("Postcards"),
        },
    }
    return render(request, "evaluation/reports.html", context)


@login_required
@require_POST
def report_request(request, round_id: int, kind: str):
    round_obj = permissions.get_round_for_reports(request.user, round_id)
    if kind not in services.KINDS or not permissions.may_request_report(request.user, kind, round_obj):
        raise Http404
    extra = {}
    if kind == services.KEU_REPORT:
        form = KeuReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a valid date and variant for the report."))
            return redirect("evaluation:reports", round_id=round_obj.pk)
        extra = {"as_of": form.cleaned_data["as_of"], "variant": form.cleaned_data["variant"]}
    elif kind == services.POSTCARDS:
        form = PostcardsForm(request.POST, round_obj=round_obj)
        if not form.is_valid():
            messages.error(request, _("Choose one of the practices that consent to publish, or all of them."))
            return redirect("evaluation:reports", round_id=round_obj.pk)
        if form.cleaned_data["participation"]:
            extra = {"participation_id": form.cleaned_data["participation"].pk}
    job = services.report_request(user=request.user, kind=kind, round_obj=round_obj, **extra)
    messages.success(request, _("The report is being made. This page shows when it is ready."))
    return redirect("file_job", pk=job.pk)


@login_required
@require_POST
def report_retry(request, pk: int):
    job = FileJob.objects.filter(pk=pk, kind__in=services.KINDS).first()
    if job is None:
        raise Http404
    round_obj = permissions.get_round_for_reports(request.user, job.params.get("round"))
    if not permissions.may_request_report(request.user, job.kind, round_obj):
        raise Http404
    if job.status == FileJobStatus.FAILED and filejobs.requeue_failed(job.pk):
        messages.success(request, _("The report is being made again."))
        return redirect("file_job", pk=job.pk)
    messages.info(request, _("The report is not failed, so there is nothing to try again."))
    return redirect("evaluation:reports", round_id=round_obj.pk)
