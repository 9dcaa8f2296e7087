"""A student's values, checked on their own: the same checks for the form and a CSV line."""

import re
from dataclasses import dataclass, field

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from assessor_portal.spreadsheets import FORMULA_STARTS

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
    # A name read back from a spreadsheet export would run as a formula (=HYPERLINK(…) becomes a
    # link). Exports neutralise it anyway; no real name starts so, so it is refused where typed.
    for name in ("given_name", "family_name"):
        value = values.get(name, "")
        if value.startswith(FORMULA_STARTS) and name not in errors:
            errors[name] = (
                f"{STUDENT_FIELDS[name]} “{value}” starts with “{value[0].strip() or 'a space'}”, which a "
                "spreadsheet runs as a formula; type the name without it."
            )
    # The database refuses NUL (PostgreSQL) and nobody types control characters: a file that
    # has them was damaged or crafted, so the value is refused here, in the form and the file alike.
    for name, label in STUDENT_FIELDS.items():
        if CONTROL_CHARACTERS.search(values.get(name, "")):
            errors[name] = f"{label} contains a control character (such as NUL); type it again."
    return errors
