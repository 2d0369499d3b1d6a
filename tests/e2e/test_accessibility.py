"""Automated accessibility checks: axe-core on the portal's main pages, in a real browser.

axe-core is vendored in tests/e2e/vendor (see the README there), so nothing is downloaded at run
time. Each page is loaded as the actor who normally sees it, axe is injected and run against the
WCAG 2.0 and 2.1 A and AA rules, and any violation fails the test with its rule, help text and the
first offending elements. No rule is switched off.

The actors log in by a session cookie made with Django's test client (the login form itself is one of
the pages checked, and test_apply_to_accept.py drives it), which keeps each case quick. The same data
is built for every case, because a transactional test empties the database afterwards.

axe cannot judge focus, so two keyboard tests do: the skip link is the first stop, shows and leads to
<main>, and every stop on two control-rich pages (a round menu opened) shows a solid outline of at least
2px that contrasts 3:1 with what lies behind it (WCAG 2.4.7 and 1.4.11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities import services as act_services
from activities.models import Activity, Session
from applications import services as app_services
from applications.models import Application
from ligepraksis.models import ProgrammeRound, Role
from practices.models import Practice, PracticeType
from tests.activities.service_factories import attend, make_activity, make_session, participate, provider
from tests.conftest import make_application, make_round, make_user
from tests.helpers import login

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


@dataclass
class World:
    closed_round: ProgrammeRound
    open_round: ProgrammeRound
    actors: dict  # actor name -> user
    application: Application  # submitted, in the closed round
    activity: Activity
    future_session: Session
    past_session: Session
    practice: Practice


@pytest.fixture
def world(region) -> World:
    """A closed round with submitted applications, a review and a participating practice whose doctor
    attended a past session; an open round; an activity with a future and a past session."""
    today = timezone.localdate()
    closed = make_round(
        region,
        open_=False,
        places=2,
        name="Lige Praksis i Midt 2026",
        hour_window_start=today - dt.timedelta(days=30),
        hour_window_end=today + dt.timedelta(days=30),
    )
    open_ = make_round(region, open_=True, name="Lige Praksis i Midt 2027")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=closed)
    steering = make_user("folge@example.org", role=Role.STEERING, round=closed)
    applications = [
        make_application(closed, municipality="Aarhus"),
        make_application(closed, municipality="Herning", form=PracticeType.PARTNERSHIP, capacities="3"),
        make_application(closed, municipality="Randers"),
    ]
    app_services.review_save(
        application=applications[1],
        reviewer=steering,
        scores={c.pk: (4, "") for c in closed.criteria.all()},
        comment="En stærk ansøgning.",
        conflict=False,
    )
    participation, practice_user = participate(closed, leader)
    practice = participation.practice
    doctor = participation.application.doctor_coordinator

    activity = make_activity(closed, org=provider("VID"), title="Webinar om multisygdom", hours="2.5")
    now = timezone.now()
    future = make_session(activity, starts_at=now + dt.timedelta(days=7), capacity=10)
    past = make_session(
        activity, starts_at=now - dt.timedelta(hours=3), deadline_before=dt.timedelta(hours=1), capacity=10
    )
    signed = act_services.registration_signup(
        user=practice_user,
        session=past,
        practice=practice,
        persons=[doctor],
        now=past.signup_deadline - dt.timedelta(hours=1),
    )
    attend(past, leader, *signed.confirmed)
    act_services.registration_signup(user=practice_user, session=future, practice=practice, persons=[doctor])

    return World(
        closed_round=closed,
        open_round=open_,
        actors={
            "owner": applications[0].created_by,
            "steering": steering,
            "leader": leader,
            "practice": practice_user,
        },
        application=applications[0],
        activity=activity,
        future_session=future,
        past_session=past,
        practice=practice,
    )


def signin_link_token() -> str:
    """A sign-in link's token for an account without a password (ligepraksis/signin.py)."""
    from sesame.utils import get_token

    from ligepraksis import signin
    from ligepraksis.services import user_get_or_create

    return get_token(user_get_or_create(email="link@example.org"), scope=signin.SCOPE_SIGNIN)


def log_in_by_cookie(context, base_url: str, user) -> None:
    client = login(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, WCAG_TAGS)["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:4]]
        more = f" (+{len(v['nodes']) - 4} more)" if len(v["nodes"]) > 4 else ""
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}\n    {targets}{more}")
    return "\n".join(lines)


