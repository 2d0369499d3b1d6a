"""Issue 8: on a 390×844 phone no main page scrolls sideways, and axe-core finds nothing on it.

Each role logs in (by session cookie, as in test_accessibility.py) on data like the demo's (that module's
`world`, plus a selected practice, a draft, a provider's login and a pending claim), opens every main
page it uses at 390×844 and measures `document.documentElement.scrollWidth` against the window's width;
axe runs on the same pages. A wide table may scroll inside its own labelled region, never the page.

The pages come from the URL conf: every URL name is either measured here (PAGES) or set aside with a
reason (NOT_PAGES), and `test_every_url_name_is_measured_or_set_aside` fails on a name that is neither,
so a new page is not forgotten.

The error pages (400, 403, 404, 500, CSRF failure, the login lockout) are checked by axe at both
viewports and for sideways scroll on the phone: 404 as the live server answers it; the others as
Django's own handlers render them, served to the browser at the live server's address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications import services as app_services
from applications.models import ApplicationStatus
from practices.models import PersonKind
from tests.activities.service_factories import make_person, provider_user
from tests.conftest import make_application
from tests.e2e.test_accessibility import (  # noqa: F401 (world is a fixture)
    World,
    axe_violations,
    describe,
    log_in_by_cookie,
    signin_link_token,
    world,
)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

OVERFLOW_JS = """() => {
  const root = document.documentElement, width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !e.closest('.table-responsive'))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
  return {scroll: root.scrollWidth, width: width, wide: wide};
}"""


@pytest.fixture
def phone_world(world):  # noqa: F811 (the fixture imported above)
    """`world`, plus what its pages lack: a selected practice that has still to accept, a draft in the
    open round, a provider's login for the activity's organisation and a claim awaiting approval."""
    leader = world.actors["leader"]
    selected = make_application(world.closed_round, municipality="Viborg")
    app_services.application_decide(application=selected, user=leader, outcome=ApplicationStatus.SELECTED)
    owner = world.actors["owner"]
    draft = make_application(world.open_round, practice=world.application.practice, user=owner, submit=False)
    from activities import services as act_services

    practice_user = world.actors["practice"]
    claim = act_services.claim_submit(
        user=practice_user,
        practice=world.practice,
        person=make_person(world.practice, kind=PersonKind.DOCTOR, name="Dorthe Dalgaard"),
        description="Kursus i rationel farmakoterapi hos en anden udbyder.",
        occurred_on=world.closed_round.hour_window_start + dt.timedelta(days=1),
        hours=Decimal("3"),
        round_obj=world.closed_round,
    )
    world.actors.update(selected=selected.created_by, provider=provider_user(world.activity.provider))
    # A consultant of the round, assigned to the practice's participation, with a session of each kind.
    from ligepraksis.models import Role
    from progress.services.consultants import consultant_session_record
    from tests.conftest import make_user

    participation = world.practice.participations.get(round=world.closed_round)
    consultant = make_user("konsulent@example.org", role=Role.CONSULTANT, round=world.closed_round)
    app_services.participation_assign_consultant(
        participation=participation, consultant=consultant, by=leader
    )
    for kind, hours in (("medical", "1"), ("process", "2")):
        consultant_session_record(
            participation=participation,
            by=consultant,
            held_on=timezone.localdate(participation.accepted_at),
            hours=Decimal(hours),
            kind=kind,
            topic="Klinikmodulet: valg af målgruppe og fokus",
            note="Praksis har valgt patienter med lav sundhedskompetence som målgruppe.",
        )
    world.actors["consultant"] = consultant
    from django.db import transaction

    from ligepraksis import filejobs

    with transaction.atomic():  # a large export the leader asked for, made (no broker: at once)
        file_job = filejobs.file_job_create(
            kind="activities.signups",
            params={"round": world.closed_round.pk},
            user=leader,
            filename="tilmeldinger-2026.xlsx",
        )
    filejobs.run(file_job.pk)
    file_job.refresh_from_db()
    # Money: the 2026 rates, the round's paid items, two budget lines (one past its warning) and an entry.
    from finance.models import Rate
    from finance.services import budget as budget_services
    from finance.services import earnings as earning_services

    Rate.objects.create(
        region=world.closed_round.region, year=2026, hourly=Decimal("1098.80"), per_km=Decimal("3.94")
    )
    earning_services.pay_items_ensure(round_obj=world.closed_round)
    for name, granted, spent in (
        ("Facilitering og konsulenter", "900000", "215000"),
        ("Arrangementer", "250000", "240000"),
    ):
        line = budget_services.budget_line_save(
            user=leader, round_obj=world.closed_round, name=name, granted=Decimal(granted)
        )
        budget_services.expense_add(
            user=leader,
            line=line,
            description="Lokaler og forplejning",
            amount=Decimal(spent),
            incurred_on=world.closed_round.hour_window_start + dt.timedelta(days=3),
        )
    world.extra = {
        "selected": selected,
        "draft": draft,
        "claim": claim,
        "file_job": file_job,
        "participation": participation,
    }
    world.extra.update(_progress_reports_extra(world, practice_user, leader))
    world.extra.update(_evaluation_extra(world, leader))
    return world


def _evaluation_extra(w, leader) -> dict:
    """evaluation/: a draft questionnaire, and a sent one (not anonymous) answered by one of the
    practice's coordinators, with the other coordinator's unspent link."""
    from evaluation.models import Invitation
    from evaluation.services.questionnaires import questionnaire_send
    from tests.evaluation.factories import answer, questionnaire, token

    draft = questionnaire(w.closed_round, leader, title="Kladde til spørgeskema")
    sent = questionnaire(w.closed_round, leader, anonymous=False, title="Før forløbet: sårbare patienter")
    questionnaire_send(user=leader, questionnaire=sent)
    first, second = Invitation.objects.filter(questionnaire=sent, practice=w.practice).order_by("pk")[:2]
    answer(first, text="Tid til at ringe patienterne op.")
    out = {"questionnaire": draft, "sent_questionnaire": sent, "answer_token": token(second)}
    return {**out, **_sharing_extra(w, leader)}


def _sharing_extra(w, leader) -> dict:
    """evaluation/: an interview with the practice, its evaluation (consenting: a postcard) and an entry
    in its knowledge-sharing register."""
    from applications.models import Participation
    from evaluation.services import sharing

    participation = Participation.objects.get(round=w.closed_round, practice=w.practice)
    practice_user = w.actors["practice"]
    interview = sharing.interview_schedule(
        user=leader,
        participation=participation,
        scheduled_at=timezone.now() + dt.timedelta(days=7),
        place="https://moede.midtkraft.example/lige-praksis/interview-med-praksis",
        notes="Praksis fortæller om faste telefontider til sårbare patienter.",
    )
    sharing.evaluation_save(
        user=practice_user,
        participation=participation,
        version=None,
        data={
            "example": "Vi ringer til patienter, der udebliver fra en kontrol, og tilbyder en ny tid.",
            "what_worked": "Faste tider til opringninger.",
            "learning_points": "Små faste vaner holder bedre end store planer.\nTag hele personalet med.",
            "recommendations": "Start med en lille gruppe patienter.",
        },
    )
    postcard = sharing.evaluation_consent(user=practice_user, participation=participation, give=True)
    item = sharing.knowledge_item_add(
        user=practice_user,
        participation=participation,
        data={
            "kind": "article",
            "title": "Små vaner gør en stor forskel for sårbare patienter",
            "channel": "Månedsskrift for Almen Praksis",
            "status": "in_progress",
            "link": "https://midtkraft.example/videndeling/en-meget-lang-adresse-til-artiklen-om-sma-vaner",
        },
    )
    return {"interview": interview, "postcard": postcard, "knowledge_item": item}


def _progress_reports_extra(w, practice_user, leader) -> dict:
    """progress/: the practice's participation with a status report, and a published material file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import Participation
    from progress.sample_files import sample_pdf
    from progress.services import material as material_services
    from progress.services import reports as report_services

    participation = Participation.objects.get(round=w.closed_round, practice=w.practice)
    report = report_services.status_report_submit(
        user=practice_user,
        participation=participation,
        period_number=1,
        progress="Klinikmodulet er holdt, og vi har valgt vores patientgruppe.",
        challenges="Tid i hverdagen.",
        traffic_light="yellow",
    )
    material = material_services.material_upload(
        user=leader,
        round_obj=w.closed_round,
        upload=SimpleUploadedFile("drejebog.pdf", sample_pdf("Drejebog", ["Trin 1", "Trin 2"])),
        title="Drejebog for Lige Praksis i Midt",
        kind="playbook",
        description="Trin for trin fra klinikmodul til egen indsats.",
    )
    return {"participation": participation, "status_report": report, "material": material}


