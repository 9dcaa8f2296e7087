"""The PDF renderer fetches only the portal's own files: never the network, the disk or a redirect."""

import base64
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader

from assessor_portal.pdf import PortalURLFetcher, RefusedURL, html_to_pdf, stored_file_url
from assessor_portal.tests.pdfs import pdf_text

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def fetcher():
    return PortalURLFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "https://portal.internal.example.com/static/css/documents.css",
        "https://portal.internal/static/../../etc/passwd",
        "https://portal.internal/stored/evidence/someone-elses-upload.pdf",
        "https://portal.internal/stored/signatures/../evidence/x.pdf",
        "https://portal.internal/media/evidence/x.pdf",
        "https://portal.internal/static/css/documents.css?redirect=https://example.com",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/svg+xml,<svg onload=alert(1)>",
    ],
)
def test_fetcher_refuses_everything_outside_the_portals_own_files(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_fetcher_serves_static_files_fonts_and_data_images(fetcher):
    css = fetcher.fetch("https://portal.internal/static/css/documents.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    font = fetcher.fetch("https://portal.internal/static/vendor/source-sans-pro/SourceSansPro-Regular.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"
    image = fetcher.fetch("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert image.read() == PNG


def test_fetcher_serves_a_stored_signature(fetcher, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    name = default_storage.save("signatures/drawn.png", ContentFile(PNG))
    assert fetcher.fetch(stored_file_url(name)).read() == PNG


def test_a_form_asking_for_outside_files_renders_without_them():
    html = (
        '<html><head><link rel="stylesheet" href="http://example.com/evil.css"></head><body>'
        '<img src="file:///etc/passwd"><img src="https://example.com/track.png">'
        "<p>Still printed</p></body></html>"
    )
    pdf = html_to_pdf(html)
    assert pdf_text(pdf) == "Still printed"
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert list(page.images) == []
