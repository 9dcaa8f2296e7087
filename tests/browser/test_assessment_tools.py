"""An admin builds an assessment tool for FNSPIM409, maps it, publishes it and reads what it prints."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, save_screenshot, sign_in

PORTFOLIO_GUIDANCE = "Ring the workplace supervisor to confirm two of the records are the student's own."
OBSERVATION_GUIDANCE = "Observe one renewal call and one complaint; note what the student said."
CHECKLIST_HEADING = (
    "Tasks to be observed according to workplace/college/TAFE policy and procedures, "
    "relevant legislation and Codes of Practice"
)
# FNSPIM409 release 1: ten performance criteria, three performance evidence items and five
# knowledge evidence items ("describe key features of:" is a heading over KE 2.1 to 2.4).
PC_LABELS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
ITEM_LABELS = ["PE 1", "PE 2", "PE 3", "KE 1", "KE 2.1", "KE 2.2", "KE 2.3", "KE 2.4"]
LAST_GAP = "KE 2.4"


def add_task(
    page, *, title, type_label, max_attempts, instructions, standard, guidance, due_days=None, evidence=""
):
    page.get_by_role("link", name="Add a task").click()
    expect(page.get_by_role("heading", name="Add an assessment task")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Type").select_option(label=type_label)
    if due_days is not None:
        page.get_by_label("Due (days after the student starts)").fill(str(due_days))
    page.get_by_label("Maximum attempts").fill(str(max_attempts))
    page.get_by_label("Instructions").fill(instructions)
    page.get_by_label("Evidence required").fill(evidence)
    page.get_by_label("Standard for a satisfactory result").fill(standard)
    page.get_by_label("Assessor-only guidance").fill(guidance)
    page.get_by_role("button", name="Save task").click()
    expect(page.get_by_role("status").filter(has_text="Task added.")).to_be_visible()


def cell(page, task_number, label):
    return page.get_by_role("button", name=f"Task {task_number} addresses {label}", exact=True)


def gaps_heading(page):
    return page.locator("#matrix-gaps").get_by_role("heading")


def toggle(page, task_number, label, *, gaps_after, keyboard=None):
    """Press one matrix cell (by mouse, or focus and a key) and wait for htmx's swap."""
    button = cell(page, task_number, label)
    expect(button).to_have_attribute("aria-pressed", "false")
    if keyboard:
        button.focus()
        page.keyboard.press(keyboard)
    else:
        button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("✓")
    if gaps_after:
        expect(gaps_heading(page)).to_have_text(f"Not yet covered ({gaps_after})")


