"""Finding 17: a Content-Security-Policy with no inline script, private pages kept out of caches, and a
session that ends after some idle hours.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ligepraksis import middleware
from tests.conftest import make_user
from tests.test_deployment import SETUP, _env, _python, _random_secret_key

ROOT = Path(__file__).resolve().parent.parent
BACKEND = "ligepraksis.auth.EmailBackend"


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/aktiviteter/"])
def test_pages_send_a_content_security_policy_without_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert "script-src-attr" not in policy and "script-src-elem" not in policy


TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
# An event handler attribute (onclick=, onchange= ...), a javascript: URL, or a <script> without src.
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _inline_script_problems(text: str) -> list[str]:
    problems = [m.group(0)[:80] for m in INLINE_HANDLER.finditer(text)]
    problems += [m.group(0)[:80] for m in JAVASCRIPT_URL.finditer(text)]
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        data_block = re.search(r"""type\s*=\s*["']?application/(?:ld\+)?json""", attributes, re.IGNORECASE)
        if not re.search(r"\ssrc\s*=", attributes) and not data_block:
            problems.append(match.group(0))
    return problems


def test_the_inline_script_check_finds_what_it_looks_for():
    """The control for the test below: each kind of inline script is caught, the allowed forms are not."""
    assert _inline_script_problems('<select name="x" onchange="this.form.submit()">')
    assert _inline_script_problems('<button\n  class="b" onClick="go()">')
    assert _inline_script_problems('<a href="javascript:void(0)">')
    assert _inline_script_problems("<script>alert(1)</script>")
    assert not _inline_script_problems('<script src="/static/x.js"></script>')
    assert not _inline_script_problems('<script type="application/json" id="d">{}</script>')
    assert not _inline_script_problems('<div data-bs-toggle="collapse" aria-controls="on">')


def test_no_template_has_inline_script_or_event_handlers():
    templates = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(templates) > 20, TEMPLATE_DIRS  # the check really reads the templates
    problems = {
        str(p.relative_to(ROOT)): found
        for p in templates
        if (found := _inline_script_problems(p.read_text(encoding="utf-8")))
    }
    assert not problems, problems


@pytest.mark.django_db
def test_language_is_changed_with_a_visible_button(client):
    html = client.get("/").content.decode()
    form = re.search(r'<form action="/sprog/".*?</form>', html, re.DOTALL).group(0)
    assert '<select id="language" name="language"' in form
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Skift\s*</button>', form)
    assert "<noscript>" not in form


# --- Private pages are not cached; the session's idle timeout ------------------------------------


@pytest.mark.django_db
def test_pages_for_a_signed_in_user_are_private_and_not_stored(client):
    user = make_user("c@example.org")
    assert "Cache-Control" not in client.get("/").headers  # anonymous: the control
    client.force_login(user, backend=BACKEND)
    for path in ("/", reverse("applications:mine"), reverse("activities:catalogue")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


@pytest.mark.django_db
def test_an_export_is_private_and_not_stored(client, closed_round, leader):
    client.force_login(leader, backend=BACKEND)
    response = client.get(reverse("applications:export", args=[closed_round.pk]) + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


def test_a_download_without_a_signed_in_user_is_private_too(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    def download(request):
        response = HttpResponse(b"x")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    def chosen(request):
        response = download(request)
        response["Cache-Control"] = "private, max-age=900"  # a calendar feed's own choice stays
        return response

    request = rf.get("/")
    request.user = AnonymousUser()
    private = middleware.PrivatePagesNotCachedMiddleware
    assert private(download)(request)["Cache-Control"] == "private, no-store"
    assert private(chosen)(request)["Cache-Control"] == "private, max-age=900"


@pytest.mark.django_db
def test_a_session_ends_after_8_idle_hours_and_each_request_renews_it(client):
    assert settings.SESSION_IDLE_HOURS == 8
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client.force_login(make_user("d@example.org"), backend=BACKEND)
    response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]  # sent again: the 8 hours start anew
    assert int(cookie["max-age"]) == 8 * 60 * 60


def test_the_idle_timeout_is_a_setting():
    result = _python(
        SETUP + "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE)",
        _env(SECRET_KEY=_random_secret_key(), SESSION_IDLE_HOURS="2"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(2 * 60 * 60)
