"""Browser tests drive Debian's Chromium against pytest-django's live server.

Every test gets the live server as Playwright's base URL, so `page.goto("/units/")` works, and
the database is flushed after each test (live_server implies transactional_db).
"""

import datetime
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from evidence.models import Cohort, Enrolment
from units.demo import load_demo_tool

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS_DIR = settings.BASE_DIR / "artifacts" / "screenshots"
# WCAG failures that stop someone using the page; "moderate" and "minor" are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after every other test, whatever order pytest-django chose.

    Once started, Playwright's event loop runs in the main thread until the session ends, and the
    ORM is allowed beside it (below): no other test should run in that state.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    """Let the ORM run while Playwright's event loop is running in the test's thread.

    Playwright's sync API keeps that loop running from its start to the end of the session, so
    Django would refuse the database setup and the persona fixtures. The variable is set here,
    not at import, so that tests run before the browser tests (such as `check --deploy` in a
    subprocess, which warns about it) never see it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def outcome_codes(transactional_db, live_server):
    """Put back the outcome codes a data migration loads: each browser test's flush removes them."""
    from evidence.models import OutcomeCode

    rows = json.loads((settings.BASE_DIR / "fixtures" / "outcome_codes.json").read_text(encoding="utf-8"))
    for row in rows:
        OutcomeCode.objects.update_or_create(code=row["code"], defaults=row)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium headless: Playwright's own browser download cannot work here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """Start the live server once the test database exists, so its threads open that database.

    The SQLite test database is a file (see the root conftest), so each request gets its own
    connection, and requests sent at once are served at once, as under `make run`.
    """
    return live_server


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    """Point every page at the live server, so tests go to paths, not URLs."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-AU",
        "timezone_id": "Australia/Sydney",
    }


def assert_accessible(page):
    """Fail if axe-core finds a serious or critical violation on the page as it is now."""
    violations = [
        violation
        for violation in _axe.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    details = "\n".join(
        f"{violation['impact']} {violation['id']} at {' > '.join(map(str, node['target']))}: "
        + " ".join(check["message"] for check in node["any"] + node["all"] + node["none"])
        for violation in violations
        for node in violation["nodes"]
    )
    if violations:
        raise AssertionError(f"axe found blocking violations on {page.url}:\n{details}")


def sub_items(section, parent_text):
    """Return the items of the list nested in the section's list item that starts with parent_text."""
    parent = section.get_by_role("listitem").filter(has_text=re.compile(rf"^{re.escape(parent_text)}"))
    return parent.get_by_role("list").get_by_role("listitem")


def save_screenshot(page, name):
    """Save a full-page PNG under artifacts/screenshots/ for a person to look at."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def sign_in(page, user, *, password=None):
    """Sign in through the login page as a persona, and check the page is usable."""
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password or user.raw_password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def enrolled(seed_units, alice, bob, charlie):
    """Charlie in Bob's cohort, enrolled in the demo FNSCUS504 and FNSPIM409 tools."""
    cohort = Cohort.objects.create(
        name="Premium banking", code="FNS-PB1", start_date=datetime.date(2026, 10, 5)
    )
    cohort.assessors.add(bob)
    cohort.students.add(charlie)
    enrolments = {}
    for path in sorted((settings.BASE_DIR / "fixtures" / "tools").glob("*.json")):
        tool, _ = load_demo_tool(path, by=alice)
        enrolments[tool.unit.code] = Enrolment.objects.create(
            student=charlie, tool=tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
        )
    return enrolments
