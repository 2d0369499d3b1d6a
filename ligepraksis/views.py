from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ligepraksis import filejobs, permissions, registry, signin, throttle
from ligepraksis.email_links import link_page, send_login_link
from ligepraksis.exports import CACHE_CONTROL
from ligepraksis.forms import EmailForm
from ligepraksis.models import FileJobStatus, ProgrammeRound


def home(request):
    """The start page: each app's cards for this user (``<app>/portal.py``), grouped by role, each
    with where the user stands and the next thing to do."""
    context = {"parts": registry.collect_parts(request)}
    if request.user.is_authenticated:
        grants = permissions.role_grants(request.user)
        context["roles"] = list(dict.fromkeys(str(g.get_role_display()) for g in grants))
    return render(request, "home.html", context)


def health(request):
    """For the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "POST"])
@throttle.sign_in_mail
def signin_link(request):
    """A sign-in link at any time for an account without a password (an applicant after the deadline,
    a colleague given a login); any other address is told by e-mail to use its password."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return send_login_link(
            request,
            email=form.cleaned_data["email"],
            scope=signin.SCOPE_SIGNIN,
            url_name="signin_link_confirm",
            template="signin_link",
        )
    return render(request, "registration/signin_link.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signin_link_confirm(request, token: str):
    """The e-mailed link: a page with a "Log in" button, whose POST spends the link."""
    return link_page(
        request,
        token,
        scope=signin.SCOPE_SIGNIN,
        success_url=reverse(settings.LOGIN_REDIRECT_URL),
        retry_url=reverse("signin_link"),
    )


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked login (settings.AXES_LOCKOUT_CALLABLE): a Danish page that says
    when the lock ends and the two ways back by e-mail, with axes' status code (429)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request) or timedelta(0)
    context = {
        "minutes": max(1, int(cool_off.total_seconds() // 60)),
        # Each attempt while locked starts the cool-off again, so it ends this long after this one.
        "until": timezone.now() + cool_off,
    }
    return render(
        request, "login_locked.html", context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    )


def accessibility_statement(request):
    """/was: the accessibility statement, published in Digitaliseringsstyrelsen's WAS-Tool."""
    return redirect(settings.ACCESSIBILITY_STATEMENT_URL)


def privacy(request):
    """The privacy notice: what the portal keeps, why, for how long, and who is responsible."""
    rounds = ProgrammeRound.objects.order_by("-year", "name")
    context = {
        "rounds": [(r, r.ended_on(), r.personal_data_kept_until()) for r in rounds],
        "retention_months": settings.PERSONAL_DATA_RETENTION_MONTHS,
        "controller_name": settings.DATA_CONTROLLER_NAME,
        "controller_contact": settings.DATA_CONTROLLER_CONTACT,
    }
    return render(request, "privacy.html", context)


@login_required
def file_job(request, pk: int):
    """A file being made in the worker (a large export): its status, and the download when it is ready.
    The page asks again every few seconds while the file is being made (a Refresh header: no script)."""
    job = filejobs.get_job_for_user(request.user, pk)
    response = render(request, "file_job.html", {"job": job})
    if job.is_pending:
        response["Refresh"] = "3"
    return response


@login_required
def file_job_download(request, pk: int):
    """The finished file, only to those who may see the job (checked again at every download)."""
    job = filejobs.get_job_for_user(request.user, pk)
    if job.status != FileJobStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=job.filename or None)
    response["Cache-Control"] = CACHE_CONTROL
    return response
