"""Release diff benchmark: building the import preview's diff of a 150-criterion unit against a
changed copy (its next release), with two tools mapping every row of the old release.

    .venv/bin/python bench/release_diff.py      # or: make bench

Uses a throwaway test database (SQLite by default, or a test copy of DATABASE_URL's PostgreSQL).
Exits 1 when building the diff (units.selectors.release_diff_for: the older release's rows, the
matching, the tools and the rows each would lose) takes more than 50 ms or 10 queries. Also prints,
without a goal, the whole preview request and a worst case where every criterion is reworded.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")

import django
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from harness import run_on_test_database

REPEATS = 15
TIME_GOAL_MS = 50
QUERY_GOAL = 10
CODE = "BENCHR150"
VERBS = ["Identify", "Confirm", "Record", "Review", "Analyse", "Prepare", "Monitor", "Negotiate", "Report"]
OBJECTS = [
    "customer needs",
    "service records",
    "complaint details",
    "product options",
    "risk indicators",
    "sales targets",
    "workplace procedures",
    "client feedback",
    "team priorities",
    "compliance obligations",
    "pricing information",
]
QUALIFIERS = [
    "in line with organisational policy",
    "with relevant personnel",
    "using the organisation's systems",
    "according to legislative requirements",
    "within agreed timeframes",
    "to meet quality standards",
    "in consultation with the supervisor",
    "as required by the code of practice",
]


def main():
    django.setup()
    run_on_test_database(run, passed="Release diff benchmark within its limits.")


def run():
    from assessor_portal.models import User
    from units.importing import dump_unit_json
    from units.selectors import release_diff_for

    admin_user = User.objects.create_user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    old = release(1)
    unit = mapped_unit(old, admin_user)
    new = changed_copy()

    release_diff_for(new)  # warm up: imports, prepared statements
    reset_queries()  # building the unit and its tools filled the query log
    with CaptureQueriesContext(connection) as queries:
        release_diff = release_diff_for(new)
    took = best_of(lambda: release_diff_for(new))
    counts = release_diff.diff.counts
    lost = [len(impact.lost) for impact in release_diff.tools]
    print(f"{unit.code}: {unit.elements.count()} elements, 150 criteria; 2 tools mapping every row")
    print("Preview's diff (release_diff_for), release 2 with 10 criteria reworded, 5 removed, 5 added:")
    print(f"  {len(queries):>3} queries (goal {QUERY_GOAL})  {took * 1000:7.1f} ms (goal {TIME_GOAL_MS})")
    print(
        f"  {', '.join(f'{n} {status}' for status, n in counts.items())}; rows each tool would lose: {lost}"
    )

    failures = []
    if len(queries) > QUERY_GOAL:
        failures.append(f"the diff takes {len(queries)} queries, over the goal of {QUERY_GOAL}")
    if took * 1000 > TIME_GOAL_MS:
        failures.append(f"the diff takes {took * 1000:.1f} ms, over the goal of {TIME_GOAL_MS} ms")

    client = Client()
    client.force_login(admin_user)
    source = dump_unit_json(new.snapshot()).encode("utf-8")

    def post_preview():
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("release-2.json", source, content_type="application/json")
        response = client.post("/units/import/", {"file": upload})
        assert response.status_code == 200, response.status_code
        assert response.context["release_diff"] is not None

    post_preview()
    print(f"  whole preview request (JSON upload, parse, diff, page): {best_of(post_preview) * 1000:7.1f} ms")

    reworded = changed_copy(reword_all=True)
    worst = best_of(lambda: release_diff_for(reworded), repeats=5)
    print(
        f"  every criterion reworded (no goal): {worst * 1000:7.1f} ms, {release_diff_for(reworded).diff.summary}"
    )
    return failures


def release(number, *, seed=150):
    """A parsed release of a 10 × 15 unit whose criteria read like real ones, each different."""
    from units.tests.factories import parsed_unit

    words = random.Random(seed)
    parsed = parsed_unit(code=CODE, title="Bench a large unit", release=number, elements=10, criteria=15)
    seen = set()
    for element in parsed.elements:
        for pc in element.criteria:
            while (text := sentence(words)) in seen:
                pass
            seen.add(text)
            pc.text = text
    return parsed


def sentence(words):
    return f"{words.choice(VERBS)} {words.choice(OBJECTS)} {words.choice(QUALIFIERS)}"


def changed_copy(*, reword_all=False):
    """Release 2: ten criteria reworded, five removed (the rest of their element renumbered), five added."""
    from units.importing import ParsedCriterion, ParsedItem

    new = release(1)
    new.release = 2
    for index, element in enumerate(new.elements):
        for pc in element.criteria if reword_all else element.criteria[:1]:
            pc.text = pc.text.replace(" ", " promptly ", 1)
        if index < 5:
            del element.criteria[3]
        elif index < 10:
            element.criteria.append(ParsedCriterion(0, f"Evaluate outcome {index} against the plan"))
        for number, pc in enumerate(element.criteria, start=1):
            pc.number = number
    new.knowledge_evidence[0].text += " and their purpose"
    new.knowledge_evidence.append(ParsedItem("outline the privacy principles"))
    return new


def mapped_unit(parsed, admin_user):
    """Save the release with a published and a draft tool, each task mapping every row."""
    from units.matrix import build_matrix, get_matrix_row
    from units.services import add_task, create_tool, import_unit, publish_tool, set_mapping

    unit = import_unit(parsed, by=admin_user).unit
    for publish in (True, False):
        tool = create_tool(unit, by=admin_user)
        for number in range(1, 4):
            task = add_task(
                tool, by=admin_user, title=f"Task {number}", type="project", evidence_required="A report."
            )
            for row in build_matrix(tool).rows:
                if not row.is_heading:
                    set_mapping(task, get_matrix_row(tool, row.key), by=admin_user, mapped=True)
        if publish:
            publish_tool(tool, by=admin_user)
    return unit


def best_of(action, repeats=REPEATS):
    """The median of several timed runs: one slow run (a GC pause) does not decide the figure."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


if __name__ == "__main__":
    main()
