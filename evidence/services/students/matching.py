"""Matching students to the people already in the portal, so nobody gets two accounts."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower, Upper

from .values import STUDENT_FIELDS, STUDENT_ID_PATTERN, _squash, student_value_errors

User = get_user_model()


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
