"""The same checks on every reader: text, PDF, Word and the portal's JSON state the same problems."""

import io
import json

import pytest
from django.utils.html import escape
from docx import Document

from assessor_portal.pdf import html_to_pdf
from units.importing import parse_unit_source

LINES = [
    "FNSPIM409 - Maintain customer relationship",
    "Application",
    "This unit describes the skills.",
    "Elements and Performance Criteria",
    "1. Maintain records",
    "1.1 Collect information",
    "2. Review records",
    "Performance Evidence",
    "Evidence of the ability to:",
    "review customer data",
]


def as_text():
    return "\n".join(LINES), ""


def as_pdf():
    return html_to_pdf(
        "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in LINES) + "</body></html>"
    ), "unit.pdf"


def as_docx():
    document = Document()
    for line in LINES:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), "unit.docx"


def as_json():
    data = {
        "format": "assessor-portal-unit/1",
        "code": "FNSPIM409",
        "title": "Maintain customer relationship",
        "application": "This unit describes the skills.",
        "elements": [
            {
                "number": 1,
                "title": "Maintain records",
                "criteria": [{"number": 1, "text": "Collect information"}],
            },
            {"number": 2, "title": "Review records", "criteria": []},
        ],
        "performance_evidence": [{"text": "review customer data"}],
    }
    return json.dumps(data), "unit.json"


@pytest.mark.parametrize("source", [as_text, as_pdf, as_docx, as_json], ids=["text", "pdf", "docx", "json"])
def test_every_reader_states_an_element_without_criteria_and_missing_knowledge_evidence(source):
    data, filename = source()
    parsed = parse_unit_source(data, filename=filename)
    assert [str(error).split(": ", 1)[-1] for error in parsed.errors] == [
        "element 2 has no performance criteria"
    ]
    assert "No knowledge evidence was found." in parsed.warnings
    assert [(e.number, [pc.text for pc in e.criteria]) for e in parsed.elements] == [
        (1, ["Collect information"]),
        (2, []),
    ]
