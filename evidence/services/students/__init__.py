"""Students arriving one by one or from a CSV file: checked, matched to who exists, invited.

A student is one person however they arrive (typed in, or a line of a CSV file): the student ID
is the RTO's own number and becomes the username; the USI is the national identifier. Whoever
already holds a student ID, username, email or USI is checked before anything is saved, so a
typo never merges two people or gives one person two accounts.
"""

from .adding import ImportOutcome, StudentOutcome, add_student, import_students
from .csv_files import StudentCsv, parse_student_csv
from .invitations import invitation_link, send_invitations
from .values import CSV_MAX_BYTES, StudentRow, normalise_student, student_value_errors

__all__ = [
    "CSV_MAX_BYTES",
    "ImportOutcome",
    "StudentCsv",
    "StudentOutcome",
    "StudentRow",
    "add_student",
    "import_students",
    "invitation_link",
    "normalise_student",
    "parse_student_csv",
    "send_invitations",
    "student_value_errors",
]
