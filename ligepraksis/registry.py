"""Small registries the apps join, so the core (start page, menu, demo data) imports no app.

Each app lists what it adds in its own ``portal.py`` module; the core finds those modules through
the app registry (``autodiscover_modules("portal")`` in ``LigePraksisConfig.ready``). The demo data
(`demo_builder`) and the national data set (`national_builder`) are built the same way. Providers are
called per request with the request (or the user and a round) and return plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A link on the start page or in a menu.

    On a card it may carry a `state` shown beside it ("12 af 40 vurderet", "3 ansøgninger venter på
    beslutning") and be marked `urgent` (a badge with text, not colour alone). An item without a `url`
    is a plain line of state (say, what comes with a later module).
    """

    label: str
    url: str = ""
    description: str = ""
    state: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class Card:
    """A section of the start page: a heading, a line of text, its items and one `next_step` (the
    primary button), in `order`. Cards with the same `part` (a role and its scope, see `role_part`)
    are shown together under that heading, so someone with several roles sees each part."""

    title: str
    links: tuple[Link, ...] = ()
    text: str = ""
    order: int = 100
    next_step: Link | None = None
    part: str = ""
    key: str = ""  # a stable name for tests and anchors ("leader-12")


@dataclass(frozen=True)
class Part:
    """A role's part of the start page: its heading and cards."""

    title: str
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class PersonalData:
    """One app's part of a person's data (practices/personal_data.py runs them).

    - `export(person) -> dict | list`: plain JSON-able values, shown under `name` in the export;
    - `erase(person, *, label)`: remove or rewrite the app's personal data of the person, keeping every
      count and amount; called before the person's own name and addresses are erased, so it can still
      read them (`label` is what the name becomes, "Anonymiseret person #12");
    - `rounds(person_ids) -> iterable of (person_id, round_id)`: the rounds a person took part in,
      which decide when their data may be erased.
    """

    name: str
    export: Callable
    erase: Callable | None = None
    rounds: Callable | None = None
    order: int = 100


@dataclass(frozen=True)
class FileKind:
    """A kind of file the worker makes on the core's row with a status (ligepraksis.models.FileJob).

    - `allowed(user, params) -> bool`: who may ask for it, see the job's page and download the file
      (checked again at every download, so a lost role loses the file too);
    - `table(params) -> ligepraksis.exports.Table`: a spreadsheet (its rows a lazy iterator), written by
      the core as XLSX in openpyxl's write-only mode (flat memory) or streamed as CSV;
    - or `render(params, out) -> int | None`: any other file (a PDF report), written to the binary
      file `out`; returns the number of rows, if that means something;
    - `keep`: finished files of this kind are kept (a report the steering group reads later), not deleted
      after FILE_JOB_KEEP_HOURS with the exports that hold names (`filejobs.expired_delete`).
    """

    name: str
    allowed: Callable
    table: Callable | None = None
    render: Callable | None = None
    keep: bool = False


@dataclass(frozen=True)
class MeasuredPage:
    """A main page of a role, as `manage.py measure_queries` and `manage.py benchmark` request it.

    `role` is a plain key for the output and the `--roles` filter: "anonymous", a `Role` value
    ("project_leader", ...) or "practice" (someone acting for a practice); `user` is None for an
    anonymous visitor, else the login the page is requested as. `name` says what the page is
    ("claims queue"), `url` is the address requested.
    """

    name: str
    role: str
    url: str
    user: object | None = None

    @property
    def kind(self) -> str:
        """Which floor the page is compared with: "anonymous" or "logged in"."""
        return "anonymous" if self.user is None else "logged in"


@dataclass
class _Registry:
    # request -> links in the top menu (after the public catalogue link)
    menu: list[tuple[int, Callable]] = field(default_factory=list)
    # (user, round, is_leader) -> links in a round's menu
    round_menu: list[tuple[int, Callable]] = field(default_factory=list)
    # request -> cards on the start page
    cards: list[Callable] = field(default_factory=list)
    # user -> Q on practices.Practice: practices a user may see beyond those they act for
    practice_visibility: list[Callable] = field(default_factory=list)
    # () -> [MeasuredPage]: each app's main pages per role (measure_queries, benchmark)
    measured_pages: list[Callable] = field(default_factory=list)
    # DemoContext -> None, run in order by `manage.py demo_data`
    demo: list[tuple[int, str, Callable]] = field(default_factory=list)
    # NationalContext -> None, run in order by `manage.py national_data` (ligepraksis/national.py)
    national: list[tuple[int, str, Callable]] = field(default_factory=list)
    # What each app holds about a person (practices.Person): export and erasure, by `order`
    personal_data: list[PersonalData] = field(default_factory=list)
    # name -> FileKind: the exports and reports the worker makes (ligepraksis/filejobs.py)
    file_kinds: dict[str, FileKind] = field(default_factory=dict)