def closed(w: World) -> dict:
    return {"round_id": w.closed_round.pk}


def app(w: World) -> dict:
    return {"pk": w.application.pk}


def practice(w: World) -> dict:
    return {"pk": w.practice.pk}


def nothing(w: World) -> dict:
    return {}


def participation(w: World) -> dict:
    return {"pk": w.practice.participations.get(round=w.closed_round).pk}


def milestone(w: World) -> dict:
    from progress.models import Milestone
    from progress.services.milestones import milestones_ensure

    part = w.practice.participations.get(round=w.closed_round)
    milestones_ensure(participations=[part])
    return {"pk": Milestone.objects.filter(participation=part, template__kind="clinic_module").get().pk}


def pdsa_cycle(w: World) -> dict:
    """The practice's own intervention with one PDSA cycle (made through the services)."""
    from progress.models import PdsaCycle
    from progress.services import records

    part = w.practice.participations.get(round=w.closed_round)
    cycle = PdsaCycle.objects.filter(intervention__participation=part).first()
    if cycle is None:
        today = dt.date.today()
        intervention = records.intervention_save(
            participation=part,
            user=None,
            version=None,
            data={"aims": "Færre udeblivelser blandt sårbare patienter"},
        )
        cycle = records.pdsa_cycle_add(
            intervention=intervention,
            user=None,
            data={"plan_on": today, "plan": "Ring til patienter, der udebliver fra årskontrollen"},
        )
    return {"pk": cycle.pk}


