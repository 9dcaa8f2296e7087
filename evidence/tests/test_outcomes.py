"""Unit outcomes out to the student management system: what goes out, once, and as it went out."""

import csv
import datetime
import hashlib
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from assessor_portal.models import User
from evidence.models import Enrolment, OutcomeExport, SignedRecordError, UnitResult
from evidence.services.marking import record_unit_result
from evidence.services.outcomes import HEADER, OutcomeExportError, export_outcomes, outcomes_to_export

pytestmark = pytest.mark.django_db
# Savepoints and, on PostgreSQL, the advisory lock: the same whatever the number of rows.
EXPORT_QUERIES = {"sqlite": 11, "postgresql": 12}
SYDNEY = ZoneInfo("Australia/Sydney")
SINCE_LAST = OutcomeExport.Scope.SINCE_LAST
DATE_RANGE = OutcomeExport.Scope.DATE_RANGE


def signed(enrolment, outcome, assessor, at, corrects=None):
    """A unit result signed at a Sydney time, as record_unit_result would leave it."""
    return UnitResult.objects.create(
        enrolment=enrolment,
        outcome_id=outcome,
        assessor=assessor,
        corrects=corrects,
        reason="Marked against the wrong evidence." if corrects else "",
        signed_at=at.replace(tzinfo=SYDNEY),
        typed_name=assessor.get_full_name(),
        sha256="0" * 64,
    )


def student(number, **names):
    return User.objects.create_user(
        f"s{number:04}", role="student", student_id=f"S{number:04}", usi=f"USI{number:07}", **names
    )


def enrol(person, tool, on=datetime.date(2026, 10, 5)):
    return Enrolment.objects.create(student=person, tool=tool, enrolled_on=on)


def export(by, scope=SINCE_LAST, **days):
    return export_outcomes(by=by, scope=scope, token=uuid.uuid4(), **days)


def read(content):
    return list(csv.reader(io.StringIO(bytes(content).decode("utf-8"), newline="")))


def test_a_result_goes_out_with_the_columns_the_sms_imports_and_dates_as_dd_mm_yyyy(alice, bob, enrolment):
    charlie = enrolment.student
    charlie.usi = "ABCDE12345"
    charlie.save()
    # Signed at 9 am on 1 November in Sydney: still 31 October in UTC.
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 1, 9, 0))

    sent = export(alice)

    assert read(sent.content) == [
        HEADER,
        [
            "S0001",
            "ABCDE12345",
            "Wilson",
            "Charlie",
            "FNSPIM409",
            "20",
            "05/10/2026",
            "01/11/2026",
            "Bob Taylor",
        ],
    ]
    assert (sent.row_count, sent.corrected_count, sent.exported_by) == (1, 0, alice)
    assert sent.sha256 == hashlib.sha256(bytes(sent.content)).hexdigest()


# Typed by hand: UTF-8, a comma between cells, CR LF after every row (Python's csv "excel" dialect),
# a cell holding a quote quoted with its quotes doubled, a formula cell led by an apostrophe.
EXPECTED_CSV = (
    "Student ID,USI,Family name,Given name,Unit code,Outcome code,Activity start date,Activity end date,Assessor\r\n"
    'S0009,USI0000009,\'@Evil,"\'=HYPERLINK(""http://x"",""y"")",FNSPIM409,30,05/10/2026,02/11/2026,Bob Taylor\r\n'
    "S0010,,Nguyễn,Zoë,FNSPIM409,20,05/10/2026,03/11/2026,Bob Taylor\r\n"
    "S0001,ABCDE12345,Wilson,Charlie,FNSPIM409,20,05/10/2026,01/11/2026,Bob Taylor\r\n"
).encode()  # UTF-8


@pytest.fixture
def three_results(bob, enrolment, tools):
    """Charlie competent; a student named as a formula not yet competent; Zoë, with no USI, competent."""
    charlie = enrolment.student
    charlie.usi = "ABCDE12345"
    charlie.save()
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 1, 9, 0))
    mallory = student(9, first_name='=HYPERLINK("http://x","y")', last_name="@Evil")
    signed(enrol(mallory, tools["FNSPIM409"]), "30", bob, datetime.datetime(2026, 11, 2, 10, 0))
    zoe = User.objects.create_user(
        "s0010", role="student", student_id="S0010", first_name="Zoë", last_name="Nguyễn"
    )
    signed(enrol(zoe, tools["FNSPIM409"]), "20", bob, datetime.datetime(2026, 11, 3, 10, 0))


def test_the_csv_matches_the_hand_built_file_byte_for_byte(alice, three_results):
    assert bytes(export(alice).content) == EXPECTED_CSV


def test_the_csv_for_excel_on_windows_is_the_same_file_after_a_utf8_byte_order_mark(alice, three_results):
    sent = export_outcomes(by=alice, scope=SINCE_LAST, token=uuid.uuid4(), bom=True)

    assert bytes(sent.content) == b"\xef\xbb\xbf" + EXPECTED_CSV
    assert sent.sha256 == hashlib.sha256(b"\xef\xbb\xbf" + EXPECTED_CSV).hexdigest()


