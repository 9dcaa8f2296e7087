"""Adding students to a cohort: one typed in by an admin, or every line of a checked CSV file."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from evidence.models import Cohort
from evidence.services.cohorts import CohortError, _check_manager, _plural

from .csv_files import parse_student_csv
from .invitations import _invite_after_commit
from .matching import _check_rows
from .values import StudentRow, normalise_student

User = get_user_model()


def _new_student(row):
    student = User(
        username=row.username,
        first_name=row.given_name,
        last_name=row.family_name,
        email=row.email,
        student_id=row.student_id,
        usi=row.usi,
        role=User.Role.STUDENT,
    )
    student.set_unusable_password()
    return student


# -- adding one student -------------------------------------------------------------------


@dataclass
class StudentOutcome:
    student: object
    created: bool
    message: str


def add_student(cohort, *, by, site_url, given_name, family_name, email, student_id, usi=""):
    """Add one student to a cohort: a new account and an emailed invitation, or the existing one.

    Someone who already has the student ID is reused only when the name and email agree. An
    existing student who has never set a password is sent the invitation again.
    """
    _check_manager(by)
    values = {
        "given_name": given_name,
        "family_name": family_name,
        "email": email,
        "student_id": student_id,
        "usi": usi,
    }
    row = StudentRow(**normalise_student(values))
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            _check_rows([row], cohort)
            if row.errors:
                raise CohortError(" ".join(row.errors))
            return _add_checked_student(cohort, row, site_url=site_url)
    except IntegrityError:
        raise CohortError(
            "Someone else saved a student with these details at the same moment. Check the cohort and try again."
        ) from None


def _add_checked_student(cohort, row, *, site_url):
    student = row.existing
    if student is None:
        student = _new_student(row)
        student.save()
        cohort.students.add(student)
        _invite_after_commit([student], cohort=cohort, site_url=site_url)
        return StudentOutcome(
            student,
            True,
            f"{student} ({student.student_id}) added and emailed an invitation to {student.email}.",
        )
    if row.usi and not student.usi:
        student.usi = row.usi
        student.save(update_fields=["usi"])
    invited_again = not student.has_usable_password() and student.last_login is None
    if invited_again:
        _invite_after_commit([student], cohort=cohort, site_url=site_url)
    again = f" They have not chosen a password yet, so the invitation was emailed again to {student.email}."
    if row.in_cohort:
        message = f"{student} ({student.student_id}) is already in this cohort; nothing was changed."
    else:
        cohort.students.add(student)
        message = f"{student} ({student.student_id}) already had an account and was added to this cohort."
    return StudentOutcome(student, False, message + (again if invited_again else ""))


@dataclass
class ImportOutcome:
    created: int
    added: int
    already: int
    message: str

    @property
    def changed(self):
        return bool(self.created or self.added)


def import_students(cohort, data, *, by, site_url):
    """Add every student of a clean CSV file to the cohort, all or nothing, then email the new ones.

    The file is read and checked again here: what was previewed may have changed since.
    """
    _check_manager(by)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            parsed = parse_student_csv(data, cohort=cohort, by=by)
            if not parsed.is_clean:
                bad = len(parsed.rows_with_errors)
                problems = parsed.errors or [
                    f"{_plural(bad, 'line')} of the file ha{'s' if bad == 1 else 've'} errors"
                ]
                raise CohortError(
                    f"Nothing was saved: {' '.join(problems).rstrip('.')}. Correct the file and upload it again."
                )
            return _import_checked(cohort, parsed, site_url=site_url)
    except IntegrityError:
        raise CohortError(
            "Someone else saved students with these details at the same moment; nothing was saved. "
            "Upload the file again to see them."
        ) from None


def _import_checked(cohort, parsed, *, site_url):
    new = User.objects.bulk_create([_new_student(row) for row in parsed.rows if not row.existing])
    joining = [row.existing for row in parsed.rows if row.existing and not row.in_cohort]
    for row in parsed.rows:
        if row.existing and row.usi and not row.existing.usi:
            row.existing.usi = row.usi
            row.existing.save(update_fields=["usi"])
    cohort.students.add(*new, *joining)
    _invite_after_commit(new, cohort=cohort, site_url=site_url)
    outcome = ImportOutcome(len(new), len(joining), parsed.in_cohort_count, "")
    if not outcome.changed:
        everyone = (
            "the student in the file was"
            if outcome.already == 1
            else f"all {outcome.already} students in the file were"
        )
        outcome.message = f"Nothing was changed: {everyone} added to {cohort.code} before."
        return outcome
    parts = []
    if new:
        parts.append(f"{_plural(len(new), 'new student')} (each emailed an invitation to choose a password)")
    if joining:
        parts.append(f"{_plural(len(joining), 'existing student')}")
    message = f"Added to {cohort.code}: {' and '.join(parts)}."
    if outcome.already:
        message += f" {_plural(outcome.already, 'student was', 'students were')} already in the cohort."
    outcome.message = message
    return outcome
