"""AVETMISS 8.0 training activity (NAT00120) and subject (NAT00060) files, and the checks before them.

The expected files in evidence/tests/data/ were typed from Release 8.0's field tables, field by field
(evidence/tests/data/README.md spells out the first line of each), not made by the writer.
"""

import datetime
import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from assessor_portal.models import User
from evidence.models import Enrolment, OutcomeCode, UnitResult
from evidence.services.avetmiss import (
    NAT00060,
    NAT00060_LENGTH,
    NAT00120,
    NAT00120_LENGTH,
    AvetmissError,
    CollectionPeriod,
    ascii_text,
    avetmiss_batch,
)
from units.models import Unit

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
SYDNEY = ZoneInfo("Australia/Sydney")
YEAR_2026 = CollectionPeriod(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
RTO = {
    "training_organisation_id": "90001",
    "delivery_location_id": "CAMPUS1",
    "funding_source_national": "20",
    "delivery_mode": "YNN",
    "predominant_delivery_mode": "I",
    "study_reason": "@@",
    "vet_in_schools": "N",
}


@pytest.fixture(autouse=True)
def rto(settings):
    settings.AVETMISS = dict(RTO)
    return settings.AVETMISS


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


def report_units(hours=30, field="081101"):
    Unit.objects.update(nominal_hours=hours, field_of_education=field, vet_flag=True)


def failures(batch):
    return [(failure.rule, failure.student, failure.unit and failure.unit.code) for failure in batch.failures]


# -- the field tables --------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "length"), [(NAT00120, NAT00120_LENGTH), (NAT00060, NAT00060_LENGTH)])
def test_each_field_starts_where_the_one_before_ends_and_the_record_is_as_long_as_the_spec_says(
    fields, length
):
    position = 1
    for field in fields:
        assert field.position == position, field.name
        position += field.length
    assert position - 1 == length


# -- the files, byte for byte ------------------------------------------------------------------------


@pytest.fixture
def three_activities(bob, enrolment, fnscus504, dana_enrolment, cohort):
    """Charlie continuing FNSCUS504, Charlie competent in FNSPIM409, Dana granted RPL in FNSPIM409."""
    cohort.end_date = datetime.date(2027, 3, 31)
    cohort.save()
    report_units()
    Unit.objects.filter(code="FNSCUS504").update(
        title="Manage premium customer relationships – “Café” clients", nominal_hours=40
    )
    Unit.objects.filter(code="FNSPIM409").update(field_of_education="080301")
    signed(fnscus504, "70", bob, datetime.datetime(2026, 11, 20, 15, 0))
    # 9 am on 1 November in Sydney is still 31 October in UTC: the end date is Sydney's.
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 1, 9, 0))
    signed(dana_enrolment, "51", bob, datetime.datetime(2026, 11, 3, 10, 0))


def test_the_training_activity_file_matches_the_hand_built_file_byte_for_byte(three_activities):
    files = avetmiss_batch(period=YEAR_2026).files()

    assert files["NAT00120.txt"] == (DATA / "NAT00120.txt").read_bytes()


def test_the_subject_file_lists_each_unit_once_with_its_title_in_ascii_byte_for_byte(three_activities):
    files = avetmiss_batch(period=YEAR_2026).files()

    assert files["NAT00060.txt"] == (DATA / "NAT00060.txt").read_bytes()


def test_the_zip_holds_both_files_as_written(three_activities):
    batch = avetmiss_batch(period=YEAR_2026)

    with zipfile.ZipFile(io.BytesIO(batch.zip())) as archive:
        assert archive.namelist() == ["NAT00120.txt", "NAT00060.txt"]
        assert archive.read("NAT00120.txt") == (DATA / "NAT00120.txt").read_bytes()
        assert archive.read("NAT00060.txt") == (DATA / "NAT00060.txt").read_bytes()


def test_only_the_result_in_force_is_reported(bob, enrolment):
    report_units()
    first = signed(enrolment, "30", bob, datetime.datetime(2026, 11, 2, 10, 0))
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 4, 10, 0), corrects=first)

    lines = avetmiss_batch(period=YEAR_2026).nat00120().split(b"\r\n")

    assert [line[71:73] for line in lines if line] == [b"20"]


