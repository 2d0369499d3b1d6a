"""The evaluation's PDF reports, made in the worker on the core's row with a status
(`ligepraksis.models.FileJob`, kinds registered in evaluation/portal.py with `keep=True`):

- the **KEU status report** of a round on a date, full or aggregate-only;
- the **report note** (afrapporteringsnotat) across the participating practices;
- the **postcards** (A6), one per consenting practice, all in one PDF or one practice's.

Each is three pure steps: `build_*_context(...)` reads the figures from the apps' own selectors (sums
made in the database: the budget is `finance.selectors.budget.budget`, the very call of the finance
pages; milestones, hours and overdue items are the progress dashboard's selectors), `render_*_html(ctx)`
renders the template in templates/evaluation/pdf/, and `ligepraksis.pdf.render_pdf` makes the PDF/UA-1
document. Charts are pygal SVG (the pages' chart functions) handed in as `data:` images with a text
alternative (`alt`), which WeasyPrint writes as the figure's /Alt in the tagged PDF.

Only what may be shown to the report's readers goes in: never interview notes, never an evaluation
without a standing consent to publish (`PracticeEvaluation.objects.published()` is the one rule),
never the free-text answers of a questionnaire. The aggregate-only variant shows no figure for a single
practice and none computed over fewer than 3 practices (`masked`, the one home of that rule).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from activities import selectors as activity_selectors
from activities.models import Session
from applications import selectors as application_selectors
from applications.models import Application, ApplicationStatus, Participation
from evaluation import charts as evaluation_charts
from evaluation.models import Phase, Questionnaire
from evaluation.permissions import KEU_REPORT, POSTCARDS, REPORT_KINDS, REPORT_NOTE
from evaluation.selectors import questionnaires as questionnaire_selectors
from evaluation.selectors.sharing import published_postcards
from finance import charts as finance_charts
from finance.selectors.budget import budget as budget_figures
from ligepraksis import charts, filejobs, formatting
from ligepraksis.models import FileJob, FileJobStatus, ProgrammeRound
from ligepraksis.money import format_kr
from ligepraksis.pdf import render_pdf
from progress.models import ClinicModule, Intervention, PdsaCycle
from progress.selectors import milestones as milestone_selectors
from progress.selectors import reports as report_selectors

MIN_PRACTICES = 3  # the aggregate-only variant: no figure over fewer practices (003, 8.4)
CYCLES_SHOWN = 10  # PDSA cycles per practice in the report note (newest first)
REPORT_CSS = ("css/print/report.css",)
POSTCARD_CSS = ("css/print/postcard.css",)


def under_three() -> str:
    return _("under 3")


def masked(value, practices: int, *, aggregate: bool = True):
    """THE rule of the aggregate-only variant: a figure computed over fewer than 3 practices reads
    "under 3" (a count of practices is computed over that many practices). The full variant shows it."""
    if aggregate and practices < MIN_PRACTICES:
        return under_three()
    return value


def svg_image(svg: str) -> str:
    """A chart's SVG as a `data:` URI for an <img> (the PDF helper's fetcher answers data: only)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@dataclass
class Chart:
    src: str  # data: URI
    alt: str  # the text alternative
    caption: str


def _chart(svg: str, *, alt: str, caption: str) -> Chart | None:
    return Chart(svg_image(svg), alt, caption) if svg else None


# --- The KEU status report ------------------------------------------------------------------------


@dataclass
class SpreadCell:
    label: str
    received: object
    selected: object


@dataclass
class KeuContext:
    round: ProgrammeRound
    as_of: dt.date
    aggregate: bool
    received: object
    selected: object
    participating: int
    spread: dict[str, list[SpreadCell]] = field(default_factory=dict)
    milestone_names: list[str] = field(default_factory=list)
    practices: list[dict] = field(default_factory=list)  # full variant only
    milestone_totals: list[dict] = field(default_factory=list)
    hours: dict = field(default_factory=dict)
    activities: list[dict] = field(default_factory=list)
    budget: object = None
    budget_rows: list[dict] = field(default_factory=list)
    budget_total: dict = field(default_factory=dict)
    overdue: dict = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    made_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        if self.aggregate:
            return _("KEU status report (aggregate) for %(round)s") % {"round": self.round.name}
        return _("KEU status report for %(round)s") % {"round": self.round.name}