def test_only_the_result_in_force_goes_out(alice, bob, enrolment):
    first = signed(enrolment, "30", bob, datetime.datetime(2026, 11, 2, 10, 0))
    in_force = signed(enrolment, "20", bob, datetime.datetime(2026, 11, 3, 10, 0), corrects=first)

    assert [row.result for row in outcomes_to_export(scope=SINCE_LAST).rows] == [in_force]


def test_since_the_last_export_sends_only_what_has_not_gone_out(alice, bob, enrolment, dana_enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    export(alice)
    dana = signed(dana_enrolment, "30", bob, datetime.datetime(2026, 11, 3, 10, 0))

    second = export(alice)

    assert list(second.results.all()) == [dana]
    assert [row[2] for row in read(second.content)[1:]] == ["Lee"]
    with pytest.raises(OutcomeExportError, match="No unit results to export"):
        export(alice)
    assert OutcomeExport.objects.count() == 2


def test_a_result_corrected_since_it_went_out_is_listed_and_goes_out_again(alice, bob, enrolment):
    first = signed(enrolment, "30", bob, datetime.datetime(2026, 11, 2, 10, 0))
    export(alice)
    correction = signed(enrolment, "20", bob, datetime.datetime(2026, 11, 4, 10, 0), corrects=first)

    batch = outcomes_to_export(scope=SINCE_LAST)
    assert [(row.result, row.sent_before) for row in batch.corrected] == [(correction, first)]
    again = export(alice)

    assert (again.row_count, again.corrected_count) == (1, 1)
    assert read(again.content)[1][5] == "20"


def test_a_date_range_sends_results_signed_on_those_sydney_days_whether_sent_before_or_not(
    alice, bob, enrolment, dana_enrolment, tools, charlie
):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 1, 0, 30))  # Sydney midnight: in
    signed(dana_enrolment, "30", bob, datetime.datetime(2026, 10, 31, 23, 59))  # the day before: out
    later = enrol(charlie, tools["FNSCUS504"])
    signed(later, "40", bob, datetime.datetime(2026, 11, 3, 23, 59))  # the last day: in
    export(alice)

    sent = export(
        alice, DATE_RANGE, signed_from=datetime.date(2026, 11, 1), signed_to=datetime.date(2026, 11, 3)
    )

    assert [(row[4], row[5], row[7]) for row in read(sent.content)[1:]] == [
        ("FNSCUS504", "40", "03/11/2026"),
        ("FNSPIM409", "20", "01/11/2026"),
    ]
    assert (sent.signed_from, sent.signed_to, sent.corrected_count) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 3),
        0,
    )


