"""Benchmarks: query counts that must not grow with rows, and times as ratios to a baseline.

Run with `make bench` (or `.venv/bin/python bench/run.py`). Uses a throwaway test database:
in-memory SQLite by default, or a test copy of DATABASE_URL's PostgreSQL database.
Exits non-zero when a query count grows with the size of the data.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from harness import run_on_test_database

REPEATS = 9


def main():
    django.setup()
    run_on_test_database(
        lambda: (
            bench_unit_page() + bench_import() + bench_docx_import() + bench_matrix() + bench_student_home()
        ),
        passed="All benchmarks within their limits.",
    )


def bench_unit_page():
    from assessor_portal.models import User
    from units.tests.factories import make_unit

    small = make_unit(code="BENCHS101", elements=3, criteria=5)  # 15 PCs
    large = make_unit(code="BENCHL101", elements=10, criteria=15)  # 150 PCs
    client = Client()
    client.force_login(User.objects.create_user("bench", role="student"))
    counts, times = {}, {}
    for label, unit in (("15-PC unit", small), ("150-PC unit", large)):
        url = unit.get_absolute_url()
        client.get(url)  # warm caches (session, templates)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        counts[label] = len(queries)
        times[label] = best_of(lambda url=url: client.get(url))
    print("Unit page (GET /units/<code>/release-<n>/):")
    for label in counts:
        print(f"  {label:<12} {counts[label]:>3} queries  {times[label] * 1000:7.1f} ms")
    ratio = times["150-PC unit"] / times["15-PC unit"]
    print(f"  time ratio 150-PC / 15-PC: {ratio:.2f}")
    if counts["15-PC unit"] != counts["150-PC unit"]:
        return [f"unit page queries grow with criteria ({counts})"]
    return []


def bench_import():
    from units.importing import dump_unit_json, parse_unit_source
    from units.services import import_unit
    from units.tests.factories import parsed_unit

    def timed_import(code, elements, criteria):
        """Median time to parse a unit file and save it: the whole import_unit command's work."""
        samples = []
        for n in range(REPEATS):
            source = dump_unit_json(
                parsed_unit(code=f"{code}{n}", elements=elements, criteria=criteria).snapshot()
            )
            started = time.perf_counter()
            import_unit(parse_unit_source(source.encode()))
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    baseline = timed_import("IMPSMA10", 3, 5)
    large = timed_import("IMPLRG10", 10, 15)
    with CaptureQueriesContext(connection) as small_queries:
        import_unit(parsed_unit(code="IMPQSM101", elements=3, criteria=5))
    with CaptureQueriesContext(connection) as large_queries:
        import_unit(parsed_unit(code="IMPQLG101", elements=10, criteria=15))
    print(f"Import (parse a JSON file and save it, median of {REPEATS}):")
    print(f"  15-PC unit  {baseline * 1000:7.1f} ms  {len(small_queries):>3} queries (baseline)")
    print(f"  150-PC unit {large * 1000:7.1f} ms  {len(large_queries):>3} queries")
    print(f"  time ratio 150-PC / 15-PC: {large / baseline:.2f} (criteria ratio 10)")
    if len(small_queries) != len(large_queries):
        return [f"import queries grow with criteria ({len(small_queries)} vs {len(large_queries)})"]
    return []


DOCX_RATIO_GOAL = 3


