"""dev.py installs the lock file with hashes, then the project on top, and again only when the lock changes.

The installer is replaced by a recorder and the paths point into tmp_path, so the developer's .venv is
never touched.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_venv(dev, tmp_path, monkeypatch):
    """dev.py pointed at a venv in tmp_path whose installs are only recorded."""
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    lock = tmp_path / "dev.txt"
    lock.write_bytes((ROOT / "requirements" / "dev.txt").read_bytes())
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(dev, "PY", python)
    monkeypatch.setattr(dev, "STAMP", tmp_path / "venv" / ".installed-from")
    monkeypatch.setattr(dev, "LOCK", lock)
    monkeypatch.setattr(dev, "_run", lambda *args, env=None: calls.append(args))
    return calls, lock


def test_dev_installs_the_lock_with_hashes_then_the_project_without_deps(dev, fake_venv):
    calls, lock = fake_venv
    dev.ensure_venv()
    pip_calls = [c[c.index("install") + 1 :] for c in calls if "install" in c]
    assert len(pip_calls) == 2, calls
    assert "--require-hashes" in pip_calls[0] and pip_calls[0][-2:] == ("-r", str(lock))
    assert "--no-deps" in pip_calls[1] and pip_calls[1][-2:] == ("-e", ".")


def test_dev_reinstalls_only_when_the_lock_changes(dev, fake_venv):
    calls, lock = fake_venv
    dev.ensure_venv()
    installs = len(calls)
    dev.ensure_venv()
    assert len(calls) == installs  # nothing changed: nothing installed
    lock.write_text(lock.read_text() + "\n# a new pin\n")
    dev.ensure_venv()
    assert len(calls) > installs
