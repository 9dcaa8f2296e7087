"""Students arriving one by one or from a CSV file: checked, matched to who exists, invited.

A student is one person however they arrive (typed in, or a line of a CSV file): the student ID
is the RTO's own number and becomes the username; the USI is the national identifier. Whoever
already holds a student ID, username, email or USI is checked before anything is saved, so a
typo never merges two people or gives one person two accounts.
"""

import codecs
import csv
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessor_portal.mail import queue_email
from evidence.models import Cohort
from evidence.services.cohorts import CohortError, _check_manager, _plural

User = get_user_model()
logger = logging.getLogger(__name__)

# The national USI alphabet: digits 2-9 and capital letters, less I and O (never 0, 1, I, O).
USI_ALPHABET = frozenset("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
USI_LENGTH = 10
STUDENT_ID_PATTERN = re.compile(r"[A-Za-z0-9-]{1,30}")
NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 2000

STUDENT_FIELDS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "email": "Email",
    "student_id": "Student ID",
    "usi": "USI",
}
REQUIRED_FIELDS = ("given_name", "family_name", "email", "student_id")
# Header names as spreadsheets and student systems spell them, after _header_key().
HEADER_NAMES = {
    "given_name": {
        "given name",
        "given names",
        "givenname",
        "first name",
        "first names",
        "firstname",
        "forename",
    },
    "family_name": {"family name", "familyname", "surname", "last name", "lastname"},
    "email": {"email", "e mail", "email address", "e mail address"},
    "student_id": {"student id", "studentid", "student number", "student no", "id"},
    "usi": {"usi", "unique student identifier"},
}


@dataclass
class StudentRow:
    """One student as given (typed into the form, or a line of a CSV file) and what is wrong."""

    line: int | None = None
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    student_id: str = ""
    usi: str = ""
    errors: list[str] = field(default_factory=list)
    existing: object = None
    in_cohort: bool = False

    @property
    def username(self):
        return self.student_id.lower()

    @property
    def status(self):
        if self.errors:
            return "Not valid"
        if self.in_cohort:
            return "Already in this cohort"
        if self.existing:
            return "Existing student: will be added"
        return "New student: will be invited"


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _squash(text):
    return re.sub(r"\s+", " ", (text or "").strip())


def normalise_student(values):
    """Return a student's values as they are stored: spaces squashed, email domain in lower case, USI in capitals."""
    email = (values.get("email") or "").strip()
    return {
        "given_name": _squash(values.get("given_name")),
        "family_name": _squash(values.get("family_name")),
        "email": BaseUserManager.normalize_email(email) if email else "",
        "student_id": (values.get("student_id") or "").strip(),
        "usi": (values.get("usi") or "").strip().upper(),
    }


def student_value_errors(values):
    """Return {field: message} for each value that cannot be saved, checked on its own."""
    errors = {}
    for name in REQUIRED_FIELDS:
        if not values.get(name):
            errors[name] = f"{STUDENT_FIELDS[name]} is missing."
    for name in ("given_name", "family_name"):
        if len(values.get(name, "")) > NAME_MAX_LENGTH:
            errors[name] = f"{STUDENT_FIELDS[name]} is longer than {NAME_MAX_LENGTH} characters."
    email = values.get("email", "")
    if email and "email" not in errors:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors["email"] = f"“{email}” is not a valid email address."
        if len(email) > EMAIL_MAX_LENGTH:
            errors["email"] = f"The email address is longer than {EMAIL_MAX_LENGTH} characters."
    student_id = values.get("student_id", "")
    if student_id and not STUDENT_ID_PATTERN.fullmatch(student_id):
        errors["student_id"] = (
            f"Student ID “{student_id}” must be 1 to 30 letters, digits or hyphens (no spaces)."
        )
    usi = values.get("usi", "")
    if usi:
        wrong = sorted(set(usi) - USI_ALPHABET)
        if len(usi) != USI_LENGTH:
            errors["usi"] = f"USI “{usi}” has {len(usi)} characters; a USI has exactly {USI_LENGTH}."
        elif wrong:
            errors["usi"] = (
                f"USI “{usi}” contains {', '.join(wrong)}; a USI uses only the digits 2–9 and the "
                "letters A–Z except I and O."
            )
    # The database refuses NUL (PostgreSQL) and nobody types control characters: a file that
    # has them was damaged or crafted, so the value is refused here, in the form and the file alike.
    for name, label in STUDENT_FIELDS.items():
        if CONTROL_CHARACTERS.search(values.get(name, "")):
            errors[name] = f"{label} contains a control character (such as NUL); type it again."
    return errors


