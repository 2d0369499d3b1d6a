"""`manage.py benchmark_report`: the KEU status report's whole render (the figures from the database,
the HTML, the PDF: `evaluation.services.reports.render_keu_report`, what the worker runs) against
WeasyPrint rendering the report's final HTML on its own (the same document, stylesheets, URL fetcher
and `pdf_variant`), in the same run (a benchmark, not a test).

The two are run in turn (report, WeasyPrint, report, ...) `repeat` times each and the medians compared:
the ratio is the report's median over WeasyPrint's. Memory is measured in a separate pass (tracing
slows what it measures): the peak of Python's allocations under `tracemalloc` for one render of each,
and the process's peak resident size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, the high-water mark
of the whole run, C libraries such as Pango and the database driver included). Targets (issue 12): at
most 1.2x WeasyPrint's own render; the demo round under 3 s; the national round under 60 s and 1 GB.
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone, translation

from evaluation.services import reports
from ligepraksis import pdf
from ligepraksis.models import ProgrammeRound

DEMO_ROUND = "Lige Praksis i Midt 2026"
TARGET_RATIO = 1.2
TARGET_DEMO_S = 3.0
TARGET_NATIONAL_S = 60.0
TARGET_MEMORY_MB = 1024


@dataclass
class Result:
    round_name: str
    participations: int
    aggregate: bool
    repeat: int
    report_s: list[float] = field(default_factory=list)
    weasyprint_s: list[float] = field(default_factory=list)
    pdf_bytes: int = 0
    html_chars: int = 0
    report_peak_mb: float = 0.0
    weasyprint_peak_mb: float = 0.0
    maxrss_mb: float = 0.0

    @property
    def report_median(self) -> float:
        return statistics.median(self.report_s)

    @property
    def weasyprint_median(self) -> float:
        return statistics.median(self.weasyprint_s)

    @property
    def ratio(self) -> float:
        return self.report_median / self.weasyprint_median if self.weasyprint_median else float("inf")


def default_round() -> ProgrammeRound:
    found = ProgrammeRound.objects.filter(name=DEMO_ROUND).first() or (
        ProgrammeRound.objects.annotate(n=Count("participations")).order_by("-n", "pk").first()
    )
    if found is None:
        raise ValueError("No round in the database: run `manage.py demo_data` (or national_data) first.")
    return found


def _weasyprint_alone(html_document: str):
    """WeasyPrint on the report's final HTML, as render_pdf calls it (same sheets, fetcher, variant)."""
    from weasyprint import CSS, HTML

    fetcher = pdf.portal_fetcher()
    sheets = [CSS(url=pdf.STATIC_BASE + s, url_fetcher=fetcher) for s in (pdf.BASE_CSS, *reports.REPORT_CSS)]
    html = HTML(string=html_document, base_url=pdf.STATIC_BASE, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1")


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run(*, round_obj=None, as_of: dt.date | None = None, aggregate: bool = False, repeat: int = 3, log=print):
    round_obj = round_obj or default_round()
    as_of = as_of or timezone.localdate()
    result = Result(
        round_name=round_obj.name,
        participations=round_obj.participations.count(),
        aggregate=aggregate,
        repeat=repeat,
    )
    with translation.override("da"):
        ctx = reports.build_keu_report_context(round_obj, as_of, aggregate)
        html_document = pdf.document(reports.render_keu_report_html(ctx), title=ctx.title, lang="da")
        result.html_chars = len(html_document)
        for i in range(repeat):
            t = time.perf_counter()
            made = reports.render_keu_report(round_obj, as_of, aggregate)
            result.report_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            _weasyprint_alone(html_document)
            result.weasyprint_s.append(time.perf_counter() - t)
            report_s, weasy_s = result.report_s[-1], result.weasyprint_s[-1]
            log(f"turn {i + 1}: report {report_s:.2f} s, WeasyPrint {weasy_s:.2f} s")
        result.pdf_bytes = len(made)
        result.report_peak_mb = _peak_mb(lambda: reports.render_keu_report(round_obj, as_of, aggregate))
        result.weasyprint_peak_mb = _peak_mb(lambda: _weasyprint_alone(html_document))
    result.maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def report(r: Result) -> str:
    target_s = TARGET_DEMO_S if r.round_name == DEMO_ROUND else TARGET_NATIONAL_S

    def ok(good: bool) -> str:
        return "ok" if good else "OVER TARGET"

    return "\n".join(
        [
            f"KEU status report ({'aggregate' if r.aggregate else 'full'}) of {r.round_name!r}: "
            f"{r.participations} participations, {r.html_chars:,} characters of HTML, "
            f"{r.pdf_bytes:,} bytes of PDF",
            f"  whole report (figures + HTML + PDF): median {r.report_median:.3f} s over {r.repeat} "
            f"(runs: {', '.join(f'{x:.3f}' for x in r.report_s)})  [{ok(r.report_median < target_s)}: "
            f"< {target_s:g} s]",
            f"  WeasyPrint on the final HTML alone: median {r.weasyprint_median:.3f} s "
            f"(runs: {', '.join(f'{x:.3f}' for x in r.weasyprint_s)})",
            f"  ratio report / WeasyPrint: {r.ratio:.2f}x  "
            f"[{ok(r.ratio <= TARGET_RATIO)}: <= {TARGET_RATIO}x]",
            f"  peak Python memory (tracemalloc, one render): report {r.report_peak_mb:.1f} MB, "
            f"WeasyPrint alone {r.weasyprint_peak_mb:.1f} MB",
            f"  peak resident size of the process (ru_maxrss, whole run): {r.maxrss_mb:.0f} MB  "
            f"[{ok(r.maxrss_mb < TARGET_MEMORY_MB)}: < {TARGET_MEMORY_MB} MB]",
        ]
    )
