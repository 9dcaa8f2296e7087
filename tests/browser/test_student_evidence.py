"""A student hands in evidence for a task and signs it; nobody else's student can reach it."""

import datetime
import re
import threading

import pytest
from django.conf import settings
from playwright.sync_api import expect

from evidence.models import Cohort, Enrolment
from evidence.services.attempts import add_file_evidence, open_attempt, submit_attempt
from evidence.tests.files import EXE, PDF, PNG, upload
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from units.demo import load_demo_tool

TASK_LINK = "Task 1: Evidence portfolio: maintaining customer relationships"
DECLARATION = "I declare that the assessment tasks submitted for this unit are my own work."
PC_1_1 = "1.1 Collect and check customer information with existing records"
PC_1_2 = "1.2 Keep records of customer interaction up to date"
PC_2_3 = "2.3 Resolve problems or refer to relevant personnel as required"


@pytest.fixture
def fnspim409_tool(seed_units, alice):
    """The published FNSPIM409 demo tool: one portfolio task mapped to everything."""
    return load_demo_tool(settings.BASE_DIR / "fixtures" / "tools" / "FNSPIM409-v1.0.json", by=alice)[0]


@pytest.fixture
def enrolment(fnspim409_tool, bob, charlie):
    """Charlie, enrolled in FNSPIM409 in a cohort Bob assesses."""
    cohort = Cohort.objects.create(
        name="Financial services T4", code="FNS-T4", start_date=datetime.date(2026, 10, 5)
    )
    cohort.assessors.add(bob)
    cohort.students.add(charlie)
    return Enrolment.objects.create(
        student=charlie, tool=fnspim409_tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )


def upload_row(page, name):
    return page.get_by_role("region", name="Upload files").get_by_role("listitem").filter(has_text=name)


