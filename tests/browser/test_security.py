"""No page breaks its own Content Security Policy, and a guessed password is paused."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessor_portal.models import User
from evidence.models import Attempt, Cohort
from tests.browser.conftest import assert_accessible, sign_in
from units.models import AssessmentTool

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    return {
        "admin": User.objects.get(username="admin"),
        "assessor": User.objects.get(username="assessor"),
        "student": User.objects.get(username="student"),
    }


def visit_all(page, paths, violations):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        violations.extend(f"{path}: {found}" for found in page.evaluate("window.__csp"))


@pytest.mark.browser
def test_every_role_s_pages_keep_to_the_content_security_policy(page, new_context, demo):
    tool = AssessmentTool.objects.get(unit__code="FNSCUS504")
    cohort = Cohort.objects.get()
    attempt = Attempt.objects.get(status="submitted")
    enrolment = attempt.enrolment
    violations, console = [], []
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda message: console.append(message.text))

    sign_in(page, demo["admin"], password="demo-admin-2026")
    visit_all(
        page,
        [
            "/staff/",
            "/units/",
            tool.unit.get_absolute_url(),
            "/tools/",
            f"/tools/{tool.pk}/",
            "/units/import/",
            "/cohorts/",
            f"/cohorts/{cohort.pk}/",
            "/django-admin/",
            f"/django-admin/evidence/cohort/{cohort.pk}/change/",
        ],
        violations,
    )
    page.goto(f"/tools/{tool.pk}/matrix/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    violations.extend(page.evaluate("window.__csp"))

    assessor = new_context().new_page()
    assessor.add_init_script(WATCH_CSP)
    sign_in(assessor, demo["assessor"], password="demo-assessor-2026")
    visit_all(assessor, ["/assessor/", attempt.get_marking_url()], violations)

    student = new_context().new_page()
    student.add_init_script(WATCH_CSP)
    sign_in(student, demo["student"], password="demo-student-2026")
    visit_all(
        student,
        [
            "/student/",
            f"/enrolments/{enrolment.pk}/tasks/{enrolment.tool.tasks.get(number=2).pk}/",
            f"/enrolments/{enrolment.pk}/evidence-guide/",
        ],
        violations,
    )
    assert violations == []
    assert [line for line in console if "Content Security Policy" in line] == []


@pytest.mark.browser
def test_guessing_a_password_pauses_sign_in_with_a_clear_page(page, charlie):
    page.goto("/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("charlie")
        page.get_by_label("Password").fill("a-wrong-guess")
        page.get_by_role("button", name="Sign in").click()
    sign_in(page, charlie)
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed sign-ins. Try again in 15 minutes or reset your password."
    )
    assert_accessible(page)