def unit_sources(code, elements, criteria):
    """The same unit as pasted text and as a Word document laid out as training.gov.au's download."""
    from docx import Document

    rows = [
        (
            f"{e}. Element {e} of the unit",
            [f"{e}.{c} Carry out criterion {c} of element {e}" for c in range(1, criteria + 1)],
        )
        for e in range(1, elements + 1)
    ]
    evidence = ["complete the work on at least three occasions", "keep records of the work"]
    knowledge = ["describe the relevant legislation", "describe the organisation's procedures"]
    text = [f"{code} - Benchmark unit", "Release 1", "Application", "This unit is for the benchmark."]
    text.append("Elements and Performance Criteria")
    for element, pcs in rows:
        text += [element, *pcs]
    text += ["Performance Evidence", "Evidence of the ability to:", *evidence]
    text += ["Knowledge Evidence", "The individual must:", *knowledge]
    text += ["Assessment Conditions", "Assessment must be conducted in a safe environment."]

    document = Document()
    document.add_heading(f"{code} - Benchmark unit", level=1)
    document.add_paragraph("Release 1")
    document.add_heading("Application", level=2)
    document.add_paragraph("This unit is for the benchmark.")
    document.add_heading("Elements and Performance Criteria", level=2)
    table = document.add_table(rows=len(rows) + 1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "ELEMENT", "PERFORMANCE CRITERIA"
    for number, (element, pcs) in enumerate(rows, start=1):
        table.cell(number, 0).text = element
        table.cell(number, 1).text = pcs[0]
        for pc in pcs[1:]:
            table.cell(number, 1).add_paragraph(pc)
    for heading, lead, items in (
        ("Performance Evidence", "Evidence of the ability to:", evidence),
        ("Knowledge Evidence", "The individual must:", knowledge),
    ):
        document.add_heading(heading, level=2)
        document.add_paragraph(lead)
        for item in items:
            document.add_paragraph(item, style="List Bullet")
    document.add_heading("Assessment Conditions", level=2)
    document.add_paragraph("Assessment must be conducted in a safe environment.")
    out = io.BytesIO()
    document.save(out)
    return "\n".join(text).encode(), out.getvalue()


def bench_docx_import():
    """A 150-PC unit uploaded as a Word document against the same unit pasted as text (goal 3x)."""
    from units.importing import parse_unit_source
    from units.services import import_unit

    def timed(kind):
        samples = []
        for n in range(REPEATS):
            text, docx = unit_sources(f"BX{kind[0].upper()}DOC{100 + n}", 10, 15)
            source, filename = (docx, "unit.docx") if kind == "docx" else (text, "")
            started = time.perf_counter()
            parsed = parse_unit_source(source, filename=filename)
            import_unit(parsed)
            samples.append(time.perf_counter() - started)
            assert sum(len(e.criteria) for e in parsed.elements) == 150, kind
        return statistics.median(samples)

    text_time, docx_time = timed("text"), timed("docx")
    ratio = docx_time / text_time
    print(f"Import of a 150-PC unit (parse and save, median of {REPEATS}):")
    print(f"  pasted text   {text_time * 1000:7.1f} ms (baseline)")
    print(f"  Word document {docx_time * 1000:7.1f} ms  ratio {ratio:.2f} (goal {DOCX_RATIO_GOAL})")
    if ratio > DOCX_RATIO_GOAL:
        return [f"DOCX import {ratio:.2f} times the text import (goal {DOCX_RATIO_GOAL})"]
    return []


def bench_matrix():
    from assessor_portal.models import User
    from units.matrix import get_matrix_row
    from units.models import PerformanceCriterion
    from units.services import add_task, create_tool, set_mapping
    from units.tests.factories import make_unit

    admin = User.objects.create_user("bench-admin", role="admin")
    client = Client()
    client.force_login(admin)
    counts, times, toggles = {}, {}, {}
    for label, (elements, criteria, task_count) in {
        "3 tasks x 15 PCs": (3, 5, 3),
        "12 tasks x 150 PCs": (10, 15, 12),
    }.items():
        unit = make_unit(code=f"MATRIX{elements:02d}{criteria:02d}1", elements=elements, criteria=criteria)
        tool = create_tool(unit, by=admin)
        pcs = list(PerformanceCriterion.objects.filter(element__unit=unit))
        for n in range(task_count):
            task = add_task(
                tool, by=admin, title=f"Task {n + 1}", type="project", evidence_required="A report."
            )
            for pc in pcs[n::task_count]:
                set_mapping(task, pc, by=admin, mapped=True)
        url = f"/tools/{tool.pk}/matrix/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[label] = len(queries)
        times[label] = best_of(lambda url=url: client.get(url))
        row = get_matrix_row(tool, f"pc-{pcs[0].pk}")
        # What one click on the page does: set the cell to the state the person saw it change to.
        wanted = not task.criteria.filter(pk=row.pk).exists()
        with CaptureQueriesContext(connection) as toggle_queries:
            set_mapping(task, row, by=admin, mapped=wanted)
        # BEGIN and COMMIT frame every transaction; the toggle's own work is what is counted.
        toggles[label] = sum(
            q["sql"] not in {"BEGIN", "COMMIT"} and "SAVEPOINT" not in q["sql"] for q in toggle_queries
        )
    print("Assessment matrix page (GET /tools/<pk>/matrix/):")
    for label in counts:
        print(
            f"  {label:<19} {counts[label]:>3} queries  {times[label] * 1000:7.1f} ms  click: {toggles[label]} queries"
        )
    small, large = counts
    print(
        f"  time ratio large / small: {times[large] / times[small]:.2f} (cells ratio {12 * 157 / (3 * 22):.0f})"
    )
    failures = []
    if counts[small] != counts[large]:
        failures.append(f"matrix page queries grow with rows and tasks ({counts})")
    if max(toggles.values()) > 4:
        failures.append(f"a matrix click costs more than 4 queries ({toggles})")
    return failures


def bench_student_home():
    import datetime

    from assessor_portal.models import User
    from evidence.models import Enrolment
    from units.models import RequirementItem
    from units.services import add_task, create_tool, publish_tool, set_mapping
    from units.tests.factories import make_unit

    admin = User.objects.get(username="bench-admin")
    student = User.objects.create_user(
        "bench-student", role="student", first_name="Bench", last_name="Student"
    )

    def enrol(count, start):
        for n in range(start, start + count):
            unit = make_unit(code=f"HOMEUN{n:03d}", elements=2, criteria=3)
            tool = create_tool(unit, by=admin)
            for t in range(5):
                task = add_task(
                    tool, by=admin, title=f"Task {t + 1}", type="project", evidence_required="A report."
                )
            for element in unit.elements.all():
                for pc in element.criteria.all():
                    set_mapping(task, pc, by=admin, mapped=True)
            for item in RequirementItem.objects.filter(unit=unit, children__isnull=True):
                set_mapping(task, item, by=admin, mapped=True)
            Enrolment.objects.create(
                student=student, tool=publish_tool(tool, by=admin), enrolled_on=datetime.date.today()
            )

    client = Client()
    client.force_login(student)
    counts, times = {}, {}
    for label, (count, start) in {"1 unit x 5 tasks": (1, 0), "10 units x 5 tasks": (9, 1)}.items():
        enrol(count, start)
        client.get("/student/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/student/")
        assert response.status_code == 200
        counts[label] = len(queries)
        times[label] = best_of(lambda: client.get("/student/"))
    print("Student home (GET /student/):")
    for label in counts:
        print(f"  {label:<19} {counts[label]:>3} queries  {times[label] * 1000:7.1f} ms")
    small, large = counts
    print(f"  time ratio 10 units / 1 unit: {times[large] / times[small]:.2f}")
    if counts[small] != counts[large]:
        return [f"student home queries grow with units ({counts})"]
    return []


def best_of(action, repeats=REPEATS):
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return min(samples)


if __name__ == "__main__":
    main()
