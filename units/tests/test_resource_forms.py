"""The assessor resource, its student version and the assessment matrix as forms: page and PDF."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessor_portal.tests.pdfs import pdf_pages, pdf_text
from evidence.models import Enrolment
from units.demo import load_demo_tool
from units.matrix import get_matrix_row
from units.models import PerformanceCriterion, Task
from units.services import add_task, new_tool_version, set_mapping

pytestmark = pytest.mark.django_db

CHECKLIST_HEADING = (
    "Tasks to be observed according to workplace/college/TAFE policy and procedures, relevant legislation "
    "and Codes of Practice"
)
TASK_TITLES = [
    "Assessment task 1: Premium customer relationships: written questions",
    "Assessment task 2: Segment analysis and service strategy",
    "Assessment task 3: Providing tailored service to premium customers",
]
# Assessor-only guidance of task 1 in fixtures/tools/FNSCUS504-v1.0.json.
GUIDANCE = "Model answers are in the assessor pack, pages 4 to 9."
RUNNING_UNIT = "FNSCUS504 Manage premium customer relationships"


@pytest.fixture
def tool(seed_units, alice):
    """The published demo FNSCUS504 tool, v1.0 issued May 2024: three tasks, every row mapped."""
    tool, _ = load_demo_tool(settings.BASE_DIR / "fixtures" / "tools" / "FNSCUS504-v1.0.json", by=alice)
    return tool


def criteria_lines(tool):
    criteria = PerformanceCriterion.objects.filter(element__unit=tool.unit_id).order_by(
        "element__number", "number"
    )
    return [f"{pc.code} {' '.join(pc.text.split())}" for pc in criteria]


def mapping_count(tool):
    return (
        Task.criteria.through.objects.filter(task__tool=tool).count()
        + Task.items.through.objects.filter(task__tool=tool).count()
    )


def assert_running_on_every_page(pages):
    for number, page in enumerate(pages, start=1):
        assert RUNNING_UNIT in page, f"page {number}"
        assert f"Page {number} of {len(pages)}" in page


def test_assessor_resource_pdf_carries_the_whole_seed_resource(client, tool, bob):
    client.force_login(bob)
    response = client.get(reverse("units:tool_resource_pdf", args=[tool.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="FNSCUS504 assessor resource v1.0.pdf"'
    pages = pdf_pages(response.content)
    text = " ".join(pages)
    assert "Assessor Resource FNSCUS504 Manage premium customer relationships Assessment tool" in pages[0]
    assert "Version 1.0 Issue Date: May 2024" in pages[0]
    lines = criteria_lines(tool)
    assert len(lines) == 15
    for line in lines:
        assert line in text, line
    for title in TASK_TITLES:
        assert title in text, title
    assert GUIDANCE in text
    assert " ".join(CHECKLIST_HEADING.split()) in text.replace("/ ", "/")
    for heading in ("Evidence Required", "Submission Requirements", "Assessment Tasks", "Assessment Matrix"):
        assert heading in text, heading
    assert "Forms Assessment Cover Sheet" in text
    assert "I declare that the assessment tasks submitted for this unit are my own work." in text
    assert "Assessment Record Sheet FNSCUS504 - Manage premium customer relationships" in pages[-1]
    assert "Overall assessment result: ☐ Competent ☐ Not yet competent" in pages[-1]
    assert_running_on_every_page(pages)


def test_resource_sections_start_on_new_pages_as_in_the_seed(client, tool, bob):
    client.force_login(bob)
    pages = pdf_pages(client.get(reverse("units:tool_resource_pdf", args=[tool.pk])).content)
    starts = {
        heading: next(n for n, page in enumerate(pages) if heading in page)
        for heading in ("Evidence Required", "Submission Requirements", "Assessment Cover Sheet")
    }
    assert "Evidence Required" not in pages[0]
    assert starts["Evidence Required"] < starts["Submission Requirements"] < starts["Assessment Cover Sheet"]
    assert "Assessment Record Sheet" not in pages[starts["Assessment Cover Sheet"]]


def test_student_version_pdf_leaves_out_assessor_guidance_and_the_matrix(client, tool, charlie):
    Enrolment.objects.create(student=charlie, tool=tool, enrolled_on=datetime.date(2026, 2, 2))
    client.force_login(charlie)
    response = client.get(reverse("units:tool_resource_student_pdf", args=[tool.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="FNSCUS504 student assessment information v1.0.pdf"'
    )
    pages = pdf_pages(response.content)
    text = " ".join(pages)
    assert "Student assessment information FNSCUS504" in pages[0]
    assert "Answer all eight questions in your own words." in text
    for title in TASK_TITLES:
        assert title in text, title
    assert GUIDANCE not in text
    assert "Assessor-only guidance" not in text
    assert "Assessment Matrix" not in text
    assert "Key to the task columns" not in text
    assert "Assessment Cover Sheet" in text
    assert "Assessment Record Sheet" in text
    assert_running_on_every_page(pages)


def test_matrix_pdf_has_every_criterion_and_a_tick_for_each_mapping(client, tool, bob):
    client.force_login(bob)
    response = client.get(reverse("units:tool_matrix_form_pdf", args=[tool.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="FNSCUS504 assessment matrix v1.0.pdf"'
    pages = pdf_pages(response.content)
    text = " ".join(pages)
    assert "Assessment Matrix FNSCUS504 - Manage premium customer relationships" in text
    for line in criteria_lines(tool):
        assert line in text, line
    assert text.count("☑") == mapping_count(tool) == 45
    assert "Performance criteria 15 of 15" in text
    assert "Every criterion, evidence item and condition is addressed by at least one task." in text
    assert "Not covered" not in text
    assert "Task 3 Providing tailored service to premium customers" in text
    assert_running_on_every_page(pages)


def test_matrix_pdf_marks_a_row_no_task_addresses_as_not_covered(client, tool, alice, bob):
    draft = new_tool_version(tool, by=alice)
    project = draft.tasks.get(number=2)
    review = PerformanceCriterion.objects.get(element__unit=draft.unit_id, element__number=4, number=2)
    assert list(review.tasks.filter(tool=draft)) == [project], "only the project addresses 4.2"
    set_mapping(project, get_matrix_row(draft, f"pc-{review.pk}"), by=alice, mapped=False)

    client.force_login(bob)
    text = pdf_text(client.get(reverse("units:tool_matrix_form_pdf", args=[draft.pk])).content)
    assert f"4.2 {' '.join(review.text.split())} Not covered" in text
    assert "Not covered (1): 4.2." in text
    assert "Performance criteria 14 of 15 1" in text
    assert text.count("☑") == mapping_count(draft) == 44
    assert "Assessment tool version 1.1 (draft)" in text


@pytest.mark.parametrize(
    "name", ["tool_resource", "tool_resource_student", "tool_matrix_form"], ids=lambda name: name
)
def test_each_form_page_offers_its_pdf_and_print(client, tool, bob, name):
    client.force_login(bob)
    page = client.get(reverse(f"units:{name}", args=[tool.pk])).content.decode()
    assert f'href="{reverse(f"units:{name}_pdf", args=[tool.pk])}">Download PDF</a>' in page
    assert "data-print hidden>Print</button>" in page


def test_tool_and_matrix_pages_link_to_the_printable_matrix(client, tool, alice):
    client.force_login(alice)
    form = reverse("units:tool_matrix_form", args=[tool.pk])
    detail = client.get(reverse("units:tool_detail", args=[tool.pk])).content.decode()
    matrix = client.get(reverse("units:tool_matrix", args=[tool.pk])).content.decode()
    assert f'href="{form}">Printable matrix</a>' in detail
    assert f'href="{form}">Printable matrix</a>' in matrix
    assert f'href="{reverse("units:tool_matrix_form_pdf", args=[tool.pk])}">Download PDF</a>' in matrix


ASSESSOR_FORMS = ["tool_resource", "tool_resource_pdf", "tool_matrix_form", "tool_matrix_form_pdf"]
STUDENT_FORMS = ["tool_resource_student", "tool_resource_student_pdf"]


def test_a_student_who_is_not_enrolled_gets_404_for_every_form(client, tool, dana):
    client.force_login(dana)
    for name in ASSESSOR_FORMS + STUDENT_FORMS:
        assert client.get(reverse(f"units:{name}", args=[tool.pk])).status_code == 404, name


def test_an_enrolled_student_gets_only_the_student_version(client, tool, charlie):
    Enrolment.objects.create(student=charlie, tool=tool, enrolled_on=datetime.date(2026, 2, 2))
    client.force_login(charlie)
    for name in ASSESSOR_FORMS:
        assert client.get(reverse(f"units:{name}", args=[tool.pk])).status_code == 404, name
    page = client.get(reverse("units:tool_resource_student", args=[tool.pk]))
    assert page.status_code == 200
    assert GUIDANCE not in page.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, tool):
    for name in ASSESSOR_FORMS + STUDENT_FORMS:
        response = client.get(reverse(f"units:{name}", args=[tool.pk]))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_forms_refuse_a_post(client, tool, alice):
    client.force_login(alice)
    for name in ASSESSOR_FORMS + STUDENT_FORMS:
        assert client.post(reverse(f"units:{name}", args=[tool.pk])).status_code == 405, name


def test_resource_and_matrix_pages_take_the_same_queries_however_many_tasks(client, tool, alice):
    draft = new_tool_version(tool, by=alice)
    client.force_login(alice)
    urls = [reverse(f"units:{name}", args=[draft.pk]) for name in ("tool_resource", "tool_matrix_form")]

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    before = queries()
    for number in range(4):
        add_task(draft, by=alice, title=f"Role play {number}", type="observation")
    assert queries() == before
