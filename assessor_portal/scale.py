"""A large, deterministic data set for benchmarks: an RTO with thousands of students at work.

The catalogue and the tools are built through the real services (they are few); students,
cohorts, enrolments, attempts, declarations, evidence, judgements, quality checks, unit results and
appeals are bulk-inserted, row for row as the services would have saved them: every attempt past
draft has its signed declaration, every file row its stored file and SHA-256, every judged attempt
its signed judgement (a few corrected, a few waiting for a quality check), and the database's
constraints hold.

Dates run back from `ScaleSize.until` (the day the data is built, unless given): cohorts start over
the 40 weeks from a year before it, so judgements are signed between about eleven months and four
weeks before it, and roughly half are older than the six months evidence is kept (retention).
Attempts and evidence carry the times they were started and added, not the time of the build, so
the students whose work stopped long ago show as inactive.
"""

import datetime
import hashlib
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from evidence.models import (
    Appeal,
    Attempt,
    Cohort,
    Declaration,
    Enrolment,
    EvidenceItem,
    Judgement,
    OutcomeCode,
    QualityCheck,
    UnitResult,
)
from evidence.services.marking import COMPETENT, NOT_YET_COMPETENT, content_hash
from evidence.services.progress import refresh_stages
from units.importing import ParsedCriterion, ParsedElement, ParsedItem, ParsedUnit
from units.matrix import build_matrix, checklist_criteria, get_matrix_row
from units.services import add_task, create_tool, import_unit, publish_tool, set_mapping

User = get_user_model()

SCALE_PASSWORD = "scale-password-2026"
COHORT_PREFIX = "SCALE-"
GIVEN_NAMES = [
    "Olivia", "Jack", "Charlotte", "William", "Amelia", "Noah", "Isla", "Oliver", "Mia", "Leo",
    "Ava", "Henry", "Grace", "Lucas", "Chloe", "Thomas", "Zoe", "James", "Ruby", "Ethan",
    "Priya", "Wei", "Aroha", "Mohammed", "Linh", "Kiri", "Santiago", "Yuki", "Fatima", "Arjun",
]  # fmt: skip
FAMILY_NAMES = [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin",
    "White", "Anderson", "Walker", "Thompson", "Harris", "Lee", "Ryan", "Robinson", "Kelly",
    "King", "Singh", "Chen", "Patel", "Tran", "Kaur", "Murphy", "O'Brien", "Papadopoulos",
]  # fmt: skip
TASKS = [
    # (title, type, days after the student starts, what the task maps)
    ("Knowledge questions", "questions", 21, "items"),
    ("Workplace project", "project", 42, "criteria"),
    ("Observation at work", "observation", 56, "first criteria"),
]
# How a student's work on one task stands, with its weight: most tasks are done, some under way.
OUTCOMES = [
    ("not started", 20),
    ("draft", 10),
    ("submitted", 12),
    ("assessing", 5),
    ("S", 31),
    ("NS", 6),
    ("NS then draft", 4),
    ("NS then submitted", 4),
    ("NS then S", 6),
    ("NS then NS", 2),
]
# Every task allows this many attempts: a second Not satisfactory makes the unit Not yet competent.
MAX_ATTEMPTS = 2
# Of the judged attempts, the share whose judgement was reopened and signed again (a correction),
# and, of each task's latest judgement, the share approved by a quality check and the share
# still waiting for one (feedback not yet released to the student).
CORRECTED_SHARE = 0.02
CHECKED_SHARE = 0.03
WAITING_SHARE = 0.02
# Of the enrolments whose attempts allow a result, the share with a signed unit result; of the
# Not yet competent results, the share under an open appeal.
RESULT_SHARE = 0.8
APPEALED_SHARE = 0.1
CORRECTION_REASON = "Corrected the comment on the evidence after a second look."
APPEAL_GROUNDS = "My observation was assessed against the wrong checklist."


@dataclass(frozen=True)
class ScaleSize:
    students: int = 10_000
    cohorts: int = 300
    units: int = 40
    assessors: int = 150
    units_per_cohort: int = 4
    evidence_per_attempt: int = 3
    seed: int = 2026
    # The last day of the data: everything happened in the year before it (default: today).
    until: datetime.date | None = None


@dataclass
class ScaleReport:
    counts: dict = field(default_factory=dict)

    def add(self, name, number):
        self.counts[name] = self.counts.get(name, 0) + number


class ScaleDataError(Exception):
    """The scale data cannot be built here; the message says why."""


