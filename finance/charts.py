"""The budget chart: paid and committed against granted per line, drawn as SVG on the server by pygal
(no CDN, no script: pygal's config <script> is removed, so the CSP holds; its tooltips need script and
are not used). The figures are in a table beside it on the page."""

from __future__ import annotations

from decimal import Decimal

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from finance.selectors.budget import Budget
from ligepraksis.money import format_kr

STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    # paid, committed, granted, forecast: told apart by the legend too
    colors=("#0b5394", "#e69138", "#adb5bd", "#6f42c1"),
    font_family="system-ui, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def _no_script(root):
    """Drop pygal's config <script> (it would be inline script; the CSP forbids it)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return root


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
    chart.add_xml_filter(_no_script)
    return chart.render(is_unicode=True)
