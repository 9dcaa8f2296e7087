"""Evidence retention: files go a set time after their judgement; rows, results and held evidence stay."""

import csv
import datetime
import io
import sys
import types

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evidence.models import EvidenceItem, Judgement, UnitResult
from evidence.services import retention
from evidence.services.appeals import assign_appeal_reviewer, decide_appeal, lodge_appeal
from evidence.services.attempts import add_file_evidence, open_attempt, submit_attempt
from evidence.services.marking import record_unit_result
from evidence.services.retention import apply_retention, expired_evidence, schedule_retention
from evidence.tasks import apply_retention_task
from evidence.tests.files import PDF, upload
from evidence.tests.journeys import mark_all, sign

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def handed_in(enrolment, number, student, name="log.pdf", content=PDF):
    """Submit a file as the task's evidence; return the evidence item."""
    task = enrolment.tool.tasks.get(number=number)
    attempt = open_attempt(enrolment, task, by=student)
    item, _ = add_file_evidence(attempt, upload(name, content), by=student)
    attempt.refresh_from_db()
    submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)
    return item


def judged(item, assessor, ago):
    """Judge the item's attempt Satisfactory, signed `ago` (a relativedelta) before NOW."""
    mark_all(item.attempt, assessor)
    judgement = sign(item.attempt, assessor, feedback="Well done.")
    Judgement.objects.filter(pk=judgement.pk).update(signed_at=NOW - ago)
    return item


@pytest.fixture
def three_files(enrolment, fnscus504, charlie, bob):
    """Charlie's files: judged seven months ago, judged five months ago, and handed in but not judged."""
    old = judged(
        handed_in(enrolment, 1, charlie, "old-portfolio.pdf", PDF + b"old"), bob, relativedelta(months=7)
    )
    recent = judged(
        handed_in(fnscus504, 1, charlie, "recent.pdf", PDF + b"recent"), bob, relativedelta(months=5)
    )
    waiting = handed_in(fnscus504, 2, charlie, "waiting.pdf", PDF + b"waiting")
    return {"old": old, "recent": recent, "waiting": waiting}


def test_apply_removes_exactly_the_expired_files_and_keeps_their_rows(three_files):
    old, recent, waiting = three_files["old"], three_files["recent"], three_files["waiting"]
    stored = old.file.name

    run = apply_retention(NOW, apply=True)

    assert [item.pk for item in run.removed] == [old.pk]
    assert not default_storage.exists(stored)
    assert default_storage.exists(recent.file.name)
    assert default_storage.exists(waiting.file.name)
    old.refresh_from_db()
    assert (old.file.name, old.file_removed_at) == ("", NOW)
    assert (old.title, old.size, old.sha256) == (
        "old-portfolio.pdf",
        len(PDF + b"old"),
        three_files["old"].sha256,
    )


def test_a_dry_run_removes_nothing_and_lists_what_the_real_run_removes(three_files):
    dry = apply_retention(NOW)

    assert [item.title for item in dry.found] == ["old-portfolio.pdf"]
    assert dry.removed == []
    assert default_storage.exists(three_files["old"].file.name)
    assert not EvidenceItem.objects.filter(file_removed_at__isnull=False).exists()
    real = apply_retention(NOW, apply=True)
    assert [item.pk for item in real.removed] == [item.pk for item in dry.found]


def test_a_second_run_removes_nothing_more(three_files):
    apply_retention(NOW, apply=True)
    removed_at = EvidenceItem.objects.get(pk=three_files["old"].pk).file_removed_at

    again = apply_retention(NOW + datetime.timedelta(days=1), apply=True)

    assert again.found == []
    assert again.removed == []
    assert EvidenceItem.objects.get(pk=three_files["old"].pk).file_removed_at == removed_at


def test_expiry_counts_from_the_judgement_in_force_not_the_first(three_files, bob, settings):
    settings.EVIDENCE_RETENTION_DAYS = 200  # seven months ago is past it; five is not
    assert [item.title for item in expired_evidence(NOW)] == ["old-portfolio.pdf"]
    settings.EVIDENCE_RETENTION_DAYS = 250
    assert list(expired_evidence(NOW)) == []


def test_evidence_under_an_open_appeal_is_kept_until_the_appeal_is_decided(
    three_files, enrolment, charlie, bob, alice, erin
):
    result = record_unit_result(
        enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
    )
    appeal = lodge_appeal(result, by=charlie, grounds="1.3 was shown.", typed_name="Charlie Wilson")

    assert apply_retention(NOW, apply=True).removed == []
    assert default_storage.exists(three_files["old"].file.name)

    assign_appeal_reviewer(appeal, by=alice, reviewer=erin)
    decide_appeal(
        appeal,
        by=erin,
        outcome="dismissed",
        reasons="Fair.",
        typed_name="Erin Park",
        password=erin.raw_password,
    )
    assert [item.title for item in apply_retention(NOW, apply=True).removed] == ["old-portfolio.pdf"]


def test_evidence_in_a_validation_sample_is_kept(three_files, monkeypatch):
    held = three_files["old"].attempt_id
    package = types.ModuleType("validation")
    selectors = types.ModuleType("validation.selectors")
    selectors.held_attempt_ids = lambda: [held]
    monkeypatch.setitem(sys.modules, "validation", package)
    monkeypatch.setitem(sys.modules, "validation.selectors", selectors)
    monkeypatch.setattr(retention.apps, "is_installed", lambda name: name == "validation")

    assert list(expired_evidence(NOW)) == []
    assert apply_retention(NOW, apply=True).removed == []


