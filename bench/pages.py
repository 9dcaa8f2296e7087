"""The pages people reach, each with the person who reaches it, picked from whatever data is loaded.

Used by bench/scale.py on the demo data and on the scale data alike: the same pages, the same
roles, so their query counts can be compared. Run directly for the query counts of one database:

    DATABASE_URL=postgres://…/ap_scale .venv/bin/python bench/pages.py
"""

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")


@dataclass
class Page:
    name: str
    url: str
    username: str


def pick_pages():
    """Return the pages to measure, for a student with submitted work, their assessor and an admin."""
    from assessor_portal.models import User
    from evidence.models import Attempt

    attempt = (
        Attempt.objects.filter(status=Attempt.Status.SUBMITTED, enrolment__cohort__isnull=False)
        .select_related("enrolment__cohort", "enrolment__student", "enrolment__tool__unit")
        .order_by("pk")
        .first()
    )
    if attempt is None:
        raise SystemExit(
            "No submitted attempt in a cohort to measure: load the demo or the scale data first."
        )
    enrolment, tool = attempt.enrolment, attempt.enrolment.tool
    assessor = enrolment.cohort.assessors.order_by("pk").first()
    admin = User.objects.filter(role="admin").order_by("pk").first()
    student = enrolment.student.username
    return [
        Page("student home", "/student/", student),
        Page("task page", f"/enrolments/{enrolment.pk}/tasks/{attempt.task_id}/", student),
        Page("evidence guide", f"/enrolments/{enrolment.pk}/evidence-guide/", student),
        Page("catalogue", "/units/", student),
        Page("unit page", tool.unit.get_absolute_url(), student),
        Page("assessor home", "/assessor/", assessor.username),
        Page("attempt page", f"/attempts/{attempt.pk}/", assessor.username),
        Page("marking queue", "/queue/", assessor.username),
        Page("marking page", f"/attempts/{attempt.pk}/mark/", assessor.username),
        Page("cohort grid", f"/cohorts/{enrolment.cohort_id}/grid/", assessor.username),
        Page("unit record", f"/enrolments/{enrolment.pk}/record/", assessor.username),
        Page("tool page", f"/tools/{tool.pk}/", assessor.username),
        Page("assessor resource", f"/tools/{tool.pk}/resource/", assessor.username),
        Page("admin home", "/staff/", admin.username),
        Page("cohort list", "/cohorts/", admin.username),
        Page("cohort page", f"/cohorts/{enrolment.cohort_id}/", admin.username),
        Page("tool list", "/tools/", admin.username),
        Page("matrix", f"/tools/{tool.pk}/matrix/", admin.username),
    ]


def query_counts(pages):
    """Return {page name: queries} for one GET of each page, after one GET to warm up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessor_portal.models import User

    counts = {}
    for page in pages:
        client = Client()
        client.force_login(User.objects.get(username=page.username))
        assert client.get(page.url).status_code == 200, page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        assert response.status_code == 200, (page, response.status_code)
        counts[page.name] = len(queries)
    return counts


def main():
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    pages = pick_pages()
    print(json.dumps({"pages": [asdict(page) for page in pages], "queries": query_counts(pages)}))


if __name__ == "__main__":
    main()