def evidence_item(page, name):
    return (
        page.get_by_role("region", name=re.compile(r"^Your evidence"))
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=name, exact=True))
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 768, 1280], ids=["phone", "tablet", "desktop"])
def test_student_uploads_links_signs_and_submits(page, charlie, enrolment, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    records, photo, fake = (
        tmp_path / "customer-records.pdf",
        tmp_path / "follow-up-call.png",
        tmp_path / "invoice.pdf",
    )
    records.write_bytes(PDF)
    photo.write_bytes(PNG)
    fake.write_bytes(EXE)

    sign_in(page, charlie)
    expect(page.get_by_role("heading", name="Welcome, Charlie")).to_be_visible()
    unit = page.get_by_role("region", name="FNSPIM409 Maintain customer relationship")
    task_row = unit.get_by_role("row").filter(has=page.get_by_role("link", name=TASK_LINK))
    expect(task_row).to_contain_text("Portfolio")
    expect(task_row).to_contain_text("04/12/2026")
    expect(task_row).to_contain_text("Not started")
    assert_accessible(page)

    unit.get_by_role("link", name=TASK_LINK).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Assessment task 1: Evidence portfolio: maintaining customer relationships"
    )
    expect(page.get_by_text("attempt 1 of up to 3")).to_be_visible()
    expect(page.get_by_role("heading", name="Your evidence (0)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Choose files, or drag and drop them here").set_input_files([records, photo])
    for name, kind in (("customer-records.pdf", "PDF"), ("follow-up-call.png", "PNG image")):
        row = upload_row(page, name)
        expect(row.get_by_role("progressbar", name=f"Uploading {name}")).to_be_visible()
        expect(row).to_contain_text(f"Uploaded “{name}” ({kind}).")
    expect(page.get_by_role("heading", name="Your evidence (2)")).to_be_visible()
    expect(page.get_by_role("link", name="customer-records.pdf", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="follow-up-call.png", exact=True)).to_be_visible()

    page.get_by_label("Choose files, or drag and drop them here").set_input_files(fake)
    expect(upload_row(page, "invoice.pdf")).to_contain_text(
        "“invoice.pdf” is not a type of file we accept as evidence"
    )
    expect(upload_row(page, "customer-records.pdf")).to_contain_text("Uploaded “customer-records.pdf” (PDF).")
    expect(upload_row(page, "follow-up-call.png")).to_contain_text(
        "Uploaded “follow-up-call.png” (PNG image)."
    )
    expect(page.get_by_role("heading", name="Your evidence (2)")).to_be_visible()
    expect(page.get_by_role("link", name="invoice.pdf")).to_have_count(0)
    save_screenshot(page, f"student-task-uploads-{width}")
    assert_accessible(page)

    for name, criteria in (("customer-records.pdf", [PC_1_1, PC_1_2]), ("follow-up-call.png", [PC_2_3])):
        item = evidence_item(page, name)
        expect(item).to_contain_text("no criteria linked yet")
        item.get_by_text(f"Link “{name}” to criteria").click()
        for label in criteria:
            item.get_by_label(label).check()
        item.get_by_role("button", name=f"Save criteria for {name}").click()
        expect(page.get_by_role("status").filter(has_text="Criteria saved")).to_have_text(
            f"Criteria saved for “{name}”."
        )
    expect(evidence_item(page, "customer-records.pdf")).to_contain_text("Demonstrates: 1.1 1.2")
    expect(evidence_item(page, "follow-up-call.png")).to_contain_text("Demonstrates: 2.3")
    assert_accessible(page)

    page.get_by_label("Question or heading").fill("Where do problems with customer records occur?")
    page.get_by_label("Your answer").fill(
        "Mostly when a customer changes address and the CRM is not updated."
    )
    page.get_by_role("button", name="Add answer").click()
    expect(page.get_by_role("status").filter(has_text="Added")).to_have_text("Added to your evidence.")
    expect(page.get_by_role("heading", name="Your evidence (3)")).to_be_visible()
    expect(page.get_by_text("Mostly when a customer changes address")).to_be_visible()
    save_screenshot(page, f"student-task-before-submit-{width}")
    assert_accessible(page)

    # Unticked, the browser refuses the form itself, and nothing typed on the page is lost.
    task_url = page.url
    page.get_by_label("Question or heading").fill("Draft: what I check before a renewal call")
    page.get_by_label("Type your full name to sign").fill("Charlie Wilson")
    submit = page.get_by_role("button", name="Submit attempt 1")
    submit.click()
    declaration = page.get_by_label(DECLARATION)
    assert declaration.evaluate("box => box.validity.valueMissing")
    expect(page).to_have_url(task_url)
    expect(page.get_by_label("Question or heading")).to_have_value(
        "Draft: what I check before a renewal call"
    )
    expect(page.get_by_label("Type your full name to sign")).to_have_value("Charlie Wilson")
    expect(submit).to_be_enabled()
    # A browser that does not check forms gets the server's refusal, with the name still typed.
    submit.evaluate("button => { button.form.noValidate = true; }")
    submit.click()
    expect(page.get_by_text("Tick the declaration to sign it.")).to_be_visible()
    expect(page.get_by_label("Type your full name to sign")).to_have_value("Charlie Wilson")
    expect(page.locator("#task-status")).to_have_text("Draft")
    expect(page.get_by_role("heading", name="Your evidence (3)")).to_be_visible()
    save_screenshot(page, f"student-task-declaration-refused-{width}")
    assert_accessible(page)

    declaration.check()
    expect(page.get_by_label("Type your full name to sign")).to_have_value("Charlie Wilson")
    canvas = page.get_by_role("img", name="Draw your signature (optional)")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 90)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 90 - (step % 2) * 40)
    page.mouse.up()
    page.get_by_role("button", name="Submit attempt 1").click()

    expect(page.get_by_role("status").filter(has_text="submitted")).to_have_text(
        "Attempt 1 submitted. It is now with your assessor."
    )
    expect(page.locator("#task-status")).to_have_text("Submitted")
    expect(page.get_by_role("heading", name="Evidence (3)")).to_be_visible()
    expect(page.get_by_text("Signed by Charlie Wilson")).to_contain_text("with a drawn signature")
    expect(page.get_by_label("Choose files, or drag and drop them here")).to_have_count(0)
    expect(page.get_by_label("Your answer")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit attempt 1")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    save_screenshot(page, f"student-task-after-submit-{width}")
    assert_accessible(page)

    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=TASK_LINK))).to_contain_text(
        "Submitted"
    )
    assert_accessible(page)


@pytest.fixture
def submitted_work(enrolment, charlie):
    """Charlie's first attempt, a PDF in it, signed and submitted to Bob."""
    task = enrolment.tool.tasks.get(number=1)
    attempt = open_attempt(enrolment, task, by=charlie)
    item, _ = add_file_evidence(attempt, upload("customer-records.pdf", PDF), by=charlie)
    attempt.refresh_from_db()
    submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)
    return attempt, item


