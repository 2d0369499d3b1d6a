"""Spreadsheet export of a round's applications with scores (django-import-export).

The queryset does its joins once (select_related/prefetch_related and annotations), so the number
of queries does not grow with the number of rows. Provider and CVR numbers are exported as text (a
leading zero survives); capacities, counts, mean scores and positions are numbers and the submission
time a date cell in Danish time (typed cells in XLSX; a decimal comma and 22.11.2026 14:30 in CSV).
Column names follow the active language. The file is written by
ligepraksis.spreadsheets.export_dataset, so no text cell reaches the spreadsheet as a formula.
"""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy
from import_export import fields, resources, widgets

from applications import selectors
from applications.models import Application
from ligepraksis.spreadsheets import export_dataset


def _number(attribute: str, column_name) -> fields.Field:
    """A whole-number column exported as a number, not as text (an empty cell for None)."""
    return fields.Field(
        attribute=attribute, column_name=column_name, widget=widgets.IntegerWidget(coerce_to_string=False)
    )


class ApplicationResource(resources.ModelResource):
    practice = fields.Field(
        attribute="practice__name", column_name=pgettext_lazy("export column", "Practice")
    )
    provider_numbers = fields.Field(column_name=pgettext_lazy("export column", "Provider numbers"))
    cvr = fields.Field(attribute="practice__cvr", column_name=pgettext_lazy("export column", "CVR"))
    municipality = fields.Field(
        attribute="practice__municipality__name", column_name=pgettext_lazy("export column", "Municipality")
    )
    area = fields.Field(column_name=pgettext_lazy("export column", "Area"))
    form = fields.Field(column_name=pgettext_lazy("export column", "Practice form"))
    capacities = fields.Field(
        attribute="practice__doctor_capacities",
        column_name=pgettext_lazy("export column", "Doctor capacities"),
    )
    staff = _number("practice__staff_count", pgettext_lazy("export column", "Practice staff"))
    patients = _number("practice__listed_patients", pgettext_lazy("export column", "Listed patients"))
    status = fields.Field(column_name=pgettext_lazy("export column", "Status"))
    submitted = fields.Field(column_name=pgettext_lazy("export column", "Submitted"))
    reviews = _number("review_count", pgettext_lazy("export column", "Number of reviews"))
    mean = fields.Field(column_name=pgettext_lazy("export column", "Mean score"))
    recommendation = fields.Field(column_name=pgettext_lazy("export column", "Recommendation"))
    # The rank among those still waiting (1, 2, 3 without gaps), as on the pages and in the e-mail.
    waitlist = _number("waitlist_rank", pgettext_lazy("export column", "Waiting list no."))

    class Meta:
        model = Application
        fields = (
            "practice",
            "provider_numbers",
            "cvr",
            "municipality",
            "area",
            "form",
            "capacities",
            "staff",
            "patients",
            "status",
            "submitted",
            "reviews",
            "mean",
            "recommendation",
            "waitlist",
        )
        export_order = fields

    def __init__(self, round_obj=None, **kwargs):
        super().__init__(**kwargs)
        self.round_obj = round_obj
        self._groups = selectors.round_groups(round_obj) if round_obj else None
        self._means = selectors.criterion_means(round_obj) if round_obj else {}
        self._criteria = list(round_obj.criteria.all()) if round_obj else []
        for c in self._criteria:
            f = fields.Field(
                column_name=pgettext("export column", "Mean %(criterion)s") % {"criterion": c.name},
                attribute=None,
            )
            f.criterion_id = c.pk
            self.fields[f"criterion_{c.pk}"] = f

    def get_queryset(self):
        return selectors.applications_for_round(self.round_obj)

    def export_field(self, field, instance, **kwargs):
        cid = getattr(field, "criterion_id", None)
        if cid is not None:
            return self._means.get(instance.pk, {}).get(cid)  # a Decimal with two places, or empty
        return super().export_field(field, instance, **kwargs)

    def dehydrate_provider_numbers(self, app):
        return ", ".join(p.number for p in app.practice.provider_numbers.all())

    def dehydrate_area(self, app):
        return self._groups.area(app.practice) or ""

    def dehydrate_form(self, app):
        return app.practice.get_form_display()

    def dehydrate_status(self, app):
        return app.get_status_display()

    def dehydrate_submitted(self, app):
        return app.submitted_at  # aware; a date cell in Danish time (export_dataset)

    def dehydrate_mean(self, app):
        return selectors._mean(app.mean_score)  # a Decimal with two places: 4,50 in Danish Excel

    def dehydrate_recommendation(self, app):
        from applications.models import Recommendation

        return Recommendation.Outcome(app.recommendation).label if app.recommendation else ""

    def dehydrate_capacities(self, app):
        return app.practice.doctor_capacities  # a Decimal: a number in XLSX, "1,5" in CSV


def export_applications(round_obj, fmt: str) -> tuple[bytes, str]:
    """(file content, content type) for 'xlsx' or 'csv'. CSV uses ';' and a UTF-8 BOM for Danish Excel."""
    dataset = ApplicationResource(round_obj=round_obj).export()
    dataset.title = pgettext("export sheet", "Applications")
    return export_dataset(dataset, fmt)


__all__ = ["ApplicationResource", "export_applications"]
