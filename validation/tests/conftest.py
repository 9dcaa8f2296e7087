"""A unit release's judged attempts, and the people who validate them."""

import datetime
import hashlib
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from conftest import make_user
from evidence.models import Attempt, Enrolment, EvidenceItem, Judgement
from units.demo import load_demo_tool
from validation.services import create_plan


@pytest.fixture
def tools(seed_units, alice):
    """The published demo tools: FNSPIM409's portfolio and FNSCUS504's three tasks."""
    folder = settings.BASE_DIR / "fixtures" / "tools"
    return {
        path.stem.split("-")[0]: load_demo_tool(path, by=alice)[0] for path in sorted(folder.glob("*.json"))
    }


@pytest.fixture
def vera(db):
    """Vera is an assessor from another campus: she validates, and judged none of the sample."""
    return make_user("vera", "assessor", first_name="Vera", last_name="Singh")


@pytest.fixture
def frank(db):
    """Frank is a third assessor of the unit."""
    return make_user("frank", "assessor", first_name="Frank", last_name="Moore")


_students = iter(range(1, 10_000))


def judged(tool, assessor, *, result="S", task_number=1, student=None):
    """A student's attempt at the tool's task, judged and signed by the assessor, as sign_judgement leaves it."""
    if student is None:
        number = next(_students)
        student = make_user(f"student{number}", "student", first_name="Student", last_name=f"No {number}")
    enrolment, _ = Enrolment.objects.get_or_create(
        student=student, tool=tool, defaults={"enrolled_on": datetime.date(2026, 10, 5)}
    )
    now = timezone.now()
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        task=tool.tasks.get(number=task_number),
        number=1,
        status=result,
        submitted_at=now,
        feedback_released_at=now,
    )
    return Judgement.objects.create(
        attempt=attempt,
        result=result,
        feedback="Well done." if result == "S" else "Section 2 is missing.",
        marks=[{"criterion": "1.1", "answer": "Y", "comment": "Clear analysis."}],
        assessor=assessor,
        signed_at=now,
        typed_name=assessor.get_full_name(),
        sha256=uuid.uuid4().hex * 2,
    )


def with_file(judgement, content=b"%PDF-1.4 the student's portfolio"):
    """Give the judged attempt a file of evidence."""
    return EvidenceItem.objects.create(
        attempt=judgement.attempt,
        kind=EvidenceItem.Kind.FILE,
        title="portfolio.pdf",
        file=ContentFile(content, name="portfolio.pdf"),
        size=len(content),
        content_type="application/pdf",
        sha256=hashlib.sha256(content).hexdigest(),
    )


def plan_of(unit, by, validator, size=3, seed=7):
    return create_plan(unit, by=by, validator=validator, sample_size=size, seed=seed, token=uuid.uuid4())


@pytest.fixture
def pim409(tools):
    return tools["FNSPIM409"]


@pytest.fixture
def plan(pim409, alice, bob, erin, vera):
    """Vera validates FNSPIM409: four of Bob's judgements and two of Erin's, three sampled."""
    for _ in range(4):
        with_file(judged(pim409, bob))
    for _ in range(2):
        with_file(judged(pim409, erin))
    return plan_of(pim409.unit, alice, vera)
