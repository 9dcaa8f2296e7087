"""Read a unit from a PDF of its page: pypdf extracts the text, and the text reader takes it from there."""

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

PDF_MAGIC = b"%PDF-"


class PdfSourceError(ValueError):
    """The PDF cannot give the unit's text; the message says why and what to do instead."""


def pdf_text(raw):
    """Return the text of every page of a PDF, page after page."""
    # pypdf logs every oddity of a damaged file; the person importing gets one clear message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfSourceError(
                "this PDF is protected by a password: save it without one, or paste the unit's text"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfSourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise PdfSourceError(
            f"this PDF cannot be read ({type(error).__name__}): paste the unit's text instead"
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise PdfSourceError(
            "this PDF holds no text, only pictures of pages (a scan?): paste the unit's text, "
            "or upload training.gov.au's XML"
        )
    return text
