"""Every app lists its main pages per role (`ligepraksis.registry.measured_pages`), which
`manage.py measure_queries` and `manage.py benchmark` request: on the demo data every role has its
pages, anonymous and logged in, and each answers 200 as its user."""

import pytest

from ligepraksis.management.commands.measure_queries import count_queries
from ligepraksis.models import Role
from ligepraksis.registry import collect_measured_pages

pytestmark = pytest.mark.django_db


def test_every_role_has_main_pages_on_the_demo_data(demo_db):
    pages = collect_measured_pages()
    roles = {page.role for page in pages}
    assert roles == {"anonymous", "practice", *(role.value for role in Role)}
    assert {page.kind for page in pages} == {"anonymous", "logged in"}
    assert all((page.user is None) == (page.role == "anonymous") for page in pages)
    # The pages are among them.
    names = {(page.role, page.name) for page in pages}
    assert {
        ("anonymous", "public catalogue"),
        ("project_leader", "hour-claims queue"),
        ("project_leader", "activity overview"),
        ("project_leader", "selection workspace"),
        ("project_leader", "applications export XLSX"),
        ("practice", "the practice's hours"),
    } <= names
    assert len(names) == len(pages), "a role lists the same page twice"


def test_every_measured_page_answers_200_as_its_user(demo_db):
    answers = {(page.role, page.name, page.url): count_queries(page) for page in collect_measured_pages()}
    assert {key: status for key, (status, _n) in answers.items() if status != 200} == {}
    # Logged-in pages read the session and the user at least; the anonymous catalogue reads the data.
    assert all(n > 0 for _status, n in answers.values())
