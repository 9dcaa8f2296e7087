"""Read a unit of competency from plain text, a Word document, a PDF, the portal's JSON or training.gov.au's XML.

`parse_unit_source` never raises for bad input: it returns a ParsedUnit whose `errors` say, by
line, what is wrong, and whose `skipped` list shows what the importer left out.
"""

from django.conf import settings

from .authorit import AuthorItError, read_authorit
from .builder import build_unit
from .docxreader import DocxSourceError, docx_lines, is_docx
from .jsonformat import dump_unit_json, parse_unit_json
from .parsed import ParsedCriterion, ParsedElement, ParsedItem, ParsedUnit, Skipped
from .pdfreader import PDF_MAGIC, PdfSourceError, pdf_text
from .text import text_lines

__all__ = [
    "ParsedCriterion",
    "ParsedElement",
    "ParsedItem",
    "ParsedUnit",
    "Skipped",
    "dump_unit_json",
    "parse_unit_source",
]


class SourceError(ValueError):
    pass


def parse_unit_source(data, *, filename="", code=None, title=None, release=None):
    """Parse a unit from bytes (an upload) or text (a paste), whatever its format."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    try:
        _check_size(raw)
        looks_like_xml = raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        binary = (
            looks_like_xml
            or raw.startswith(PDF_MAGIC)
            or filename.lower().endswith(".pdf")
            or is_docx(raw, filename)
        )
        text = "" if binary else (data if isinstance(data, str) else decode_source(raw))
    except SourceError as error:
        return _failed("unknown", str(error))
    name = filename.lower()
    if looks_like_xml or name.endswith(".xml"):
        try:
            lines, variables = read_authorit(raw)
        except AuthorItError as error:
            return _failed("xml", str(error))
        return build_unit(
            lines,
            source_format="xml",
            code=code or variables.get("code"),
            title=title or variables.get("title"),
            release=release or _int_or_none(variables.get("release")),
        )
    if is_docx(raw, name):
        try:
            lines = docx_lines(raw)
        except DocxSourceError as error:
            return _failed("docx", str(error))
        return build_unit(lines, source_format="docx", code=code, title=title, release=release)
    if raw.startswith(PDF_MAGIC) or name.endswith(".pdf"):
        try:
            pdf_lines = text_lines(pdf_text(raw))
        except PdfSourceError as error:
            return _failed("pdf", str(error))
        return build_unit(pdf_lines, source_format="pdf", code=code, title=title, release=release)
    head = text.lstrip()[:1]
    if not head:
        return _failed("unknown", "the file is empty: there is no unit to import")
    if name.endswith(".json") or head in "{[":
        return parse_unit_json(text, code=code, title=title, release=release)
    return build_unit(text_lines(text), source_format="text", code=code, title=title, release=release)


def decode_source(raw):
    """Return an uploaded file's text; refuse what is not UTF-8 (or UTF-16 with a BOM) text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError("the file says it is UTF-16 but is not readable as UTF-16") from None
    if b"\x00" in raw:
        raise SourceError(
            "this is not a text file (it holds NUL bytes); "
            "upload the unit as plain text, the portal's JSON or training.gov.au's XML"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError(
            f"line {line}: byte 0x{raw[error.start]:02X} is not UTF-8 text; "
            "save the file as UTF-8 and upload it again"
        ) from None


def _check_size(raw):
    limit = settings.UNIT_IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise SourceError(
            f"the file is {len(raw) / 1024 / 1024:.1f} MB; a unit file is at most "
            f"{limit / 1024 / 1024:.0f} MB"
        )


def _failed(source_format, message):
    unit = ParsedUnit(source_format=source_format)
    unit.error("", message)
    return unit


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
