"""Issue 8: every absolute link (e-mails, calendar feeds, feed addresses) is made from SITE_URL, which
`dev.py start` sets from the address it serves and `check --deploy` insists on in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.checks import Error, Warning
from django.urls import reverse

import dev
from ligepraksis import checks, links
from ligepraksis.services import user_get_or_create
from tests.conftest import make_user
from tests.test_deployment import _check_deploy, _random_secret_key

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://portal.region.example"


def test_absolute_links_come_from_site_url(settings):
    settings.SITE_URL = SITE
    assert links.site_url() == SITE
    assert links.absolute("/aktiviteter/") == f"{SITE}/aktiviteter/"
    assert links.absolute_url("login") == f"{SITE}/login/"
    assert links.absolute_url("password_reset_confirm", "MQ", "abc") == f"{SITE}/adgangskode/ny/MQ/abc/"
    with pytest.raises(ValueError):
        links.absolute("aktiviteter/")


def test_no_module_glues_site_url_to_a_path_or_uses_the_host_header():
    """One home: links.py. A link made from the request's Host header would follow a forged header."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or path.name == "links.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"settings\.SITE_URL\s*\+|build_absolute_uri", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_a_sign_in_link_uses_site_url_not_the_host_it_was_asked_on(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["elsewhere.example"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signin_link"), {"email": "ny@example.org"}, HTTP_HOST="elsewhere.example")
    assert f"{SITE}/log-ind/link/" in mail.outbox[0].body
    assert "elsewhere.example" not in mail.outbox[0].body


@pytest.mark.django_db
def test_the_password_reset_link_uses_site_url(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = SITE
    user_get_or_create(email="ansoeger@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "ansoeger@example.org"})
    assert re.search(rf"{re.escape(SITE)}/adgangskode/ny/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    assert "testserver" not in mail.outbox[0].body


@pytest.mark.django_db
def test_the_use_your_password_mail_uses_site_url(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = SITE
    make_user("med.kode@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signin_link"), {"email": "med.kode@example.org"})
    assert f"{SITE}/adgangskode/" in mail.outbox[0].body


# --- dev.py start --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8001", "http://127.0.0.1:8001"),
        ("192.0.2.10:8080", "http://192.0.2.10:8080"),
        ("portal.local:9000", "http://portal.local:9000"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_dev_start_derives_site_url_from_the_address_it_serves(addr, expected):
    assert dev.site_url_for(addr) == expected


def test_dev_start_on_every_interface_links_to_the_machine_name(monkeypatch):
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: "praksis-pc")
    assert dev.site_url_for("0.0.0.0:8000") == "http://praksis-pc:8000"


@pytest.mark.parametrize(("argv", "expected"), [([], "http://127.0.0.1:8000"), (["0:8123"], None)])
def test_dev_start_passes_site_url_to_the_server(monkeypatch, argv, expected):
    calls = {}
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev, "ensure_env_file", lambda: False)
    monkeypatch.setattr(dev, "set_aside_old_database", lambda: None)
    monkeypatch.setattr(dev, "_run", lambda *a, **k: None)
    monkeypatch.setattr(dev.os, "execve", lambda path, args, env: calls.update(args=args, env=env))
    dev.start(argv)
    assert calls["args"][-2:] == ["runserver", argv[0] if argv else "127.0.0.1:8000"]
    assert calls["env"]["SITE_URL"] == (expected or dev.site_url_for("0:8123"))
    assert calls["env"]["SITE_URL"].endswith(":8123" if argv else ":8000")


# --- check --deploy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_url", "deployed", "ids"),
    [
        ("https://ligepraksis.rm.dk", True, []),
        ("http://ligepraksis.rm.dk", True, ["ligepraksis.E001"]),
        ("https://localhost:8443", True, ["ligepraksis.E002"]),
        ("http://127.0.0.1:8000", True, ["ligepraksis.E001", "ligepraksis.E002"]),
        ("https://[::1]", True, ["ligepraksis.E002"]),
        ("http://0.0.0.0:8000", False, ["ligepraksis.W001", "ligepraksis.W002"]),
    ],
)
def test_the_site_url_check(settings, site_url, deployed, ids):
    settings.SITE_URL = site_url
    settings.DEPLOYED = deployed
    found = checks.check_site_url(None)
    assert [m.id for m in found] == ids
    assert all(isinstance(m, Error if deployed else Warning) for m in found)


def test_check_deploy_refuses_a_local_or_plain_http_site_url():
    result = _check_deploy(DEBUG="false", SECRET_KEY=_random_secret_key())  # the default SITE_URL
    assert result.returncode != 0
    assert "ligepraksis.E001" in result.stderr and "ligepraksis.E002" in result.stderr


def test_check_deploy_passes_with_the_public_https_site_url():
    result = _check_deploy(
        DEBUG="false", SECRET_KEY=_random_secret_key(), SITE_URL="https://ligepraksis.rm.dk"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_malformed_site_url_stops_the_start():
    from tests.test_deployment import NO_DOTENV, _env, _python

    result = _python(
        NO_DOTENV + "import ligepraksis.settings",
        _env(DEBUG="true", SITE_URL="ligepraksis.rm.dk/portal"),
    )
    assert result.returncode != 0 and "ImproperlyConfigured: SITE_URL must be" in result.stderr