def _spread_chart(selected_spread) -> Chart | None:
    rows = [r for r in selected_spread.rows if r.dimension in ("area", "form", "size")]
    if not rows:
        return None
    chart = pygal.HorizontalBar(
        js=[],
        disable_xml_declaration=True,
        style=charts.style(("#0b5394",)),
        width=760,
        height=max(220, 70 + 30 * len(rows)),
        show_legend=False,
        truncate_label=40,
    )
    chart.title = _("Selected practices by area, form and size")
    chart.x_labels = [str(r.label) for r in rows]
    chart.add(_("Selected"), [r.count for r in rows])
    alt = _("Bar chart of the selected practices: %(list)s.") % {
        "list": "; ".join(f"{r.label}: {r.count}" for r in rows)
    }
    return _chart(charts.render(chart), alt=alt, caption=_("The figures are in the table above."))


def _budget_svg(figures) -> str:
    """Paid and committed against granted per line (the finance page's chart without its forecast,
    which the report does not show), in the finance chart's colours."""
    chart = pygal.HorizontalBar(
        js=[],
        disable_xml_declaration=True,
        style=finance_charts.STYLE,
        width=760,
        height=max(220, 70 + 36 * len(figures.lines)),
        legend_at_bottom=True,
        show_y_guides=False,
        truncate_label=40,
        value_formatter=lambda v: format_kr(Decimal(str(v)), suffix=False),
    )
    chart.title = _("Paid and committed against granted (kr.)")
    chart.x_labels = [row.name for row in figures.lines]
    chart.add(_("Paid"), [row.paid for row in figures.lines])
    chart.add(_("Committed"), [row.committed for row in figures.lines])
    chart.add(_("Granted"), [row.granted for row in figures.lines])
    return charts.render(chart)


def _budget_alt(figures) -> str:
    parts = [
        _("%(line)s: granted %(granted)s, paid %(paid)s, committed %(committed)s")
        % {
            "line": row.name,
            "granted": format_kr(row.granted),
            "paid": format_kr(row.paid),
            "committed": format_kr(row.committed),
        }
        for row in figures.lines
    ]
    return _("Bar chart of the budget per line: %(list)s.") % {"list": "; ".join(parts)}


