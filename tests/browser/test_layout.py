"""Every page fits a phone (390 px), a tablet (768 px) and a desktop (1280 px) without sideways scrolling."""

import itertools

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessor_portal.models import User
from evidence.models import Appeal, Attempt, Cohort
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from units.models import AssessmentTool
from validation.models import ValidationPlan

WIDTHS = (390, 768, 1280)
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    attempt = Attempt.objects.get(status="submitted")  # Charlie's answers, waiting for the assessor
    tool = AssessmentTool.objects.get(unit__code="FNSCUS504")
    enrolment = attempt.enrolment
    return {
        "admin": (
            "demo-admin-2026",
            [
                "/staff/",
                "/units/",
                tool.unit.get_absolute_url(),
                "/units/import/",
                "/tools/",
                f"/tools/{tool.pk}/",
                f"/tools/{tool.pk}/matrix/",
                f"/tools/{tool.pk}/resource/",
                f"/tools/{tool.pk}/matrix/form/",
                "/cohorts/",
                f"/cohorts/{Cohort.objects.get().pk}/",
                "/outcomes/",
                "/outcomes/avetmiss/",
                "/reports/",
                "/reports/exceptions/",
                "/validation/",
                f"/validation/{ValidationPlan.objects.get().pk}/",
                "/appeals/",
                f"/appeals/{Appeal.objects.get().pk}/",
                "/retention/",
            ],
        ),
        "assessor": (
            "demo-assessor-2026",
            [
                "/assessor/",
                "/queue/",
                attempt.get_marking_url(),
                f"/attempts/{attempt.pk}/",
                f"/cohorts/{Cohort.objects.get().pk}/grid/",
                f"/enrolments/{enrolment.pk}/record/",
                "/reports/",
                "/reports/exceptions/",
                "/appeals/",
            ],
        ),
        "student": (
            "demo-student-2026",
            [
                "/student/",
                f"/enrolments/{enrolment.pk}/tasks/{attempt.task_id}/",
                f"/enrolments/{enrolment.pk}/tasks/{enrolment.tool.tasks.get(number=2).pk}/",
                f"/enrolments/{enrolment.pk}/evidence-guide/",
                f"/enrolments/{enrolment.pk}/record/",
                f"/tools/{enrolment.tool_id}/student/",
            ],
        ),
    }


@pytest.mark.browser
@pytest.mark.parametrize("role", ["student", "assessor", "admin"])
def test_no_page_scrolls_sideways_at_phone_tablet_or_desktop_width(page, demo, role):
    password, paths = demo[role]
    sign_in(page, User.objects.get(username=role), password=password)
    overflowing = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(path)
            extra = page.evaluate(SIDEWAYS)
            if extra > 0:
                overflowing.append(f"{path} at {width} px: {extra} px too wide")
            if width == 390:
                assert_accessible(page)
    assert overflowing == []


@pytest.mark.browser
def test_student_sees_each_task_s_status_on_a_phone(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, User.objects.get(username="student"), password="demo-student-2026")
    status = page.get_by_text("Submitted", exact=True).first
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    save_screenshot(page, "student-home-phone")
    page.goto(f"/enrolments/{Attempt.objects.get(status='submitted').enrolment_id}/evidence-guide/")
    save_screenshot(page, "evidence-guide-phone")
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        headers = page.get_by_role("table").first.get_by_role("columnheader")
        boxes = [headers.nth(n).bounding_box() for n in range(headers.count())]
        for left, right in itertools.pairwise(boxes):
            assert left["x"] + left["width"] <= right["x"] + 1, f"headers overlap at {width} px"
        texts = page.get_by_role("table").first.locator("thead th")
        for n in range(texts.count()):
            assert texts.nth(n).evaluate("th => th.scrollWidth <= th.clientWidth"), (
                f"header {n} overflows at {width} px"
            )
        save_screenshot(page, f"evidence-guide-{width}")
