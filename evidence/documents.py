"""What each printed form of a student's work shows, read in a fixed number of queries.

The forms (templates/documents/) are the sector's paper forms; these functions gather their rows.
A student's copy shows a judgement only once its feedback has been released to them.
"""

import hashlib
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

# The outcomes a record sheet prints as its two tick boxes; any other outcome is printed by name.
from evidence.models import (
    COMPETENT,
    NOT_YET_COMPETENT,
    Declaration,
    RecordSheetCopy,
    ResultAcknowledgement,
    UnitResult,
)
from evidence.selectors import (
    criteria_completed,
    current_judgement,
    current_results,
    evidence_by_criterion,
    mark_rows,
    unit_record,
)
from units.documents import ChecklistRow, EvidenceGuide, blank_checklist, guide_elements
from units.matrix import checklist_criteria

UNRELEASED_NOTICE = "Your assessor's marks show here once your result has been released to you."
UNSIGNED_NOTICE = "Not signed yet: these are the marks so far, and they may still change."


def attempt_checklist(attempt, *, for_student):
    """Return the attempt's checklist rows, the judgement that signed them and a notice for the reader.

    A signed attempt shows the marks exactly as signed (the judgement's own copy); an unsigned one
    shows the marks so far, to its assessors only.
    """
    judgement = current_judgement(attempt)
    released = attempt.feedback_released_at is not None
    if for_student and not released:
        return blank_checklist(attempt.task), None, UNRELEASED_NOTICE
    if judgement is None or not attempt.is_judged:
        rows = [
            ChecklistRow(row.criterion.code, row.criterion.text, row.answer, row.comment)
            for row in mark_rows(attempt)
        ]
        return rows, None, UNSIGNED_NOTICE
    signed = {mark["criterion"]: mark for mark in judgement.marks}
    rows = []
    for pc in checklist_criteria(attempt.task):
        mark = signed.get(pc.code, {})
        rows.append(ChecklistRow(pc.code, pc.text, mark.get("answer", ""), mark.get("comment", "")))
    return rows, judgement, ""


VERIFY_CODE_LENGTH = 16


@dataclass
class RecordSheet:
    """An enrolment's assessment record sheet: every task's released result and the unit result in force."""

    record: object  # evidence.selectors.UnitRecord, as the student sees it

    @property
    def enrolment(self):
        return self.record.enrolment

    @property
    def tasks(self):
        return self.record.tasks

    @property
    def result(self):
        return self.record.current_result

    @property
    def corrected(self):
        return self.record.results[1:]

    @property
    def acknowledgement(self):
        try:
            return self.result.acknowledgement if self.result else None
        except ResultAcknowledgement.DoesNotExist:
            return None

    @property
    def competent(self):
        return self.result is not None and self.result.outcome.code == COMPETENT

    @property
    def not_yet_competent(self):
        return self.result is not None and self.result.outcome.code == NOT_YET_COMPETENT

    @property
    def other_outcome(self):
        return self.result is not None and not (self.competent or self.not_yet_competent)

    @property
    def dated(self):
        """When the sheet took its present form: the student's acknowledgement, or the result's signature."""
        if self.acknowledgement:
            return self.acknowledgement.signed_at
        return self.result.signed_at if self.result else None

    @property
    def verify_url(self):
        return verify_url(self.result) if self.result else ""

    def as_record(self):
        """The sheet as the JSON embedded in its archival PDF: what an auditor's software reads."""
        enrolment, unit = self.enrolment, self.enrolment.tool.unit
        result, acknowledgement = self.result, self.acknowledgement
        return {
            "form": "Assessment record sheet",
            "unit": {"code": unit.code, "title": unit.title, "release": unit.release},
            "assessment_tool_version": enrolment.tool.version,
            "student": {
                "name": enrolment.student.get_full_name(),
                "student_id": enrolment.student.student_id,
            },
            "tasks": [
                {
                    "number": row.progress.task.number,
                    "title": row.progress.task.title,
                    "attempt": row.progress.attempt.number if row.progress.attempt else None,
                    "result": row.judgement.get_result_display() if row.judgement else "Not judged",
                    "feedback": row.judgement.feedback if row.judgement else "",
                    "assessor": row.judgement.typed_name if row.judgement else "",
                    "signed_at": _iso(row.judgement.signed_at) if row.judgement else None,
                    "sha256": row.judgement.sha256 if row.judgement else "",
                }
                for row in self.tasks
            ],
            "result": {
                "outcome_code": result.outcome.code,
                "outcome": result.outcome.label,
                "assessor": result.assessor.get_full_name(),
                "signed_as": result.typed_name,
                "signed_at": _iso(result.signed_at),
                "sha256": result.sha256,
                "corrects": result.corrects.sha256 if result.corrects_id else "",
                "reason": result.reason,
            }
            if result
            else None,
            "acknowledgement": {
                "signed_as": acknowledgement.typed_name,
                "signed_at": _iso(acknowledgement.signed_at),
                "sha256": acknowledgement.sha256,
            }
            if acknowledgement
            else None,
        }

    def as_json(self):
        return json.dumps(self.as_record(), sort_keys=True, indent=2, ensure_ascii=False).encode()