registry = _Registry()


def menu_links(order: int):
    def register(fn):
        registry.menu.append((order, fn))
        registry.menu.sort(key=lambda item: item[0])
        return fn

    return register


def round_menu_links(order: int):
    def register(fn):
        registry.round_menu.append((order, fn))
        registry.round_menu.sort(key=lambda item: item[0])
        return fn

    return register


def start_cards(fn):
    registry.cards.append(fn)
    return fn


def practice_visibility(fn):
    """Register `fn(user) -> Q` on Practice: who, besides those acting for it, may see a practice
    (for example the project leaders of a round it takes part in, added by applications/)."""
    registry.practice_visibility.append(fn)
    return fn


def measured_pages(fn):
    """Register `fn() -> [MeasuredPage]`: an app's main pages for each role, anonymous and logged in,
    found in the data in the database (an empty list when the data has no such page). `manage.py
    measure_queries` prints their query counts, `manage.py benchmark` their speed."""
    registry.measured_pages.append(fn)
    return fn


def collect_measured_pages() -> list[MeasuredPage]:
    """Every app's measured pages, in the apps' order. A bare `(user, url)` pair (the registry's
    older form) is taken as a logged-in page named by its address."""
    pages = []
    for fn in registry.measured_pages:
        for page in fn():
            if not isinstance(page, MeasuredPage):
                user, url = page
                page = MeasuredPage(name=url, role=getattr(user, "email", "anonymous"), url=url, user=user)
            pages.append(page)
    return pages


def demo_builder(order: int, name: str):
    """Register a demo-data builder; `manage.py demo_data` runs them by `order`."""

    def register(fn):
        if all(n != name for _, n, _f in registry.demo):
            registry.demo.append((order, name, fn))
            registry.demo.sort(key=lambda item: item[0])
        return fn

    return register


def national_builder(order: int, name: str):
    """Register a builder of the national data set; `manage.py national_data` runs them by `order`
    (core 10, practices 20, applications 30, activities 40; later apps take the next tens)."""

    def register(fn):
        if all(n != name for _, n, _f in registry.national):
            registry.national.append((order, name, fn))
            registry.national.sort(key=lambda item: item[0])
        return fn

    return register


def collect_menu(request) -> list[Link]:
    return [link for _, fn in registry.menu for link in fn(request)]


def collect_round_menu(user, round_obj, *, is_leader: bool) -> list[Link]:
    return [link for _, fn in registry.round_menu for link in fn(user, round_obj, is_leader=is_leader)]


def collect_cards(request) -> list[Card]:
    cards = [card for fn in registry.cards for card in fn(request)]
    return sorted(cards, key=lambda c: c.order)


def collect_parts(request) -> list[Part]:
    """The cards grouped by their `part`, each part where its first card falls in `order`."""
    groups: dict[str, list[Card]] = {}
    for card in collect_cards(request):
        groups.setdefault(str(card.part), []).append(card)
    return [Part(title=title, cards=tuple(cards)) for title, cards in groups.items()]


def practice_part() -> str:
    """The heading of the part for someone acting for a practice."""
    from django.utils.translation import gettext

    return gettext("Your practice")


def role_part(role_label, scope: str = "") -> str:
    """The heading of a role's part of the start page: "Projektleder · Lige Praksis i Midt 2026"."""
    return f"{role_label} · {scope}" if scope else str(role_label)


def personal_data(name: str, *, export: Callable, erase=None, rounds=None, order: int = 100) -> None:
    """Register an app's part of a person's data (see `PersonalData`); once per name."""
    if all(p.name != name for p in registry.personal_data):
        registry.personal_data.append(PersonalData(name, export, erase, rounds, order))
        registry.personal_data.sort(key=lambda p: p.order)


def file_kind(
    name: str,
    *,
    allowed: Callable,
    table: Callable | None = None,
    render: Callable | None = None,
    keep: bool = False,
):
    """Register a kind of file the worker can make (see `FileKind`); the last registration of a name wins."""
    if (table is None) == (render is None):
        raise ValueError("A file kind has either a table or a render function.")
    registry.file_kinds[name] = FileKind(name, allowed, table, render, keep)
