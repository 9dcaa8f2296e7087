"""Unit outcomes as the national VET data standard's files: AVETMISS 8.0 NAT00120 and NAT00060.

What the RTO sends to NCVER (or its state training authority) each collection period, written as
NCVER's *AVETMISS VET Provider Collection specifications, Release 8.0* (November 2016) lays out:

- every file is fixed width, one record a line, no header record, each line ending in a carriage
  return and line feed (ASCII 13/10), in printable ASCII (section "File format");
- an alphanumeric field (A) is left-justified and space-filled; a numeric field (N) holds
  integers only, right-justified and zero-filled; a date (D) is DDMMYYYY; a field not reported
  is left blank (spaces) (section "Field types");
- the Training activity (NAT00120) file has one record per unit a student undertakes
  ("File specifications: Training activity (NAT00120) file", record length 158);
- the Subject (NAT00060) file has one record per unit the training activity names
  ("File specifications: Subject (NAT00060) file", record length 123: release 8.0 dropped 7.0's
  subject flag).

Only the unit result in force for each enrolment goes out (the newest, not corrected). What the
portal does not hold per student (the RTO's national code, delivery location, funding source,
delivery mode, study reason) comes from settings.AVETMISS, which the RTO sets once; a blank or
malformed one is a failure like any other, never filled in per row.

Before a file is written, `avetmiss_batch` runs the checks the national validator (NCVER's AVS)
makes on these fields and lists each failure with its student and unit; `AvetmissBatch.files`
refuses to write while any is left.
"""

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from evidence.models import UnitResult
from evidence.services.outcomes import day_start

CRLF = "\r\n"


@dataclass(frozen=True)
class Field:
    """One field of a fixed-width record: its name and position as the specification prints them."""

    name: str
    position: int  # the first column, counting from 1
    length: int
    type: str  # "A" alphanumeric, "N" numeric, "D" date


# Release 8.0, "File specifications: Training activity (NAT00120) file", field table.
NAT00120 = (
    Field("Training organisation identifier", 1, 10, "A"),
    Field("Training organisation delivery location identifier", 11, 10, "A"),
    Field("Client identifier", 21, 10, "A"),
    Field("Subject identifier", 31, 12, "A"),
    Field("Program identifier", 43, 10, "A"),
    Field("Activity start date", 53, 8, "D"),
    Field("Activity end date", 61, 8, "D"),
    Field("Delivery mode identifier", 69, 3, "A"),
    Field("Outcome identifier - national", 72, 2, "N"),
    Field("Funding source - national", 74, 2, "A"),
    Field("Commencing program identifier", 76, 1, "N"),
    Field("Training contract identifier", 77, 10, "A"),
    Field("Client identifier - apprenticeships", 87, 10, "A"),
    Field("Study reason identifier", 97, 2, "A"),
    Field("VET in schools flag", 99, 1, "A"),
    Field("Specific funding identifier", 100, 10, "A"),
    Field("School type identifier", 110, 2, "A"),
    Field("Outcome identifier - training organisation", 112, 3, "A"),
    Field("Funding source - state training authority", 115, 3, "A"),
    Field("Client tuition fee", 118, 5, "N"),
    Field("Fee exemption/concession type identifier", 123, 2, "A"),
    Field("Purchasing contract identifier", 125, 12, "A"),
    Field("Purchasing contract schedule identifier", 137, 3, "A"),
    Field("Hours attended", 140, 4, "N"),
    Field("Associated course identifier", 144, 10, "A"),
    Field("Scheduled hours", 154, 4, "N"),
    Field("Predominant delivery mode", 158, 1, "A"),
)
NAT00120_LENGTH = 158

# Release 8.0, "File specifications: Subject (NAT00060) file", field table.
NAT00060 = (
    Field("Subject identifier", 1, 12, "A"),
    Field("Subject name", 13, 100, "A"),
    Field("Subject field of education identifier", 113, 6, "A"),
    Field("VET flag", 119, 1, "A"),
    Field("Nominal hours", 120, 4, "N"),
)
NAT00060_LENGTH = 123

