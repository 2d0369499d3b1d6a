"""Catalogue import (django-import-export) and the columns it shares with the export: one row per
session with its activity's fields. The export itself is written row by row in activities/exports.py.

The file speaks the reader's language: Danish column names ("Titel", "Type", "Udbyder", "Timer", …),
the type and audience as their labels ("Kursus", "Læger og personale"), "Ja"/"Nej" for online (English
when the portal is in English). Hours and places are number cells in XLSX and the times date cells in
Danish time (ligepraksis.spreadsheets writes both formats; CSV has decimal commas and
22.11.2026 14:30). Whether an activity's hours count toward the target is a rule of its type
(activities.models.NOT_COUNTING_KINDS), so the file has no column for it; a file that still has the
retired ``counts_toward_target`` column is refused with a message that says so.

Import reads exactly what the export writes, in either language: column names and values are
accepted in Danish, in English and as the internal codes. An activity is found or created by
(round, title), a session by (activity, start); a row that changes nothing is skipped (export →
import reports no changes). Every row is parsed, then both objects get full_clean (so the CPR guard
applies to every text, the description included); an unknown provider is a row error. The project
leaders' page runs a dry run first and saves only when no row fails, all in one transaction (nothing
is saved if any row fails). Problems name the spreadsheet row (the header is row 1) and the column
as the file names it.

Export turns text that could start a formula into inert text with a leading apostrophe; the import
removes that apostrophe again (unneutralise_dataset), so export → import leaves the catalogue
unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from import_export import fields, resources
from import_export.formats.base_formats import XLSX

from activities.models import Activity, ActivityKind, Audience, Session
from ligepraksis.models import ProviderOrganisation
from ligepraksis.spreadsheets import (
    DATETIME_SHOWN,
    aware_datetime,
    unneutralise_dataset,
)

DATETIME_FORMATS = [
    DATETIME_SHOWN,
    "%d.%m.%Y %H.%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]

# The columns, in the file's order, with the name the file gives them in the active language.
LABELS = {
    "title": pgettext_lazy("catalogue column", "Title"),
    "kind": pgettext_lazy("catalogue column", "Type"),
    "provider": pgettext_lazy("catalogue column", "Provider"),
    "description": pgettext_lazy("catalogue column", "Description"),
    "audience": pgettext_lazy("catalogue column", "Audience"),
    "hours": pgettext_lazy("catalogue column", "Hours"),
    "online": pgettext_lazy("catalogue column", "Online"),
    "starts": pgettext_lazy("catalogue column", "Starts"),
    "ends": pgettext_lazy("catalogue column", "Ends"),
    "place": pgettext_lazy("catalogue column", "Place"),
    "online_link": pgettext_lazy("catalogue column", "Online link"),
    "capacity": pgettext_lazy("catalogue column", "Places"),
    "signup_deadline": pgettext_lazy("catalogue column", "Sign-up deadline"),
}
COLUMNS = tuple(LABELS)
RETIRED_COLUMNS = ("counts_toward_target",)
# A model field's error belongs to the column the file reads it from.
FIELD_COLUMNS = {"starts_at": "starts", "ends_at": "ends"}


def _in_every_language(make) -> set[str]:
    """make() in every language of the portal, lower-cased (for reading a file in either language)."""
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(make()).strip().lower())
    return found


def _header_key(header) -> str | None:
    """The column key of a header as any language writes it (or as the code), else None."""
    text = "" if header is None else str(header).strip().lower()
    for key, label in LABELS.items():
        if text == key or text in _in_every_language(lambda label=label: label):
            return key
    return None


def column_label(key: str) -> str:
    """The column's name in the active language ('Titel'); the key itself if it is no column."""
    key = FIELD_COLUMNS.get(key, key)
    return str(LABELS[key]) if key in LABELS else ("" if key == NON_FIELD_ERRORS else key)


def _yes() -> str:
    return pgettext("spreadsheet value", "Yes")


def _no() -> str:
    return pgettext("spreadsheet value", "No")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _choice(value, choices_cls) -> str:
    text = _text(value).lower()
    for code, label in choices_cls.choices:
        if text == code or text in _in_every_language(lambda label=label: label):
            return code
    raise ValueError(text)


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {"1", "x", "true", "sand"} | _in_every_language(_yes):
        return True
    if text in {"", "0", "false", "falsk"} | _in_every_language(_no):
        return False
    raise ValueError(text)


