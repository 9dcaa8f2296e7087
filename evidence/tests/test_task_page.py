"""The task page as a student uses it in one sitting: upload, refresh, sign and submit."""

import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.models import Attempt, EvidenceItem
from evidence.services.attempts import add_file_evidence, link_criteria, open_attempt
from evidence.tests.files import PDF, PNG, upload
from units.models import PerformanceCriterion

pytestmark = pytest.mark.django_db


def task_url(enrolment, task, name="task_detail"):
    return reverse(f"evidence:{name}", args=[enrolment.pk, task.pk])


def revision_on(page):
    """The revision the page's submit form would send, as the browser would read it."""
    found = re.findall(r'<input type="hidden" name="revision" value="(\d+)" form="declaration-form"', page)
    assert len(found) == 1, found
    return int(found[0])


def signed(revision):
    return {"agree": "on", "typed_name": "Charlie Wilson", "revision": revision}


def test_upload_then_submit_on_the_same_page_is_accepted(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    client.get(task_url(enrolment, portfolio))
    # The page's script uploads the file, then refreshes the evidence panel through htmx.
    client.post(
        task_url(enrolment, portfolio, "evidence_upload"),
        {"files": [upload("log.pdf", PDF)]},
        headers={"accept": "application/json"},
    )
    panel = client.get(task_url(enrolment, portfolio), headers={"hx-request": "true"}).content.decode()
    assert "log.pdf" in panel

    response = client.post(
        task_url(enrolment, portfolio, "attempt_submit"), signed(revision_on(panel)), follow=True
    )

    assert "Attempt 1 submitted. It is now with your assessor." in response.content.decode()
    assert Attempt.objects.get().status == Attempt.Status.SUBMITTED


def test_refused_submit_shows_the_current_evidence_and_the_next_try_is_accepted(
    client, charlie, enrolment, portfolio
):
    client.force_login(charlie)
    client.post(task_url(enrolment, portfolio, "evidence_upload"), {"files": [upload("log.pdf", PDF)]})
    stale = revision_on(client.get(task_url(enrolment, portfolio)).content.decode())
    # Another tab adds a photo the first tab has not shown.
    client.post(task_url(enrolment, portfolio, "evidence_upload"), {"files": [upload("photo.png", PNG)]})

    refused = client.post(task_url(enrolment, portfolio, "attempt_submit"), signed(stale)).content.decode()

    assert "This page is out of date" in refused
    assert "photo.png" in refused
    assert Attempt.objects.get().status == Attempt.Status.DRAFT
    accepted = client.post(
        task_url(enrolment, portfolio, "attempt_submit"), signed(revision_on(refused)), follow=True
    )
    assert "Attempt 1 submitted." in accepted.content.decode()


def test_submit_before_any_evidence_is_refused_and_opens_no_attempt(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    response = client.post(task_url(enrolment, portfolio, "attempt_submit"), signed(0))
    assert "Add at least one piece of evidence before you submit." in response.content.decode()
    assert not Attempt.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_first_uploads_at_the_same_moment_share_attempt_one(charlie, enrolment, portfolio):
    start, opened, errors = threading.Barrier(4), [], []

    def first_upload():
        try:
            start.wait(timeout=10)
            opened.append(open_attempt(enrolment, portfolio, by=charlie).pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_upload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(set(opened)) == 1
    assert list(Attempt.objects.values_list("number", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_files_uploaded_at_the_same_moment_are_all_stored(client, charlie, enrolment, portfolio):
    start, statuses = threading.Barrier(6), []

    def upload_one(number):
        from django.test import Client

        browser = Client()
        browser.force_login(charlie)
        start.wait(timeout=10)
        response = browser.post(
            task_url(enrolment, portfolio, "evidence_upload"),
            {"files": [upload(f"page-{number}.pdf", PDF)]},
            headers={"accept": "application/json"},
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=upload_one, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * 6
    assert EvidenceItem.objects.filter(attempt__number=1).count() == 6


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_task_and_attempt_pages_take_as_many_queries_for_ten_linked_criteria_as_for_one(
    client, bob, charlie, enrolment, portfolio
):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item, _ = add_file_evidence(attempt, upload("log.pdf", PDF), by=charlie)
    criteria = list(PerformanceCriterion.objects.filter(element__unit=enrolment.tool.unit))
    assert len(criteria) == 10
    pages = {
        charlie: task_url(enrolment, portfolio),
        bob: reverse("evidence:attempt_review", args=[attempt.pk]),
    }
    counts = {}
    for linked in (criteria[:1], criteria):
        link_criteria(item, [pc.pk for pc in linked], by=charlie)
        for user, url in pages.items():
            client.force_login(user)
            counts.setdefault(user.username, []).append(queries_for(client, url))
    assert counts["charlie"][0] == counts["charlie"][1]
    assert counts["bob"][0] == counts["bob"][1]


def test_declaration_keeps_the_address_the_proxy_saw_and_the_signature_under_a_random_name(
    client, charlie, enrolment, portfolio, settings
):
    from evidence.models import Declaration
    from evidence.tests.files import PNG

    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(charlie)
    client.post(task_url(enrolment, portfolio, "evidence_upload"), {"files": [upload("log.pdf", PDF)]})
    page = client.get(task_url(enrolment, portfolio)).content.decode()
    drawn = "data:image/png;base64," + __import__("base64").b64encode(PNG).decode()
    client.post(
        task_url(enrolment, portfolio, "attempt_submit"),
        {**signed(revision_on(page)), "signature": drawn},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    declaration = Declaration.objects.get()
    assert declaration.ip_address == "203.0.113.9"
    assert re.fullmatch(r"signatures/[0-9a-f]{32}\.png", declaration.signature.name)
