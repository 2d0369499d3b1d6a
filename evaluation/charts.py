"""The questionnaire charts: per question, the share of answers on each point or choice, before against
after (groups, never paired), or the mean of a number. Pure functions of the selectors' figures, so
the results page and the PDF report draw the same chart (ligepraksis/charts.py)."""

from __future__ import annotations

import pygal
from django.utils.translation import gettext as _

from evaluation.selectors.questionnaires import Comparison
from ligepraksis import charts

STYLE = charts.style(("#adb5bd", "#0b5394"))  # before (grey), after (blue): told apart by the legend too


def _share(r) -> list[float | None]:
    total = sum(n for _label, n in r.distribution)
    return [round(100 * n / total, 1) if total else 0 for _label, n in r.distribution]


def question_svg(c: Comparison, *, single: bool = False) -> str:
    """An inline SVG for one question, or "" when there is nothing to draw (free text, or every
    distribution hidden for fewer than 5 answers). `single`: a questionnaire without before and after
    (sent when a milestone closes), whose results are in `c.before`."""
    sides = [(_("Answers"), c.before)] if single else [(_("Before"), c.before), (_("After"), c.after)]
    with_distribution = [(name, r) for name, r in sides if r is not None and r.distribution is not None]
    if with_distribution:
        labels = [label for label, _n in with_distribution[0][1].distribution]
        chart = pygal.Bar(
            js=[],
            disable_xml_declaration=True,
            style=STYLE,
            width=640,
            height=320,
            legend_at_bottom=True,
            show_y_guides=True,
            range=(0, 100),
            truncate_label=24,
            value_formatter=lambda v: f"{v:g} %".replace(".", ","),
        )
        chart.title = _("Share of answers (%)")
        chart.x_labels = labels
        for name, r in sides:
            if r is not None and r.distribution is not None:
                chart.add(name, _share(r))
        return charts.render(chart)
    with_mean = [(name, r) for name, r in sides if r is not None and r.mean is not None]
    if with_mean and c.question.kind == "number":
        chart = pygal.HorizontalBar(
            js=[],
            disable_xml_declaration=True,
            style=STYLE,
            width=640,
            height=200,
            legend_at_bottom=True,
            value_formatter=lambda v: f"{v:.1f}".replace(".", ","),
        )
        chart.title = _("Mean")
        for name, r in with_mean:
            chart.add(name, [round(float(r.mean), 2)])
        return charts.render(chart)
    return ""
