"""What the benchmarks share: a throwaway test database to run in, and how they report.

Each benchmark's checks return a list of failure messages; `report` prints them and exits 1 when
there are any, so `make bench` fails on a limit passed.
"""

import sys

from django.db import connection
from django.test.utils import setup_test_environment


def run_on_test_database(checks, *, passed):
    """Run `checks()` in a fresh test database (in-memory SQLite, or a copy of DATABASE_URL's) and report."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        failures = checks()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report(failures, passed=passed)


def report(failures, *, passed):
    """Print the failures and exit 1, or print that every limit was met."""
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        sys.exit(1)
    print(f"\n{passed}")
