"""The exceptions report: each exception counted, listed and downloaded; workload by assessor;
N days from the form; who sees what; query counts that do not grow with students."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Cohort, Enrolment, EvidenceItem
from evidence.tests.journeys import mark_all, sign, submitted
from reports.tests.conftest import assert_queries_do_not_grow, attempt, enrol
from units.models import Task, Unit

pytestmark = pytest.mark.django_db

EXCEPTIONS = reverse("reports:exceptions")


def listing(kind, **params):
    return reverse("reports:exception_list", args=[kind]) + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


def figure(page, label):
    """The number shown on the exceptions page for one figure."""
    card = page.split(f">{label}</h2>")[1]
    return int(card.split('">', 2)[2].split("<", 1)[0])


def test_a_task_past_its_due_date_with_nothing_handed_in_is_overdue(client, alice, cohort, pim409):
    late = enrol(
        cohort,
        pim409,
        "s1",
        first_name="Priya",
        enrolled_on=timezone.localdate() - datetime.timedelta(days=70),
    )
    enrol(cohort, pim409, "s2", enrolled_on=timezone.localdate() - datetime.timedelta(days=10))
    handed_in = enrol(cohort, pim409, "s3", enrolled_on=timezone.localdate() - datetime.timedelta(days=70))
    attempt(handed_in, status="submitted")
    cohort.start_date = timezone.localdate() - datetime.timedelta(days=80)
    cohort.save()
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Tasks overdue") == 1
    page = client.get(listing("overdue")).content.decode()
    assert "Priya Student" in page
    due = late.enrolled_on + datetime.timedelta(days=60)  # the portfolio is due 60 days after the start
    assert f'<td data-label="Due">{due:%d/%m/%Y}</td>' in page


def test_the_overdue_list_puts_the_most_overdue_first_whatever_the_names(client, alice, cohort, pim409):
    cohort.start_date = timezone.localdate() - datetime.timedelta(days=200)
    cohort.save()
    for username, first_name, days in [("s1", "Aaron", 65), ("s2", "Zoe", 120), ("s3", "Mia", 90)]:
        enrol(
            cohort,
            pim409,
            username,
            first_name=first_name,
            enrolled_on=timezone.localdate() - datetime.timedelta(days=days),
        )
    client.force_login(alice)
    page = client.get(listing("overdue")).content.decode()
    names = [name for name in ("Zoe", "Mia", "Aaron") if f"{name} Student" in page]
    assert sorted(names, key=lambda name: page.index(f"{name} Student")) == ["Zoe", "Mia", "Aaron"]
    # Due 60 days after each started: 60, 30 and 5 days overdue, in that order.
    cells = page.split('<td data-label="Days overdue"')[1:]
    assert [int(cell.split(">", 1)[1].split("<", 1)[0]) for cell in cells] == [60, 30, 5]


def test_the_overdue_list_pages_through_every_task_once_in_order(client, alice, cohort, pim409):
    cohort.start_date = timezone.localdate() - datetime.timedelta(days=400)
    cohort.save()
    for number in range(30):
        enrol(
            cohort,
            pim409,
            f"s{number:02d}",
            first_name=f"Student{number:02d}",
            enrolled_on=timezone.localdate() - datetime.timedelta(days=100 + number),
        )
    client.force_login(alice)
    pages = [client.get(listing("overdue", page=number)).content.decode() for number in (1, 2)]
    days = [
        [
            int(cell.split(">", 1)[1].split("<", 1)[0])
            for cell in page.split('<td data-label="Days overdue"')[1:]
        ]
        for page in pages
    ]
    assert [len(page) for page in days] == [25, 5]
    assert days[0] + days[1] == list(range(69, 39, -1))  # due 60 days after starting 129 to 100 days ago


def test_a_fixed_due_date_counts_for_everyone_and_a_draft_is_still_overdue(client, alice, cohort, pim409):
    Task.objects.filter(tool=pim409).update(
        due_days_after_enrolment=None, due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    attempt(enrol(cohort, pim409, "s1"), status="draft")
    enrol(cohort, pim409, "s2")
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Tasks overdue") == 2


def test_work_waiting_longer_than_the_days_asked_is_listed_by_assessor(client, alice, bob, cohort, pim409):
    attempt(enrol(cohort, pim409, "s1", first_name="Priya"), status="submitted", days_ago=20)
    attempt(enrol(cohort, pim409, "s2", first_name="Wei"), status="assessing", days_ago=5)
    client.force_login(alice)
    page = client.get(EXCEPTIONS).content.decode()
    assert figure(page, "Work waiting for marking too long") == 1
    assert '<th scope="row" class="fw-normal text-nowrap">Bob Taylor</th>' in page
    assert '<td data-label="Waiting" class="text-end">2</td>' in page
    page = client.get(EXCEPTIONS, {"waiting_days": 3}).content.decode()
    assert figure(page, "Work waiting for marking too long") == 2
    waiting = client.get(listing("waiting", waiting_days=3, assessor=bob.pk)).content.decode()
    assert "Work waiting for marking more than 3 days" in waiting
    assert "Priya Student" in waiting
    assert "Wei Student" in waiting


def test_each_assessor_s_workload_adds_up_every_cohort_they_assess(client, alice, bob, erin, cohort, pim409):
    evening = Cohort.objects.create(name="Evening", code="FNS-EV", start_date=datetime.date(2026, 10, 5))
    evening.assessors.add(bob)
    cohort.assessors.add(erin)  # Bob and Erin share the day cohort; Bob alone has the evening one
    attempt(enrol(cohort, pim409, "s1"), status="submitted", days_ago=20)
    attempt(enrol(cohort, pim409, "s2"), status="assessing", days_ago=2)
    attempt(enrol(evening, pim409, "s3"), status="submitted", days_ago=30)
    attempt(enrol(evening, pim409, "s4"), status="submitted", days_ago=9)
    client.force_login(alice)
    page = client.get(EXCEPTIONS).content.decode()
    table = page.split('id="workload-heading"', 1)[1].split("</table>", 1)[0]
    rows = {
        row.split("</th>", 1)[0].rsplit(">", 1)[1]: [
            re.sub("<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for row in table.split('<th scope="row"')[1:]
    }
    oldest = timezone.localdate() - datetime.timedelta(days=30)
    # Waiting, waiting over 14 days (with a hidden label), the oldest hand-in
    assert rows["Bob Taylor"] == [
        "4",
        "2 waiting over 14 days for Bob Taylor",
        f"{oldest:%d/%m/%Y}",
    ]
    assert rows["Erin Park"] == [
        "2",
        "1 waiting over 14 days for Erin Park",
        f"{oldest + datetime.timedelta(days=10):%d/%m/%Y}",
    ]
    assert table.index("Bob Taylor") < table.index("Erin Park")  # most work waiting too long first


def test_the_workload_table_pages_through_the_assessors_keeping_the_filters(
    client, alice, bob, erin, cohort, pim409, monkeypatch
):
    monkeypatch.setattr("reports.views.PER_PAGE", 1)  # an RTO has a hundred assessors or more
    evening = Cohort.objects.create(name="Evening", code="FNS-EV", start_date=datetime.date(2026, 10, 5))
    evening.assessors.add(erin)
    attempt(enrol(cohort, pim409, "s1"), status="submitted", days_ago=20)
    attempt(enrol(evening, pim409, "s2"), status="submitted", days_ago=9)
    client.force_login(alice)
    page = client.get(EXCEPTIONS, {"waiting_days": 7}).content.decode()
    table = page.split('id="workload-heading"', 1)[1]
    assert "Bob Taylor" in table.split("</table>")[0]
    assert "Erin Park" not in table.split("</table>")[0]
    assert "Page 1 of 2" in table
    assert 'href="?waiting_days=7&amp;page=2">Next</a>' in table
    assert figure(page, "Work waiting for marking too long") == 2  # the figures count every assessor's
    second = client.get(EXCEPTIONS, {"waiting_days": 7, "page": 2}).content.decode()
    table = second.split('id="workload-heading"', 1)[1].split("</table>")[0]
    assert "Erin Park" in table
    assert "Bob Taylor" not in table


def test_not_satisfactory_twice_on_a_task_is_listed(client, alice, cohort, pim409):
    twice = enrol(cohort, pim409, "s1", first_name="Priya")
    attempt(twice, number=1, status="NS")
    attempt(twice, number=2, status="NS")
    attempt(twice, number=3, status="draft")
    attempt(enrol(cohort, pim409, "s2", first_name="Wei"), status="NS")
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Not satisfactory twice on a task") == 1
    page = client.get(listing("not-satisfactory-twice")).content.decode()
    assert "Priya Student" in page
    assert "Wei Student" not in page
    assert '<td data-label="Times Not satisfactory">2</td>' in page


def test_a_student_with_no_activity_for_the_days_asked_is_inactive(client, alice, cohort, pim409):
    long_ago = timezone.localdate() - datetime.timedelta(days=60)
    idle = enrol(cohort, pim409, "s1", first_name="Priya", enrolled_on=long_ago)
    attempt(idle, status="draft", days_ago=40)
    busy = enrol(cohort, pim409, "s2", first_name="Wei", enrolled_on=long_ago)
    draft = attempt(busy, status="draft", days_ago=40)
    EvidenceItem.objects.create(attempt=draft, kind="text", title="Notes", text="Yesterday's notes")
    waiting = enrol(cohort, pim409, "s3", first_name="Aroha", enrolled_on=long_ago)
    attempt(waiting, status="submitted", days_ago=40)
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Students inactive") == 1
    page = client.get(listing("inactive")).content.decode()
    assert "Priya Student" in page
    assert "Wei Student" not in page
    assert "Aroha Student" not in page
    assert figure(client.get(EXCEPTIONS, {"inactive_days": 50}).content.decode(), "Students inactive") == 0


def test_judgements_held_for_a_quality_check_are_listed(
    client, alice, bob, charlie, cohort, pim409, settings
):
    settings.MARKING_QUALITY_CHECK = True
    cohort.students.add(charlie)
    enrolment = Enrolment.objects.create(
        student=charlie, tool=pim409, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    work = submitted(enrolment, 1, charlie)
    mark_all(work, bob)
    sign(work, bob, feedback="Well done.")
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Judgements waiting for a quality check") == 1
    page = client.get(listing("quality-check")).content.decode()
    assert "Charlie Wilson" in page
    assert '<td data-label="Assessor">Bob Taylor</td>' in page


def test_quality_checks_count_nothing_while_they_are_off(client, alice, cohort, pim409, settings):
    settings.MARKING_QUALITY_CHECK = False
    attempt(enrol(cohort, pim409, "s1"), status="S")
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Judgements waiting for a quality check") == 0


def test_a_tool_for_a_superseded_unit_is_listed_with_its_students(client, alice, bob, cohort, pim409):
    enrol(cohort, pim409, "s1")
    Unit.objects.filter(pk=pim409.unit_id).update(status=Unit.Status.SUPERSEDED)
    client.force_login(alice)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Tools for a superseded unit") == 1
    page = client.get(listing("superseded")).content.decode()
    assert "FNSPIM409 v1.0" in page
    assert '<td data-label="Students enrolled">1</td>' in page
    client.force_login(bob)
    assert figure(client.get(EXCEPTIONS).content.decode(), "Tools for a superseded unit") == 1


def test_an_assessor_sees_no_exception_from_another_cohort(client, erin, cohort, pim409):
    attempt(enrol(cohort, pim409, "s1"), status="submitted", days_ago=30)
    Unit.objects.filter(pk=pim409.unit_id).update(status=Unit.Status.SUPERSEDED)
    client.force_login(erin)
    page = client.get(EXCEPTIONS).content.decode()
    assert figure(page, "Work waiting for marking too long") == 0
    assert figure(page, "Tools for a superseded unit") == 0
    assert "Bob Taylor" not in page
    assert client.get(listing("waiting", cohort=cohort.pk)).status_code == 404


def test_students_and_unknown_lists_get_404(client, alice, charlie):
    client.force_login(charlie)
    assert client.get(EXCEPTIONS).status_code == 404
    assert client.get(listing("waiting")).status_code == 404
    client.force_login(alice)
    assert client.get(listing("everything")).status_code == 404


def test_a_day_count_that_is_not_a_number_is_explained_and_the_defaults_are_used(
    client, alice, cohort, pim409
):
    attempt(enrol(cohort, pim409, "s1"), status="submitted", days_ago=20)
    client.force_login(alice)
    page = client.get(EXCEPTIONS, {"waiting_days": "soon"}).content.decode()
    assert "Enter a whole number." in page
    assert figure(page, "Work waiting for marking too long") == 1


def test_the_figures_and_a_list_download_as_csv_and_xlsx(client, alice, cohort, pim409):
    attempt(enrol(cohort, pim409, "s1", first_name="@Priya"), status="submitted", days_ago=20)
    client.force_login(alice)
    rows = list(csv.reader(io.StringIO(client.get(EXCEPTIONS, {"download": "csv"}).content.decode())))
    assert rows[0] == ["Exception", "Count"]
    assert ["Work waiting for marking too long", "1"] in rows
    response = client.get(listing("waiting", download="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:3] == ["Student", "Student ID", "Cohort"]
    assert sheet["A2"].value == "@Priya Student"
    assert sheet["A2"].data_type == "s"
    assert sheet["H2"].value == 20
    text = client.get(listing("waiting", download="csv")).content.decode()
    assert "'@Priya Student" in text


def crowd(cohort, tool, count, prefix):
    """Students with every exception: overdue and inactive, late work, Not satisfactory twice."""
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    for number in range(count):
        enrolment = enrol(cohort, tool, f"{prefix}{number}", enrolled_on=long_ago)
        if number % 3 == 0:  # a draft, never handed in: overdue and inactive
            attempt(enrolment, status="draft", days_ago=40)
            continue
        attempt(enrolment, number=1, status="NS", days_ago=60)
        attempt(enrolment, number=2, status="NS", days_ago=50)
        attempt(enrolment, number=3, status="submitted" if number % 2 else "draft", days_ago=40)


# The signed-in user and the filter choices (cohorts, units, assessors) come first on every page: 4.
@pytest.mark.parametrize(
    ("kind", "queries"),
    [
        (None, 13),  # six counts, the overdue tasks' due days, workload (3: by cohort, links, people)
        ("overdue", 7),  # due days, every key (counted in Python), the page's rows
        ("waiting", 6),  # count, rows
        ("not-satisfactory-twice", 6),
        ("inactive", 7),  # count, the page's keys, its rows with their last activity
        ("superseded", 6),
    ],
)
def test_query_count_does_not_grow_with_students(
    client, alice, bob, cohort, pim409, django_assert_num_queries, kind, queries
):
    Unit.objects.filter(pk=pim409.unit_id).update(status=Unit.Status.SUPERSEDED)
    cohort.start_date = timezone.localdate() - datetime.timedelta(days=100)
    cohort.save()
    url = listing(kind) if kind else EXCEPTIONS
    client.force_login(alice)
    assert (
        assert_queries_do_not_grow(
            client,
            url,
            cohort=cohort,
            tool=pim409,
            assessor=bob,
            add_students=crowd,
            assert_num_queries=django_assert_num_queries,
        )
        == queries
    )


def test_an_assessors_name_is_escaped_in_the_chart_and_the_table(client, alice, bob, cohort, pim409):
    bob.first_name = "<script>alert(1)</script>"
    bob.save()
    attempt(enrol(cohort, pim409, "s1"), status="submitted", days_ago=20)
    client.force_login(alice)
    page = client.get(EXCEPTIONS).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/scr…</text>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Taylor</th>" in page


def test_the_downloads_keep_the_filters_chosen(client, alice, cohort, pim409):
    attempt(enrol(cohort, pim409, "s1"), status="submitted", days_ago=20)
    client.force_login(alice)
    page = client.get(EXCEPTIONS, {"waiting_days": 30}).content.decode()
    assert 'href="?waiting_days=30&amp;download=csv"' in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(EXCEPTIONS, {"waiting_days": 30, "download": "csv"}).content.decode())
        )
    )
    assert ["Work waiting for marking too long", "0"] in rows
