"""The PDF helper: HTML + the portal's print CSS -> an accessible PDF (PDF/UA-1) with WeasyPrint.

One wrapper for every app that makes PDFs (the evaluation's reports, the applications' decision
letters), so each gets the same three safeguards:

- **No file or network access from the document.** `PortalFetcher` answers only `data:` URIs (charts
  drawn as SVG are handed in inline) and the portal's own static files under an allow-list of folders
  (`lp-static:///css/print/...`, found with Django's staticfiles finders). Everything else, `file://`,
  `http(s)://` and any other scheme, is refused, so text a user typed (a practice name with an
  ``<img src="file:///etc/passwd">``) can never pull a local file or an outside address into a PDF.
- **Print CSS of its own**, never Bootstrap (the cascade is slow in WeasyPrint and the layout is for
  screens): `static/css/print/base.css`, plus any further sheets from the allow-list.
- **Accessible output**: `pdf_variant="pdf/ua-1"` (tagged PDF, WeasyPrint calls it experimental), with
  the document's language and title required: a PDF for a public body must say both.

Fonts: WeasyPrint embeds (subsets of) the fonts it uses; the print CSS asks for DejaVu Sans, which
Debian's `fonts-dejavu-core` installs (the README and `.ci/run` install it with Pango).
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.utils.html import escape

STATIC_BASE = "lp-static:///"
ALLOWED_STATIC = ("css/print/", "img/print/")  # the folders of static/ a PDF may read
BASE_CSS = "css/print/base.css"


class RefusedURL(ValueError):
    """A document asked for something outside the allow-list (WeasyPrint skips it and logs)."""


def static_path(url: str):
    """The file behind an `lp-static:///...` URL on the allow-list, or None."""
    if not url.startswith(STATIC_BASE):
        return None
    relative = unquote(urlsplit(url).path).lstrip("/")
    parts = PurePosixPath(relative).parts
    if not relative or ".." in parts or not relative.startswith(ALLOWED_STATIC):
        return None
    found = finders.find(relative)
    return found if isinstance(found, str) else None


def _portal_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                raise RefusedURL(f"A PDF may not fetch {url[:80]!r}")
            with open(path, "rb") as f:
                body = f.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return PortalFetcher


def portal_fetcher():
    """The URL fetcher every PDF of the portal uses (see the module text)."""
    return _portal_fetcher_class()()


def document(body_html: str, *, title: str, lang: str = "da") -> str:
    """The whole HTML document `render_pdf` hands WeasyPrint (a benchmark renders it on its own too)."""
    if not title.strip() or not lang.strip():
        raise ValueError("An accessible PDF needs a title and a language.")
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{body_html}</body></html>"
    )


def render_pdf(body_html: str, *, title: str, lang: str = "da", stylesheets: tuple[str, ...] = ()) -> bytes:
    """A PDF/UA-1 document of `body_html` (the inside of <body>, already escaped by its template) with
    the print CSS and the given further sheets (paths on the allow-list)."""
    from weasyprint import CSS, HTML

    html_document = document(body_html, title=title, lang=lang)
    fetcher = portal_fetcher()
    sheets = []
    for sheet in (BASE_CSS, *stylesheets):
        if static_path(STATIC_BASE + sheet) is None:
            raise ValueError(f"Not a print stylesheet on the allow-list: {sheet}")
        sheets.append(CSS(url=STATIC_BASE + sheet, url_fetcher=fetcher))
    html = HTML(string=html_document, base_url=STATIC_BASE, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1")
