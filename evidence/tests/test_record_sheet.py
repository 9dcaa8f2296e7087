"""The assessment record sheet: filled in from the signed records, archived as PDF/A-3b, verifiable by anyone."""

import io
import json

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessor_portal.tests.pdfs import pdf_pages, pdf_text
from evidence.documents import verify_url
from evidence.models import RecordSheetCopy
from evidence.services.marking import acknowledge_result, record_unit_result
from evidence.tests.journeys import satisfactory

pytestmark = pytest.mark.django_db


def day(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


@pytest.fixture
def competent(fnscus504, charlie, bob, django_capture_on_commit_callbacks):
    """Charlie's FNSCUS504: three tasks Satisfactory, the unit signed Competent by Bob (archived as it commits)."""
    for number in (1, 2, 3):
        satisfactory(fnscus504, number, charlie, bob)
    with django_capture_on_commit_callbacks(execute=True):
        return record_unit_result(
            fnscus504, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
        )


def kept(copy):
    with copy.pdf.open("rb") as handle:
        return handle.read()


def sheet_pdf(client, enrolment):
    response = client.get(reverse("evidence:enrolment_record_sheet_pdf", args=[enrolment.pk]))
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_record_sheet_pdf_shows_each_task_the_unit_result_and_both_signatures(
    client, competent, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        acknowledgement = acknowledge_result(competent, by=charlie, typed_name="Charlie Wilson")
    client.force_login(charlie)
    pages = pdf_pages(sheet_pdf(client, competent.enrolment))
    text = " ".join(pages)
    assert "Assessment Record Sheet FNSCUS504 - Manage premium customer relationships" in text
    assert "Student name: Charlie Wilson Student ID: S0001" in text
    for number in (1, 2, 3):
        assert f"Assessment task {number}:" in text
    assert text.count("☑ Satisfactory ☐ Not satisfactory") == 3
    assert "Overall assessment result: ☑ Competent ☐ Not yet competent (AVETMISS outcome 20)" in text
    assert (
        f"Assessor name: Bob Taylor Signature: Signed electronically as “Bob Taylor” Date: {day(competent.signed_at)}"
        in text
    )
    assert (
        f"Student signature: Signed electronically as “Charlie Wilson” Date: {day(acknowledgement.signed_at)}"
        in text
    )
    assert competent.sha256 in text
    for number, page in enumerate(pages, start=1):
        assert "FNSCUS504 Manage premium customer relationships" in page
        assert "Charlie Wilson (S0001)" in page
        assert f"Page {number} of {len(pages)}" in page


def test_signed_record_sheet_is_pdf_a_3b_carrying_the_record_as_json(client, competent, bob):
    client.force_login(bob)
    with pikepdf.open(io.BytesIO(sheet_pdf(client, competent.enrolment))) as document:
        with document.open_metadata() as xmp:
            assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("3", "B")
        assert document.Root.OutputIntents[0].S == "/GTS_PDFA1"
        attached = document.attachments["record.json"]
        assert attached.obj.AFRelationship == "/Data"
        assert attached.obj in list(document.Root.AF)
        record = json.loads(attached.get_file().read_bytes())
    assert record["unit"] == {
        "code": "FNSCUS504",
        "title": "Manage premium customer relationships",
        "release": 1,
    }
    assert record["student"] == {"name": "Charlie Wilson", "student_id": "S0001"}
    assert [task["result"] for task in record["tasks"]] == ["Satisfactory"] * 3
    assert record["result"]["outcome_code"] == "20"
    assert record["result"]["sha256"] == competent.sha256
    assert record["acknowledgement"] is None


def test_the_download_is_the_archival_copy_byte_for_byte_and_acknowledging_adds_a_second(
    client, competent, charlie, django_capture_on_commit_callbacks
):
    client.force_login(charlie)
    signed_copy = RecordSheetCopy.objects.get()
    downloaded = sheet_pdf(client, competent.enrolment)
    assert downloaded == kept(signed_copy)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge_result(competent, by=charlie, typed_name="Charlie Wilson")
    assert RecordSheetCopy.objects.count() == 2
    acknowledged_copy = RecordSheetCopy.objects.get(acknowledged=True)
    assert sheet_pdf(client, competent.enrolment) == kept(acknowledged_copy)
    assert acknowledged_copy.sha256 != signed_copy.sha256


def test_a_result_not_yet_archived_downloads_as_the_same_file_the_worker_will_keep(
    client, fnscus504, charlie, bob
):
    for number in (1, 2, 3):
        satisfactory(fnscus504, number, charlie, bob)
    record_unit_result(fnscus504, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)
    assert not RecordSheetCopy.objects.exists()  # the commit (and so the worker) has not happened yet
    client.force_login(bob)
    first, second = sheet_pdf(client, fnscus504), sheet_pdf(client, fnscus504)
    assert first == second
    assert not RecordSheetCopy.objects.exists()


def test_a_student_sees_only_released_judgements_and_strangers_nothing(
    client, fnscus504, charlie, dana, erin
):
    client.force_login(charlie)
    text = pdf_text(sheet_pdf(client, fnscus504))
    assert "No unit result has been signed yet" in text
    assert "☑" not in text
    for stranger in (dana, erin):
        client.force_login(stranger)
        assert (
            client.get(reverse("evidence:enrolment_record_sheet_pdf", args=[fnscus504.pk])).status_code == 404
        )
        assert client.get(reverse("evidence:enrolment_record_sheet", args=[fnscus504.pk])).status_code == 404


def test_user_text_is_printed_as_text_never_as_markup(client, fnscus504, charlie, bob):
    charlie.first_name = '<img src="file:///etc/passwd">'
    charlie.save()
    client.force_login(bob)
    pdf = sheet_pdf(client, fnscus504)
    assert '<img src="file:///etc/passwd"> Wilson' in pdf_text(pdf)
    page = client.get(reverse("evidence:enrolment_record_sheet", args=[fnscus504.pk])).content.decode()
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt; Wilson" in page
    assert '<img src="file:///etc/passwd">' not in page


def verify(client, **data):
    return client.post(reverse("evidence:verify_record"), data)


def test_verify_page_accepts_the_true_file_and_rejects_one_with_a_changed_byte(client, competent):
    true_copy = kept(RecordSheetCopy.objects.get())
    page = verify(client, pdf=SimpleUploadedFile("sheet.pdf", true_copy, "application/pdf")).content.decode()
    assert "This file is a true copy of the signed record" in page
    assert "Charlie Wilson" in page
    assert "Competency achieved (outcome 20)" in page
    assert "No: this is the record in force." in page

    middle = len(true_copy) // 2
    changed = true_copy[:middle] + bytes([true_copy[middle] ^ 1]) + true_copy[middle + 1 :]
    page = verify(client, pdf=SimpleUploadedFile("sheet.pdf", changed, "application/pdf")).content.decode()
    assert "This file is a true copy" not in page
    assert "Charlie Wilson" not in page

    page = verify(
        client, pdf=SimpleUploadedFile("notes.pdf", b"not a pdf at all", "application/pdf")
    ).content.decode()
    assert "No record matches" in page


def test_an_edited_record_sheet_is_called_altered(client, competent):
    with pikepdf.open(io.BytesIO(kept(RecordSheetCopy.objects.get()))) as document:
        document.docinfo["/Title"] = "Changed"
        edited = io.BytesIO()
        document.save(edited)
    page = verify(
        client, pdf=SimpleUploadedFile("sheet.pdf", edited.getvalue(), "application/pdf")
    ).content.decode()
    assert "This file does not match the record as signed" in page


def test_the_printed_code_names_the_record_and_says_when_it_was_corrected(client, competent, bob):
    url = verify_url(competent)
    assert url.endswith(f"/verify/{competent.sha256[:16]}/")
    page = client.get(url.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert "This code belongs to a signed record" in page
    assert "FNSCUS504 Manage premium customer relationships" in page
    assert "No: this is the record in force." in page

    correction = record_unit_result(
        competent.enrolment,
        by=bob,
        outcome="20",
        typed_name="Bob Taylor",
        password=bob.raw_password,
        reason="Signed again: task 2 evidence was checked for authenticity.",
    )
    page = client.get(url.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert f"a correction was signed on {day(correction.signed_at)}" in page
    assert "Task 2 evidence" not in page  # the verify page tells no more than the sheet itself

    assert "No record matches" in verify(client, code="0" * 16).content.decode()
    assert "No record matches" in verify(client, code="abc").content.decode()


def test_verify_page_slows_down_someone_guessing_codes(client):
    answers = [verify(client, code=f"{n:016x}").status_code for n in range(21)]
    assert answers[:20] == [200] * 20
    assert answers[20] == 429
    assert "Too many checks" in verify(client, code="0" * 16).content.decode()


def test_verify_asks_for_a_file_or_a_code(client):
    response = verify(client)
    assert response.status_code == 400
    assert "Choose the record sheet&#x27;s PDF, or type the code printed on it." in response.content.decode()
