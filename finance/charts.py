"""The budget chart: paid and committed against granted per line, drawn as SVG on the server by pygal
through the core's ligepraksis/charts.py (no CDN, no script). The figures are in a table beside it on
the page."""

from __future__ import annotations

from decimal import Decimal

import pygal
from django.utils.translation import gettext as _

from finance.selectors.budget import Budget
from ligepraksis import charts
from ligepraksis.money import format_kr

# paid, committed, granted, forecast: told apart by the legend too
STYLE = charts.style(("#0b5394", "#e69138", "#adb5bd", "#6f42c1"))


def budget_svg(figures: Budget) -> str:
    """An inline SVG (no XML declaration) of the lines' paid, committed, granted and forecast amounts
    in kr."""
    chart = pygal.HorizontalBar(
        js=[],
        disable_xml_declaration=True,
        style=STYLE,
        width=760,
        height=max(220, 70 + 44 * len(figures.lines)),
        legend_at_bottom=True,
        print_values=False,
        show_y_guides=False,
        truncate_label=40,
        value_formatter=lambda v: format_kr(Decimal(str(v)), suffix=False),
    )
    chart.title = _("Paid and committed against granted, and the forecast (kr.)")
    chart.x_labels = [row.name for row in figures.lines]
    # Decimals in, as everywhere; the figures of record are in the table beside the chart.
    chart.add(_("Paid"), [row.paid for row in figures.lines])
    chart.add(_("Committed"), [row.committed for row in figures.lines])
    chart.add(_("Granted"), [row.granted for row in figures.lines])
    chart.add(_("Forecast"), [row.forecast for row in figures.lines])
    return charts.render(chart)