def make_scale_data(size, *, progress=lambda message: None):
    """Build the scale data set into an empty portal and return what was made."""
    if Cohort.objects.filter(code__startswith=COHORT_PREFIX).exists():
        raise ScaleDataError("This database already has the scale data. Use a fresh database.")
    rng = random.Random(size.seed)
    # Judgements, results and appeals draw from their own generator: the attempts and evidence
    # stay what the seed made them before there were judgements.
    judging = random.Random(f"{size.seed}-judging")
    until = size.until or timezone.localdate()
    report = ScaleReport()
    admin = User.objects.create_user(
        "scale-admin", password=SCALE_PASSWORD, role="admin", first_name="Sam", last_name="Admin"
    )
    tools = _catalogue(size, admin, progress, issue_date=until - datetime.timedelta(days=400))
    report.add("units with published tools", len(tools))
    password = make_password(SCALE_PASSWORD)
    assessors = _people(size.assessors, "assessor", password, rng)
    students = _people(size.students, "student", password, rng)
    progress(f"{len(assessors)} assessors and {len(students)} students")
    tasks = {tool.pk: list(tool.tasks.order_by("number")) for tool in tools}
    checklists = {
        task.pk: [pc.code for pc in checklist_criteria(task)] for tool in tools for task in tasks[tool.pk]
    }
    outcomes = {code: OutcomeCode.objects.get(code=code) for code in (COMPETENT, NOT_YET_COMPETENT)}
    mapped = {
        task.pk: list(task.criteria.order_by("element__number", "number").values_list("pk", flat=True))
        or _unit_criteria(tool)
        for tool in tools
        for task in tasks[tool.pk]
    }
    for number in range(size.cohorts):
        with transaction.atomic():
            attempts, items, cohort_assessors = _cohort(
                number,
                size,
                rng,
                admin,
                assessors,
                students[number :: size.cohorts],
                tools,
                tasks,
                mapped,
                report,
                until,
            )
            judgements = _judgements(attempts, items, cohort_assessors, checklists, judging, report)
            _results(attempts, judgements, tasks, cohort_assessors, outcomes, judging, report)
        if number % 25 == 24:
            progress(f"{number + 1} of {size.cohorts} cohorts")
    # The rows above were written in bulk, not through the services that keep each stage.
    progress(f"{refresh_stages(Enrolment.objects.all())} enrolments' stages stored")
    if connection.vendor == "postgresql":
        # Fresh statistics: without them the planner guesses, and the first runs on the data
        # (retention's correlated subqueries above all) take plans a hundred times slower. VACUUM
        # too, as autovacuum would have done in a year: until the visibility map is set, index-only
        # scans (the reports' partial indexes) cost the planner as much as reading the table.
        # VACUUM cannot run in a transaction (a test's): there, statistics only.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(command)
        progress(f"statistics updated ({command})")
    return report


def _catalogue(size, admin, progress, *, issue_date):
    tools = []
    for number in range(size.units):
        unit = import_unit(_parsed_unit(number)).unit
        tool = create_tool(
            unit,
            by=admin,
            issue_date=issue_date,
            evidence_required="Written answers, a workplace project and an observation at work.",
        )
        rows = [row for row in build_matrix(tool).rows if not row.is_heading]
        for title, kind, days, maps in TASKS:
            task = add_task(
                tool,
                by=admin,
                title=title,
                type=kind,
                due_days_after_enrolment=days,
                max_attempts=MAX_ATTEMPTS,
                evidence_required=f"Evidence for {title.lower()}.",
            )
            chosen = {
                "items": [row for row in rows if row.kind != "PC"],
                "criteria": [row for row in rows if row.kind == "PC"],
                "first criteria": [row for row in rows if row.kind == "PC"][:5],
            }[maps]
            for row in chosen:
                set_mapping(task, get_matrix_row(tool, row.key), by=admin, mapped=True)
        tools.append(publish_tool(tool, by=admin))
    progress(f"{len(tools)} units with published tools")
    return tools


def _parsed_unit(number):
    code = f"SCLOPS{401 + number}"
    unit = ParsedUnit(source_format="json", code=code, title=f"Operate scale process {number + 1}", release=1)
    unit.application = "This unit describes the skills and knowledge required to operate a process at scale."
    for e in range(1, 6):
        element = ParsedElement(e, f"Carry out stage {e} of the process")
        element.criteria = [
            ParsedCriterion(n, f"Complete step {e}.{n} to the workplace standard") for n in range(1, 4)
        ]
        unit.elements.append(element)
    unit.performance_evidence = [ParsedItem(f"complete the process on {n} occasions") for n in (1, 2, 3)]
    unit.knowledge_evidence = [
        ParsedItem("explain the workplace procedures"),
        ParsedItem(
            "describe key features of:", children=[ParsedItem("safety rules"), ParsedItem("record keeping")]
        ),
    ]
    unit.assessment_conditions = [ParsedItem("Assessors must satisfy the Standards for RTOs.")]
    return unit