def test_results_and_judgements_are_never_touched(three_files, enrolment, bob):
    record_unit_result(enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)
    before = (UnitResult.objects.count(), Judgement.objects.count())

    apply_retention(NOW, apply=True)

    assert (UnitResult.objects.count(), Judgement.objects.count()) == before


def test_the_selection_reads_in_one_query_however_many_files(
    enrolment, fnscus504, charlie, bob, django_assert_num_queries
):
    judged(handed_in(enrolment, 1, charlie), bob, relativedelta(months=8))
    with django_assert_num_queries(1):
        one = [
            (
                i.attempt.enrolment.student.student_id,
                i.attempt.enrolment.tool.unit.code,
                i.attempt.task.number,
            )
            for i in expired_evidence(NOW)
        ]
    for number in (1, 2):
        judged(
            handed_in(fnscus504, number, charlie, f"task{number}.pdf", PDF + bytes([number])),
            bob,
            relativedelta(months=9),
        )
    with django_assert_num_queries(1):
        three = [
            (
                i.attempt.enrolment.student.student_id,
                i.attempt.enrolment.tool.unit.code,
                i.attempt.task.number,
            )
            for i in expired_evidence(NOW)
        ]
    assert (len(one), len(three)) == (1, 3)


def test_the_task_page_says_when_the_file_was_removed_and_the_download_is_gone(three_files, client, charlie):
    apply_retention(NOW, apply=True)
    old = three_files["old"]
    client.force_login(charlie)

    page = text(
        client.get(reverse("evidence:task_detail", args=[old.attempt.enrolment_id, old.attempt.task_id]))
    )
    download = client.get(reverse("evidence:evidence_download", args=[old.pk]))

    assert f"File removed under the retention policy on {timezone.localtime(NOW):%d/%m/%Y}" in page
    assert reverse("evidence:evidence_download", args=[old.pk]) not in page
    assert download.status_code == 410
    assert (
        f"“old-portfolio.pdf” ({filesizeformat(old.size)}) was removed under the retention policy on"
        in text(download)
    )


def test_the_assessors_marking_page_says_the_file_was_removed(three_files, client, bob):
    apply_retention(NOW, apply=True)
    client.force_login(bob)
    page = text(client.get(reverse("evidence:attempt_mark", args=[three_files["old"].attempt_id])))
    assert f"File removed under the retention policy on {timezone.localtime(NOW):%d/%m/%Y}" in page


def test_the_command_is_a_dry_run_unless_told_to_apply(three_files, settings):
    settings.EVIDENCE_RETENTION_DAYS = None
    settings.EVIDENCE_RETENTION_MONTHS = 6
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Results and record sheets are kept 30 years and never deleted here." in out.getvalue()
    assert "old-portfolio.pdf" in out.getvalue()
    assert f"Dry run: 1 file ({filesizeformat(three_files['old'].size)}) would be removed." in out.getvalue()
    assert default_storage.exists(three_files["old"].file.name)

    out = io.StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    assert f"Removed 1 file ({filesizeformat(three_files['old'].size)})." in out.getvalue()
    assert not default_storage.exists(three_files["old"].file.name)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_daily_run_is_queued_once_however_often_the_worker_starts(database_queue):
    first = schedule_retention()
    second = schedule_retention()
    call_command("apply_retention", "--schedule", verbosity=0)

    waiting = DBTaskResult.objects.get(task_path=apply_retention_task.module_path, status="READY")
    assert str(waiting.pk) == first == second
    local = timezone.localtime(waiting.run_after)
    assert (local.hour, local.minute) == (2, 30)
    assert waiting.run_after > timezone.now()


def test_each_run_removes_the_expired_files_and_queues_the_next(database_queue, three_files):
    removed = apply_retention_task.call()

    assert removed == 1
    assert list(EvidenceItem.objects.filter(file_removed_at__isnull=False)) == [three_files["old"]]
    waiting = DBTaskResult.objects.filter(task_path=apply_retention_task.module_path, status="READY")
    assert waiting.count() == 1


def test_admin_reads_the_removed_files_and_downloads_them_as_csv(
    three_files, client, alice, charlie, bob, enrolment
):
    apply_retention(NOW, apply=True)
    client.force_login(alice)

    page = text(client.get(reverse("evidence:retention_report")))
    response = client.get(reverse("evidence:retention_report_csv"))

    assert "old-portfolio.pdf" in page
    assert three_files["old"].sha256 in page
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["Student ID"], row["Unit code"], row["File name"], row["SHA-256"]) for row in rows] == [
        ("S0001", "FNSPIM409", "old-portfolio.pdf", three_files["old"].sha256)
    ]


def test_the_removed_file_report_makes_names_safe_for_a_spreadsheet(enrolment, charlie, bob, client, alice):
    judged(handed_in(enrolment, 1, charlie, "=HYPERLINK(1).pdf"), bob, relativedelta(months=7))
    apply_retention(NOW, apply=True)
    client.force_login(alice)

    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("evidence:retention_report_csv")).content.decode()))
    )

    assert rows[0]["File name"] == "'=HYPERLINK(1).pdf"


def test_the_report_page_reads_the_same_number_of_queries_however_many_files(
    enrolment, fnscus504, charlie, bob, client, alice
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    judged(handed_in(enrolment, 1, charlie), bob, relativedelta(months=8))
    apply_retention(NOW, apply=True)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("evidence:retention_report"))
    for number in (1, 2):
        judged(
            handed_in(fnscus504, number, charlie, f"t{number}.pdf", PDF + bytes([number])),
            bob,
            relativedelta(months=9),
        )
    apply_retention(NOW, apply=True)
    with CaptureQueriesContext(connection) as three:
        page = text(client.get(reverse("evidence:retention_report")))

    assert "3 files removed" in page
    assert len(three) == len(one)
