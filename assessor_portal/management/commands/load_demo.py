import datetime
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from evidence.models import Cohort, Enrolment
from evidence.services.appeals import assign_appeal_reviewer, lodge_appeal
from evidence.services.attempts import (
    add_file_evidence,
    add_text_evidence,
    link_criteria,
    open_attempt,
    submit_attempt,
)
from evidence.services.cohorts import create_cohort, enrol_cohort
from evidence.services.marking import (
    COMPETENT,
    NOT_YET_COMPETENT,
    record_unit_result,
    save_mark,
    sign_judgement,
)
from evidence.services.students import add_student
from units.demo import load_demo_tool
from units.importing import parse_unit_source
from units.matrix import checklist_criteria
from units.models import AssessmentTool, Unit
from units.services import import_unit
from units.services.catalogue import set_unit_reporting
from validation.models import ValidationPlan
from validation.services import create_plan

# Demo sign-ins for a developer's machine; `make run` prints them. Never used in production.
DEMO_USERS = [
    # (username, password, role, first name, family name, student ID)
    ("admin", "demo-admin-2026", "admin", "Alice", "Nguyen", ""),
    ("assessor", "demo-assessor-2026", "assessor", "Bob", "Taylor", ""),
    # Assesses no cohort: validates Bob's judgements and reviews the appeal against one of them.
    ("assessor2", "demo-assessor-2026", "assessor", "Grace", "Kim", ""),
    ("student", "demo-student-2026", "student", "Charlie", "Wilson", "S0001"),
    ("student2", "demo-student-2026", "student", "Dana", "Lee", "S0002"),
    ("student3", "demo-student-2026", "student", "Ethan", "Brown", "S0003"),
]
ASSESSOR_PASSWORD = DEMO_USERS[1][1]


DEMO_ANSWERS = [
    (
        "1. Why do premium customers stay with a financial institution?",
        "They value a named relationship manager who knows their circumstances, quick answers, and "
        "offers that fit their goals. Price matters less to them than trust and convenience.",
    ),
    (
        "2. How would you identify a premium customer segment from CRM data?",
        "Filter customers by total funds under management and product holdings, then group them by "
        "life stage and contact preferences, checking the criteria with the segment's profitability.",
    ),
]

# Ethan's FNSPIM409 portfolio: each piece linked to the criteria it shows, so his evidence guide is filled in.
DEMO_PORTFOLIO = [
    (
        "Call notes, October",
        "Twelve calls to existing customers, each checked against the CRM record before and updated after.",
        ["1.1", "1.2", "2.1", "3.1"],
    ),
    (
        "Complaint file: fee dispute",
        "A survey of the customer's satisfaction, the fee refund referred to the team leader, and the "
        "problem logged for the monthly report to management.",
        ["2.2", "2.3", "2.4"],
    ),
    (
        "CRM records and contact plan",
        "Records kept under the privacy policy, and a contact plan matching each customer's preferred "
        "channel and frequency.",
        ["1.3", "3.2", "3.3"],
    ),
]

DEMO_NOTES = (
    "Segment notes, 03/11/2026\n"
    "Customers with over $500,000 under management and three or more products: 214.\n"
    "Preferred contact: phone (61%), email (29%), branch (10%).\n"
)

# What the demo units report to AVETMISS (NAT00060): nominal hours vary by state; these are an
# example. 081101 is ASCED's Banking and Finance.
DEMO_REPORTING = {"FNSCUS504": 50, "FNSPIM409": 30}
DEMO_FIELD_OF_EDUCATION = "081101"

DEMO_APPEAL_GROUNDS = (
    "My complaint file shows the refund referred to my team leader (2.4), and my CRM records "
    "include a contact plan for each customer. Please look at both again."
)

DEMO_COHORT = {
    "name": "Diploma of Financial Services, term 4 2026",
    "code": "FNS-2026-T4",
    "start_date": datetime.date(2026, 10, 5),
}


