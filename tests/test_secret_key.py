"""Finding 3: the portal signs with a key of its own or does not start, and "deployed" is its own
switch, not the presence of a key.

Settings are imported in subprocesses (as in tests/test_deployment.py), each with an environment of its
own and without a developer's .env; dev.py's set-up step is called as a function on a .env in tmp_path,
so the developer's own .env is never touched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_deployment import NO_DOTENV, SETUP, _env, _python, _random_secret_key

ROOT = Path(__file__).resolve().parent.parent

SWITCHES = SETUP + (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'debug': s.DEBUG, 'deployed': s.DEPLOYED, "
    "'ssl_redirect': getattr(s, 'SECURE_SSL_REDIRECT', False), "
    "'session_cookie_secure': s.SESSION_COOKIE_SECURE, 'csrf_cookie_secure': s.CSRF_COOKIE_SECURE, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'static': s.STORAGES['staticfiles']['BACKEND'], "
    "'key': s.SECRET_KEY}))"
)


def _switches(**variables: str) -> dict:
    result = _python(SWITCHES, _env(**variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Finding 3: SECRET_KEY and DEPLOYED ----------------------------------------------------------------


def test_without_a_secret_key_and_debug_off_the_portal_refuses_to_start():
    result = _python(SETUP + "print('started')", _env())
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_without_a_secret_key_debug_on_starts_with_the_local_key_and_is_not_deployed():
    values = _switches(DEBUG="true")
    assert values["debug"] is True
    assert values["deployed"] is False
    assert values["key"].startswith("django-insecure-")


def test_debug_off_is_a_deployment_with_every_security_switch_on():
    values = _switches(SECRET_KEY=_random_secret_key())
    assert values["deployed"] is True
    assert values["ssl_redirect"] is True
    assert values["session_cookie_secure"] is True
    assert values["csrf_cookie_secure"] is True
    assert values["hsts"] > 0
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_key_with_debug_on_is_a_local_portal_over_http():
    """The key does not decide "deployed" (DEBUG and DEPLOYED do): the local portal of `dev.py start`
    has a key and DEBUG on, and serves plain http."""
    values = _switches(SECRET_KEY=_random_secret_key(), DEBUG="true")
    assert values["deployed"] is False
    assert values["ssl_redirect"] is False
    assert values["session_cookie_secure"] is False
    assert values["csrf_cookie_secure"] is False
    assert values["static"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_deployed_false_turns_the_deployment_switches_off_with_debug_off():
    values = _switches(SECRET_KEY=_random_secret_key(), DEPLOYED="false")
    assert values["debug"] is False
    assert values["deployed"] is False
    assert values["ssl_redirect"] is False
    assert values["session_cookie_secure"] is False


@pytest.mark.parametrize(
    ("variables", "mentions"),
    [({"DEPLOYED": "flase"}, "DEPLOYED"), ({"DEPLOYED": "true", "DEBUG": "true"}, "DEPLOYED=true")],
    ids=["misspelt", "with-debug"],
)
def test_deployed_must_be_a_clear_yes_or_no_and_never_with_debug(variables, mentions):
    result = _python(SETUP + "print('started')", _env(SECRET_KEY=_random_secret_key(), **variables))
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert mentions in result.stderr


def test_the_test_suite_signs_with_a_key_of_its_own_and_is_not_deployed():
    assert settings.SECRET_KEY.startswith("test-suite-only-")
    assert settings.DEPLOYED is False
    assert not getattr(settings, "SECURE_SSL_REDIRECT", False)


# --- dev.py start writes .env once -----------------------------------------------------------------


@pytest.fixture
def dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _values(text: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = re.match(r"\A(?:export )?([A-Za-z_0-9]+)=(.*)\Z", line)
        if match:
            values.setdefault(match.group(1), []).append(match.group(2))
    return values


def test_start_writes_a_random_key_and_debug_on_once(dev, tmp_path):
    env_file = tmp_path / ".env"
    assert dev.ensure_env_file(env_file) is True
    first = env_file.read_text()
    values = _values(first)
    assert values["DEBUG"] == ["true"]
    (key,) = values["SECRET_KEY"]
    assert len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")
    if os.name != "nt":
        assert env_file.stat().st_mode & 0o077 == 0  # only the owner reads the key
    # Run again: nothing changes, the key is never replaced.
    assert dev.ensure_env_file(env_file) is False
    assert env_file.read_text() == first
    # Another machine (another file) gets another key.
    other = tmp_path / "other.env"
    dev.ensure_env_file(other)
    assert _values(other.read_text())["SECRET_KEY"] != [key]


def test_start_keeps_what_an_existing_env_says(dev, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=postgres://u@localhost/db\nDEBUG=false\n")
    assert dev.ensure_env_file(env_file) is True
    values = _values(env_file.read_text())
    assert values["DATABASE_URL"] == ["postgres://u@localhost/db"]
    assert values["DEBUG"] == ["false"]  # the developer's choice stays
    assert len(values["SECRET_KEY"]) == 1

    kept = tmp_path / "kept.env"
    kept.write_text("SECRET_KEY=my-own-key\n")
    assert dev.ensure_env_file(kept) is False
    assert kept.read_text() == "SECRET_KEY=my-own-key\n"


def test_start_fills_in_an_empty_key_line(dev, tmp_path):
    """django-environ takes the first line of a name, so an empty line is filled in, not followed."""
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=\nEMAIL_URL=smtp://mail.example.org:25\n")
    dev.ensure_env_file(env_file)
    lines = env_file.read_text().splitlines()
    assert lines[0].startswith("SECRET_KEY=") and len(lines[0]) > len("SECRET_KEY=") + 50
    assert [line for line in lines if line.startswith("SECRET_KEY=")] == [lines[0]]


def test_after_the_start_set_up_the_local_portal_serves_over_http(dev, tmp_path):
    """The settings read with the .env that `dev.py start` writes: no HTTPS redirect, no secure-only
    cookies, so http://127.0.0.1:8000/ works in a browser."""
    env_file = tmp_path / ".env"
    dev.ensure_env_file(env_file)
    code = (
        "import environ; _read = environ.Env.read_env; "
        f"environ.Env.read_env = staticmethod(lambda *a, **k: _read({str(env_file)!r})); "
        + SETUP[len(NO_DOTENV) :]  # SETUP without its own patch, which reads no .env at all
        + "from django.conf import settings as s; from django.test import Client; "
        "c = Client(); login = c.get('/login/'); health = c.get('/health/'); "
        "csrf = login.cookies.get(s.CSRF_COOKIE_NAME); "
        "print(json.dumps({'debug': s.DEBUG, 'deployed': s.DEPLOYED, "
        "'ssl_redirect': getattr(s, 'SECURE_SSL_REDIRECT', False), "
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
        "'login': login.status_code, 'health': health.status_code, "
        "'csrf_cookie_secure': bool(csrf and csrf['secure'])}))"
    )
    code = "import json; " + code
    result = _python(code, _env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "debug": True,
        "deployed": False,
        "ssl_redirect": False,
        "session_secure": False,
        "csrf_secure": False,
        "login": 200,
        "health": 200,
        "csrf_cookie_secure": False,
    }