def _datetime(value) -> dt.datetime:
    """A date cell (naive Danish wall-clock time) or a text such as 22.11.2026 14:30, made aware."""
    if isinstance(value, dt.datetime):
        return aware_datetime(value)
    text = _text(value)
    for fmt in DATETIME_FORMATS:
        try:
            return aware_datetime(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError(text)


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    text = _text(value).replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


def _int(value) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _labels(choices_cls) -> str:
    return ", ".join(str(label) for _code, label in choices_cls.choices)


class CatalogueHeaderError(Exception):
    """The file's header row cannot be read as the catalogue's columns (a problem of the whole file)."""


class SessionResource(resources.ModelResource):
    title = fields.Field(column_name=LABELS["title"])
    kind = fields.Field(column_name=LABELS["kind"])
    provider = fields.Field(column_name=LABELS["provider"])
    description = fields.Field(column_name=LABELS["description"])
    audience = fields.Field(column_name=LABELS["audience"])
    hours = fields.Field(column_name=LABELS["hours"])
    online = fields.Field(column_name=LABELS["online"])
    starts = fields.Field(column_name=LABELS["starts"])
    ends = fields.Field(column_name=LABELS["ends"])
    place = fields.Field(column_name=LABELS["place"])
    online_link = fields.Field(column_name=LABELS["online_link"])
    capacity = fields.Field(column_name=LABELS["capacity"])
    signup_deadline = fields.Field(column_name=LABELS["signup_deadline"])

    class Meta:
        model = Session
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ()
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def __init__(self, round_obj, **kwargs):
        super().__init__(**kwargs)
        self.round_obj = round_obj
        self._providers = None
        self._parsed: dict = {}
        self._changed = True

    # --- Import -------------------------------------------------------------------------------------

    def _provider(self, name: str):
        if self._providers is None:
            self._providers = {p.name.lower(): p for p in ProviderOrganisation.objects.all()}
        return self._providers.get(name.lower())

    def before_import(self, dataset, **kwargs):
        """The header row is checked once: a missing or retired column fails the whole file."""
        headers = list(dataset.headers or [])
        problems = []
        missing = [key for key in COLUMNS if key not in headers]
        if missing:
            problems.append(
                _("The file lacks the columns %(columns)s. Use the columns of the export.")
                % {"columns": ", ".join(f"“{column_label(key)}”" for key in missing)}
            )
        retired = [h for h in headers if _text(h).lower() in RETIRED_COLUMNS]
        if retired:
            problems.append(
                _(
                    "The column “%(column)s” is no longer used: whether hours count toward the target "
                    "follows from the type (the start-up meeting and the theme day do not count). "
                    "Remove the column."
                )
                % {"column": retired[0]}
            )
        if problems:
            del dataset[0 : len(dataset)]  # no row is read from a file whose columns are wrong
            raise CatalogueHeaderError(" ".join(problems))

    def before_import_row(self, row, **kwargs):
        """Parse the whole row; every problem becomes a row error naming its column."""
        errors: dict[str, list[str]] = {}
        parsed: dict = {}

        def take(column, convert, message):
            try:
                parsed[column] = convert(row.get(column))
            except (ValueError, TypeError):
                errors.setdefault(column, []).append(message)

        title = _text(row.get("title"))
        if not title:
            errors["title"] = [_("The title is missing.")]
        parsed["title"] = title
        provider_name = _text(row.get("provider"))
        provider = self._provider(provider_name) if provider_name else None
        if provider is None:
            errors["provider"] = [
                _("Unknown provider “%(name)s”. Use one of: %(known)s.")
                % {
                    "name": provider_name,
                    "known": ", ".join(sorted(p.name for p in ProviderOrganisation.objects.all())),
                }
            ]
        parsed["provider"] = provider
        take(
            "kind",
            lambda v: _choice(v, ActivityKind),
            _("Unknown type. Use one of: %(known)s.") % {"known": _labels(ActivityKind)},
        )
        take(
            "audience",
            lambda v: _choice(v, Audience),
            _("Unknown audience. Use one of: %(known)s.") % {"known": _labels(Audience)},
        )
        take("hours", _decimal, _("The hours must be a number such as 1,5."))
        take("online", _bool, _("Write %(yes)s or %(no)s.") % {"yes": _yes(), "no": _no()})
        for column in ("starts", "ends", "signup_deadline"):
            take(column, _datetime, _("Write the time as 22.11.2026 14:30."))
        take("capacity", _int, _("The number of places must be a whole number."))
        for column in ("description", "place", "online_link"):
            parsed[column] = _text(row.get(column))
        starts, ends, deadline = parsed.get("starts"), parsed.get("ends"), parsed.get("signup_deadline")
        if starts and ends and ends <= starts:
            errors.setdefault("ends", []).append(_("The session must end after it starts."))
        if starts and deadline and deadline > starts:
            errors.setdefault("signup_deadline", []).append(
                _("The sign-up deadline must be no later than the start.")
            )
        if errors:
            raise ValidationError(errors)
        self._parsed = parsed

    def get_instance(self, instance_loader, row):
        p = self._parsed
        activity = Activity.objects.filter(round=self.round_obj, title=p["title"]).first()
        if activity is None:
            return None
        return (
            Session.objects.filter(activity=activity, starts_at=p["starts"])
            .select_related("activity")
            .first()
        )

    def import_instance(self, instance, row, **kwargs):
        p = self._parsed
        if instance.activity_id:
            activity = instance.activity
        else:
            activity = Activity.objects.filter(round=self.round_obj, title=p["title"]).first() or Activity(
                round=self.round_obj, title=p["title"]
            )
        activity_values = {
            "kind": p["kind"],
            "provider_id": p["provider"].pk,
            "description": p["description"],
            "audience": p["audience"],
            "hours": p["hours"],
            "online": p["online"],
        }
        session_values = {
            "starts_at": p["starts"],
            "ends_at": p["ends"],
            "signup_deadline": p["signup_deadline"],
            "place": p["place"],
            "online_link": p["online_link"],
            "capacity": p["capacity"],
        }
        self._changed = (
            activity.pk is None
            or instance.pk is None
            or any(getattr(activity, k) != v for k, v in activity_values.items())
            or any(getattr(instance, k) != v for k, v in session_values.items())
        )
        for name, value in activity_values.items():
            setattr(activity, name, value)
        activity.provider = p["provider"]
        instance.activity = activity
        for name, value in session_values.items():
            setattr(instance, name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that would change nothing is reported as skipped, not as a change."""
        return not import_validation_errors and not self._changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.activity.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance.full_clean(exclude=["activity", *errors.keys()], validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        activity = instance.activity
        activity.save()
        instance.activity = activity


# --- The page's entry points ----------------------------------------------------------------------


def _with_column_keys(dataset: tablib.Dataset) -> tablib.Dataset:
    """The dataset with each known column renamed to its key (other headers are left as they are)."""
    if dataset.headers:
        dataset.headers = [_header_key(h) or h for h in dataset.headers]
    return dataset


def read_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """An uploaded XLSX or CSV file (';' or ',' separated, with or without a BOM) as a dataset,
    without the apostrophes the export put in front of text that could start a formula, its known
    columns named by their keys whatever the file's language."""
    if filename.lower().endswith(".xlsx"):
        return _with_column_keys(unneutralise_dataset(XLSX().create_dataset(content)))
    text = content.decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    dataset = tablib.Dataset().load(io.StringIO(text).read(), format="csv", delimiter=delimiter)
    return _with_column_keys(unneutralise_dataset(dataset))


def catalogue_import(*, round_obj, content: bytes, filename: str, dry_run: bool):
    """Import in one transaction; it is rolled back on a dry run and whenever any row fails."""
    dataset = read_dataset(content, filename)
    resource = SessionResource(round_obj)
    return resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )


def import_problems(result) -> list[tuple]:
    """(spreadsheet row, column name, message) for every problem of an import, for the page: the row
    as the spreadsheet numbers it (the header is row 1), the column as the file names it in the
    active language; a problem of the whole file has neither."""
    problems = []
    for invalid in result.invalid_rows:
        for field, errors in invalid.error_dict.items():
            for message in errors:
                problems.append((invalid.number + 1, column_label(field), message))
    for number, errors in result.row_errors():
        for error in errors:
            problems.append((number + 1, "", str(error.error)))
    for error in result.base_errors:
        problems.append(("", "", str(error.error)))
    return problems


def catalogue_file_has_cpr(content: bytes, filename: str) -> bool:
    """Whether the file's name, a header, or a cell of a column the import does not read (an extra
    column) looks like it holds a CPR number: such a file is refused whole and never kept. The columns
    it reads are checked row by row with the field's name (the models' CPR guard)."""
    from ligepraksis.cpr import contains_cpr

    if contains_cpr(filename.replace("_", " ").replace(".", " ")):
        return True
    dataset = read_dataset(content, filename)
    headers = list(dataset.headers or [])
    extra = [i for i, header in enumerate(headers) if header not in COLUMNS]
    cells = [*headers, *(row[i] for row in dataset for i in extra if i < len(row))]
    return any(isinstance(cell, str) and contains_cpr(cell) for cell in cells)


__all__ = [
    "COLUMNS",
    "SessionResource",
    "catalogue_file_has_cpr",
    "catalogue_import",
    "column_label",
    "import_problems",
    "read_dataset",
]
