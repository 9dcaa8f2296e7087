"""Every URL of the evidence app, walked as every role and as strangers.

The URL list comes from the URL conf: a new URL without an entry below fails the first test.
"""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import URLPattern, reverse

from evidence import urls as evidence_urls
from evidence.models import Attempt, DocumentExport, EvidenceItem, OutcomeExport
from evidence.services.appeals import lodge_appeal
from evidence.services.attempts import add_file_evidence, add_text_evidence, open_attempt
from evidence.services.marking import record_unit_result
from evidence.services.outcomes import export_outcomes
from evidence.tests.files import PDF, upload

pytestmark = pytest.mark.django_db

OK = {200}
REDIRECT = {302}
HIDDEN = {404}
REFUSED = {403, 404}
FORM = {200, 302, 400}  # a POST of an empty form: errors shown, or done and redirected

# Expected answers per URL name: GET answers, then POST answers, per persona.
# charlie owns the work; bob assesses charlie's cohort; alice is an admin;
# dana is another student; erin assesses other cohorts.
STUDENT_WORK = {
    "task_detail": {"get": {"charlie": OK, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}},
    "evidence_guide": {"get": {"charlie": OK, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}},
    "attempt_review": {"get": {"charlie": OK, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}},
    "evidence_download": {"get": {"charlie": OK, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}},
    "evidence_upload": {
        "post": {"charlie": FORM, "bob": HIDDEN, "alice": HIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "evidence_text_add": {
        "post": {"charlie": FORM, "bob": HIDDEN, "alice": HIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "evidence_link_add": {
        "post": {"charlie": FORM, "bob": HIDDEN, "alice": HIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "attempt_submit": {
        "post": {"charlie": FORM, "bob": HIDDEN, "alice": HIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "evidence_criteria": {
        "post": {"charlie": FORM, "bob": REFUSED, "alice": REFUSED, "dana": HIDDEN, "erin": HIDDEN}
    },
    "evidence_remove": {"post": {"bob": REFUSED, "alice": REFUSED, "dana": HIDDEN, "erin": HIDDEN}},
}
FORBIDDEN = {403}
MARKING = {
    "marking_queue": {"get": {"charlie": REFUSED, "bob": OK, "alice": REFUSED, "dana": REFUSED, "erin": OK}},
    "attempt_mark": {
        "get": {"charlie": REDIRECT, "bob": OK, "alice": REDIRECT, "dana": HIDDEN, "erin": HIDDEN}
    },
    "attempt_mark_save": {
        "post": {"charlie": FORBIDDEN, "bob": REDIRECT, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "attempt_sign": {
        "post": {"charlie": FORBIDDEN, "bob": {400}, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    # The world's attempt is a draft: nothing to check, and reopening is refused with a message.
    "attempt_check": {
        "post": {"charlie": FORBIDDEN, "bob": FORBIDDEN, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "attempt_reopen": {
        "post": {"charlie": FORBIDDEN, "bob": REDIRECT, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
}
OBSERVATIONS = {
    # The world's task is a portfolio: starting an observation of it is refused with a message.
    "observation_start": {
        "post": {"charlie": FORBIDDEN, "bob": REDIRECT, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    # The world's attempt is a draft: nothing to sign yet.
    "observation_sign": {
        "post": {"charlie": REDIRECT, "bob": REDIRECT, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
}
RESULTS = {
    "enrolment_record": {"get": {"charlie": OK, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}},
    "enrolment_result": {
        "post": {"charlie": FORBIDDEN, "bob": {400}, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "result_acknowledge": {
        "post": {"charlie": {400}, "bob": FORBIDDEN, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
}
ADMIN_ONLY_GET = {"charlie": REFUSED, "bob": REFUSED, "alice": OK, "dana": REFUSED, "erin": REFUSED}
ADMIN_ONLY_POST = {"charlie": REFUSED, "bob": REFUSED, "alice": FORM, "dana": REFUSED, "erin": REFUSED}
COHORTS = {
    "cohort_list": {"get": ADMIN_ONLY_GET},
    "cohort_create": {"get": ADMIN_ONLY_GET, "post": ADMIN_ONLY_POST},
    "cohort_detail": {"get": ADMIN_ONLY_GET},
    "cohort_edit": {"get": ADMIN_ONLY_GET, "post": ADMIN_ONLY_POST},
    "cohort_grid": {"get": {"charlie": HIDDEN, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}},
    "cohort_student_add": {"post": ADMIN_ONLY_POST},
    "cohort_students_import": {"get": ADMIN_ONLY_GET, "post": ADMIN_ONLY_POST},
    "cohort_students_import_confirm": {"post": ADMIN_ONLY_POST},
    "cohort_enrol": {"post": ADMIN_ONLY_POST},
}
# The verify page is public: an auditor or employer checks a record without signing in.
PUBLIC = {"verify_record", "verify_code"}
EVERYONE_OK = {"charlie": OK, "bob": OK, "alice": OK, "dana": OK, "erin": OK}
EVERYONE_ASKED_AGAIN = {"charlie": {400}, "bob": {400}, "alice": {400}, "dana": {400}, "erin": {400}}
READERS = {"charlie": OK, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}
DOCUMENTS = {
    "attempt_checklist": {"get": READERS},
    "attempt_checklist_pdf": {"get": READERS},
    "attempt_cover_sheet": {"get": READERS},
    "attempt_cover_sheet_pdf": {"get": READERS},
    "evidence_guide_pdf": {"get": READERS},
    "enrolment_record_sheet": {"get": READERS},
    "enrolment_record_sheet_pdf": {"get": READERS},
    "verify_record": {"get": EVERYONE_OK, "post": EVERYONE_ASKED_AGAIN},
    "verify_code": {"get": EVERYONE_OK, "post": EVERYONE_ASKED_AGAIN},
}
# A cohort's documents in one download: its followers ask for and fetch them; the world's
# export is done, with its file. An empty POST asks for nothing and returns to the grid.
FOLLOWERS = {"charlie": HIDDEN, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": HIDDEN}
EXPORTS = {
    "cohort_export": {
        "post": {"charlie": HIDDEN, "bob": REDIRECT, "alice": REDIRECT, "dana": HIDDEN, "erin": HIDDEN}
    },
    "export_detail": {"get": FOLLOWERS},
    "export_download": {"get": FOLLOWERS},
}
# Unit outcomes to the student management system: admins only. An empty POST is a form with errors.
OUTCOMES = {
    "outcome_exports": {"get": ADMIN_ONLY_GET, "post": {**ADMIN_ONLY_POST, "alice": {400}}},
    "outcome_export_download": {"get": ADMIN_ONLY_GET},
    # The AVETMISS files: admins only; a download asked for with no collection period is the page
    # with the form's errors.
    "avetmiss_export": {"get": ADMIN_ONLY_GET},
    "avetmiss_download": {"get": {**ADMIN_ONLY_GET, "alice": {400}}},
}
# Appeals: the world's appeal is charlie's, lodged and not yet assigned; an empty form is refused. Assessors see the appeals list (those they review); erin reviews none.
APPEALS = {
    "appeal_lodge": {
        "post": {"charlie": FORM, "bob": FORBIDDEN, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
    "appeal_list": {"get": {"charlie": HIDDEN, "bob": OK, "alice": OK, "dana": HIDDEN, "erin": OK}},
    "appeal_detail": {"get": READERS},
    "appeal_assign": {
        "post": {"charlie": HIDDEN, "bob": HIDDEN, "alice": REDIRECT, "dana": HIDDEN, "erin": HIDDEN}
    },
    "appeal_decide": {
        "post": {"charlie": FORBIDDEN, "bob": FORBIDDEN, "alice": FORBIDDEN, "dana": HIDDEN, "erin": HIDDEN}
    },
}
# The evidence files removed under the retention policy: admins only.
RETENTION = {"retention_report": {"get": ADMIN_ONLY_GET}, "retention_report_csv": {"get": ADMIN_ONLY_GET}}
EXPECTED = (
    STUDENT_WORK
    | MARKING
    | OBSERVATIONS
    | RESULTS
    | COHORTS
    | DOCUMENTS
    | EXPORTS
    | OUTCOMES
    | APPEALS
    | RETENTION
)


def close_without_closing_the_database(response):
    """Close a response's open file, as a server would, but keep the test's connection open.

    Closing fires request_finished, which would close the database connection inside the
    test's transaction; Django's test client disconnects it the same way while it runs.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def url_names():
    return {pattern.name for pattern in evidence_urls.urlpatterns if isinstance(pattern, URLPattern)}


def test_every_url_of_the_app_has_expectations():
    assert url_names() == set(EXPECTED)


@pytest.fixture
def world(charlie, bob, alice, enrolment, portfolio, cohort):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    result = record_unit_result(
        enrolment, by=bob, outcome="40", typed_name="Bob Taylor", password=bob.raw_password
    )
    item, _ = add_file_evidence(attempt, upload("log.pdf", PDF), by=charlie)
    add_text_evidence(attempt, by=charlie, title="Answer", text="Mine")
    export = DocumentExport(
        cohort=cohort, requested_by=bob, kind="record_sheets", format="pdf", status="done", total=1, done=1
    )
    export.file.save("export.pdf", ContentFile(PDF), save=False)
    export.finished_at = result.signed_at
    export.save()
    outcomes = export_outcomes(by=alice, scope=OutcomeExport.Scope.SINCE_LAST, token=uuid.uuid4())
    appeal = lodge_appeal(result, by=charlie, grounds="Withdrawn by mistake.", typed_name="Charlie Wilson")
    return {
        "enrolment_pk": enrolment.pk,
        "task_pk": portfolio.pk,
        "pk": {
            "cohort": cohort.pk,
            "evidence": item.pk,
            "attempt": attempt.pk,
            "enrolment": enrolment.pk,
            "result": result.pk,
            "export": export.pk,
            "outcome": outcomes.pk,
            "appeal": appeal.pk,
        },
        "criterion_pk": portfolio.criteria.first().pk,
        "code": "0" * 16,
        "file": "zip",
    }


def url_for(name, world):
    pattern = next(p for p in evidence_urls.urlpatterns if p.name == name)
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            owner = {"observation": "attempt"}.get(name.split("_")[0], name.split("_")[0])
            owner = {"appeal_lodge": "result"}.get(name, owner)
            kwargs[key] = world["pk"][owner]
        else:
            kwargs[key] = world[key]
    return reverse(f"evidence:{name}", kwargs=kwargs)


@pytest.mark.parametrize("persona", ["charlie", "bob", "alice", "dana", "erin"])
def test_each_role_gets_the_expected_answer_from_every_url(client, world, persona, request, erin, dana):
    client.force_login(request.getfixturevalue(persona))
    evidence_before = EvidenceItem.objects.count()
    problems = []
    for name, methods in EXPECTED.items():
        url = url_for(name, world)
        for method, expected in methods.items():
            if persona not in expected:
                continue
            response = getattr(client, method)(url)
            close_without_closing_the_database(response)
            status = response.status_code
            if status not in expected[persona]:
                problems.append(f"{method.upper()} {name}: {status}, expected {sorted(expected[persona])}")
            if method == "get" and "post" not in methods and status == 200:
                assert client.post(url).status_code == 405, f"{name} must refuse POST"
    assert problems == []
    if persona != "charlie":
        assert EvidenceItem.objects.count() == evidence_before
        assert Attempt.objects.get().status == "draft"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_url(client, world):
    for name, methods in EXPECTED.items():
        for method in methods:
            response = getattr(client, method)(url_for(name, world))
            if name in PUBLIC:
                assert response.status_code == {"get": 200, "post": 400}[method], name
                continue
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("login")), name
