"""`python3 dev.py start` on an existing clone whose db.sqlite3 predates the remade migrations sets it
aside (and says so) instead of failing on the migration history."""

import importlib.util
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _database(path: Path, rows):
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)"
        )
        db.executemany("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '')", rows)


def test_an_old_database_is_set_aside(tmp_path, capsys):
    path = tmp_path / "db.sqlite3"
    _database(path, [("applications", "0001_initial"), ("applications", "0002_initial")])
    backup = _dev().set_aside_old_database(path)
    assert backup is not None and backup.exists() and not path.exists()
    assert "older version" in capsys.readouterr().out


def test_a_current_database_and_a_missing_one_are_left_alone(tmp_path):
    dev = _dev()
    assert dev.set_aside_old_database(tmp_path / "none.sqlite3") is None
    path = tmp_path / "db.sqlite3"
    _database(
        path,
        [("ligepraksis", "0001_initial"), ("practices", "0001_initial"), ("applications", "0001_initial")],
    )
    assert dev.set_aside_old_database(path) is None
    assert path.exists()