class Command(BaseCommand):
    help = (
        "Load the demo units, users, published assessment tools and a cohort with its student enrolled. "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        for path in sorted((settings.BASE_DIR / "fixtures" / "units").glob("*.json")):
            parsed = parse_unit_source(path.read_bytes(), filename=path.name)
            outcome = import_unit(parsed)
            self.stdout.write(f"{path.name}: {outcome.message}")
        admin = self._users()
        for path in sorted((settings.BASE_DIR / "fixtures" / "tools").glob("*.json")):
            tool, created = load_demo_tool(path, by=admin)
            state = "created and published" if created else "already there"
            self.stdout.write(f"{path.name}: {tool} {state}")
        enrolments = self._cohort(admin)
        self._submitted_work(enrolments.filter(student__username="student"))
        assessor = get_user_model().objects.get(username="assessor")
        self._judged_work(enrolments.filter(student__username="student2"), assessor)
        self._competent(enrolments.filter(student__username="student3"), assessor)
        self._appealed(enrolments.filter(student__username="student2"), assessor, admin)
        self._reporting(admin)
        self._validation_plan(admin)
        self.stdout.write(self.signins)

    def _cohort(self, admin):
        """A demo cohort assessed by the demo assessor, its student enrolled in every demo tool."""
        User = get_user_model()
        cohort = Cohort.objects.filter(code=DEMO_COHORT["code"]).first()
        if cohort is None:
            assessor = User.objects.get(username="assessor")
            cohort = create_cohort(by=admin, assessors=[assessor], **DEMO_COHORT)
        students = User.objects.filter(role="student", username__startswith="student")
        for student in students:
            add_student(
                cohort,
                by=admin,
                site_url="http://127.0.0.1:8000",
                given_name=student.first_name,
                family_name=student.last_name,
                email=student.email,
                student_id=student.student_id,
            )
        for tool in AssessmentTool.objects.filter(status=AssessmentTool.Status.PUBLISHED):
            self.stdout.write(f"{cohort.code}: {enrol_cohort(cohort, tool, by=admin).message}")
        return Enrolment.objects.filter(cohort=cohort, student__in=students).select_related(
            "tool__unit", "student"
        )

    def _submitted_work(self, enrolments):
        """The demo student's written answers for FNSCUS504, submitted and waiting for the assessor."""
        enrolment = next((e for e in enrolments if e.tool.unit.code == "FNSCUS504"), None)
        if enrolment is None or enrolment.attempts.exists():
            return
        student, task = enrolment.student, enrolment.tool.tasks.get(number=1)
        attempt = open_attempt(enrolment, task, by=student)
        for title, text in DEMO_ANSWERS:
            add_text_evidence(attempt, by=student, title=title, text=text)
        add_file_evidence(attempt, SimpleUploadedFile("segment-notes.txt", DEMO_NOTES.encode()), by=student)
        attempt.refresh_from_db()
        submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)
        self.stdout.write(
            f"{enrolment.tool.unit.code}: {task} submitted by {student}, waiting for the assessor"
        )

    def _judged_work(self, enrolments, assessor):
        """Dana's FNSCUS504: task 1 Satisfactory with feedback; task 2 Not satisfactory, resubmission open."""
        enrolment = next((e for e in enrolments if e.tool.unit.code == "FNSCUS504"), None)
        if enrolment is None or enrolment.attempts.exists():
            return
        questions = self._hand_in(enrolment, 1, DEMO_ANSWERS)
        self._judge(questions, assessor, "S", "Clear answers with good examples from your own branch.")
        project = self._hand_in(
            enrolment, 2, [("Service strategy", "Segment: retirees. Strategy: quarterly calls.")]
        )
        self._judge(
            project,
            assessor,
            "NS",
            "The strategy does not compare results with targets (4.1) or recommend improvements (4.3). "
            "Add a short report against last quarter's targets with at least two recommendations.",
            answer="N",
            resubmit_by=timezone.localdate() + datetime.timedelta(days=14),
        )
        self.stdout.write(
            f"{enrolment.tool.unit.code}: {enrolment.student} has one task Satisfactory, one to resubmit"
        )

    def _competent(self, enrolments, assessor):
        """Ethan's FNSPIM409 portfolio, Satisfactory, and the unit recorded Competent."""
        enrolment = next((e for e in enrolments if e.tool.unit.code == "FNSPIM409"), None)
        if enrolment is None or enrolment.attempts.exists():
            return
        portfolio = self._hand_in(enrolment, 1, DEMO_PORTFOLIO)
        self._judge(portfolio, assessor, "S", "A complete portfolio: every criterion is shown.")
        record_unit_result(
            enrolment,
            by=assessor,
            outcome=COMPETENT,
            typed_name=assessor.get_full_name(),
            password=ASSESSOR_PASSWORD,
        )
        self.stdout.write(f"{enrolment.tool.unit.code}: {enrolment.student} recorded Competent")

    @transaction.atomic
    def _appealed(self, enrolments, assessor, admin):
        """Dana's FNSPIM409 Not satisfactory three times and Not yet competent; she appeals to Grace."""
        enrolment = next((e for e in enrolments if e.tool.unit.code == "FNSPIM409"), None)
        if enrolment is None or enrolment.attempts.exists():
            return
        task = enrolment.tool.tasks.get(number=1)
        for number in range(1, task.max_attempts + 1):
            attempt = self._hand_in(enrolment, 1, DEMO_PORTFOLIO[: min(number, 2)])
            last = number == task.max_attempts
            self._judge(
                attempt,
                assessor,
                "NS",
                "There is no contact plan (1.3, 3.2, 3.3) and the complaint is not referred on (2.4).",
                answer="N",
                resubmit_by=None if last else timezone.localdate() + datetime.timedelta(days=14),
            )
        result = record_unit_result(
            enrolment,
            by=assessor,
            outcome=NOT_YET_COMPETENT,
            typed_name=assessor.get_full_name(),
            password=ASSESSOR_PASSWORD,
        )
        student = enrolment.student
        appeal = lodge_appeal(
            result, by=student, grounds=DEMO_APPEAL_GROUNDS, typed_name=student.get_full_name()
        )
        reviewer = get_user_model().objects.get(username="assessor2")
        assign_appeal_reviewer(appeal, by=admin, reviewer=reviewer)
        self.stdout.write(
            f"{enrolment.tool.unit.code}: {student} appeals Not yet competent; {reviewer} reviews"
        )

    def _reporting(self, admin):
        """The demo units' AVETMISS subject details, so the AVETMISS page checks only the RTO's settings."""
        for unit in Unit.objects.filter(code__in=DEMO_REPORTING, nominal_hours__isnull=True):
            set_unit_reporting(
                unit,
                by=admin,
                nominal_hours=DEMO_REPORTING[unit.code],
                field_of_education=DEMO_FIELD_OF_EDUCATION,
                vet_flag=True,
            )

    def _validation_plan(self, admin):
        """Grace validates a sample of Bob's FNSPIM409 judgements (an open plan, nothing reviewed yet)."""
        unit = Unit.objects.filter(code="FNSPIM409").order_by("-release").first()
        if unit is None or ValidationPlan.objects.filter(unit=unit).exists():
            return
        validator = get_user_model().objects.get(username="assessor2")
        plan = create_plan(unit, by=admin, validator=validator, sample_size=2, token=uuid.uuid4(), seed=2026)
        self.stdout.write(f"{unit.code}: validation plan of {plan.items.count()} judgements for {validator}")

    def _hand_in(self, enrolment, number, answers):
        """Hand in written evidence: (title, text) or (title, text, the criteria codes it shows)."""
        student, task = enrolment.student, enrolment.tool.tasks.get(number=number)
        attempt = open_attempt(enrolment, task, by=student)
        criteria = {pc.code: pc.pk for pc in checklist_criteria(task)}
        for title, text, *codes in answers:
            item = add_text_evidence(attempt, by=student, title=title, text=text)
            if codes:
                link_criteria(item, [criteria[code] for code in codes[0]], by=student)
        attempt.refresh_from_db()
        return submit_attempt(
            attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision
        )

    def _judge(self, attempt, assessor, result, feedback, answer="Y", resubmit_by=None):
        for criterion in checklist_criteria(attempt.task):
            save_mark(attempt.pk, criterion.pk, by=assessor, answer=answer, comment="", version=0)
        sign_judgement(
            attempt,
            by=assessor,
            result=result,
            feedback=feedback,
            typed_name=assessor.get_full_name(),
            password=ASSESSOR_PASSWORD,
            resubmit_by=resubmit_by,
        )

    @transaction.atomic
    def _users(self):
        User = get_user_model()
        lines = ["", "Demo sign-ins (http://127.0.0.1:8000/):"]
        for username, password, role, first, last, student_id in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "first_name": first,
                    "last_name": last,
                    "student_id": student_id,
                    "email": f"{username}@example.edu.au",
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            lines.append(f"  {role:<9} {username:<9} {password}")
        self.signins = "\n".join(lines)
        return User.objects.get(username="admin")
