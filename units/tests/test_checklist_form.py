"""The blank observation checklist as a form: every mapped criterion, Yes / No / Comments, as page and PDF."""

import pytest
from django.urls import reverse

from assessor_portal.tests.pdfs import pdf_pages
from units.matrix import build_matrix, get_matrix_row
from units.services import add_task, create_tool, set_mapping

pytestmark = pytest.mark.django_db
HEADING = (
    "Tasks to be observed according to workplace/college/TAFE policy and procedures, relevant legislation "
    "and Codes of Practice"
)


@pytest.fixture
def whole_unit_observation(seed_units, alice):
    """A draft FNSCUS504 tool whose one observation task maps all 15 performance criteria."""
    tool = create_tool(seed_units["FNSCUS504"], by=alice, purpose="summative")
    task = add_task(
        tool, by=alice, title="Premium client review", type="observation", evidence_required="The checklist."
    )
    for row in build_matrix(tool).rows:
        if row.key.startswith("pc-"):
            set_mapping(task, get_matrix_row(tool, row.key), by=alice, mapped=True)
    return task


def test_blank_checklist_pdf_carries_all_15_criteria_with_empty_boxes_on_a4(
    client, whole_unit_observation, bob
):
    client.force_login(bob)
    task = whole_unit_observation
    response = client.get(reverse("units:task_checklist_pdf", args=[task.tool_id, task.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="FNSCUS504 task 1 observation checklist (blank).pdf"'
    )
    pages = pdf_pages(response.content)
    text = " ".join(pages)
    assert "Observation Checklist FNSCUS504 - Manage premium customer relationships" in text
    assert "Assessment task 1: Premium client review" in text
    assert " ".join(HEADING.split()) in text.replace("/ ", "/")
    criteria = [pc for element in task.tool.unit.elements.all() for pc in element.criteria.all()]
    assert len(criteria) == 15
    for pc in criteria:
        assert f"{pc.code} {' '.join(pc.text.split())}" in text, pc.code
    assert text.count("☐") == 30  # a Yes and a No box for each criterion, none ticked
    assert "☑" not in text
    for number, page in enumerate(pages, start=1):
        assert "FNSCUS504 Manage premium customer relationships" in page
        assert "Blank form" in page
        assert f"Page {number} of {len(pages)}" in page


def test_checklist_page_offers_the_pdf_and_print(client, whole_unit_observation, bob):
    client.force_login(bob)
    task = whole_unit_observation
    page = client.get(reverse("units:task_checklist", args=[task.tool_id, task.pk])).content.decode()
    assert (
        f'href="{reverse("units:task_checklist_pdf", args=[task.tool_id, task.pk])}">Download PDF</a>' in page
    )
    assert "data-print hidden>Print</button>" in page
    assert HEADING in page
