"""Template filters for the printed forms."""

from django import template

register = template.Library()


@register.filter
def stored_src(name):
    """The address under which a PDF finds a stored signature image (only the PDF's fetcher knows it)."""
    from assessor_portal.pdf import stored_file_url  # WeasyPrint loads only when a PDF is made

    return stored_file_url(name) if name else ""
