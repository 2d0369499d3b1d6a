"""Catalogue import and export (django-import-export): one row per session with its activity's fields.

Import: an activity is found or created by (round, title), a session by (activity, start). Every row
is parsed, then both objects get full_clean (so the CPR guard applies to every text, the description
included); an unknown provider is a row error. The project leaders' page runs a dry run first and
saves only when no row fails, all in one transaction (nothing is saved if any row fails).

Export goes out through ligepraksis.spreadsheets.export_dataset, which turns text that could start a
formula into inert text with a leading apostrophe; the import removes that apostrophe again
(unneutralise_dataset), so export → import leaves the catalogue unchanged. Hours and places are
numbers in XLSX.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.formats.base_formats import XLSX

from activities.models import Activity, ActivityKind, Audience, Session
from ligepraksis.models import ProviderOrganisation
from ligepraksis.spreadsheets import export_dataset, unneutralise_dataset

DATETIME_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
SHOWN = "%d.%m.%Y %H:%M"
YES = {"1", "ja", "yes", "true", "x", "sand"}
NO = {"0", "nej", "no", "false", "", "falsk"}

COLUMNS = (
    "title",
    "kind",
    "provider",
    "description",
    "audience",
    "hours",
    "online",
    "starts",
    "ends",
    "place",
    "online_link",
    "capacity",
    "signup_deadline",
)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _choice(value, choices_cls) -> str:
    text = _text(value).lower()
    for code, label in choices_cls.choices:
        if text in (code, str(label).lower()):
            return code
    raise ValueError(", ".join(choices_cls.values))


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(text)


def _datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = _text(value)
        for fmt in DATETIME_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)  # the spreadsheet shows Europe/Copenhagen
    return parsed


def _decimal(value) -> Decimal:
    text = _text(value).replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


def _int(value) -> int:
    text = _text(value)
    try:
        return int(Decimal(text.replace(",", ".")))
    except InvalidOperation as exc:
        raise ValueError(text) from exc


class SessionResource(resources.ModelResource):
    title = fields.Field(column_name="title")
    kind = fields.Field(column_name="kind")
    provider = fields.Field(column_name="provider")
    description = fields.Field(column_name="description")
    audience = fields.Field(column_name="audience")
    hours = fields.Field(column_name="hours")
    online = fields.Field(column_name="online")
    starts = fields.Field(column_name="starts")
    ends = fields.Field(column_name="ends")
    place = fields.Field(column_name="place")
    online_link = fields.Field(column_name="online_link")
    capacity = fields.Field(column_name="capacity")
    signup_deadline = fields.Field(column_name="signup_deadline")

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

    # --- Export -------------------------------------------------------------------------------------

    def get_queryset(self):
        return (
            Session.objects.filter(activity__round=self.round_obj)
            .select_related("activity__provider")
            .order_by("activity__title", "starts_at", "pk")
        )

    def dehydrate_title(self, s):
        return s.activity.title

    def dehydrate_kind(self, s):
        return s.activity.kind

    def dehydrate_provider(self, s):
        return s.activity.provider.name

    def dehydrate_description(self, s):
        return s.activity.description

    def dehydrate_audience(self, s):
        return s.activity.audience

    def dehydrate_hours(self, s):
        return s.activity.hours.normalize()  # a number in XLSX, "1,5" in CSV

    def dehydrate_online(self, s):
        return "ja" if s.activity.online else "nej"

    def dehydrate_starts(self, s):
        return timezone.localtime(s.starts_at).strftime(SHOWN)

    def dehydrate_ends(self, s):
        return timezone.localtime(s.ends_at).strftime(SHOWN)

    def dehydrate_place(self, s):
        return s.place

    def dehydrate_online_link(self, s):
        return s.online_link

    def dehydrate_capacity(self, s):
        return s.capacity

    def dehydrate_signup_deadline(self, s):
        return timezone.localtime(s.signup_deadline).strftime(SHOWN)

    # --- Import -------------------------------------------------------------------------------------

    def _provider(self, name: str):
        if self._providers is None:
            self._providers = {p.name.lower(): p for p in ProviderOrganisation.objects.all()}
        return self._providers.get(name.lower())

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
        take("kind", lambda v: _choice(v, ActivityKind), _("Unknown kind of activity."))
        take("audience", lambda v: _choice(v, Audience), _("Unknown audience."))
        take("hours", _decimal, _("The hours must be a number such as 1,5."))
        take("online", _bool, _("Write ja or nej."))
        for column in ("starts", "ends", "signup_deadline"):
            take(column, _datetime, _("Write the time as 22.11.2026 14:30."))
        take("capacity", _int, _("The number of places must be a whole number."))
        for column in ("description", "place", "online_link"):
            parsed[column] = _text(row.get(column))
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
        activity.kind = p["kind"]
        activity.provider = p["provider"]
        activity.description = p["description"]
        activity.audience = p["audience"]
        activity.hours = p["hours"]
        activity.online = p["online"]
        instance.activity = activity
        instance.starts_at = p["starts"]
        instance.ends_at = p["ends"]
        instance.signup_deadline = p["signup_deadline"]
        instance.place = p["place"]
        instance.online_link = p["online_link"]
        instance.capacity = p["capacity"]

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


def catalogue_export(round_obj, fmt: str) -> tuple[bytes, str]:
    """(file content, content type); CSV with ';' and a UTF-8 BOM for Danish Excel."""
    return export_dataset(SessionResource(round_obj).export(), fmt)


def read_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """An uploaded XLSX or CSV file (';' or ',' separated, with or without a BOM) as a dataset,
    without the apostrophes the export put in front of text that could start a formula."""
    if filename.lower().endswith(".xlsx"):
        return unneutralise_dataset(XLSX().create_dataset(content))
    text = content.decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    dataset = tablib.Dataset().load(io.StringIO(text).read(), format="csv", delimiter=delimiter)
    return unneutralise_dataset(dataset)


def catalogue_import(*, round_obj, content: bytes, filename: str, dry_run: bool):
    """Import in one transaction; it is rolled back on a dry run and whenever any row fails."""
    dataset = read_dataset(content, filename)
    resource = SessionResource(round_obj)
    return resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )


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
