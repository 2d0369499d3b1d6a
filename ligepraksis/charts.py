"""Charts drawn as SVG on the server by pygal (no CDN, no script: pygal's config <script> is removed,
so the CSP holds; its tooltips need script and are not used). The same functions draw the charts of
the pages and, later, of the PDF reports; the figures of record are always in a table beside them."""

from __future__ import annotations

from pygal.style import Style


def style(colors: tuple[str, ...]) -> Style:
    """The portal's chart style with the given series colours."""
    return Style(
        background="transparent",
        plot_background="#ffffff",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#6c757d",
        colors=colors,
        font_family="system-ui, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        title_font_size=15,
    )


def no_script(root):
    """Drop pygal's config <script> (it would be inline script; the CSP forbids it)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return root


def render(chart) -> str:
    """An inline SVG (no XML declaration, no script) of a pygal chart built with `js=[]` and
    `disable_xml_declaration=True`."""
    chart.add_xml_filter(no_script)
    return chart.render(is_unicode=True)