def build_keu_report_context(round_obj: ProgrammeRound, as_of: dt.date, aggregate: bool) -> KeuContext:
    """The KEU status report's figures for the round on `as_of`, from the apps' own selectors."""
    m = masked if aggregate else (lambda value, practices: value)
    groups = application_selectors.round_groups(round_obj)
    received = Application.objects.filter(round=round_obj).exclude(status=ApplicationStatus.DRAFT)
    received_spread = application_selectors.spread(groups, received.select_related("practice__municipality"))
    selected_spread = application_selectors.selection_spread(groups, round_obj)
    participations = Participation.objects.filter(round=round_obj).active()
    part_count = participations.count()

    ctx = KeuContext(
        round=round_obj,
        as_of=as_of,
        aggregate=aggregate,
        received=m(received_spread.total, received_spread.total),
        selected=m(selected_spread.total, selected_spread.total),
        participating=part_count,
        made_at=timezone.now(),
    )
    selected_by = {(r.dimension, r.group): r.count for r in selected_spread.rows}
    for row in received_spread.rows:
        if row.dimension == "municipality":
            continue  # areas, forms and sizes (the municipalities are in the selection workspace)
        sel = selected_by.get((row.dimension, row.group), 0)
        ctx.spread.setdefault(row.dimension, []).append(
            SpreadCell(row.label, m(row.count, row.count), m(sel, sel))
        )

    # Milestones per practice (the dashboard's selectors: THE overdue rule), hours against the target.
    templates = milestone_selectors.templates_of(round_obj)
    ctx.milestone_names = [t.name for t in templates]
    annotated = milestone_selectors.dashboard_participations(participations, today=as_of, sort="name")
    rows = milestone_selectors.dashboard_rows(annotated, templates, today=as_of)
    overdue_reports = report_selectors.overdue_report_counts([r.participation.pk for r in rows], as_of)
    done_by_template: dict[int, int] = defaultdict(int)
    overdue_by_template: dict[int, int] = defaultdict(int)
    hours_total = target_total = Decimal("0")
    reached = 0
    for r in rows:
        for t, cell in zip(templates, r.cells, strict=True):
            if cell.state == "done":
                done_by_template[t.pk] += 1
            elif cell.state == "overdue":
                overdue_by_template[t.pk] += 1
        ledger = r.ledger
        if ledger is not None:
            hours_total += ledger.total
            target_total += ledger.target
            reached += 1 if ledger.done else 0
        if not aggregate:
            ctx.practices.append(
                {
                    "name": r.participation.practice.name,
                    "milestones": [
                        (t.name, cell.label or "–") for t, cell in zip(templates, r.cells, strict=True)
                    ],
                    "hours": formatting.hours(ledger.total) if ledger else "–",
                    "target": formatting.hours(ledger.target) if ledger else "–",
                    "percent": ledger.percent if ledger else None,
                    "overdue_milestones": r.overdue_count,
                    "overdue_reports": overdue_reports.get(r.participation.pk, 0),
                }
            )
    ctx.milestone_totals = [
        {
            "name": t.name,
            "done": m(done_by_template[t.pk], done_by_template[t.pk]),
            "overdue": m(overdue_by_template[t.pk], overdue_by_template[t.pk]),
        }
        for t in templates
    ]
    ctx.hours = {
        "total": m(formatting.hours(hours_total), len(rows)),
        "target": m(formatting.hours(target_total), len(rows)),
        "reached": m(reached, reached),
        "practices": m(len(rows), len(rows)),
    }
    overdue_milestones = sum(r.overdue_count for r in rows)
    with_overdue = sum(1 for r in rows if r.overdue_count)
    claims = activity_selectors.pending_claims(round_obj).aggregate(
        n=Count("pk"), practices=Count("practice", distinct=True)
    )
    pending, pending_practices = claims["n"], claims["practices"]
    late_reports = sum(overdue_reports.values())
    with_late = sum(1 for n in overdue_reports.values() if n)
    ctx.overdue = {
        "milestones": m(overdue_milestones, with_overdue),
        "practices_behind": m(with_overdue, with_overdue),
        "reports": m(late_reports, with_late),
        "practices_late": m(with_late, with_late),
        "claims": m(pending, pending_practices),
    }

    # Activities held up to the date: sessions and participants (attended), one grouped query.
    attended = Q(registrations__attended=True)
    held = (
        Session.objects.filter(activity__round=round_obj, starts_at__date__lte=as_of)
        .values("activity_id", "activity__title")
        .annotate(
            session_count=Count("pk", distinct=True),
            participants=Count("registrations", filter=attended, distinct=True),
            practices=Count("registrations__practice", filter=attended, distinct=True),
        )
        .order_by("activity__title", "activity_id")
    )
    ctx.activities = [
        {
            "title": a["activity__title"],
            "sessions": a["session_count"],
            "participants": m(a["participants"], a["practices"]),
            "practices": m(a["practices"], a["practices"]),
        }
        for a in held
    ]

    # Honoraria and the budget per line: the finance pages' own selector, figures unchanged.
    # Without the forecast (the report does not show it): the same granted, committed, paid, remaining.
    figures = budget_figures(round_obj, today=as_of, forecast=False)
    ctx.budget = figures
    for line in figures.lines:
        honoraria = bool(line.line is not None and line.line.honoraria)
        over = part_count if honoraria else MIN_PRACTICES  # only the honoraria line is the practices'
        ctx.budget_rows.append(
            {
                "name": line.name,
                "honoraria": honoraria,
                "granted": format_kr(line.granted),
                "committed": m(format_kr(line.committed), over),
                "paid": m(format_kr(line.paid), over),
                "remaining": m(format_kr(line.remaining), over),
            }
        )
    total = figures.total
    honoraria_in_total = any(r["honoraria"] for r in ctx.budget_rows)
    over = part_count if honoraria_in_total else MIN_PRACTICES
    ctx.budget_total = {
        "granted": format_kr(total.granted),
        "committed": m(format_kr(total.committed), over),
        "paid": m(format_kr(total.paid), over),
        "remaining": m(format_kr(total.remaining), over),
    }

    if not aggregate:
        spread_chart = _spread_chart(selected_spread)
        if spread_chart:
            ctx.charts.append(spread_chart)
    if figures.lines and (not aggregate or not honoraria_in_total or part_count >= MIN_PRACTICES):
        budget_chart = _chart(
            _budget_svg(figures),
            alt=_budget_alt(figures),
            caption=_("The figures are in the budget table."),
        )
        if budget_chart:
            ctx.charts.append(budget_chart)
    return ctx