@pytest.mark.browser
def test_another_student_cannot_reach_the_first_ones_work(
    page, new_context, bob, dana, enrolment, submitted_work
):
    attempt, item = submitted_work
    Enrolment.objects.create(student=dana, tool=enrolment.tool, enrolled_on=datetime.date(2026, 10, 5))
    charlies_urls = [
        f"/enrolments/{enrolment.pk}/tasks/{attempt.task.pk}/",
        f"/attempts/{attempt.pk}/",
        f"/enrolments/{enrolment.pk}/evidence-guide/",
        f"/evidence/{item.pk}/download/",
    ]

    sign_in(page, dana)
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=TASK_LINK))).to_contain_text(
        "Not started"
    )
    for url in charlies_urls:
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.get_by_text("There is nothing here, or nothing you may see.")).to_be_visible()
        expect(page.get_by_role("main")).not_to_contain_text("customer-records.pdf")
        expect(page.get_by_role("main")).not_to_contain_text("Charlie")
        assert_accessible(page)
    save_screenshot(page, "student-refused-another-students-file")

    bob_page = new_context().new_page()
    sign_in(bob_page, bob)
    response = bob_page.goto(f"/attempts/{attempt.pk}/")
    assert response.status == 200
    expect(bob_page.get_by_role("heading", level=1)).to_have_text("Charlie Wilson: task 1, attempt 1")
    expect(bob_page.get_by_role("main")).to_contain_text("Submitted · submitted")
    evidence = bob_page.get_by_role("region", name="Evidence (1)")
    expect(evidence.get_by_role("link", name="customer-records.pdf")).to_be_visible()
    download = bob_page.request.get(f"/evidence/{item.pk}/download/")
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.body() == PDF
    assert_accessible(bob_page)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 768, 1280], ids=["phone", "tablet", "desktop"])
def test_student_uploads_then_signs_and_submits_on_the_same_page(page, charlie, enrolment, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    records = tmp_path / "customer-records.pdf"
    records.write_bytes(PDF)
    sign_in(page, charlie)
    page.goto(f"/enrolments/{enrolment.pk}/tasks/{enrolment.tool.tasks.get().pk}/")
    page.get_by_label("Type your full name to sign").fill("Charlie Wilson")

    page.get_by_label("Choose files, or drag and drop them here").set_input_files(records)
    expect(upload_row(page, "customer-records.pdf")).to_contain_text("Uploaded “customer-records.pdf” (PDF).")
    expect(page.get_by_role("heading", name="Your evidence (1)")).to_be_visible()
    page.get_by_label(DECLARATION).check()
    page.get_by_role("button", name="Submit attempt 1").click()

    expect(page.get_by_role("status").filter(has_text="submitted")).to_have_text(
        "Attempt 1 submitted. It is now with your assessor."
    )
    expect(page.locator("#task-status")).to_have_text("Submitted")
    assert_accessible(page)


@pytest.mark.browser
def test_eight_files_chosen_at_once_are_all_stored(page, charlie, enrolment, tmp_path):
    files = []
    for number in range(1, 9):
        path = tmp_path / f"week-{number}.pdf"
        path.write_bytes(PDF.replace(b"%%EOF", f"% week {number}\n%%EOF".encode()))
        files.append(path)
    sign_in(page, charlie)
    page.goto(f"/enrolments/{enrolment.pk}/tasks/{enrolment.tool.tasks.get().pk}/")

    page.get_by_label("Choose files, or drag and drop them here").set_input_files(files)

    for path in files:
        expect(upload_row(page, path.name)).to_contain_text(f"Uploaded “{path.name}” (PDF).")
    expect(page.get_by_role("heading", name="Your evidence (8)")).to_be_visible()
    expect(page.locator("#task-status")).to_have_text("Draft")
    for path in files:
        expect(page.get_by_role("link", name=path.name, exact=True)).to_be_visible()
    assert sorted(enrolment.attempts.get().evidence.values_list("title", flat=True)) == [
        p.name for p in files
    ]
    save_screenshot(page, "student-task-eight-uploads")
    assert_accessible(page)


@pytest.mark.browser
def test_upload_progress_is_not_complete_before_the_server_answers(
    page, charlie, enrolment, tmp_path, monkeypatch
):
    from evidence.views import student

    answered, stored = threading.Event(), student.add_file_evidence

    def held_until_the_test_lets_go(*args, **kwargs):
        answered.wait(timeout=20)
        return stored(*args, **kwargs)

    monkeypatch.setattr(student, "add_file_evidence", held_until_the_test_lets_go)
    records = tmp_path / "customer-records.pdf"
    records.write_bytes(PDF)
    sign_in(page, charlie)
    page.goto(f"/enrolments/{enrolment.pk}/tasks/{enrolment.tool.tasks.get().pk}/")

    page.get_by_label("Choose files, or drag and drop them here").set_input_files(records)
    row = upload_row(page, "customer-records.pdf")
    expect(row).to_contain_text("Sent; checking the file…")
    bar = row.get_by_role("progressbar", name="Uploading customer-records.pdf")
    assert bar.evaluate("bar => bar.value") < 100
    answered.set()

    expect(row).to_contain_text("Uploaded “customer-records.pdf” (PDF).")
    assert bar.evaluate("bar => bar.value") == 100
