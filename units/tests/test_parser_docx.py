"""Units uploaded as the Word document a unit's page offers: its Elements/PC table read as a table."""

import io
import zipfile

import pytest
from docx import Document

from units.importing import parse_unit_source


def unit_docx():
    """A .docx laid out as training.gov.au's download: headings, a two-column table, bulleted lists."""
    document = Document()
    document.add_heading("FNSPIM409 - Maintain customer relationship", level=1)
    document.add_paragraph("Release 1")
    document.add_heading("Application", level=2)
    document.add_paragraph("This unit describes the skills required to maintain customer relationships.")
    document.add_heading("Elements and Performance Criteria", level=2)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "ELEMENT", "PERFORMANCE CRITERIA"
    table.cell(1, 0).text = "1. Maintain records of customer interaction"
    table.cell(1, 1).text = "1.1 Collect and check customer information"
    table.cell(1, 1).add_paragraph("1.2 Keep records of customer interaction up to date")
    table.cell(2, 0).text = "2. Resolve customer complaints"
    table.cell(2, 1).text = "2.1 Respond to complaints promptly"
    document.add_heading("Performance Evidence", level=2)
    document.add_paragraph("Evidence of the ability to:")
    document.add_paragraph("resolve at least two customer complaints", style="List Bullet")
    document.add_heading("Knowledge Evidence", level=2)
    document.add_paragraph("The individual must:")
    document.add_paragraph("describe key features of:", style="List Bullet")
    document.add_paragraph("privacy legislation", style="List Bullet 2")
    document.add_paragraph("complaint procedures", style="List Bullet 2")
    document.add_heading("Assessment Conditions", level=2)
    document.add_paragraph("Assessment must be conducted in a safe environment.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite(raw, **changes):
    """Copy a .docx, replacing or adding parts: {name: bytes}."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename not in changes:
                target.writestr(item, source.read(item.filename))
        for name, content in changes.items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_word_document_reads_its_table_as_elements_and_criteria():
    parsed = parse_unit_source(unit_docx(), filename="FNSPIM409.docx")
    assert parsed.errors == []
    assert parsed.source_format == "docx"
    assert (parsed.code, parsed.title, parsed.release) == ("FNSPIM409", "Maintain customer relationship", 1)
    assert [(e.number, e.title, [pc.text for pc in e.criteria]) for e in parsed.elements] == [
        (
            1,
            "Maintain records of customer interaction",
            ["Collect and check customer information", "Keep records of customer interaction up to date"],
        ),
        (2, "Resolve customer complaints", ["Respond to complaints promptly"]),
    ]
    knowledge = parsed.knowledge_evidence
    assert [item.text for item in knowledge] == ["describe key features of:"]
    assert [child.text for child in knowledge[0].children] == ["privacy legislation", "complaint procedures"]
    assert parsed.application == "This unit describes the skills required to maintain customer relationships."


def test_a_word_document_with_macros_is_refused():
    raw = rewrite(unit_docx(), **{"word/vbaProject.bin": b"\x00macro"})
    parsed = parse_unit_source(raw, filename="unit.docx")
    assert [str(error) for error in parsed.errors] == [
        "this Word document holds macros: save it as a plain Word document (.docx) and upload that"
    ]


def test_a_word_document_pointing_at_an_outside_file_is_refused():
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"'
        b' Target="http://example.com/template.dotm" TargetMode="External"/></Relationships>'
    )
    parsed = parse_unit_source(
        rewrite(unit_docx(), **{"word/_rels/settings.xml.rels": rels}), filename="unit.docx"
    )
    assert len(parsed.errors) == 1
    assert "refers to a file outside it (http://example.com/template.dotm)" in str(parsed.errors[0])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really a zip", "this is not a Word document (.docx)"),
        (b"", "this is not a Word document (.docx)"),
    ],
)
def test_a_file_named_docx_that_is_not_one_gets_a_clear_message(content, message):
    parsed = parse_unit_source(content, filename="unit.docx")
    assert len(parsed.errors) == 1
    assert message in str(parsed.errors[0])


def test_a_zip_that_is_not_a_word_document_gets_a_clear_message():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "FNSPIM409")
    parsed = parse_unit_source(out.getvalue(), filename="unit.docx")
    assert [str(error) for error in parsed.errors] == [
        "this zip file is not a Word document (.docx): upload the unit's .docx, PDF, XML or text"
    ]