def render_keu_report_html(ctx: KeuContext) -> str:
    return render_to_string("evaluation/pdf/keu_report.html", {"ctx": ctx})


def render_keu_report(round_obj, as_of: dt.date, aggregate: bool, *, lang: str = "da") -> bytes:
    ctx = build_keu_report_context(round_obj, as_of, aggregate)
    return render_pdf(render_keu_report_html(ctx), title=ctx.title, lang=lang, stylesheets=REPORT_CSS)


# --- The report note ------------------------------------------------------------------------------


@dataclass
class NoteContext:
    round: ProgrammeRound
    before: object | None
    after: object | None
    questions: list[dict] = field(default_factory=list)
    practices: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    made_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        return _("Report note for %(round)s") % {"round": self.round.name}


def _latest_sent(round_obj, phase):
    return (
        Questionnaire.objects.filter(round=round_obj, phase=phase, sent_at__isnull=False)
        .order_by("-sent_at", "-pk")
        .first()
    )


def _question_alt(c) -> str:
    parts = []
    for label, before, after in c.points:
        parts.append(
            _("%(label)s: before %(before)s, after %(after)s")
            % {
                "label": label,
                "before": "–" if before is None else before,
                "after": "–" if after is None else after,
            }
        )
    if not parts:
        for name, r in ((_("Before"), c.before), (_("After"), c.after)):
            if r is not None and r.mean is not None:
                parts.append(f"{name}: {r.mean:.1f}".replace(".", ","))
    return _("Chart of the answers to “%(question)s”: %(list)s.") % {
        "question": c.question.text,
        "list": "; ".join(parts) or _("no figures"),
    }


def build_report_note_context(round_obj: ProgrammeRound) -> NoteContext:
    """The report note's contents: the round's latest sent questionnaires before and after (counts,
    means and distributions from the results page's selector, never free text), and for each practice
    with a published evaluation its patient group, intervention, PDSA cycles and learning points."""
    before_q, after_q = _latest_sent(round_obj, Phase.BEFORE), _latest_sent(round_obj, Phase.AFTER)
    before = questionnaire_selectors.results(before_q) if before_q else None
    after = questionnaire_selectors.results(after_q) if after_q else None
    ctx = NoteContext(round=round_obj, before=before, after=after, made_at=timezone.now())
    for c in questionnaire_selectors.compare(before, after):
        if c.question.kind == "text":
            continue
        svg = evaluation_charts.question_svg(c)
        ctx.questions.append(
            {
                "text": c.question.text,
                "before": c.before,
                "after": c.after,
                "points": c.points,
                "chart": _chart(svg, alt=_question_alt(c), caption="") if svg else None,
            }
        )

    evaluations = list(published_postcards(round_obj.pk))
    part_ids = [e.participation_id for e in evaluations]
    modules = {
        cm.participation_id: cm
        for cm in ClinicModule.objects.filter(participation_id__in=part_ids).select_related("patient_group")
    }
    interventions = {
        i.participation_id: i for i in Intervention.objects.filter(participation_id__in=part_ids)
    }
    cycles: dict[int, list] = defaultdict(list)
    for cycle in (
        PdsaCycle.objects.filter(intervention__participation_id__in=part_ids)
        .order_by("intervention_id", "-plan_on", "-pk")
        .select_related("intervention")
    ):
        pid = cycle.intervention.participation_id
        if len(cycles[pid]) < CYCLES_SHOWN:
            cycles[pid].append(cycle)
    for e in evaluations:
        cm = modules.get(e.participation_id)
        group = ""
        if cm is not None:
            group = cm.patient_group_text or (cm.patient_group.name if cm.patient_group else "")
        ctx.practices.append(
            {
                "name": e.participation.practice.name,
                "patient_group": group,
                "intervention": interventions.get(e.participation_id),
                "cycles": cycles.get(e.participation_id, []),
                "what_worked": e.what_worked,
                "what_did_not": e.what_did_not,
                "learning_points": e.learning_points,
            }
        )
        if e.recommendations.strip():
            ctx.recommendations.append({"name": e.participation.practice.name, "text": e.recommendations})
    return ctx


