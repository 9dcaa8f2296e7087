"""The progress report: students by stage per cohort and unit, completions per month, the lists
behind the figures, downloads, who sees what, and query counts that do not grow with students."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Attempt, Cohort, Enrolment
from evidence.services.marking import record_unit_result
from reports.selectors import ReportFilters, progress_report
from reports.tests.conftest import assert_queries_do_not_grow, attempt, enrol

pytestmark = pytest.mark.django_db

PROGRESS = reverse("reports:progress")


def stages(viewer, **filters):
    return {
        stage.key: count for stage, count in progress_report(viewer, ReportFilters(**filters)).totals if count
    }


def test_a_student_with_no_attempt_is_not_started(alice, cohort, pim409):
    enrol(cohort, pim409, "s1")
    assert stages(alice) == {"new": 1}


@pytest.mark.parametrize(
    ("status", "stage"),
    [("draft", "draft"), ("submitted", "submitted"), ("assessing", "assessing"), ("S", "S"), ("NS", "NS")],
)
def test_a_one_task_unit_stands_where_its_latest_attempt_stands(alice, cohort, pim409, status, stage):
    attempt(enrol(cohort, pim409, "s1"), status=status)
    assert stages(alice) == {stage: 1}


def test_not_satisfactory_with_a_resubmission_date_is_resubmission_due(alice, cohort, pim409):
    attempt(enrol(cohort, pim409, "s1"), status="NS", resubmit_by=datetime.date(2026, 11, 30))
    assert stages(alice) == {"resubmit": 1}


def test_a_resubmission_under_way_counts_where_the_new_attempt_stands(alice, cohort, pim409):
    enrolment = enrol(cohort, pim409, "s1")
    attempt(enrolment, status="NS", resubmit_by=datetime.date(2026, 11, 30))
    attempt(enrolment, number=2, status="submitted")
    assert stages(alice) == {"submitted": 1}


def test_satisfactory_needs_every_task_of_the_unit(alice, cohort, tools):
    enrolment = enrol(cohort, tools["FNSCUS504"], "s1")
    attempt(enrolment, task=1, status="S")
    attempt(enrolment, task=2, status="S")
    assert stages(alice) == {"draft": 1}
    attempt(enrolment, task=3, status="S")
    assert stages(alice) == {"S": 1}


def test_work_being_assessed_comes_before_a_draft_on_another_task(alice, cohort, tools):
    enrolment = enrol(cohort, tools["FNSCUS504"], "s1")
    attempt(enrolment, task=1, status="draft")
    attempt(enrolment, task=2, status="assessing")
    assert stages(alice) == {"assessing": 1}


def test_the_result_in_force_decides_competent_or_not_yet_competent(alice, bob, cohort, pim409):
    competent, not_yet = enrol(cohort, pim409, "s1"), enrol(cohort, pim409, "s2")
    attempt(competent, status="S")
    for number in (1, 2, 3):  # FNSPIM409's portfolio allows three attempts
        attempt(not_yet, number=number, status="NS")
    record_unit_result(competent, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)
    record_unit_result(not_yet, by=bob, outcome="30", typed_name="Bob Taylor", password=bob.raw_password)
    assert stages(alice) == {"C": 1, "NYC": 1}


def test_a_corrected_result_no_longer_counts(alice, bob, cohort, pim409):
    enrolment = enrol(cohort, pim409, "s1")
    attempt(enrolment, status="S")
    record_unit_result(enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)
    record_unit_result(
        enrolment,
        by=bob,
        outcome="40",
        typed_name="Bob Taylor",
        password=bob.raw_password,
        reason="Withdrew.",
    )
    assert stages(alice) == {"other": 1}


def test_the_page_counts_each_cohort_and_unit_and_links_each_figure_to_its_students(
    client, alice, cohort, pim409
):
    attempt(enrol(cohort, pim409, "s1", first_name="Priya"), status="submitted")
    attempt(enrol(cohort, pim409, "s2", first_name="Wei"), status="submitted")
    enrol(cohort, pim409, "s3", first_name="Aroha")
    client.force_login(alice)
    page = client.get(PROGRESS).content.decode()
    assert "Students by stage (3 enrolments)" in page
    assert 'role="img"' in page
    assert "Students by stage: 3 students in all. Not started 1, Drafting 0, Submitted 2" in page
    link = f"?stage=submitted&amp;cohort={cohort.pk}&amp;unit=FNSPIM409"
    assert (
        f'<a href="/reports/progress/students/{link}">2<span class="visually-hidden"> at Submitted,' in page
    )

    listing = client.get(reverse("reports:progress_students"), {"stage": "submitted", "cohort": cohort.pk})
    text = listing.content.decode()
    assert "Students at “Submitted”" in text
    assert "Priya Student" in text
    assert "Wei Student" in text
    assert "Aroha" not in text


def test_completions_count_results_in_force_by_the_month_signed(client, alice, bob, cohort, pim409):
    enrolment = enrol(cohort, pim409, "s1", first_name="Priya")
    attempt(enrolment, status="S")
    record_unit_result(enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)
    month = timezone.localdate().replace(day=1)
    client.force_login(alice)
    page = client.get(PROGRESS).content.decode()
    assert f"{month:%B %Y}</th>" in page
    assert f'1<span class="visually-hidden"> results signed in {month:%B %Y}</span>' in page

    listing = client.get(reverse("reports:progress_results"), {"month": f"{month:%Y-%m}"}).content.decode()
    assert f"Unit results signed in {month:%B %Y}" in listing
    assert "Priya Student" in listing
    assert "Competency achieved" in listing


def test_filters_narrow_the_counts_to_one_cohort(client, alice, bob, cohort, pim409):
    other = Cohort.objects.create(name="Evening", code="FNS-EV", start_date=datetime.date(2026, 10, 5))
    enrol(cohort, pim409, "s1")
    enrol(other, pim409, "s2")
    enrol(other, pim409, "s3")
    client.force_login(alice)
    page = client.get(PROGRESS, {"cohort": other.pk}).content.decode()
    assert "Students by stage (2 enrolments)" in page
    assert "FNS-T4" not in page.split('id="table-heading"')[1]
    assert f'href="?cohort={other.pk}&amp;download=xlsx"' in page


def test_dates_in_the_wrong_order_are_explained_and_the_report_is_unfiltered(client, alice, cohort, pim409):
    enrol(cohort, pim409, "s1")
    client.force_login(alice)
    page = client.get(PROGRESS, {"date_from": "2026-10-20", "date_to": "2026-10-01"}).content.decode()
    assert "The “To” day comes before the “From” day: swap them." in page
    assert "Students by stage (1 enrolment)" in page


def test_an_assessor_sees_only_their_own_cohorts(client, bob, erin, cohort, pim409):
    enrol(cohort, pim409, "s1")
    theirs = Cohort.objects.create(name="Erin's", code="FNS-ER", start_date=datetime.date(2026, 10, 5))
    theirs.assessors.add(erin)
    enrol(theirs, pim409, "s2")
    enrol(theirs, pim409, "s3")
    client.force_login(erin)
    page = client.get(PROGRESS).content.decode()
    assert "Students by stage (2 enrolments)" in page
    assert "FNS-T4" not in page


def test_an_assessor_asking_for_another_cohort_gets_404(client, erin, cohort, pim409):
    enrol(cohort, pim409, "s1")
    client.force_login(erin)
    assert client.get(PROGRESS, {"cohort": cohort.pk}).status_code == 404
    assert (
        client.get(reverse("reports:progress_students"), {"stage": "new", "cohort": cohort.pk}).status_code
        == 404
    )


def test_a_student_gets_404_and_a_stranger_is_sent_to_sign_in(client, charlie):
    assert client.get(PROGRESS).status_code == 302
    client.force_login(charlie)
    assert client.get(PROGRESS).status_code == 404
    assert client.get(reverse("reports:progress_students"), {"stage": "new"}).status_code == 404


def test_an_unknown_stage_or_month_is_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("reports:progress_students"), {"stage": "nope"}).status_code == 404
    assert client.get(reverse("reports:progress_results"), {"month": "2026-13"}).status_code == 404


def test_the_table_downloads_as_csv_with_one_row_per_cohort_and_unit(client, alice, cohort, pim409):
    attempt(enrol(cohort, pim409, "s1"), status="submitted")
    enrol(cohort, pim409, "s2")
    client.force_login(alice)
    response = client.get(PROGRESS, {"download": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert (rows[0]["Cohort"], rows[0]["Unit"], rows[0]["Not started"], rows[0]["Submitted"]) == (
        "FNS-T4",
        "FNSPIM409",
        "1",
        "1",
    )


def test_a_list_downloads_as_xlsx_with_a_formula_like_name_kept_as_text(client, alice, cohort, pim409):
    enrolment = enrol(cohort, pim409, "s1")
    enrolment.student.first_name = '=HYPERLINK("http://x","y")'
    enrolment.student.save()
    client.force_login(alice)
    response = client.get(reverse("reports:progress_students"), {"stage": "new", "download": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="progress-new-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["Student", "Student ID", "Cohort", "Unit", "Stage"]
    assert sheet["A2"].value == '=HYPERLINK("http://x","y") Student'
    assert sheet["A2"].data_type == "s"
    assert [cell.value for cell in sheet[2]][1:] == ["S1", "FNS-T4", "FNSPIM409", "Not started"]


def test_lists_are_paginated_25_a_page(client, alice, cohort, pim409):
    for number in range(27):
        enrol(cohort, pim409, f"s{number:02}")
    client.force_login(alice)
    first = client.get(reverse("reports:progress_students"), {"stage": "new"}).content.decode()
    assert "Page 1 of 2" in first
    assert first.count('<th scope="row"') == 25
    second = client.get(reverse("reports:progress_students"), {"stage": "new", "page": 2}).content.decode()
    assert second.count('<th scope="row"') == 2


def many_students(cohort, tool, count, prefix):
    """Students at every stage, so each query has rows of every kind to go through."""
    for number in range(count):
        enrolment = enrol(cohort, tool, f"{prefix}{number}")
        status = ["draft", "submitted", "assessing", "S", "NS"][number % 5]
        attempt(enrolment, status=status, resubmit_by=datetime.date(2026, 12, 1) if number % 2 else None)


# The signed-in user and the filter choices (cohorts, units, assessors) come first on every page: 4.
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (PROGRESS, 8),  # stages, their cohorts and tools, completions
        (reverse("reports:progress_students") + "?stage=submitted", 6),  # the stage's ids, the page's rows
    ],
)
def test_query_count_does_not_grow_with_students(
    client, alice, bob, cohort, pim409, django_assert_num_queries, url, queries
):
    client.force_login(alice)
    assert (
        assert_queries_do_not_grow(
            client,
            url,
            cohort=cohort,
            tool=pim409,
            assessor=bob,
            add_students=many_students,
            assert_num_queries=django_assert_num_queries,
        )
        == queries
    )
    assert Attempt.objects.count() == 42


def test_the_table_of_cohorts_and_units_is_paginated(client, alice, pim409):
    for number in range(27):
        cohort = Cohort.objects.create(
            name=f"Group {number}", code=f"G{number:02}", start_date=datetime.date(2026, 10, 5)
        )
        enrol(cohort, pim409, f"s{number:02}")
    client.force_login(alice)
    page = client.get(PROGRESS).content.decode()
    assert "Page 1 of 2" in page
    assert ">G24</span>" in page
    assert ">G25</span>" not in page
    assert ">G26</span>" in client.get(PROGRESS, {"page": 2}).content.decode()


def test_an_enrolment_made_outside_a_cohort_is_counted_for_admins(client, alice, charlie, pim409):
    Enrolment.objects.create(student=charlie, tool=pim409, enrolled_on=datetime.date(2026, 10, 5))
    client.force_login(alice)
    page = client.get(PROGRESS).content.decode()
    assert "Students by stage (1 enrolment)" in page
    assert "No cohort" in page


def test_the_no_cohort_figure_lists_only_the_students_enrolled_outside_a_cohort(
    client, alice, charlie, cohort, pim409
):
    Enrolment.objects.create(student=charlie, tool=pim409, enrolled_on=datetime.date(2026, 10, 5))
    enrol(cohort, pim409, "s1", first_name="Priya")  # not started too, but in Bob's cohort
    client.force_login(alice)
    page = client.get(PROGRESS).content.decode()
    link = "/reports/progress/students/?stage=new&amp;cohort=none&amp;unit=FNSPIM409"
    assert f'<a href="{link}">1<span class="visually-hidden"> at Not started, No cohort FNSPIM409' in page
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Charlie Wilson" in listing
    assert "Priya" not in listing
    assert '<option value="none" selected>No cohort</option>' in listing
    narrowed = client.get(PROGRESS, {"cohort": "none"}).content.decode()
    assert "Students by stage (1 enrolment)" in narrowed


def test_an_assessor_cannot_ask_for_the_students_outside_a_cohort(client, bob, charlie, cohort, pim409):
    Enrolment.objects.create(student=charlie, tool=pim409, enrolled_on=datetime.date(2026, 10, 5))
    client.force_login(bob)
    assert "No cohort" not in client.get(PROGRESS).content.decode()
    assert client.get(PROGRESS, {"cohort": "none"}).status_code == 404


def test_the_date_range_counts_enrolments_made_in_it(client, alice, cohort, pim409):
    enrol(cohort, pim409, "s1", enrolled_on=datetime.date(2026, 9, 1))
    enrol(cohort, pim409, "s2", enrolled_on=datetime.date(2026, 10, 5))
    client.force_login(alice)
    page = client.get(PROGRESS, {"date_from": "2026-10-01", "date_to": "2026-10-31"}).content.decode()
    assert "Students by stage (1 enrolment)" in page
    assert "October 2026</th>" in page
    assert "November 2026</th>" not in page