@dataclass
class _People:
    """The existing accounts that share a student ID, username, email or USI with the rows."""

    by_student_id: dict
    by_username: dict
    by_email: dict
    by_usi: dict
    in_cohort: set

    @classmethod
    def for_rows(cls, rows, cohort):
        ids = {row.student_id.upper() for row in rows if row.student_id}
        emails = {row.email.lower() for row in rows if row.email}
        usis = {row.usi for row in rows if row.usi}
        people = list(
            User.objects.annotate(
                upper_student_id=Upper("student_id"),
                lower_username=Lower("username"),
                lower_email=Lower("email"),
            ).filter(
                Q(upper_student_id__in=ids)
                | Q(lower_username__in={i.lower() for i in ids})
                | Q(lower_email__in=emails)
                | Q(usi__in=usis)
            )
        )
        by_email = defaultdict(list)
        for person in people:
            if person.email:
                by_email[person.email.lower()].append(person)
        in_cohort = set()
        if cohort is not None and people:
            in_cohort = set(
                cohort.students.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
            )
        return cls(
            by_student_id={p.upper_student_id: p for p in people if p.student_id},
            by_username={p.lower_username: p for p in people},
            by_email=by_email,
            by_usi={p.usi: p for p in people if p.usi},
            in_cohort=in_cohort,
        )


def _describe(person):
    details = ", ".join(filter(None, [person.student_id and f"student ID {person.student_id}", person.email]))
    return f"{person.get_full_name() or person.username}" + (f" ({details})" if details else "")


def _same_person(row, person):
    def same(a, b):
        return _squash(a).casefold() == _squash(b).casefold()

    return (
        same(row.given_name, person.first_name)
        and same(row.family_name, person.last_name)
        and same(row.email, person.email)
    )


def _match_person(row, people):
    """Find the existing student a row names, or say whose student ID, email or USI it would take."""
    person = None
    if row.student_id and STUDENT_ID_PATTERN.fullmatch(row.student_id):
        person = people.by_student_id.get(row.student_id.upper())
        holder = people.by_username.get(row.username)
        if holder and holder != person:
            row.errors.append(
                f"The username {row.username} (the student ID in lower case) is already the account "
                f"of {_describe(holder)}."
            )
            return
        if person and not person.is_student:
            row.errors.append(
                f"Student ID {row.student_id} belongs to a staff account ({_describe(person)})."
            )
            return
        if person and not _same_person(row, person):
            row.errors.append(
                f"Student ID {row.student_id} is already {_describe(person)}; the name or email given "
                "here is different. Check the student ID, or correct the details to match."
            )
            return
        if person and row.usi and person.usi and row.usi != person.usi:
            row.errors.append(f"Student ID {row.student_id} already has USI {person.usi}, not {row.usi}.")
            return
    others = [other for other in people.by_email.get(row.email.lower(), []) if other != person]
    if others:
        row.errors.append(f"The email {row.email} is already used by {_describe(others[0])}.")
    usi_holder = people.by_usi.get(row.usi)
    if usi_holder and usi_holder != person:
        row.errors.append(f"USI {row.usi} already belongs to {_describe(usi_holder)}.")
    if person and not row.errors:
        row.existing, row.in_cohort = person, person.pk in people.in_cohort


def _check_rows(rows, cohort):
    """Check each row's values, then against everyone already in the portal."""
    for row in rows:
        row.errors.extend(
            student_value_errors({name: getattr(row, name) for name in STUDENT_FIELDS}).values()
        )
    # Only values that passed their own checks are looked up: a damaged value (a NUL, say)
    # is reported as it is, and never reaches a query.
    clean = [row for row in rows if not row.errors]
    people = _People.for_rows(clean, cohort)
    for row in clean:
        _match_person(row, people)


# -- inviting -----------------------------------------------------------------------------