def record_sheet(enrolment):
    """Return the enrolment's record sheet: task results as released to the student, and the result in force."""
    return RecordSheet(unit_record(enrolment, for_student=True))


def verify_url(result):
    """The short address, printed on the sheet, where anyone can check the record is as signed."""
    return settings.SITE_URL + reverse("evidence:verify_code", args=[result.sha256[:VERIFY_CODE_LENGTH]])


def find_result_by_code(code):
    """Return the unit result whose SHA-256 starts with the code (at least 16 hex digits), if exactly one."""
    code = code.strip().lower()
    if len(code) < VERIFY_CODE_LENGTH or len(code) > 64 or any(c not in "0123456789abcdef" for c in code):
        return None
    found = list(
        UnitResult.objects.filter(sha256__startswith=code).select_related(
            "outcome", "enrolment__student", "enrolment__tool__unit", "correction"
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _iso(moment):
    return timezone.localtime(moment).isoformat()


@dataclass
class Verification:
    """What the verify page may say of a file or a code: only what the record sheet itself shows."""

    verdict: str  # "copy": the file is a true copy; "record": the code names a record; "altered"; "unknown"
    result: UnitResult | None = None
    copy: RecordSheetCopy | None = None

    @property
    def correction(self):
        try:
            return self.result.correction if self.result else None
        except UnitResult.DoesNotExist:
            return None

    @property
    def acknowledgement(self):
        try:
            return self.result.acknowledgement if self.result else None
        except ResultAcknowledgement.DoesNotExist:
            return None


def verify_code(code):
    """Say whether the code printed on a record sheet names a signed record."""
    result = find_result_by_code(code)
    return Verification("record", result) if result else Verification("unknown")


def verify_file(upload):
    """Say whether an uploaded PDF is, byte for byte, a record sheet copy the portal issued.

    A file that is not a kept copy but carries a record sheet's attachment has been altered.
    """
    digest, content = hashlib.sha256(), io.BytesIO()
    for chunk in upload.chunks():
        digest.update(chunk)
        content.write(chunk)
    copy = (
        RecordSheetCopy.objects.filter(sha256=digest.hexdigest())
        .select_related("result__outcome", "result__enrolment__student", "result__enrolment__tool__unit")
        .first()
    )
    if copy is not None:
        return Verification("copy", copy.result, copy)
    return Verification("altered") if _claims_to_be_a_record(content) else Verification("unknown")


def _claims_to_be_a_record(content):
    try:
        return "record.json" in PdfReader(content).attachments
    except Exception:  # a damaged or foreign file can fail inside pypdf in many ways: it is no record
        return False


UNRELEASED_RESULT = "Your assessor's result and feedback show here once they have been released to you."


@dataclass
class CoverSheet:
    """An attempt's assessment cover sheet: the declaration as signed and the judgement in force."""

    attempt: object
    declaration: Declaration | None
    judgement: object | None
    notice: str = ""


def cover_sheet(attempt, *, for_student):
    """Return the attempt's cover sheet; a student sees the judgement only once it is released."""
    declaration = Declaration.objects.filter(attempt=attempt).first()
    judgement = current_judgement(attempt) if attempt.is_judged else None
    if for_student and judgement is not None and attempt.feedback_released_at is None:
        return CoverSheet(attempt, declaration, None, UNRELEASED_RESULT)
    return CoverSheet(attempt, declaration, judgement)


COVER_SHEET = "documents/cover_sheet.html"


def cover_sheet_context(attempt, *, for_student):
    """What the cover sheet template reads, for its page, its PDF and a cohort's download alike."""
    enrolment = attempt.enrolment
    return {
        "sheet": cover_sheet(attempt, for_student=for_student),
        "attempt": attempt,
        "task": attempt.task,
        "tool": enrolment.tool,
        "unit": enrolment.tool.unit,
        "student": enrolment.student,
    }


def cover_sheet_filename(attempt):
    enrolment = attempt.enrolment
    return f"{enrolment.tool.unit.code} task {attempt.task.number} cover sheet, {enrolment.student.get_full_name()}.pdf"


def evidence_guide(enrolment, elements, *, for_student):
    """Fill the guide in: a student sees a criterion completed only once its judgement is released."""
    return EvidenceGuide(
        guide_elements(
            elements,
            offered=evidence_by_criterion(enrolment),
            completed=criteria_completed(enrolment, for_student=for_student),
        ),
        Declaration.objects.filter(attempt__enrolment=enrolment).order_by("-signed_at", "-pk").first(),
        current_results([enrolment]).get(enrolment.pk),
    )