def test_the_scope_takes_one_cohort_and_signed_days(bob, enrolment, dana_enrolment):
    report_units()
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    signed(dana_enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    in_cohort = avetmiss_batch(period=YEAR_2026, cohort=enrolment.cohort)
    other_days = avetmiss_batch(
        period=YEAR_2026, signed_from=datetime.date(2026, 11, 3), signed_to=datetime.date(2026, 11, 30)
    )

    assert [activity.student.student_id for activity in in_cohort.activities] == ["S0001"]
    assert other_days.activities == []


def test_accented_letters_and_typographic_punctuation_are_spelled_in_ascii():
    assert ascii_text("Zoë Ångström – “Café”") == 'Zoe Angstrom - "Cafe"'


def test_no_file_is_written_while_a_check_fails(bob, enrolment):
    report_units(hours=None)
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    with pytest.raises(AvetmissError, match="1 check fails"):
        avetmiss_batch(period=YEAR_2026).files()


# -- one test per check ---------------------------------------------------------------------------------


def test_a_student_without_a_student_id_fails_the_client_identifier_check(bob, tools):
    report_units()
    eve = User.objects.create_user("eve", role="student", first_name="Eve", last_name="Ng")
    enrolment = Enrolment.objects.create(
        student=eve, tool=tools["FNSPIM409"], enrolled_on=datetime.date(2026, 3, 2)
    )
    signed(enrolment, "20", bob, datetime.datetime(2026, 6, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("client_identifier_missing", eve, "FNSPIM409")]


def test_a_student_id_longer_than_ten_characters_fails_the_client_identifier_check(bob, enrolment, charlie):
    report_units()
    charlie.student_id = "S000000000001"
    charlie.save()
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("client_identifier_invalid", charlie, "FNSPIM409")]


def test_a_unit_code_longer_than_twelve_characters_fails_the_subject_identifier_check(
    bob, enrolment, charlie
):
    report_units()
    Unit.objects.filter(code="FNSPIM409").update(code="FNSPIM409LONGER")
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [
        ("subject_identifier_invalid", charlie, "FNSPIM409LONGER")
    ]


def test_a_state_outcome_code_fails_the_national_outcome_check(bob, enrolment, charlie):
    report_units()
    OutcomeCode.objects.create(code="90", label="Result not yet available", recordable=False)
    signed(enrolment, "90", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("outcome_not_national", charlie, "FNSPIM409")]


def test_a_start_after_the_end_fails_the_dates_check(bob, enrolment, charlie, cohort):
    report_units()
    cohort.start_date = datetime.date(2026, 11, 20)
    cohort.save()
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("start_after_end", charlie, "FNSPIM409")]


def test_not_yet_started_is_refused_for_an_activity_starting_within_the_period(bob, enrolment, charlie):
    report_units()
    signed(enrolment, "85", bob, datetime.datetime(2026, 9, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [
        ("not_yet_started_starts_in_period", charlie, "FNSPIM409")
    ]


def test_not_yet_started_passes_for_an_activity_starting_after_the_period(bob, enrolment):
    report_units()
    signed(enrolment, "85", bob, datetime.datetime(2026, 9, 2, 10, 0))
    january_to_june = CollectionPeriod(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))

    assert failures(avetmiss_batch(period=january_to_june)) == []


def test_continuing_is_refused_when_the_activity_ends_within_the_period(bob, enrolment, charlie, cohort):
    report_units()
    cohort.end_date = datetime.date(2026, 12, 15)
    cohort.save()
    signed(enrolment, "70", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("continuing_ends_in_period", charlie, "FNSPIM409")]


def test_a_finished_outcome_ending_after_the_period_is_refused(bob, enrolment, charlie):
    report_units()
    signed(enrolment, "20", bob, datetime.datetime(2027, 1, 5, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("finished_after_period", charlie, "FNSPIM409")]


def test_an_activity_starting_after_the_period_is_refused_unless_not_yet_started(bob, enrolment, charlie):
    report_units()
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    first_half = CollectionPeriod(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))

    assert ("starts_after_period", charlie, "FNSPIM409") in failures(avetmiss_batch(period=first_half))


def test_an_activity_that_ended_before_the_period_is_refused(bob, enrolment, charlie):
    report_units()
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    next_year = CollectionPeriod(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))

    assert failures(avetmiss_batch(period=next_year)) == [("ends_before_period", charlie, "FNSPIM409")]


def test_a_unit_without_nominal_hours_fails_the_nominal_hours_check(bob, enrolment):
    report_units(hours=None)
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("nominal_hours_missing", None, "FNSPIM409")]


@pytest.mark.parametrize("code", ["", "0811", "131101", "08110A"])
def test_a_malformed_field_of_education_fails_its_check(code, bob, enrolment):
    report_units(field=code)
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("field_of_education_invalid", None, "FNSPIM409")]


def test_a_title_with_no_ascii_spelling_fails_the_subject_name_check(bob, enrolment):
    report_units()
    Unit.objects.filter(code="FNSPIM409").update(title="Maintain customer relationship «VIP»")
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    assert failures(avetmiss_batch(period=YEAR_2026)) == [("subject_name_not_ascii", None, "FNSPIM409")]


