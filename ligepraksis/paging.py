"""Every list is bounded: one page of rows at a time (Django's Paginator) with an accessible pager.

`page_of(request, rows)` takes a queryset (two queries: the count and the page, whatever the number
of rows) or a list, and returns a Page whose `links` the pager partial `ligepraksis/_pager.html`
shows. The page number is the GET parameter `side` (Danish URLs), other parameters (filters) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50
PARAM = "side"


@dataclass
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str = ""
    current: bool = False


def _url(request, number: int, param: str, path: str) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and two on each side of the current page."""
    shown = sorted({1, last, *range(max(current - 2, 1), min(current + 2, last) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def page_of(request, rows, *, per_page: int = PAGE_SIZE, param: str = PARAM, path: str = "") -> Page:
    """The requested page of `rows` (a number past the end gives the last page, garbage the first).
    The pager's links lead to `path` (default: this page's; a form's POST page names its GET page)."""
    path = path or request.path
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(request.GET.get(param))
    page.param = param
    page.links = [
        PageLink(n, _url(request, n, param, path), n == page.number) if n else PageLink(None)
        for n in _numbers(page.number, paginator.num_pages)
    ]
    page.previous_url = _url(request, page.number - 1, param, path) if page.has_previous() else ""
    page.next_url = _url(request, page.number + 1, param, path) if page.has_next() else ""
    return page