@pytest.mark.browser
def test_admin_builds_publishes_and_reads_a_fnspim409_tool(page, alice, seed_units):
    sign_in(page, alice)
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assessment tools").click()
    expect(page.get_by_role("heading", name="Assessment tools", level=1)).to_be_visible()
    expect(page.get_by_text("No assessment tools yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="New assessment tool").click()
    expect(page.get_by_role("heading", name="New assessment tool")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Unit").select_option(label="FNSPIM409 - Maintain customer relationship")
    page.get_by_role("button", name="Save tool").click()

    expect(page).to_have_url(re.compile(r"/tools/\d+/$"))
    expect(page.get_by_role("status").filter(has_text="Draft version")).to_have_text(
        "Draft version 1.0 created. Add its tasks next."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("FNSPIM409 - Maintain customer relationship")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    expect(page.get_by_text("No tasks yet. Add the first one.")).to_be_visible()
    assert_accessible(page)
    tool_url = page.url

    add_task(
        page,
        title="Customer relationship portfolio",
        type_label="Portfolio",
        due_days=60,
        max_attempts=3,
        instructions="Collect four weeks of de-identified customer records and interaction notes.",
        evidence="The records and notes, each linked to the criteria it shows.",
        standard="Every performance criterion has current, authentic evidence.",
        guidance=PORTFOLIO_GUIDANCE,
    )
    add_task(
        page,
        title="Observed customer review call",
        type_label="Observation / demonstration",
        max_attempts=2,
        instructions="Your assessor observes you review a customer's records and call them.",
        standard="Each observed step is done without prompting.",
        guidance=OBSERVATION_GUIDANCE,
    )
    tasks = page.get_by_role("region", name="Assessment tasks")
    expect(tasks.get_by_role("row")).to_have_count(3)
    first, second = tasks.get_by_role("row").nth(1), tasks.get_by_role("row").nth(2)
    expect(first).to_contain_text("Customer relationship portfolio")
    expect(first).to_contain_text("60 days after the student starts")
    expect(second).to_contain_text("Observation / demonstration")
    assert_accessible(page)

    page.get_by_role("link", name="Assessment matrix").click()
    expect(page.get_by_role("heading", name="Assessment matrix: FNSPIM409 v1.0")).to_be_visible()
    summary = page.locator("#matrix-summary")
    expect(summary).to_contain_text("PCs 0/10 · PE 0/3 · KE 0/5")
    expect(gaps_heading(page)).to_have_text("Not yet covered (18)")
    expect(page.locator("#matrix-gaps")).to_contain_text(
        "Observation task 2 (Observed customer review call) maps no performance criterion"
    )
    assert_accessible(page)

    # The portfolio addresses every row but the last; two cells are pressed from the keyboard.
    wanted = PC_LABELS + ITEM_LABELS[:-1]
    for done, label in enumerate(wanted, start=1):
        keyboard = {"1.2": "Enter", "PE 2": "Space"}.get(label)
        toggle(page, 1, label, gaps_after=18 - done, keyboard=keyboard)
        if label == "3.3":
            expect(summary).to_contain_text("PCs 10/10 · PE 0/3 · KE 0/5")
            page.get_by_role("table").evaluate("table => table.parentElement.scrollTo(0, 0)")
            save_screenshot(page, "tool-matrix-fnspim409-midway")
            assert_accessible(page)
    expect(summary).to_contain_text("PCs 10/10 · PE 3/3 · KE 4/5")
    expect(gaps_heading(page)).to_have_text("Not yet covered (1)")
    expect(page.locator("#matrix-gaps").get_by_role("listitem")).to_have_text("KE 2.4 relevant legislation.")
    # Pressing a ticked cell unticks it: the gap comes back, and goes again.
    cell(page, 1, "1.1").click()
    expect(cell(page, 1, "1.1")).to_have_attribute("aria-pressed", "false")
    expect(gaps_heading(page)).to_have_text("Not yet covered (2)")
    toggle(page, 1, "1.1", gaps_after=1)
    assert_accessible(page)

    page.get_by_role("link", name="FNSPIM409 v1.0").click()
    page.get_by_role("button", name="Publish").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_have_text(
        "Version 1.0 cannot be published: no task addresses KE 2.4; "
        "task 2 (Observed customer review call) does not say what evidence is required; "
        "observation task 2 (Observed customer review call) maps no performance criterion."
    )
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    save_screenshot(page, "tool-publish-refused-fnspim409")
    assert_accessible(page)

    page.get_by_role("link", name="Assessment matrix").click()
    # Task 2's criteria are pressed out of unit order; the checklist must still list them in order.
    toggle(page, 2, "2.3", gaps_after=1)
    toggle(page, 2, "1.1", gaps_after=1, keyboard="Enter")
    expect(page.locator("#matrix-gaps")).not_to_contain_text("maps no performance criterion")
    toggle(page, 2, LAST_GAP, gaps_after=None)
    expect(page.locator("#matrix-gaps")).to_have_text(
        "Every criterion, evidence item and condition is addressed by at least one task."
    )
    expect(summary).to_contain_text("PCs 10/10 · PE 3/3 · KE 5/5")
    assert_accessible(page)

    page.goto(tool_url)
    page.get_by_role("link", name="Edit task 2").click()
    page.get_by_label("Evidence required").fill("The assessor's observation checklist, signed by both.")
    page.get_by_role("button", name="Save task").click()
    expect(page.get_by_role("status").filter(has_text="Task saved.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="Published.")).to_have_text(
        "Published. The tool is now read-only."
    )
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("link", name="Add a task")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Assessment matrix").click()
    expect(page.get_by_text("This version is published: the matrix is read-only.")).to_be_visible()
    expect(cell(page, 1, "1.1")).to_have_count(0)
    expect(page.get_by_role("img", name="Task 1 addresses 1.1", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="FNSPIM409 v1.0").click()
    page.get_by_role("link", name="Assessor resource").click()
    title_block = page.get_by_role("article").locator("header")
    for line in ("Assessor Resource", "FNSPIM409", "Maintain customer relationship", "Assessment tool"):
        expect(title_block.get_by_text(line, exact=True)).to_be_visible()
    expect(title_block).to_contain_text("Version 1.0")
    expect(title_block).not_to_contain_text("(draft)")
    submission = page.get_by_role("region", name="Submission Requirements").get_by_role("table")
    expect(submission.get_by_role("columnheader")).to_have_text(["Assessment task", "Type", "Due date"])
    expect(submission.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [
            "Assessment task 1: Customer relationship portfolio",
            "Portfolio",
            "60 days after the student starts",
        ]
    )
    expect(submission.get_by_role("row").nth(2).get_by_role("cell")).to_have_text(
        ["Assessment task 2: Observed customer review call", "Observation / demonstration", "—"]
    )
    expect(page.get_by_text(PORTFOLIO_GUIDANCE)).to_be_visible()
    expect(page.get_by_text(OBSERVATION_GUIDANCE)).to_be_visible()
    checklist = page.get_by_role(
        "region", name="Observation Checklist: task 2, Observed customer review call"
    )
    expect(checklist.get_by_role("columnheader")).to_have_text(
        [CHECKLIST_HEADING, "Yes", "No", "Comments/feedback"]
    )
    expect(checklist.get_by_role("rowheader")).to_have_text(
        [
            "1.1 Collect and check customer information with existing records",
            "2.3 Resolve problems or refer to relevant personnel as required",
        ]
    )
    matrix = page.get_by_role("region", name="Assessment Matrix")
    coverage = matrix.get_by_role("table", name="Coverage")
    for kind, counts in [
        ("Performance criteria", "10 of 10"),
        ("Performance evidence", "3 of 3"),
        ("Knowledge evidence", "5 of 5"),
    ]:
        expect(coverage.get_by_role("row", name=kind)).to_contain_text(counts)
    expect(matrix.get_by_role("img", name="addressed by task 2")).to_have_count(3)
    expect(matrix.get_by_text("Not covered")).to_have_count(0)
    cover = page.get_by_role("region", name="Assessment Cover Sheet")
    expect(cover).to_contain_text(
        "I declare that the assessment tasks submitted for this unit are my own work."
    )
    expect(cover.get_by_text("Student name:")).to_be_visible()
    record = page.get_by_role("region", name="Assessment Record Sheet")
    expect(record.get_by_role("row")).to_have_count(3)
    expect(record).to_contain_text("Overall assessment result:")
    save_screenshot(page, "tool-assessor-resource-fnspim409")
    assert_accessible(page)

    page.get_by_role("link", name="FNSPIM409 v1.0").click()
    page.get_by_role("link", name="Student view").click()
    expect(page.get_by_text("Student assessment information")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Assessment task 1: Customer relationship portfolio")
    ).to_be_visible()
    expect(page.get_by_text("Collect four weeks of de-identified customer records")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(PORTFOLIO_GUIDANCE)
    expect(page.get_by_role("main")).not_to_contain_text(OBSERVATION_GUIDANCE)
    expect(page.get_by_role("heading", name="Assessor-only guidance")).to_have_count(0)
    expect(page.get_by_role("region", name="Assessment Matrix")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="FNSPIM409 v1.0").click()
    page.get_by_role("region", name="Assessment tasks").get_by_role("link", name="checklist").click()
    expect(page.get_by_role("heading", name="Observation Checklist")).to_be_visible()
    expect(
        page.get_by_text("Assessment task 2: Observed customer review call · Assessment tool version 1.0")
    ).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_text(
        [
            "1.1 Collect and check customer information with existing records",
            "2.3 Resolve problems or refer to relevant personnel as required",
        ]
    )
    expect(page.get_by_role("columnheader")).to_have_text(
        [CHECKLIST_HEADING, "Yes", "No", "Comments/feedback"]
    )
    save_screenshot(page, "tool-observation-checklist-fnspim409")
    assert_accessible(page)