# Release 8.0 data element definitions, "Outcome identifier - national": the values a national
# file accepts. A state's own codes (kept beside them in OutcomeCode) go in its own files.
NATIONAL_OUTCOMES = frozenset({"20", "30", "40", "41", "51", "52", "60", "70", "81", "82", "85"})
CONTINUING = "70"
NOT_YET_STARTED = "85"
# "Delivery mode identifier" NNN and "Predominant delivery mode" N: not applicable, for recognition
# of prior learning and credit transfer, where nothing was delivered.
NOTHING_DELIVERED = frozenset({"51", "52", "60"})
# "Commencing program identifier" 8: a unit of competency or module enrolment only. The portal
# enrols students in units, not programs, so the program identifier stays blank.
UNIT_ONLY = 8
STUDY_REASONS = frozenset({"01", "02", "03", "04", "05", "06", "07", "08", "11", "12", "@@"})
# ASCED (ABS 1272.0) broad fields 01 to 12, then narrow and detailed digits.
FIELD_OF_EDUCATION = re.compile(r"(0[1-9]|1[0-2])\d{4}")
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
# Typographic punctuation that NFKD leaves alone, and its plain ASCII reading.
PUNCTUATION = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


class AvetmissError(Exception):
    """The files cannot be written: a check failed, or a value does not fit its field."""


def ascii_text(text):
    """Spell the text in printable ASCII: José → Jose, 'Café – bar' → 'Cafe - bar'.

    The specification allows printable ASCII only; accented letters lose their accents, and a
    character with no ASCII reading is left as it is, for the checks to report.
    """
    text = unicodedata.normalize("NFKD", (text or "").translate(PUNCTUATION))
    return "".join(char for char in text if not unicodedata.combining(char)).replace("\u00a0", " ")


def fixed_width(fields, values):
    """Return one record: each value laid out in its field as the specification's field types say."""
    out = []
    for spec, value in zip(fields, values, strict=True):
        if value is None or value == "":
            text = " " * spec.length
        elif spec.type == "D":
            text = value.strftime("%d%m%Y")
        elif spec.type == "N":
            text = str(int(value)).rjust(spec.length, "0")
        else:
            text = ascii_text(str(value)).ljust(spec.length)
        if len(text) != spec.length or not PRINTABLE_ASCII.fullmatch(text):
            raise AvetmissError(
                f"{spec.name} {value!r} does not fit {spec.length} printable ASCII characters."
            )
        out.append(text)
    return "".join(out)


def lines(fields, records):
    """Join the records as the file's bytes, each line ending in CR LF."""
    return "".join(fixed_width(fields, values) + CRLF for values in records).encode("ascii")


@dataclass(frozen=True)
class Failure:
    """A check the national validator would fail, with whom and what it is about and where to fix it."""

    rule: str
    message: str
    student: object = None
    unit: object = None
    fix_url: str = ""
    fix_label: str = ""
    # The fix page sends the admin back to a `next` address once saved.
    fix_returns: bool = False


