"""Reading the portal's PDFs in tests the way an auditor's reader would: page by page, as text."""

import io
import re

from pypdf import PdfReader


def pdf_pages(content):
    """Return each page's text, with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in reader.pages]


def pdf_text(content):
    """Return the whole document's text, pages joined by a space."""
    return " ".join(pdf_pages(content))
