"""Units uploaded as PDF: the text of the pages is read like a paste; a PDF without text says so."""

import io

import pytest
from django.utils.html import escape
from pypdf import PdfWriter

from assessor_portal.pdf import html_to_pdf
from units.importing import parse_unit_source

UNIT_TEXT = """FNSPIM409 - Maintain customer relationship (Release 1)
Application
This unit describes the skills and knowledge required to maintain customer relationships.
Elements and Performance Criteria
1. Maintain records of customer interaction
1.1 Collect and check customer information with existing records
1.2 Keep records of customer interaction up to date
2. Resolve customer complaints
2.1 Respond to complaints promptly
Performance Evidence
Evidence of the ability to:
resolve at least two customer complaints
Knowledge Evidence
The individual must:
outline privacy legislation
Assessment Conditions
Assessment must be conducted in a safe environment."""


def unit_pdf(text):
    """A unit's page printed to PDF, one paragraph per line, as a browser's Save as PDF gives it."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    return html_to_pdf(f"<html><body>{paragraphs}</body></html>")


def test_a_pdf_of_a_unit_reads_as_its_text():
    parsed = parse_unit_source(unit_pdf(UNIT_TEXT), filename="FNSPIM409.pdf")
    assert parsed.errors == []
    assert parsed.source_format == "pdf"
    assert (parsed.code, parsed.title, parsed.release) == ("FNSPIM409", "Maintain customer relationship", 1)
    assert [(e.number, e.title, [pc.text for pc in e.criteria]) for e in parsed.elements] == [
        (
            1,
            "Maintain records of customer interaction",
            [
                "Collect and check customer information with existing records",
                "Keep records of customer interaction up to date",
            ],
        ),
        (2, "Resolve customer complaints", ["Respond to complaints promptly"]),
    ]
    assert [item.text for item in parsed.knowledge_evidence] == ["outline privacy legislation"]


def test_a_pdf_with_a_password_is_refused_with_a_clear_message():
    locked = PdfWriter(clone_from=io.BytesIO(unit_pdf(UNIT_TEXT)))
    locked.encrypt("secret")
    out = io.BytesIO()
    locked.write(out)
    parsed = parse_unit_source(out.getvalue(), filename="unit.pdf")
    assert [str(error) for error in parsed.errors] == [
        "this PDF is protected by a password: save it without one, or paste the unit's text"
    ]


def test_a_scanned_pdf_without_text_is_refused_with_a_clear_message():
    scan = html_to_pdf('<html><body><div style="width:10cm;height:10cm;background:#333"></div></body></html>')
    parsed = parse_unit_source(scan, filename="scan.pdf")
    assert len(parsed.errors) == 1
    assert "this PDF holds no text, only pictures of pages (a scan?)" in str(parsed.errors[0])


@pytest.mark.parametrize("content", [b"%PDF-1.7\nthis is not really a PDF", b"plain words in a .pdf file"])
def test_a_broken_pdf_is_refused_without_a_traceback(content):
    parsed = parse_unit_source(content, filename="unit.pdf")
    assert len(parsed.errors) == 1
    assert "PDF" in str(parsed.errors[0])


@pytest.mark.django_db
def test_an_admin_uploads_a_pdf_previews_it_and_imports_it(client, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from units.models import Unit

    client.force_login(alice)
    upload = SimpleUploadedFile("FNSPIM409.pdf", unit_pdf(UNIT_TEXT), "application/pdf")
    preview = client.post(reverse("units:unit_import"), {"file": upload})
    html = preview.content.decode()
    assert 'Preview: <span class="unit-code">FNSPIM409</span>' in html
    assert "Respond to complaints promptly" in html
    source = preview.context["confirm_form"].initial["source"]
    client.post(reverse("units:unit_import_confirm"), {"source": source, "filename": "FNSPIM409.pdf"})
    unit = Unit.objects.get(code="FNSPIM409")
    assert (unit.source_format, unit.elements.count()) == ("pdf", 2)