@dataclass(frozen=True)
class Activity:
    """One student's training activity in one unit: a result in force and the days it spans."""

    result: UnitResult
    start: datetime.date
    end: datetime.date

    @property
    def enrolment(self):
        return self.result.enrolment

    @property
    def student(self):
        return self.result.enrolment.student

    @property
    def unit(self):
        return self.result.enrolment.tool.unit

    @property
    def outcome(self):
        return self.result.outcome_id

    def record(self, rto):
        """The NAT00120 values, in the field table's order."""
        nothing_delivered = self.outcome in NOTHING_DELIVERED
        return [
            rto["training_organisation_id"],
            rto["delivery_location_id"],
            self.student.student_id,
            self.unit.code,
            "",  # program identifier: a unit enrolment only
            self.start,
            self.end,
            "NNN" if nothing_delivered else rto["delivery_mode"],
            self.outcome,
            rto["funding_source_national"],
            UNIT_ONLY,
            "",  # training contract identifier: not an apprenticeship
            "",  # client identifier - apprenticeships
            rto["study_reason"],
            rto["vet_in_schools"],
            "",  # specific funding identifier
            "",  # school type identifier: reported with VET in schools only
            "",  # outcome identifier - training organisation
            "",  # funding source - state training authority
            None,  # client tuition fee: the portal holds no fees
            "",  # fee exemption/concession type identifier
            "",  # purchasing contract identifier
            "",  # purchasing contract schedule identifier
            None,  # hours attended
            "",  # associated course identifier
            None,  # scheduled hours
            "N" if nothing_delivered else rto["predominant_delivery_mode"],
        ]


def subject_record(unit):
    """The NAT00060 values of a unit, in the field table's order."""
    return [
        unit.code,
        ascii_text(unit.title)[:100],  # a title longer than the field's 100 characters is cut to fit
        unit.field_of_education,
        "Y" if unit.vet_flag else "N",
        unit.nominal_hours,
    ]


@dataclass(frozen=True)
class CollectionPeriod:
    """The days (Australia/Sydney) the submission reports on, usually one calendar year."""

    start: datetime.date
    end: datetime.date

    def __str__(self):
        return f"{self.start:%d/%m/%Y} to {self.end:%d/%m/%Y}"


