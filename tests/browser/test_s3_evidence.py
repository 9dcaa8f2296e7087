"""Evidence in a private S3 bucket (moto's real S3 server), as a student and an assessor use it.

The student uploads through the task page and opens her file; the assessor's marking page shows
an image from the bucket, which the Content Security Policy must let through after the redirect.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evidence.models import EvidenceItem
from evidence.services.attempts import submit_attempt
from evidence.tests import s3 as real_s3
from evidence.tests.files import PDF, PNG
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from tests.browser.test_student_evidence import enrolment as enrolment_in_bobs_cohort
from tests.browser.test_student_evidence import fnspim409_tool  # noqa: F401

TASK = "Task 1: Evidence portfolio: maintaining customer relationships"
s3_server = real_s3.s3_server
s3 = real_s3.s3
enrolment = enrolment_in_bobs_cohort


@pytest.mark.browser
def test_evidence_uploaded_to_the_bucket_opens_for_the_student_and_shows_on_the_marking_page(
    page, s3, charlie, bob, enrolment, tmp_path
):
    records, photo = tmp_path / "customer-records.pdf", tmp_path / "follow-up-call.png"
    records.write_bytes(PDF)
    photo.write_bytes(PNG)
    blocked = []
    page.on("console", lambda message: "img-src" in message.text and blocked.append(message.text))

    sign_in(page, charlie)
    page.get_by_role("link", name=TASK).click()
    expect(page.get_by_role("heading", name="Your evidence (0)")).to_be_visible()
    page.wait_for_load_state("load")  # the upload script listens for chosen files once loaded
    assert_accessible(page)
    page.get_by_label("Choose files, or drag and drop them here").set_input_files([records, photo])
    uploads = page.get_by_role("region", name="Upload files")
    for name, kind in (("customer-records.pdf", "PDF"), ("follow-up-call.png", "PNG image")):
        # Each upload's first request to the bucket in a fresh server thread loads boto3's models.
        expect(uploads.get_by_role("listitem").filter(has_text=name)).to_contain_text(
            f"Uploaded “{name}” ({kind}).", timeout=20_000
        )
    expect(page.get_by_role("heading", name="Your evidence (2)")).to_be_visible()
    save_screenshot(page, "s3-student-task-uploads")
    assert sorted(name.rsplit(".", 1)[1] for name in s3.object_names()) == ["pdf", "png"]

    href = page.get_by_role("link", name="customer-records.pdf", exact=True).get_attribute("href")
    opened = page.request.get(href)  # the browser's own cookies; the redirect to the bucket followed
    assert opened.url.startswith(f"{s3.endpoint_url}/{s3.name}/evidence/")
    assert opened.body() == PDF
    assert opened.headers["content-disposition"] == 'inline; filename="customer-records.pdf"'

    attempt = EvidenceItem.objects.get(title="customer-records.pdf").attempt
    submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, bob)
    page.goto(reverse("evidence:attempt_mark", args=[attempt.pk]))
    image = page.get_by_role("img", name="follow-up-call.png")
    expect(image).to_be_visible()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
    )
    assert blocked == []
    save_screenshot(page, "s3-marking-page-image-from-bucket")
    assert_accessible(page)