def render_report_note_html(ctx: NoteContext) -> str:
    return render_to_string("evaluation/pdf/report_note.html", {"ctx": ctx})


def render_report_note(round_obj, *, lang: str = "da") -> bytes:
    ctx = build_report_note_context(round_obj)
    return render_pdf(render_report_note_html(ctx), title=ctx.title, lang=lang, stylesheets=REPORT_CSS)


# --- Postcards ------------------------------------------------------------------------------------


@dataclass
class PostcardsContext:
    round: ProgrammeRound
    cards: list[dict]

    @property
    def title(self) -> str:
        if len(self.cards) == 1:
            return _("Postcard from %(practice)s") % {"practice": self.cards[0]["name"]}
        return _("Postcards from %(round)s") % {"round": self.round.name}


def build_postcards_context(
    round_obj: ProgrammeRound, participation_id: int | None = None
) -> PostcardsContext:
    """One A6 card per published evaluation of the round (or the one participation's)."""
    qs = published_postcards(round_obj.pk)
    if participation_id is not None:
        qs = qs.filter(participation_id=participation_id)
    cards = [
        {"name": e.participation.practice.name, "example": e.example, "learning_points": e.learning_points}
        for e in qs
    ]
    return PostcardsContext(round=round_obj, cards=cards)


def render_postcards_html(ctx: PostcardsContext) -> str:
    return render_to_string("evaluation/pdf/postcards.html", {"ctx": ctx})


def render_postcards(round_obj, participation_id=None, *, lang: str = "da") -> bytes:
    ctx = build_postcards_context(round_obj, participation_id)
    return render_pdf(render_postcards_html(ctx), title=ctx.title, lang=lang, stylesheets=POSTCARD_CSS)


# --- The file kinds' render functions (params -> bytes written to `out`) ---------------------------


def _round(params) -> ProgrammeRound:
    return ProgrammeRound.objects.select_related("region").get(pk=params["round"])


def _lang(params) -> str:
    return params.get("language") or "da"


def keu_report_file(params: dict, out) -> None:
    as_of = dt.date.fromisoformat(params["as_of"])
    out.write(
        render_keu_report(_round(params), as_of, params.get("variant") == "aggregate", lang=_lang(params))
    )


def report_note_file(params: dict, out) -> None:
    out.write(render_report_note(_round(params), lang=_lang(params)))


def postcards_file(params: dict, out) -> None:
    out.write(render_postcards(_round(params), params.get("participation"), lang=_lang(params)))


# --- Asking for a report --------------------------------------------------------------------------

KINDS = REPORT_KINDS
VARIANTS = ("full", "aggregate")


def _filename(kind: str, round_obj, params: dict) -> str:
    base = {KEU_REPORT: "keu-statusrapport", REPORT_NOTE: "afrapporteringsnotat", POSTCARDS: "postkort"}[kind]
    parts = [base, slugify(round_obj.name)]
    if kind == KEU_REPORT:
        parts += [params["as_of"]] + (["samlet"] if params["variant"] == "aggregate" else [])
    if params.get("participation"):
        parts.append(str(params["participation"]))
    return "-".join(p for p in parts if p)[:180] + ".pdf"


def report_request(
    *, user, kind: str, round_obj, as_of: dt.date | None = None, variant: str = "full", participation_id=None
):
    """Write a queued report on the core's row with a status (its task is queued after commit). The
    caller has checked `permissions.may_request_report`. PDFs are Danish."""
    if kind not in KINDS:
        raise LookupError(kind)
    params: dict = {"round": round_obj.pk, "language": "da"}
    if kind == KEU_REPORT:
        if variant not in VARIANTS:
            raise ValueError(variant)
        params["as_of"] = (as_of or timezone.localdate()).isoformat()
        params["variant"] = variant
    if kind == POSTCARDS and participation_id:
        params["participation"] = int(participation_id)
    return filejobs.file_job_create(
        kind=kind, params=params, user=user, filename=_filename(kind, round_obj, params)
    )


def round_reports(round_obj, *, finished_only: bool = False):
    """The round's reports, newest first (the page shows them a page at a time)."""
    qs = FileJob.objects.filter(kind__in=KINDS, params__round=round_obj.pk).select_related("requested_by")
    if finished_only:
        qs = qs.filter(status=FileJobStatus.DONE)
    return qs.order_by("-created_at", "-pk")
