"""Read a unit from the Word document (.docx) a unit's page offers: paragraphs in order, and the
Elements and Performance Criteria table read as a table, cell by cell, as the text reader reads a
pasted table.

A document that could act on its own is refused before it is read: macros (a .docm saved as .docx),
and relationships to outside files other than hyperlinks (a remote template or image is fetched by
Word when the file opens; the portal opens nothing, but the file is not what it seems).
"""

import io
import zipfile

from defusedxml import ElementTree
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from .builder import Line

MACRO_PARTS = ("word/vbaProject.bin", "word/vbaData.xml")
MACRO_CONTENT_TYPE = "macroEnabled"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class DocxSourceError(ValueError):
    """The Word document cannot be read as a unit; the message says why and what to do instead."""


def is_docx(raw, filename=""):
    """Say whether the upload is a Word document (a zip package), by its name or its first bytes."""
    return filename.lower().endswith((".docx", ".docm")) or raw.startswith(b"PK\x03\x04")


def docx_lines(raw):
    """Return the document's lines: each paragraph, and each paragraph of each table cell, in order."""
    _check_package(raw)
    try:
        document = Document(io.BytesIO(raw))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DocxSourceError(f"this Word document cannot be read ({type(error).__name__})") from None
    # Style names looked up once: python-docx's paragraph.style searches every style for the default
    # each time, which made a 150-criterion unit's import eleven times slower than its text.
    styles = {style.style_id: style.name or "" for style in document.styles}
    lines, tables = [], 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            lines.extend(_paragraph_lines(paragraph, f"paragraph {len(lines) + 1}", styles))
        elif tag == "tbl":
            tables += 1
            for row_number, row in enumerate(Table(block, document).rows, start=1):
                for cell_number, cell in enumerate(row.cells, start=1):
                    where = f"table {tables}, row {row_number}, cell {cell_number}"
                    for paragraph in cell.paragraphs:
                        lines.extend(_paragraph_lines(paragraph, where, styles))
    if not any(line.text for line in lines):
        raise DocxSourceError("this Word document holds no text: paste the unit's text instead")
    return lines


def _paragraph_lines(paragraph, where, styles):
    text = " ".join(paragraph.text.split())
    if not text:
        return []
    style = styles.get(paragraph._p.style, "")  # no style of its own: the default, never a heading
    return [
        Line(where, text, indent=4 * _list_level(paragraph), heading=style.startswith(("Heading", "Title")))
    ]


def _list_level(paragraph):
    properties = paragraph._p.pPr
    if properties is None or properties.numPr is None or properties.numPr.ilvl is None:
        return 0
    return int(properties.numPr.ilvl.val)


def _check_package(raw):
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        names = set(package.namelist())
    except zipfile.BadZipFile:
        raise DocxSourceError(
            "this is not a Word document (.docx): upload the unit's .docx, PDF, XML or text"
        ) from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocxSourceError(
            "this zip file is not a Word document (.docx): upload the unit's .docx, PDF, XML or text"
        )
    content_types = package.read("[Content_Types].xml").decode("utf-8", "replace")
    if names & set(MACRO_PARTS) or MACRO_CONTENT_TYPE in content_types:
        raise DocxSourceError(
            "this Word document holds macros: save it as a plain Word document (.docx) and upload that"
        )
    for name in names:
        if not name.endswith(".rels"):
            continue
        try:
            relationships = ElementTree.fromstring(package.read(name))
        except ElementTree.ParseError:
            raise DocxSourceError(f"this Word document is damaged ({name} cannot be read)") from None
        for relationship in relationships.iter(RELATIONSHIP):
            if relationship.get("TargetMode") == "External" and relationship.get("Type") != HYPERLINK:
                raise DocxSourceError(
                    "this Word document refers to a file outside it "
                    f"({relationship.get('Target', '')[:80]}): save it as a plain Word document and upload that"
                )
