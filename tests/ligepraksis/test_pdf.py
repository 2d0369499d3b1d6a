"""The core's PDF helper (ligepraksis/pdf.py): Danish text with embedded fonts, PDF/UA-1 with a language
and a title, and a URL fetcher that lets a document read nothing but the portal's print files."""

from __future__ import annotations

import io

import pytest
from django.utils.html import escape
from pypdf import PdfReader

from ligepraksis import pdf

try:  # WeasyPrint loads Pango when imported
    import weasyprint  # noqa: F401
except OSError:  # pragma: no cover - a machine without Pango
    pytest.skip(
        "WeasyPrint needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core",
        allow_module_level=True,
    )


def _reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in _reader(data).pages)


def test_danish_text_with_embedded_fonts_and_pdf_ua_metadata():
    data = pdf.render_pdf(
        "<h1>Statusrapport</h1><p>Lægerne i Åbyhøj: 1.098,80 kr.</p>", title="Statusrapport 2026"
    )
    text = _text(data)
    assert "Lægerne i Åbyhøj" in text and "1.098,80 kr." in text
    reader = _reader(data)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert reader.metadata.title == "Statusrapport 2026"
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()  # the PDF/UA identification
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontDescriptor" in font.get_object() or "/DescendantFonts" in font.get_object()
    }
    assert fonts and all("+" in name for name in fonts)  # embedded subsets ("ABCDEF+DejaVuSans")


def test_an_accessible_pdf_needs_a_title_and_a_language():
    with pytest.raises(ValueError):
        pdf.render_pdf("<p>x</p>", title=" ")
    with pytest.raises(ValueError):
        pdf.render_pdf("<p>x</p>", title="x", lang="")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/secret",
        "https://example.org/x.css",
        "lp-static:///css/portal.css",  # a static file outside the print folders
        "lp-static:///css/print/../portal.css",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_everything_but_the_print_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.portal_fetcher().fetch(url)


def test_the_fetcher_serves_the_print_css_and_inline_data():
    response = pdf.portal_fetcher().fetch(pdf.STATIC_BASE + pdf.BASE_CSS)
    assert b"@page" in response.read()
    assert pdf.portal_fetcher().fetch("data:text/plain,hej").read() == b"hej"


def _hostile_files(tmp_path) -> str:
    """Markup that pulls in a local stylesheet and a local SVG, each of which would put its secret into
    the PDF's text if it were fetched."""
    css = tmp_path / "secret.css"
    css.write_text('body::after { content: "HEMMELIGT-CSS"; }')
    svg = tmp_path / "secret.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50">'
        '<text x="0" y="20">HEMMELIGT-SVG</text></svg>'
    )
    return f'<link rel="stylesheet" href="file://{css}"><p>x</p><img src="file://{svg}" alt="">'


def test_user_text_cannot_pull_a_local_file_into_the_pdf(tmp_path):
    data = pdf.render_pdf(f"<p>{escape('Praksis <b>')}</p>" + _hostile_files(tmp_path), title="Test")
    assert "HEMMELIGT" not in _text(data)


def test_without_the_portals_fetcher_the_same_markup_leaks(tmp_path):
    """The test above can fail: WeasyPrint's own fetcher reads both files."""
    from weasyprint import HTML

    data = HTML(string=_hostile_files(tmp_path)).write_pdf()
    assert "HEMMELIGT-CSS" in _text(data) and "HEMMELIGT-SVG" in _text(data)


def test_only_print_stylesheets_on_the_allow_list():
    with pytest.raises(ValueError):
        pdf.render_pdf("<p>x</p>", title="x", stylesheets=("css/portal.css",))