PAGES: list[tuple[str, Callable[[World], str], str | None]] = [
    ("home", lambda w: "/", None),
    ("login", lambda w: "/login/", None),
    ("catalogue", lambda w: "/aktiviteter/", None),
    ("activity", lambda w: f"/aktiviteter/{w.activity.pk}/", None),
    ("apply", lambda w: f"/ansoeg/{w.open_round.pk}/", None),
    ("signin-link", lambda w: "/log-ind/link/", None),
    # The page an e-mailed sign-in link opens: its "Log in" button.
    ("signin-link-confirm", lambda w: f"/log-ind/link/{signin_link_token()}/", None),
    ("application-detail", lambda w: f"/ansoegninger/{w.application.pk}/", "owner"),
    ("review", lambda w: f"/ansoegninger/{w.application.pk}/vurdering/", "steering"),
    ("selection-suggest", lambda w: f"/runder/{w.closed_round.pk}/udvaelgelse/?suggest=1", "leader"),
    # A filter nobody matches: the wide table scrolls sideways with nothing focusable in it.
    ("selection-no-match", lambda w: f"/runder/{w.closed_round.pk}/udvaelgelse/?status=withdrawn", "leader"),
    ("practice-hours", lambda w: f"/praksis/{w.practice.pk}/timer/", "practice"),
    ("signup", lambda w: f"/aktiviteter/hold/{w.future_session.pk}/tilmeld/", "practice"),
    # Sign-up closed: the notice holds a link on a tinted alert background.
    ("signup-closed", lambda w: f"/aktiviteter/hold/{w.past_session.pk}/tilmeld/", "practice"),
    ("attendance", lambda w: f"/aktiviteter/hold/{w.past_session.pk}/fremmoede/", "leader"),
    ("activity-overview", lambda w: f"/runder/{w.closed_round.pk}/aktivitetsoverblik/", "leader"),
    # progress/: the leaders' matrix of badges, a practice's progress page and its clinic-module form.
    ("progress-dashboard", lambda w: f"/runder/{w.closed_round.pk}/fremdrift/", "leader"),
    ("progress-page", lambda w: f"/fremdrift/{_participation_pk(w)}/", "practice"),
    ("clinic-module", lambda w: f"/fremdrift/{_participation_pk(w)}/klinikmodul/", "practice"),
]


def _participation_pk(w: World) -> int:
    return w.practice.participations.get(round=w.closed_round).pk


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("url", "actor"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_has_no_wcag_violations(live_server, new_context, world, url, actor):
    base = live_server.url
    # axe is injected as a <script> tag, which the portal's policy (script-src 'self') rightly blocks.
    context = new_context(bypass_csp=True)
    if actor:
        log_in_by_cookie(context, base, world.actors[actor])
    page = context.new_page()
    path = url(world)
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200, (path, response and response.status)
    if actor:  # really logged in, not bounced to the login page
        assert "/login/" not in page.url, page.url
    violations = axe_violations(page)
    assert not violations, f"{path} as {actor or 'anonymous'}:\n{describe(violations)}"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_skip_link_is_first_visible_on_focus_and_moves_to_main(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/")
    skip = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= viewport["width"], (box, viewport)
    assert box["y"] + box["height"] <= viewport["height"], (box, viewport)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


# The focused element's outline, and the first opaque background among its ancestors (what the
# outline, drawn outside the element, is seen against).
FOCUS_JS = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  let bg = 'rgb(255, 255, 255)';
  for (let p = e.parentElement; p; p = p.parentElement) {
    const b = getComputedStyle(p).backgroundColor;
    if (b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { bg = b; break; }
  }
  return {tag: e.tagName, what: e.outerHTML.slice(0, 90), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor, bg: bg};
}"""


def _contrast(a: str, b: str) -> float:
    def luminance(css: str) -> float:
        r, g, b_ = (int(float(x)) / 255 for x in css[css.index("(") + 1 : -1].split(",")[:3])
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b_)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def tab_through(page: Page, limit: int = 80) -> list[str]:
    """Tab until focus leaves the page; the focus stops whose outline is missing or too faint."""
    problems, seen = [], set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop["tag"] == "BODY" or stop["what"] in seen:
            break
        seen.add(stop["what"])
        ratio = _contrast(stop["color"], stop["bg"])
        if stop["style"] in ("none", "hidden") or stop["width"] < 2 or ratio < 3:
            problems.append(
                f"{stop['what']}: {stop['style']} {stop['width']}px {stop['color']} on {stop['bg']}"
                f" ({ratio:.2f}:1)"
            )
    return problems


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("url", "actor"),
    [
        (lambda w: f"/runder/{w.closed_round.pk}/udvaelgelse/?suggest=1", "leader"),
        (lambda w: f"/ansoegninger/{w.application.pk}/", "owner"),
    ],
    ids=["selection", "application-detail"],
)
def test_every_focus_stop_shows_a_clear_outline(live_server, new_context, world, url, actor):
    base = live_server.url
    context = new_context()
    log_in_by_cookie(context, base, world.actors[actor])
    page = context.new_page()
    page.goto(f"{base}{url(world)}")
    problems = tab_through(page)
    toggle = page.locator(".lp-navbar .dropdown-toggle")
    if toggle.count():  # the round menu's items, which open on a white panel below the dark bar
        toggle.first.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".lp-navbar .dropdown-menu").first).to_be_visible()
        problems += tab_through(page, limit=4)
    assert not problems, "\n".join(problems)