def test_a_blank_training_organisation_identifier_fails_the_settings_check(rto, bob, enrolment):
    report_units()
    rto["training_organisation_id"] = ""
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    batch = avetmiss_batch(period=YEAR_2026)

    assert [failure.rule for failure in batch.failures] == ["setting"]
    assert "AVETMISS_TRAINING_ORGANISATION_ID" in batch.failures[0].message


def test_each_failure_links_to_where_it_is_fixed(bob, enrolment, charlie):
    signed(enrolment, "20", bob, datetime.datetime(2027, 1, 5, 10, 0))
    charlie.student_id = ""
    charlie.save()

    links = {failure.rule: failure.fix_url for failure in avetmiss_batch(period=YEAR_2026).failures}

    unit = enrolment.tool.unit
    assert links["client_identifier_missing"] == reverse(
        "admin:assessor_portal_user_change", args=[charlie.pk]
    )
    assert links["finished_after_period"] == reverse("evidence:enrolment_record", args=[enrolment.pk])
    assert links["nominal_hours_missing"] == reverse("units:unit_reporting", args=[unit.code, unit.release])


# -- queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_batch_and_its_files_take_one_query_however_many_rows(
    count, bob, tools, django_assert_num_queries
):
    report_units()
    for number in range(count):
        student = User.objects.create_user(f"s{number}", role="student", student_id=f"S{number:04}")
        enrolment = Enrolment.objects.create(
            student=student, tool=tools["FNSPIM409"], enrolled_on=datetime.date(2026, 3, 2)
        )
        signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))

    with django_assert_num_queries(1):
        batch = avetmiss_batch(period=YEAR_2026)
        files = batch.files()
    assert files["NAT00120.txt"].count(b"\r\n") == count


# -- the page ------------------------------------------------------------------------------------------

PAGE = "evidence:avetmiss_export"
YEAR_2026_QUERY = {"period_start": "01/01/2026", "period_end": "31/12/2026"}


def test_the_page_lists_each_failure_with_its_student_and_unit_and_offers_no_download(
    client, alice, bob, enrolment
):
    signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    client.force_login(alice)

    page = client.get(reverse(PAGE), YEAR_2026_QUERY)

    assert page.status_code == 200
    assert "2 checks fail" in page.text
    assert "Charlie Wilson (S0001)" not in page.text  # both failures are the unit's, not Charlie's
    assert "The unit has no nominal hours (1 to 9999)." in page.text
    assert "Download both files" not in page.text


def test_a_download_while_a_check_fails_is_refused_with_the_failures(client, alice, bob, enrolment):
    signed(enrolment, "20", bob, datetime.datetime(2027, 1, 5, 10, 0))
    report_units()
    client.force_login(alice)

    response = client.get(reverse("evidence:avetmiss_download", args=["zip"]), YEAR_2026_QUERY)

    assert response.status_code == 409
    assert "The files were not written." in response.text
    assert "Charlie Wilson (S0001)" in response.text


def test_the_page_offers_the_files_once_every_check_passes_and_they_download_as_checked(
    client, alice, three_activities
):
    client.force_login(alice)

    page = client.get(reverse(PAGE), YEAR_2026_QUERY)
    assert "Every check passes." in page.text
    assert "3 training activities" in page.text
    download = client.get(page.context["downloads"]["NAT00120"])

    assert download["Content-Disposition"] == 'attachment; filename="NAT00120.txt"'
    assert download.content == (DATA / "NAT00120.txt").read_bytes()


def test_the_page_opens_on_this_calendar_year(client, alice):
    client.force_login(alice)

    page = client.get(reverse(PAGE))

    year = datetime.date.today().year
    assert page.context["batch"].period == CollectionPeriod(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_assessors_and_students_never_see_the_avetmiss_page(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse(PAGE), YEAR_2026_QUERY).status_code == 404
    assert client.get(reverse("evidence:avetmiss_download", args=["zip"]), YEAR_2026_QUERY).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_queries_however_many_rows(
    count, client, alice, bob, tools, django_assert_num_queries
):
    report_units()
    for number in range(count):
        student = User.objects.create_user(f"s{number}", role="student", student_id=f"S{number:04}")
        enrolment = Enrolment.objects.create(
            student=student, tool=tools["FNSPIM409"], enrolled_on=datetime.date(2026, 3, 2)
        )
        signed(enrolment, "20", bob, datetime.datetime(2026, 11, 2, 10, 0))
    client.force_login(alice)

    # The signed-in user (the session is cached), the cohorts to choose from, and the results.
    with django_assert_num_queries(3):
        page = client.get(reverse(PAGE), YEAR_2026_QUERY)
    assert f"{count} training activities" in page.text