def _unit_criteria(tool):
    return [pc.pk for element in tool.unit.elements.all() for pc in element.criteria.all()]


def _people(count, role, password, rng):
    prefix = {"student": "S", "assessor": "A"}[role]
    people = []
    for n in range(1, count + 1):
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        username = f"{prefix}{n:05d}"
        people.append(
            User(
                username=username if role == "student" else f"assessor{n:03d}",
                password=password,
                role=role,
                first_name=given,
                last_name=family,
                email=f"{username.lower()}@scale.example.edu.au",
                student_id=username if role == "student" else "",
            )
        )
    return User.objects.bulk_create(people, batch_size=2000)


def _cohort(number, size, rng, admin, assessors, members, tools, tasks, mapped, report, until):
    """Make one cohort's enrolments, attempts, declarations and evidence; return the attempts,
    the evidence and the cohort's assessors."""
    # The cohorts start week by week over 40 weeks, however many there are.
    start = until - datetime.timedelta(days=365 - 7 * (number * 40 // size.cohorts))
    cohort = Cohort.objects.create(
        name=f"Scale cohort {number + 1}", code=f"{COHORT_PREFIX}{number + 1:03d}", start_date=start
    )
    cohort_assessors = rng.sample(assessors, min(2, len(assessors)))
    cohort.assessors.set(cohort_assessors)
    cohort.students.set(members)
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(student=student, tool=tool, cohort=cohort, enrolled_on=start, enrolled_by=admin)
        for tool in rng.sample(tools, min(size.units_per_cohort, len(tools)))
        for student in members
    )
    report.add("cohorts", 1)
    report.add("students", len(members))
    report.add("enrolments", len(enrolments))
    attempts, declarations = [], []
    for enrolment in enrolments:
        for task in tasks[enrolment.tool_id]:
            outcome = rng.choices([name for name, _ in OUTCOMES], [weight for _, weight in OUTCOMES])[0]
            for attempt in _attempts(enrolment, task, outcome, start, until):
                attempts.append(attempt)
    _bulk_create_dated(Attempt, attempts)
    for attempt in attempts:
        report.add(f"attempts {attempt.status}", 1)
        if not attempt.is_draft:
            student = attempt.enrolment.student
            declarations.append(
                Declaration(
                    attempt=attempt,
                    student=student,
                    typed_name=student.get_full_name(),
                    signed_at=attempt.submitted_at,
                    ip_address="127.0.0.1",
                    user_agent="make_scale_data",
                )
            )
    Declaration.objects.bulk_create(declarations, batch_size=2000)
    report.add("declarations", len(declarations))
    items = _evidence(attempts, size, rng, mapped, report)
    return attempts, items, cohort_assessors


def _attempts(enrolment, task, outcome, start, until):
    """The attempts a student has made at a task, as the services would have left them."""
    if outcome == "not started":
        return []
    last_moment = timezone.make_aware(datetime.datetime.combine(until, datetime.time(9)))
    steps = outcome.split(" then ")
    made = []
    for number, status in enumerate(steps, start=1):
        submitted = timezone.make_aware(
            datetime.datetime.combine(start, datetime.time(10))
            + datetime.timedelta(days=task.number * 10 + number * 14)
        )
        attempt = Attempt(enrolment=enrolment, task=task, number=number, status=status, revision=3)
        # Started five days before it was (or would be) handed in, never after the data's last day.
        attempt.created_at = min(submitted - datetime.timedelta(days=5), last_moment)
        if status != "draft":
            attempt.submitted_at = submitted
            attempt.revision = 4
        if status in {"S", "NS"}:
            attempt.feedback = (
                "All criteria demonstrated."
                if status == "S"
                else "Step 2.2 is not shown: add the checked record."
            )
            attempt.feedback_released_at = submitted + datetime.timedelta(days=7)
        if status == "NS" and number == len(steps) and number < MAX_ATTEMPTS:
            attempt.resubmit_by = (submitted + datetime.timedelta(days=21)).date()
        made.append(attempt)
    return made


def _evidence(attempts, size, rng, mapped, report):
    items, links = [], []
    for attempt in attempts:
        for n in range(size.evidence_per_attempt):
            kind = ("file", "text", "link")[n % 3]
            item = EvidenceItem(
                attempt=attempt,
                kind=kind,
                title=f"Evidence {n + 1} for task {attempt.task.number}",
                # Added in the hours after the attempt was started, well before it was handed in.
                created_at=attempt.created_at + datetime.timedelta(hours=n + 1),
            )
            if kind == "file":
                # One file in a hundred is the same as another student's, as copied work would be.
                seed = (
                    rng.randrange(50)
                    if rng.random() < 0.01
                    else f"{attempt.enrolment.student.username}-{attempt.enrolment.tool.unit.code}-{attempt.task.number}-{attempt.number}"
                )
                content = f"Scale evidence {seed}\n".encode()
                item.title = f"evidence-{n + 1}.txt"
                item.size, item.content_type = len(content), "text/plain"
                item.sha256 = hashlib.sha256(content).hexdigest()
                item.file.name = default_storage.save(
                    f"evidence/{attempt.enrolment_id}/{uuid.UUID(int=rng.getrandbits(128)).hex}.txt",
                    ContentFile(content),
                )
            elif kind == "text":
                item.text = "I checked the customer's records against the CRM and updated the address."
            else:
                item.url = f"https://video.example.edu.au/{attempt.enrolment_id}/{attempt.task_id}/{n}"
            items.append(item)
    _bulk_create_dated(EvidenceItem, items)
    Through = EvidenceItem.criteria.through
    for item in items:
        criteria = mapped[item.attempt.task_id]
        for pc in rng.sample(criteria, min(2, len(criteria))):
            links.append(Through(evidenceitem_id=item.pk, performancecriterion_id=pc))
    Through.objects.bulk_create(links, batch_size=5000)
    report.add("evidence items", len(items))
    report.add("evidence criteria links", len(links))
    return items


def _bulk_create_dated(model, rows):
    """Insert rows keeping the creation times set on them.

    bulk_create stamps an auto_now_add field with the time of the insert, which would make every
    row look made today (and no student inactive): the times are put back with one update a batch.
    """
    created = {id(row): row.created_at for row in rows}
    model.objects.bulk_create(rows, batch_size=2000)
    for row in rows:
        row.created_at = created[id(row)]
    model.objects.bulk_update(rows, ["created_at"], batch_size=500)


def _judgements(attempts, items, assessors, checklists, rng, report):
    """Sign each judged attempt as sign_judgement would have: one judgement, or an earlier one and
    its correction; a few approved by a quality check, a few still waiting for one. Return each
    attempt's judgement in force, by attempt id."""
    evidence = {}
    for item in items:
        evidence.setdefault(item.attempt_id, []).append(
            item.sha256 or hashlib.sha256((item.text or item.url).encode()).hexdigest()
        )
    latest = {}
    for attempt in attempts:
        latest[attempt.enrolment_id, attempt.task_id] = attempt
    earlier, final, checks, held_back = [], [], [], []
    for attempt in attempts:
        if attempt.status not in Attempt.JUDGED:
            continue
        assessor = rng.choice(assessors)
        codes = checklists[attempt.task_id]
        marks = [{"criterion": code, "answer": "Y", "comment": ""} for code in codes]
        if attempt.status == Attempt.Status.NOT_SATISFACTORY and marks:
            missing = rng.randrange(len(marks))
            marks[missing] = {
                "criterion": codes[missing],
                "answer": "N",
                "comment": "Not shown in the evidence.",
            }
        signed_at = attempt.submitted_at + datetime.timedelta(days=7)
        fate = rng.random()
        is_latest = latest[attempt.enrolment_id, attempt.task_id] is attempt
        corrected = fate < CORRECTED_SHARE
        checked = len(assessors) > 1 and CORRECTED_SHARE <= fate < CORRECTED_SHARE + CHECKED_SHARE
        waiting = (
            is_latest
            and CORRECTED_SHARE + CHECKED_SHARE <= fate < CORRECTED_SHARE + CHECKED_SHARE + WAITING_SHARE
        )
        if checked:
            # Signed a day before its quality check released the feedback.
            signed_at -= datetime.timedelta(days=1)
        if corrected:
            first = _judgement(attempt, assessor, marks, signed_at - datetime.timedelta(days=2), evidence)
            earlier.append(first)
        else:
            first = None
        judgement = _judgement(attempt, assessor, marks, signed_at, evidence, corrects=first)
        final.append(judgement)
        if checked:
            checker = next(person for person in assessors if person.pk != assessor.pk)
            checks.append((judgement, checker, attempt.feedback_released_at))
        if waiting:
            attempt.feedback_released_at = None
            held_back.append(attempt)
    Judgement.objects.bulk_create(earlier, batch_size=2000)
    for judgement in final:
        if judgement.corrects is not None:
            judgement.corrects_id = judgement.corrects.pk
    Judgement.objects.bulk_create(final, batch_size=2000)
    QualityCheck.objects.bulk_create(
        (
            QualityCheck(
                judgement=judgement,
                checker=checker,
                approved=True,
                typed_name=checker.get_full_name(),
                signed_at=checked_at,
                sha256=content_hash({"judgement": judgement.sha256, "approved": True, "comment": ""}),
            )
            for judgement, checker, checked_at in checks
        ),
        batch_size=2000,
    )
    Attempt.objects.bulk_update(held_back, ["feedback_released_at"], batch_size=2000)
    report.add("judgements", len(earlier) + len(final))
    report.add("judgements corrected", len(earlier))
    report.add("quality checks", len(checks))
    report.add("waiting for quality check", len(held_back))
    return {judgement.attempt_id: judgement for judgement in final}


def _judgement(attempt, assessor, marks, signed_at, evidence, corrects=None):
    """One signed judgement, hashed over exactly what marking.signed_content signs."""
    signed_at = signed_at.astimezone(datetime.UTC)  # as timezone.now() gives it
    content = {
        "attempt": attempt.pk,
        "student": attempt.enrolment.student_id,
        "unit": attempt.enrolment.tool.unit.code,
        "task": attempt.task.number,
        "number": attempt.number,
        "result": attempt.status,
        "feedback": attempt.feedback,
        "marks": marks,
        "evidence": sorted(evidence.get(attempt.pk, [])),
        "assessor": assessor.pk,
        "signed_at": signed_at.isoformat(),
        "corrects": corrects.sha256 if corrects else "",
    }
    return Judgement(
        attempt=attempt,
        result=attempt.status,
        feedback=attempt.feedback,
        marks=marks,
        assessor=assessor,
        corrects=corrects,
        reason=CORRECTION_REASON if corrects else "",
        typed_name=assessor.get_full_name(),
        signed_at=signed_at,
        sha256=content_hash(content),
    )


def _results(attempts, judgements, tasks, assessors, outcomes, rng, report):
    """Sign the unit result of most enrolments whose attempts allow one (marking.unit_result_rule),
    a few days after the last judgement reached the student; appeal a few Not yet competent ones."""
    latest, enrolments = {}, {}
    for attempt in attempts:
        latest[attempt.enrolment_id, attempt.task_id] = attempt
        enrolments[attempt.enrolment_id] = attempt.enrolment
    results = []
    for enrolment in enrolments.values():
        last = [latest.get((enrolment.pk, task.pk)) for task in tasks[enrolment.tool_id]]
        if any(attempt is None or not attempt.feedback_released_at for attempt in last):
            continue
        if all(attempt.status == Attempt.Status.SATISFACTORY for attempt in last):
            code = COMPETENT
        elif any(
            attempt.status == Attempt.Status.NOT_SATISFACTORY and attempt.number >= MAX_ATTEMPTS
            for attempt in last
        ):
            code = NOT_YET_COMPETENT
        else:
            continue
        if rng.random() >= RESULT_SHARE:
            continue
        assessor = rng.choice(assessors)
        signed_at = max(judgements[attempt.pk].signed_at for attempt in last) + datetime.timedelta(days=10)
        content = {
            "enrolment": enrolment.pk,
            "student": enrolment.student_id,
            "unit": enrolment.tool.unit.code,
            "outcome": code,
            "assessor": assessor.pk,
            "corrects": "",
            "reason": "",
            "signed_at": signed_at.isoformat(),
        }
        results.append(
            UnitResult(
                enrolment=enrolment,
                outcome=outcomes[code],
                assessor=assessor,
                typed_name=assessor.get_full_name(),
                signed_at=signed_at,
                sha256=content_hash(content),
            )
        )
    UnitResult.objects.bulk_create(results, batch_size=2000)
    appeals = []
    for result in results:
        if result.outcome_id == NOT_YET_COMPETENT and rng.random() < APPEALED_SHARE:
            student = result.enrolment.student
            signed_at = result.signed_at + datetime.timedelta(days=5)
            content = {
                "result": result.sha256,
                "student": student.pk,
                "grounds": APPEAL_GROUNDS,
                "signed_at": signed_at.isoformat(),
            }
            appeals.append(
                Appeal(
                    result=result,
                    student=student,
                    assessor=result.assessor,
                    grounds=APPEAL_GROUNDS,
                    typed_name=student.get_full_name(),
                    signed_at=signed_at,
                    sha256=content_hash(content),
                )
            )
    Appeal.objects.bulk_create(appeals, batch_size=2000)
    for result in results:
        report.add(f"unit results {result.outcome_id}", 1)
    report.add("open appeals", len(appeals))