@dataclass
class AvetmissBatch:
    """The activities and subjects in scope, and every check they fail."""

    period: CollectionPeriod
    activities: list
    subjects: list
    failures: list = field(default_factory=list)
    rto: dict = field(default_factory=dict)

    def nat00120(self):
        return lines(NAT00120, [activity.record(self.rto) for activity in self.activities])

    def nat00060(self):
        return lines(NAT00060, [subject_record(unit) for unit in self.subjects])

    def files(self):
        """Return {file name: bytes}; refuse while any check fails."""
        if self.failures:
            count = len(self.failures)
            raise AvetmissError(
                f"{count} {'check fails' if count == 1 else 'checks fail'}: fix them before the files are written."
            )
        if not self.activities:
            raise AvetmissError("No unit results in scope: there is nothing to report.")
        return {"NAT00120.txt": self.nat00120(), "NAT00060.txt": self.nat00060()}

    def zip(self):
        """Both files in one ZIP archive, stamped with the period's end so the bytes repeat."""
        buffer = io.BytesIO()
        stamp = (self.period.end.year, self.period.end.month, self.period.end.day, 0, 0, 0)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files().items():
                archive.writestr(zipfile.ZipInfo(name, stamp), content, zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


def activity_days(result):
    """The activity's start and end dates.

    It starts when the student starts the unit (the cohort's start, or the enrolment if later).
    A finished unit ends the day its result was signed (Sydney); a continuing (70) or not yet
    started (85) one ends when its cohort is planned to end, if the cohort says.
    """
    enrolment = result.enrolment
    start = enrolment.starts_on
    if result.outcome_id in (CONTINUING, NOT_YET_STARTED):
        planned = enrolment.cohort.end_date if enrolment.cohort_id else None
        return start, planned or max(start, timezone.localdate(result.signed_at))
    return start, timezone.localdate(result.signed_at)


def results_in_scope(*, cohort=None, signed_from=None, signed_to=None):
    """The unit results in force in the cohort and signed in the days chosen, in one query."""
    results = UnitResult.objects.filter(correction__isnull=True)
    if cohort is not None:
        results = results.filter(enrolment__cohort=cohort)
    if signed_from:
        results = results.filter(signed_at__gte=day_start(signed_from))
    if signed_to:
        results = results.filter(signed_at__lt=day_start(signed_to + datetime.timedelta(days=1)))
    return results.select_related(
        "enrolment__student", "enrolment__tool__unit", "enrolment__cohort"
    ).order_by("enrolment__student__student_id", "enrolment__tool__unit__code", "pk")


def avetmiss_batch(*, period, cohort=None, signed_from=None, signed_to=None):
    """Return the batch for these results and collection period, checked; one query however many rows."""
    rto = dict(settings.AVETMISS)
    activities = [
        Activity(result, *activity_days(result))
        for result in results_in_scope(cohort=cohort, signed_from=signed_from, signed_to=signed_to)
    ]
    subjects = {}
    for activity in activities:
        known = subjects.get(activity.unit.code)
        if known is None or known.release < activity.unit.release:
            subjects[activity.unit.code] = activity.unit
    subjects = sorted(subjects.values(), key=lambda unit: unit.code)
    failures = check_settings(rto)
    for activity in activities:
        failures.extend(check_activity(activity, period))
    for unit in subjects:
        failures.extend(check_subject(unit))
    return AvetmissBatch(period, activities, subjects, failures, rto)


# -- the national validator's checks on these fields ------------------------------------------------


def check_settings(rto):
    """Check what the RTO set once for every line (settings.AVETMISS, from the environment)."""
    wrong = []
    if not rto["training_organisation_id"] or len(rto["training_organisation_id"]) > 10:
        wrong.append("AVETMISS_TRAINING_ORGANISATION_ID: the RTO's national code, up to 10 characters")
    if not rto["delivery_location_id"] or len(rto["delivery_location_id"]) > 10:
        wrong.append("AVETMISS_DELIVERY_LOCATION_ID: the delivery location's identifier, up to 10 characters")
    if not re.fullmatch(r"\d\d", rto["funding_source_national"]):
        wrong.append("AVETMISS_FUNDING_SOURCE_NATIONAL: two digits, e.g. 20 (domestic fee for service)")
    if not re.fullmatch(r"[YN]{3}", rto["delivery_mode"]) or rto["delivery_mode"] == "NNN":
        wrong.append("AVETMISS_DELIVERY_MODE: Y or N for internal, external and workplace-based, e.g. YNN")
    if rto["predominant_delivery_mode"] not in ("I", "E", "W"):
        wrong.append("AVETMISS_PREDOMINANT_DELIVERY_MODE: I, E or W")
    if rto["study_reason"] not in STUDY_REASONS:
        wrong.append("AVETMISS_STUDY_REASON: 01 to 08, 11, 12, or @@ (not specified)")
    if rto["vet_in_schools"] not in ("Y", "N"):
        wrong.append("AVETMISS_VET_IN_SCHOOLS: Y or N")
    return [
        Failure("setting", f"Set {what} (see the README's configuration table).", fix_label="")
        for what in wrong
    ]


def fix_for(activity, what):
    """Who and what a failure is about, and the page where it is put right: the student's details,
    the dates (the cohort's, or the unit record's), or the result (corrected on the unit record)."""
    enrolment = activity.enrolment
    if what == "student":
        url, label = (
            reverse("admin:assessor_portal_user_change", args=[activity.student.pk]),
            "Edit the student",
        )
    elif what == "dates" and enrolment.cohort_id:
        url, label = reverse("evidence:cohort_edit", args=[enrolment.cohort_id]), "Edit the cohort's dates"
    elif what == "dates":
        url, label = reverse("evidence:enrolment_record", args=[enrolment.pk]), "Open the unit record"
    else:
        url, label = reverse("evidence:enrolment_record", args=[enrolment.pk]), "Correct the result"
    return {"student": activity.student, "unit": activity.unit, "fix_url": url, "fix_label": label}


def check_activity(activity, period):
    """Check one training activity line the way the national validator does."""
    student, unit, outcome = activity.student, activity.unit, activity.outcome
    found = []
    client = student.student_id
    if not client:
        found.append(
            Failure(
                "client_identifier_missing",
                "The student has no student ID (client identifier).",
                **fix_for(activity, "student"),
            )
        )
    elif len(client) > 10 or not PRINTABLE_ASCII.fullmatch(client):
        found.append(
            Failure(
                "client_identifier_invalid",
                f"Student ID {client} is not up to 10 printable ASCII characters (client identifier).",
                **fix_for(activity, "student"),
            )
        )
    if not unit.code or len(unit.code) > 12:
        found.append(
            Failure(
                "subject_identifier_invalid",
                f"Unit code {unit.code or '(none)'} is not 1 to 12 characters (subject identifier).",
                **fix_for(activity, "result"),
            )
        )
    if outcome not in NATIONAL_OUTCOMES:
        found.append(
            Failure(
                "outcome_not_national",
                f"Outcome {outcome} is not a national outcome identifier (20, 30, 40, 41, 51, 52, 60, 70, 81, 82, 85).",
                **fix_for(activity, "result"),
            )
        )
    if activity.start > activity.end:
        found.append(
            Failure(
                "start_after_end",
                f"The activity starts {activity.start:%d/%m/%Y}, after it ends {activity.end:%d/%m/%Y}.",
                **fix_for(activity, "dates"),
            )
        )
    if outcome == NOT_YET_STARTED:
        if activity.start <= period.end:
            found.append(
                Failure(
                    "not_yet_started_starts_in_period",
                    f"Outcome 85 (not yet started) needs a start after the collection period ends "
                    f"({period.end:%d/%m/%Y}); it starts {activity.start:%d/%m/%Y}.",
                    **fix_for(activity, "result"),
                )
            )
        return found
    if activity.start > period.end:
        found.append(
            Failure(
                "starts_after_period",
                f"The activity starts {activity.start:%d/%m/%Y}, after the collection period: only outcome 85 "
                "(not yet started) may.",
                **fix_for(activity, "result"),
            )
        )
    if activity.end < period.start:
        found.append(
            Failure(
                "ends_before_period",
                f"The activity ended {activity.end:%d/%m/%Y}, before the collection period began: it belongs "
                "to an earlier period's files (narrow the results chosen).",
                **fix_for(activity, "dates"),
            )
        )
    if outcome == CONTINUING and activity.end <= period.end:
        found.append(
            Failure(
                "continuing_ends_in_period",
                f"Outcome 70 (continuing) needs an end date after the collection period ends "
                f"({period.end:%d/%m/%Y}); it ends {activity.end:%d/%m/%Y}.",
                **fix_for(activity, "dates"),
            )
        )
    if outcome != CONTINUING and activity.end > period.end:
        found.append(
            Failure(
                "finished_after_period",
                f"Outcome {outcome} ended {activity.end:%d/%m/%Y}, after the collection period: a unit still "
                "going at its end is reported as 70 (continuing).",
                **fix_for(activity, "result"),
            )
        )
    return found


def check_subject(unit):
    """Check one unit's subject line: the details the RTO sets on the unit."""
    fix = {
        "unit": unit,
        "fix_url": reverse("units:unit_reporting", args=[unit.code, unit.release]),
        "fix_returns": True,
    }
    fix["fix_label"] = "Set the unit's reporting details"
    found = []
    if unit.nominal_hours is None or not 1 <= unit.nominal_hours <= 9999:
        found.append(Failure("nominal_hours_missing", "The unit has no nominal hours (1 to 9999).", **fix))
    if not FIELD_OF_EDUCATION.fullmatch(unit.field_of_education or ""):
        found.append(
            Failure(
                "field_of_education_invalid",
                f"Field of education {unit.field_of_education or '(none)'} is not a six-digit ASCED code "
                "(broad field 01 to 12).",
                **fix,
            )
        )
    if not PRINTABLE_ASCII.fullmatch(ascii_text(unit.title)):
        found.append(
            Failure(
                "subject_name_not_ascii",
                "The unit's title has characters with no plain ASCII spelling (subject name).",
                **fix,
            )
        )
    return found
