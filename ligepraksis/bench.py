"""The benchmark's floor view: what every page costs before it does any work of its own.

It renders base.html (menu, footer, the logged-in user's links) with a table of 20 invented rows,
through the project's own middleware, and reads nothing of its own from the database. It is routed
only by the benchmark's URLconf (`ligepraksis/bench_urls.py`, `ligepraksis/bench_settings.py`),
never by the portal's.
"""

import datetime as dt
from decimal import Decimal

from django.shortcuts import render

FLOOR_PATH = "/benchmark/floor/"
FLOOR_ROWS = tuple(
    {
        "number": n,
        "name": f"Lægehuset nr. {n}",
        "day": dt.date(2026, 1, 1) + dt.timedelta(days=7 * n),
        "hours": Decimal("1.5") * n,
        "amount": Decimal("1098.80") * n,
    }
    for n in range(1, 21)
)


def floor(request):
    return render(request, "benchmark_floor.html", {"rows": FLOOR_ROWS})