def with_intervention(w: World) -> dict:
    pdsa_cycle(w)
    return participation(w)


# (URL name, actor or None for anonymous, URL kwargs, query string)
PAGES: list[tuple[str, str | None, Callable[[World], dict], str]] = [
    *[
        ("home", actor, nothing, "")
        for actor in (None, "owner", "selected", "practice", "steering", "leader", "provider")
    ],
    ("login", None, nothing, ""),
    ("signin_link", None, nothing, ""),
    ("signin_link_confirm", None, lambda w: {"token": signin_link_token()}, ""),
    ("password_reset", None, nothing, ""),
    ("password_reset_done", None, nothing, ""),
    ("password_reset_confirm", None, lambda w: {"uidb64": "MQ", "token": "forkert"}, ""),
    ("password_reset_complete", None, nothing, ""),
    ("practices:join", None, nothing, ""),
    ("practices:people", "practice", practice, ""),
    ("applications:apply", None, lambda w: {"round_id": w.open_round.pk}, ""),
    ("applications:start", "owner", lambda w: {"round_id": w.open_round.pk}, ""),
    ("applications:mine", "owner", nothing, ""),
    ("applications:detail", "owner", app, ""),
    ("applications:detail", "selected", lambda w: {"pk": w.extra["selected"].pk}, ""),
    ("applications:detail", "leader", app, ""),
    ("applications:edit", "owner", lambda w: {"pk": w.extra["draft"].pk}, ""),
    ("applications:accept", "selected", lambda w: {"pk": w.extra["selected"].pk}, ""),
    ("applications:review", "steering", app, ""),
    ("applications:round_list", "steering", closed, ""),
    ("applications:round_list", "leader", closed, ""),
    ("applications:selection", "leader", closed, ""),
    ("applications:selection", "leader", closed, "?suggest=1"),
    ("activities:catalogue", None, nothing, ""),
    ("activities:catalogue", "practice", nothing, ""),
    ("activities:activity", None, lambda w: {"pk": w.activity.pk}, ""),
    ("activities:activity", "leader", lambda w: {"pk": w.activity.pk}, ""),
    ("activities:activity", "provider", lambda w: {"pk": w.activity.pk}, ""),
    ("activities:signup", "practice", lambda w: {"pk": w.future_session.pk}, ""),
    ("activities:my_hours", "leader", nothing, ""),
    ("activities:practice_hours", "practice", practice, ""),
    ("activities:practice_hours", "leader", practice, ""),
    ("activities:practice_history", "practice", practice, ""),
    ("activities:practice_history", "leader", practice, ""),
    ("activities:claim_new", "practice", practice, ""),
    ("activities:claims", "leader", closed, ""),
    ("activities:overview", "leader", closed, ""),
    ("activities:catalogue_import", "leader", closed, ""),
    ("activities:activity_new", "leader", closed, ""),
    ("activities:activity_edit", "leader", lambda w: {"pk": w.activity.pk}, ""),
    ("activities:session_new", "leader", lambda w: {"pk": w.activity.pk}, ""),
    ("activities:session_edit", "leader", lambda w: {"pk": w.future_session.pk}, ""),
    ("activities:attendance", "leader", lambda w: {"pk": w.past_session.pk}, ""),
    ("activities:attendance", "provider", lambda w: {"pk": w.past_session.pk}, ""),
    ("activities:mine", "leader", nothing, ""),
    ("activities:mine", "provider", nothing, ""),
    (
        "activities:registration_cancel",
        "practice",
        lambda w: {"pk": w.future_session.registrations.filter(practice=w.practice).first().pk},
        "",
    ),
    ("file_job", "leader", lambda w: {"pk": w.extra["file_job"].pk}, ""),
    (
        "finance:money",
        "practice",
        lambda w: {"pk": w.practice.participations.get(round=w.closed_round).pk},
        "",
    ),
    (
        "finance:entry_new",
        "practice",
        lambda w: {"pk": w.practice.participations.get(round=w.closed_round).pk},
        "",
    ),
    ("finance:entries", "leader", closed, ""),
    ("finance:round_money", "leader", closed, ""),
    ("finance:budget", "leader", closed, ""),
    ("finance:expense_new", "leader", closed, ""),
    ("finance:line_new", "leader", closed, ""),
    ("finance:history", "leader", closed, ""),
    ("finance:pay_items", "leader", closed, ""),
    ("finance:rates", "leader", lambda w: {"region_id": w.closed_round.region_id}, ""),
    (
        "finance:correction_new",
        "leader",
        lambda w: {"pk": w.practice.participations.get(round=w.closed_round).pk},
        "",
    ),
    ("finance:instalments", "leader", closed, ""),
    ("finance:payments", "leader", closed, ""),
    ("progress:reports", "practice", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:reports", "leader", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:reports", "steering", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:report", "practice", lambda w: {"pk": w.extra["status_report"].pk}, ""),
    ("progress:report", "leader", lambda w: {"pk": w.extra["status_report"].pk}, ""),
    ("progress:round_reports", "leader", closed, ""),
    ("progress:round_reports", "steering", closed, ""),
    ("progress:material", None, nothing, ""),
    ("progress:material", "practice", nothing, ""),
    ("progress:material_manage", "leader", closed, ""),
    ("progress:material_edit", "leader", lambda w: {"pk": w.extra["material"].pk}, ""),
    ("privacy", None, nothing, ""),
    ("progress:consultant_home", "consultant", nothing, ""),
    ("progress:consultant_sessions", "consultant", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:consultant_sessions", "leader", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:consultant_sessions", "practice", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:consultant_sessions", "steering", lambda w: {"pk": w.extra["participation"].pk}, ""),
    ("progress:consultant_assign", "leader", closed, ""),
    ("progress:progress", "practice", participation, ""),
    ("progress:progress", "leader", participation, ""),
    ("progress:milestone", "leader", milestone, ""),
    ("progress:dashboard", "leader", closed, ""),
    ("progress:template", "leader", closed, ""),
    ("progress:clinic_module", "practice", participation, ""),
    ("progress:followup", "practice", participation, ""),
    ("progress:intervention", "practice", with_intervention, ""),
    ("progress:pdsa_new", "practice", with_intervention, ""),
    ("progress:pdsa_edit", "practice", pdsa_cycle, ""),
    ("evaluation:questionnaires", "leader", closed, ""),
    ("evaluation:questionnaire_new", "leader", closed, ""),
    ("evaluation:questionnaire", "leader", lambda w: {"pk": w.extra["questionnaire"].pk}, ""),
    ("evaluation:questionnaire", "leader", lambda w: {"pk": w.extra["sent_questionnaire"].pk}, ""),
    ("evaluation:question_new", "leader", lambda w: {"pk": w.extra["questionnaire"].pk}, ""),
    ("evaluation:results", "leader", lambda w: {"pk": w.extra["sent_questionnaire"].pk}, ""),
    (
        "evaluation:answer",
        None,
        lambda w: {"questionnaire_id": w.extra["sent_questionnaire"].pk, "token": w.extra["answer_token"]},
        "",
    ),
    ("evaluation:practice_answers", "practice", lambda w: {"practice_id": w.practice.pk}, ""),
    ("evaluation:interviews", "leader", closed, ""),
    ("evaluation:interview_new", "leader", closed, ""),
    ("evaluation:interview", "leader", lambda w: {"pk": w.extra["interview"].pk}, ""),
    ("evaluation:evaluations", "leader", closed, ""),
    ("evaluation:evaluations", "steering", closed, ""),
    ("evaluation:practice_evaluation", "practice", participation, ""),
    ("evaluation:practice_evaluation", "leader", participation, ""),
    ("evaluation:register", "leader", closed, ""),
    ("evaluation:participation_register", "practice", participation, ""),
    ("evaluation:knowledge_item", "practice", lambda w: {"pk": w.extra["knowledge_item"].pk}, ""),
    ("evaluation:postcards", None, nothing, ""),
    ("evaluation:postcard", None, lambda w: {"pk": w.extra["postcard"].pk}, ""),
    ("evaluation:reports", "leader", closed, ""),
]

# URL names that are no page a user reads: what they answer instead.
NOT_PAGES = {
    "health": "a health check for the load balancer",
    "set_language": "POST only",
    "logout": "POST only",
    "practices:person_access": "POST only",
    "practices:feed_reset": "POST only",
    "practices:join_verify": "a step reached only from an e-mailed link (it redirects to join_practice)",
    "practices:join_practice": "a step behind join_verify's e-mailed link",
    "practices:consent": "a page reached only from an e-mailed link",
    "applications:verify": "a step reached only from an e-mailed link (it redirects to start)",
    "applications:reopen": "POST only",
    "applications:delete": "POST only",
    "applications:confirm_request": "POST only",
    "applications:confirm_practice": "POST only",
    "applications:hand_over": "POST only",
    "applications:lift_conflict": "POST only",
    "applications:withdraw": "POST only",
    "applications:recommend": "POST only",
    "applications:decide": "POST only",
    "applications:apply_suggestion": "POST only (the preview is the selection page with ?suggest=1)",
    "accessibility_statement": "a redirect to the statement published in the WAS-Tool",
    "applications:offer": "POST only",
    "applications:export": "a spreadsheet file",
    "applications:decision_letter": "a PDF file (a small status page while it is being made)",
    "applications:terms_pdf": "a PDF file (a small status page while it is being made)",
    "activities:catalogue_export": "a spreadsheet file",
    "activities:signups_export": "a spreadsheet file (or, when large, a redirect to file_job)",
    "file_job_download": "a spreadsheet file made in the worker",
    "activities:claim_evidence": "an uploaded file",
    "progress:material_download": "an uploaded file (PDF, DOCX or PPTX)",
    "activities:claims_decide": "POST only (its refusals show the claims page again)",
    "activities:session_cancel": "POST only",
    "finance:entry_decide": "POST only (its refusals show the entries page again)",
    "finance:budget_export": "a spreadsheet file",
    "finance:expense_paid": "POST only",
    "finance:instalment_decide": "POST only (its refusals show the money page again)",
    "finance:payments_export": "a spreadsheet file",
    "finance:payments_pay": "POST only (its refusals show the payment list again)",
    "evaluation:questionnaire_send": "POST only",
    "evaluation:answers_export": "a spreadsheet file",
    "evaluation:evaluation_consent": "POST only (its answer is the practice's evaluation page)",
    "evaluation:report_request": "POST only (it redirects to file_job)",
    "evaluation:report_retry": "POST only",
    "calendar:person": "an .ics calendar feed",
    "calendar:practice": "an .ics calendar feed",
    "progress:consultant_budget": "POST only (its answer is the consultant sessions page)",
}
NOT_PAGE_NAMESPACES = {"admin": "Django's admin, for staff at a desk, with its own responsive layout"}

ACTORS = [None, "owner", "selected", "practice", "steering", "leader", "provider", "consultant"]


def url_names(resolver=None, ns: str = "") -> set[str]:
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            names |= url_names(p, ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern) and p.name:
            names.add(ns + p.name)
    return names


def test_every_url_name_is_measured_or_set_aside():
    names = {n for n in url_names() if n.split(":")[0] not in NOT_PAGE_NAMESPACES}
    measured = {p[0] for p in PAGES}
    assert not measured & set(NOT_PAGES), measured & set(NOT_PAGES)
    forgotten = sorted(names - measured - set(NOT_PAGES))
    assert not forgotten, f"add these to PAGES (or NOT_PAGES with a reason): {forgotten}"
    gone = sorted((measured | set(NOT_PAGES)) - names)
    assert not gone, f"no longer in the URL conf: {gone}"


def measure(page) -> dict:
    return page.evaluate(OVERFLOW_JS)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("actor", ACTORS, ids=[a or "anonymous" for a in ACTORS])
def test_no_main_page_scrolls_sideways_on_a_phone(live_server, new_context, phone_world, actor):
    base = live_server.url
    context = new_context(viewport=PHONE, bypass_csp=True)
    if actor:
        log_in_by_cookie(context, base, phone_world.actors[actor])
    page = context.new_page()
    problems = []
    pages = [(n, kw, q) for n, a, kw, q in PAGES if a == actor]
    assert pages
    for name, kwargs, query in pages:
        path = reverse(name, kwargs=kwargs(phone_world)) + query
        response = page.goto(f"{base}{path}")
        status = response and response.status
        if status != 200 or (actor and "/login/" in page.url):
            problems.append(f"{path}: answered {status} at {page.url}")
            continue
        found = measure(page)
        if found["scroll"] > found["width"]:
            problems.append(
                f"{path}: {found['scroll']}px wide in a {found['width']}px window; {found['wide']}"
            )
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}: axe\n{describe(violations)}")
    assert not problems, f"as {actor or 'anonymous'}:\n" + "\n".join(problems)


def _render_error(kind: str) -> tuple[int, str]:
    """The page Django's own handler answers with (the portal's templates)."""
    from django.core.exceptions import BadRequest, PermissionDenied
    from django.views import csrf, defaults

    request = RequestFactory().get("/")
    if kind == "400":
        response = defaults.bad_request(request, BadRequest())
    elif kind == "403":
        response = defaults.permission_denied(request, PermissionDenied())
    elif kind == "500":
        response = defaults.server_error(request)
    elif kind == "csrf":
        response = csrf.csrf_failure(request, reason="CSRF token missing.")
    else:  # the login lockout
        from django.shortcuts import render

        response = render(request, "throttled.html", {"message": "Prøv igen om 5 minutter."}, status=429)
    return response.status_code, response.content.decode()


ERRORS = ["400", "403", "404", "500", "csrf", "lockout"]
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
@pytest.mark.parametrize("kind", ERRORS, ids=ERRORS)
def test_error_pages_are_clean_for_axe_and_fit_a_phone(live_server, new_context, kind, viewport):
    base = live_server.url
    context = new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    if kind == "404":
        url = f"{base}/findes-ikke/"
        expected = 404
    else:
        status, body = _render_error(kind)
        url = f"{base}/fejlside-{kind}/"
        expected = status
        page.route(
            url,
            lambda route: route.fulfill(status=status, body=body, content_type="text/html; charset=utf-8"),
        )
    response = page.goto(url)
    assert response is not None and response.status == expected
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").count() == 1
    found = measure(page)
    assert found["scroll"] <= found["width"], found
    violations = axe_violations(page)
    assert not violations, f"{kind} at {viewport}:\n{describe(violations)}"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_menu_opens_with_the_toggler_on_a_phone(live_server, new_context, phone_world):
    from playwright.sync_api import expect

    base = live_server.url
    context = new_context(viewport=PHONE)
    log_in_by_cookie(context, base, phone_world.actors["leader"])
    page = context.new_page()
    page.goto(f"{base}/")
    menu = page.locator("#mainnav")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Aktiviteter", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Log ud")).to_be_visible()
    found = measure(page)
    assert found["scroll"] <= found["width"], found
    # The language menu is reachable in the opened menu and changes nothing until its button is pressed.
    language = menu.locator("select#language")
    language.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.locator("html").get_attribute("lang") == "da"
