"""The one module that imports WeasyPrint: a form's template, rendered as a PDF.

Every form is one template used twice: as an HTML page (`documents/page.html` layout, with the
site's chrome, a Download PDF button and print CSS) and as a PDF (`documents/pdf.html`). The PDF
is A4 portrait; its running header and footer (unit, student, tool version, "page n of m") come
from `static/css/documents.css`.

WeasyPrint fetches nothing by itself: `PortalURLFetcher` serves the portal's own static files
(the stylesheet, the typeface shipped as a package) and stored signature images, and refuses every
other URL — file://, http(s) anywhere, data: URLs other than images — without following a redirect.
"""

import base64
import datetime
import re
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in a form ("/static/…") resolve against this address, which only the fetcher knows.
INTERNAL_ORIGIN = "https://portal.internal"
STORED_PREFIX = "/stored/"
# Drawn signatures are the only stored files a PDF shows.
STORED_FOLDERS = ("signatures/",)
DATA_IMAGE = re.compile(r"^data:(image/(?:png|jpeg|gif));base64,([A-Za-z0-9+/=\s]+)$")
CONTENT_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class RefusedURL(ValueError):
    """A form asked for something outside the portal: WeasyPrint leaves it out."""


class PortalURLFetcher(URLFetcher):
    """Serve the portal's static files and stored signatures to WeasyPrint; refuse everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return self._data_image(url)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != INTERNAL_ORIGIN or parts.query:
            raise RefusedURL(f"Not a file of the portal: {url[:80]}")
        path = unquote(parts.path)
        if ".." in path.split("/"):
            raise RefusedURL(f"Not a file of the portal: {url[:80]}")
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static_prefix):
            found = finders.find(path.removeprefix(static_prefix))
            if not found:
                raise RefusedURL(f"No such static file: {path}")
            with open(found, "rb") as handle:
                return self._response(url, handle.read(), found)
        if path.startswith(STORED_PREFIX):
            name = path.removeprefix(STORED_PREFIX)
            if not name.startswith(STORED_FOLDERS):
                raise RefusedURL(f"Not a stored signature: {path}")
            with default_storage.open(name, "rb") as handle:
                return self._response(url, handle.read(), name)
        raise RefusedURL(f"Not a file of the portal: {url[:80]}")

    def _data_image(self, url):
        match = DATA_IMAGE.match(url)
        if not match:
            raise RefusedURL("Only PNG, JPEG and GIF images may be given as data: URLs.")
        return URLFetcherResponse(url, base64.b64decode(match[2]), {"Content-Type": match[1]})

    def _response(self, url, body, name):
        suffix = name[name.rfind(".") :].lower()
        return URLFetcherResponse(
            url, body, {"Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream")}
        )


def stored_file_url(name):
    """Return the address under which a PDF finds a stored signature image."""
    return f"{INTERNAL_ORIGIN}{STORED_PREFIX}{name}"


@dataclass
class Archival:
    """What makes a PDF an archival record: PDF/A-3b, the record as embedded JSON, fixed dates.

    The same record renders to the same bytes: the dates are the record's, and the document's
    identifier is the record's own hash.
    """

    record_json: bytes
    signed_at: datetime.datetime
    identifier: str
    attachment_name: str = "record.json"


def render_html(template_name, context):
    """Render a form's template for the PDF layout."""
    return render_to_string(
        template_name,
        {**context, "layout": "documents/pdf.html", "for_pdf": True, "portal_name": settings.SITE_NAME},
    )


def render_pdf(template_name, context, *, archival=None):
    """Render a form's template as a PDF (PDF/A-3b with its record attached, when archival)."""
    return html_to_pdf(render_html(template_name, context), archival=archival)


_fonts = threading.local()


def font_config():
    """This thread's WeasyPrint font configuration, made once and kept.

    A new one per document loads the forms' typeface into fontconfig again and never gives the
    memory back: a worker making a cohort's 120 record sheets grew by 40 MB. Pango's font map is
    not shared between threads, so each thread keeps its own.
    """
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def html_to_pdf(html, *, archival=None):
    """Turn a form's rendered HTML into PDF bytes, fetching only what the portal holds."""
    document = HTML(string=html, base_url=INTERNAL_ORIGIN + "/", url_fetcher=PortalURLFetcher())
    if archival is None:
        return document.write_pdf(font_config=font_config())
    attachment = Attachment(
        string=archival.record_json.decode(),
        name=archival.attachment_name,
        description="The signed record, as JSON",
        relationship="Data",
        created=archival.signed_at,
        modified=archival.signed_at,
        url_fetcher=PortalURLFetcher(),
    )
    return document.write_pdf(
        font_config=font_config(),
        pdf_variant="pdf/a-3b",
        attachments=[attachment],
        pdf_identifier=archival.identifier.encode(),
    )