def invitation_link(student, *, site_url):
    """Return the absolute link where a new student chooses their password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(student.pk)),
            "token": default_token_generator.make_token(student),
        },
    )
    return site_url.rstrip("/") + path


def send_invitations(students, *, cohort, site_url):
    """Queue an email to each new student with a link to choose a password; return how many."""
    valid_days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    for student in students:
        queue_email(
            subject=f"Your {settings.SITE_NAME} account: choose a password",
            body=render_to_string(
                "registration/account_invite_email.txt",
                {
                    "student": student,
                    "cohort": cohort,
                    "link": invitation_link(student, site_url=site_url),
                    "site_name": settings.SITE_NAME,
                    "site_url": site_url,
                    "valid_days": valid_days,
                },
            ),
            to=[student.email],
        )
    return len(students)


def _invite_after_commit(students, *, cohort, site_url):
    # The links carry a token made from the saved account, so they are made once it is saved.
    students = list(students)
    transaction.on_commit(lambda: send_invitations(students, cohort=cohort, site_url=site_url))


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


# -- a CSV file of students ---------------------------------------------------------------


@dataclass
class StudentCsv:
    """A parsed student file: every row with its errors, and errors about the file as a whole."""

    rows: list[StudentRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_with_errors(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_clean(self):
        return not self.errors and bool(self.rows) and not self.rows_with_errors

    @property
    def new_count(self):
        return sum(1 for row in self.rows if not row.errors and not row.existing)

    @property
    def existing_count(self):
        return sum(1 for row in self.rows if not row.errors and row.existing and not row.in_cohort)

    @property
    def in_cohort_count(self):
        return sum(1 for row in self.rows if not row.errors and row.in_cohort)


class _FileRefused(Exception):
    pass


def _header_key(text):
    text = re.sub(r"[\s_\-]+", " ", text.replace("\ufeff", "").strip().lower())
    return re.sub(r"[^a-z0-9 ]", "", text).strip()


def _decode(data):
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _FileRefused(
            f"The file is not UTF-8 text: line {line} has a character that cannot be read. "
            "In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload it again."
        ) from None


def _delimiter(text):
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


def _columns(header):
    """Map each student field to its column number; say what is missing, repeated or unused."""
    columns, unused = {}, []
    for index, name in enumerate(header):
        key = _header_key(name)
        field_name = next((f for f, names in HEADER_NAMES.items() if key in names), None)
        if field_name is None:
            if key:
                unused.append(name.strip())
            continue
        if field_name in columns:
            raise _FileRefused(
                f"The header row has two {STUDENT_FIELDS[field_name]} columns "
                f"(columns {columns[field_name] + 1} and {index + 1}); keep one."
            )
        columns[field_name] = index
    missing = [STUDENT_FIELDS[name] for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        found = ", ".join(f"“{name.strip()}”" for name in header if name.strip()) or "nothing"
        raise _FileRefused(
            f"The header row (line 1) has no {' or '.join(missing)} column. The first line must name "
            "the columns: Given name, Family name, Email, Student ID and, if you have them, USI. "
            f"It has {found}."
        )
    return columns, unused


def _read_rows(text):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise _FileRefused("The file is empty: it has no header row and no students.")
        columns, unused = _columns(header)
        rows, start = [], reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == CSV_MAX_ROWS:
                raise _FileRefused(
                    f"The file has more than {CSV_MAX_ROWS:,} students. Split it into files of at most "
                    f"{CSV_MAX_ROWS:,} and import them one after the other."
                )
            rows.append(_row(line, cells, columns, len(header)))
    except csv.Error as error:
        raise _FileRefused(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    if not rows:
        raise _FileRefused("The file has a header row but no students.")
    notes = (
        [f"Not imported: the column{'s' if len(unused) > 1 else ''} {', '.join(unused)}."] if unused else []
    )
    return rows, notes


def _row(line, cells, columns, width):
    # Spreadsheets often pad a row with empty trailing cells; only real values count.
    while len(cells) > width and not cells[-1].strip():
        cells = cells[:-1]
    values = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
    row = StudentRow(line=line, **normalise_student(values))
    if len(cells) != width:
        row.errors.append(
            f"This line has {_plural(len(cells), 'value')}; the header row has {_plural(width, 'column')}. "
            "Check for a missing value or an unquoted comma."
        )
    return row


def _mark_duplicates(rows):
    """Mark every row whose student ID, email or USI appears on another line of the file."""
    for name, fold in (("student_id", str.upper), ("email", str.lower), ("usi", str.upper)):
        same_value = defaultdict(list)
        for row in rows:
            if getattr(row, name):
                same_value[fold(getattr(row, name))].append(row)
        for same in same_value.values():
            for row in same if len(same) > 1 else ():
                others = [str(other.line) for other in same if other is not row]
                row.errors.append(
                    f"{STUDENT_FIELDS[name]} {getattr(row, name)} is also on "
                    f"line{'s' if len(others) > 1 else ''} {', '.join(others)}."
                )


def parse_student_csv(data, *, cohort, by):
    """Read a CSV file of students and check every row, saving nothing."""
    _check_manager(by)
    if not data.strip():
        return StudentCsv(errors=["The file is empty: it has no header row and no students."])
    if len(data) > CSV_MAX_BYTES:
        return StudentCsv(
            errors=[
                f"The file is {len(data) / 1024 / 1024:.1f} MB; a student file is at most "
                f"{CSV_MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            ]
        )
    try:
        rows, notes = _read_rows(_decode(data))
    except _FileRefused as refusal:
        return StudentCsv(errors=[str(refusal)])
    _mark_duplicates(rows)
    _check_rows(rows, cohort)
    return StudentCsv(rows=rows, notes=notes)


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


# -- enrolling ----------------------------------------------------------------------------
