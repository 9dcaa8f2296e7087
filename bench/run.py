"""Benchmarks: query counts that must not grow with rows, and times as ratios to a baseline.

Run with `make bench` (or `.venv/bin/python bench/run.py`). Uses a throwaway test database:
in-memory SQLite by default, or a test copy of DATABASE_URL's PostgreSQL database.
Exits non-zero when a query count grows with the size of the data.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

REPEATS = 9


def main():
    django.setup()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        failures = bench_unit_page() + bench_import()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        sys.exit(1)
    print("\nAll benchmarks within their limits.")


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


def best_of(action, repeats=REPEATS):
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return min(samples)


if __name__ == "__main__":
    main()