def test_a_student_named_as_a_formula_goes_out_as_text(alice, bob, tools):
    mallory = student(9, first_name='=HYPERLINK("http://x","y")', last_name="@Evil")
    signed(enrol(mallory, tools["FNSPIM409"]), "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    row = read(export(alice).content)[1]

    assert row[2:4] == ["'@Evil", '\'=HYPERLINK("http://x","y")']


def test_pressing_download_twice_writes_one_log_row(alice, bob, enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    token = uuid.uuid4()
    export_outcomes(by=alice, scope=SINCE_LAST, token=token)

    with pytest.raises(OutcomeExportError, match="already been downloaded"):
        export_outcomes(by=alice, scope=SINCE_LAST, token=token)
    assert OutcomeExport.objects.count() == 1


def test_the_same_file_again_within_a_minute_is_refused(alice, bob, enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    days = {"signed_from": datetime.date(2026, 11, 1), "signed_to": datetime.date(2026, 11, 30)}
    export(alice, DATE_RANGE, **days)

    with pytest.raises(OutcomeExportError, match="less than a minute ago"):
        export(alice, DATE_RANGE, **days)


def test_only_admins_export(bob, enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    with pytest.raises(PermissionDenied):
        export(bob)
    with pytest.raises(PermissionDenied):
        export(enrolment.student)


def test_an_export_never_changes_and_is_never_deleted(alice, bob, enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    sent = export(alice)
    with pytest.raises(SignedRecordError):
        sent.save()
    with pytest.raises(SignedRecordError):
        sent.delete()


def test_a_result_signed_by_the_service_goes_out(alice, bob, enrolment):
    record_unit_result(enrolment, by=bob, outcome="40", typed_name="Bob Taylor", password=bob.raw_password)

    assert [row[5] for row in read(export(alice).content)[1:]] == ["40"]


def results_for(count, tools, assessor, first_number):
    """Not yet competent for each of `count` new students."""
    return [
        signed(
            enrol(student(number, first_name="Student", last_name=f"N{number}"), tools["FNSPIM409"]),
            "30",
            assessor,
            datetime.datetime(2026, 11, 2, 10, 0),
        )
        for number in range(first_number, first_number + count)
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_the_preview_and_the_export_take_the_same_queries_however_many_rows(
    count, alice, bob, tools, django_assert_num_queries
):
    sent_before = results_for(count, tools, bob, first_number=100)
    export(alice)
    for result in sent_before:
        signed(result.enrolment, "20", bob, datetime.datetime(2026, 11, 3, 10, 0), corrects=result)
    results_for(count, tools, bob, first_number=200)

    with django_assert_num_queries(2):
        batch = outcomes_to_export(scope=SINCE_LAST)
        assert (len(batch.rows), len(batch.corrected)) == (2 * count, count)
        batch.csv()
    with django_assert_num_queries(EXPORT_QUERIES[connection.vendor]):
        sent = export(alice)
    assert sent.row_count == 2 * count


# -- the page -------------------------------------------------------------------------------


def test_the_page_previews_without_writing_and_the_post_returns_the_logged_file(
    client, alice, bob, enrolment
):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    client.force_login(alice)

    page = client.get(reverse("evidence:outcome_exports"))
    assert page.status_code == 200
    assert "1 result" in page.text
    assert OutcomeExport.objects.count() == 0

    response = client.post(
        reverse("evidence:outcome_exports"), {"scope": SINCE_LAST, "token": str(page.context["token"])}
    )
    sent = OutcomeExport.objects.get()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="outcomes-')
    assert response.content == bytes(sent.content)

    again = client.get(reverse("evidence:outcome_export_download", args=[sent.pk]))
    assert again.content == bytes(sent.content)
    assert again["Cache-Control"] == "private, no-store"


def test_a_date_range_without_its_days_is_refused_on_the_page(client, alice):
    client.force_login(alice)
    response = client.get(
        reverse("evidence:outcome_exports"), {"scope": DATE_RANGE, "signed_from": "01/11/2026"}
    )
    assert "Give the first and the last day" in response.text
    response = client.post(
        reverse("evidence:outcome_exports"), {"scope": DATE_RANGE, "token": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert OutcomeExport.objects.count() == 0


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_assessors_and_students_never_see_the_outcomes_page(client, persona, request, alice, enrolment, bob):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    sent = export(alice)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evidence:outcome_exports")).status_code == 404
    assert client.post(reverse("evidence:outcome_exports"), {"scope": SINCE_LAST}).status_code == 404
    assert client.get(reverse("evidence:outcome_export_download", args=[sent.pk])).status_code == 404


def test_the_page_lists_results_corrected_since_they_went_out(client, alice, bob, enrolment):
    first = signed(enrolment, "30", bob, datetime.datetime(2026, 11, 2, 10, 0))
    export(alice)
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 4, 10, 0), corrects=first)
    client.force_login(alice)

    page = client.get(reverse("evidence:outcome_exports")).text

    assert "Corrected since the last export (1)" in page
    assert "Charlie Wilson (S0001)" in page
    assert "30 Competency not achieved → <strong>20 Competency achieved</strong>" in page


def test_the_download_form_asks_for_a_byte_order_mark_and_the_file_starts_with_one(
    client, alice, bob, enrolment
):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    client.force_login(alice)
    page = client.get(reverse("evidence:outcome_exports"))
    assert "Open in Excel on Windows" in page.text

    response = client.post(
        reverse("evidence:outcome_exports"),
        {"scope": SINCE_LAST, "token": str(page.context["token"]), "bom": "on"},
    )

    assert response.content.startswith(b"\xef\xbb\xbfStudent ID,")


def test_the_log_shows_twenty_files_a_page_newest_first(client, alice, bob, tools):
    for number in range(21):
        signed(
            enrol(student(300 + number), tools["FNSPIM409"]), "20", bob, datetime.datetime(2026, 11, 2, 10, 0)
        )
        export(alice)
    oldest = OutcomeExport.objects.order_by("pk").first()
    client.force_login(alice)

    first = client.get(reverse("evidence:outcome_exports"))
    second = client.get(reverse("evidence:outcome_exports"), {"page": 2})

    assert first.text.count("Download again") == 20
    assert "Page 1 of 2" in first.text
    assert oldest.get_absolute_url() not in first.text
    assert second.text.count("Download again") == 1
    assert oldest.get_absolute_url() in second.text


def test_the_admin_site_shows_an_export_but_never_changes_or_deletes_it(client, alice, bob, enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    sent = export(alice)
    client.force_login(alice)

    page = client.get(reverse("admin:evidence_outcomeexport_change", args=[sent.pk]))
    delete = client.post(reverse("admin:evidence_outcomeexport_delete", args=[sent.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert sent.sha256 in page.text
    assert 'name="_save"' not in page.text
    assert delete.status_code == 403
    assert OutcomeExport.objects.filter(pk=sent.pk).exists()


@pytest.mark.parametrize("count", [2, 21])
def test_the_page_takes_the_same_queries_however_many_files_were_sent(
    count, client, alice, bob, tools, django_assert_num_queries
):
    for number in range(count):
        signed(
            enrol(student(400 + number), tools["FNSPIM409"]), "20", bob, datetime.datetime(2026, 11, 2, 10, 0)
        )
        export(alice)
    signed(enrol(student(499), tools["FNSPIM409"]), "20", bob, datetime.datetime(2026, 11, 3, 10, 0))
    client.force_login(alice)

    # The user, the preview's two queries, and the log's count and page.
    with django_assert_num_queries(5):
        page = client.get(reverse("evidence:outcome_exports"))
    assert page.text.count("Download again") == min(count, 20)
