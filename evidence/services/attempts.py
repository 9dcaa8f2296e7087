"""Every write a student makes to their own work: attempts, evidence and the declaration."""

import uuid
from dataclasses import dataclass

import filetype
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessor_portal.revisions import bump_revision, is_stale, lock_row
from evidence.models import Attempt, Declaration, Enrolment, EvidenceItem
from evidence.permissions import can_work_on_enrolment
from evidence.services.progress import refresh_stage
from evidence.signing import names_match
from evidence.uploads import check_upload
from units.models import PerformanceCriterion

MAX_SIGNATURE_BYTES = 200 * 1024
NO_EVIDENCE = "Add at least one piece of evidence before you submit."
OBSERVATION_NOT_SUBMITTED = (
    "An observation is not submitted: your assessor starts it when they observe you, "
    "and your uploads go with it."
)


class AttemptError(Exception):
    """The change to an attempt is refused; the message says why, for the student."""


@dataclass(frozen=True)
class AttemptState:
    """What a task page shows a student: the attempt to show, and whether they can work on it.

    `attempt` is the latest attempt, or None before the first; `next_number` is the attempt the
    student's next change goes into (the open draft's number, or the one a change would open),
    or None when the rules open no attempt (submitted, satisfactory, or attempts used up).
    """

    attempt: Attempt | None
    next_number: int | None
    refusal: str = ""

    @property
    def editable(self):
        return self.next_number is not None

    @property
    def working_on_latest(self):
        return self.attempt is not None and self.next_number == self.attempt.number

    @property
    def attempt_shown(self):
        """The attempt whose evidence the page lists: none yet when a change would open a new one."""
        return self.attempt if self.working_on_latest or not self.editable else None

    @property
    def number_shown(self):
        return self.next_number or self.attempt.number

    @property
    def attempt_to_submit(self):
        """The attempt a submission is about: the open draft, or the latest to say why it cannot be."""
        return self.attempt_shown


def attempt_state(enrolment, task):
    """Say which attempt a student works on next, without opening one: a GET never writes."""
    last = Attempt.objects.filter(enrolment=enrolment, task=task).order_by("-number").first()
    if last is None:
        return AttemptState(None, 1)
    if last.is_draft:
        return AttemptState(last, last.number)
    if last.student_status() != Attempt.Status.NOT_SATISFACTORY:
        return AttemptState(last, None, f"Attempt {last.number} is {last.student_status().label.lower()}.")
    if last.number >= task.max_attempts:
        return AttemptState(
            last,
            None,
            f"You have used all {task.max_attempts} attempts at this task. "
            "Talk to your assessor about reassessment.",
        )
    return AttemptState(last, last.number + 1)


@transaction.atomic
def open_attempt(enrolment, task, *, by):
    """Return the student's open draft for a task, starting one when the rules allow it.

    The first attempt opens with the student's first piece of evidence; another opens only after
    a Not satisfactory result and while the task's maximum attempts are not used up.
    """
    if not can_work_on_enrolment(by, enrolment):
        raise PermissionDenied
    if task.tool_id != enrolment.tool_id:
        raise AttemptError("This task is not part of your enrolment.")
    # Lock the enrolment, a row that always exists: locking the task's attempts would lock
    # nothing before the first one, and two first uploads at once would both open attempt 1.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).exists()
    state = attempt_state(enrolment, task)
    if not state.editable:
        raise AttemptError(state.refusal)
    if state.working_on_latest:
        return state.attempt
    attempt = Attempt.objects.create(enrolment=enrolment, task=task, number=state.next_number)
    refresh_stage(enrolment.pk)
    return attempt


def _lock_draft(attempt, *, by, revision=None):
    """Lock the attempt's row; refuse unless it is the student's own unsubmitted, current draft."""
    attempt = lock_row(Attempt.objects.select_related("enrolment", "task"), attempt.pk)
    if not can_work_on_enrolment(by, attempt.enrolment):
        raise PermissionDenied
    if not attempt.is_draft:
        submitted = timezone.localtime(attempt.submitted_at).strftime("%d/%m/%Y %H:%M")
        raise AttemptError(
            f"Attempt {attempt.number} was submitted on {submitted} and can no longer be changed."
        )
    if is_stale(attempt, revision):
        raise AttemptError(
            "This page is out of date: the attempt was changed in another tab or window. "
            "Check the evidence below, then try again."
        )
    return attempt


def add_file_evidence(attempt, upload, *, by):
    """Store an uploaded file as evidence, checked by its content and hashed as it streams."""
    checked = check_upload(upload)
    item = EvidenceItem(
        attempt=attempt,
        kind=EvidenceItem.Kind.FILE,
        title=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
    )
    # Copy the file into storage before taking the attempt's lock, so a large file never holds
    # up the other uploads of the same page; a refused or failed save removes it again.
    item.file.save(f"upload.{checked.extension}", upload, save=False)
    try:
        with transaction.atomic():
            item.attempt = _lock_draft(attempt, by=by)
            item.save()
            bump_revision(item.attempt)
    except BaseException:
        item.file.delete(save=False)
        raise
    return item, checked


@transaction.atomic
def add_text_evidence(attempt, *, by, title, text):
    """Add a written answer to the student's draft."""
    attempt = _lock_draft(attempt, by=by)
    item = EvidenceItem.objects.create(attempt=attempt, kind=EvidenceItem.Kind.TEXT, title=title, text=text)
    bump_revision(attempt)
    return item


@transaction.atomic
def add_link_evidence(attempt, *, by, title, url):
    """Add a link (a video, a shared document) to the student's draft."""
    attempt = _lock_draft(attempt, by=by)
    item = EvidenceItem.objects.create(
        attempt=attempt, kind=EvidenceItem.Kind.LINK, title=title or url, url=url
    )
    bump_revision(attempt)
    return item


@transaction.atomic
def remove_evidence(item, *, by):
    """Take a piece of evidence out of a draft before it is submitted."""
    attempt = _lock_draft(item.attempt, by=by)
    stored = item.file.name if item.file else ""
    EvidenceItem.objects.filter(pk=item.pk).delete()
    bump_revision(attempt)
    if stored:
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def link_criteria(item, criteria_ids, *, by):
    """Say which performance criteria a piece of evidence demonstrates."""
    attempt = _lock_draft(item.attempt, by=by)
    unit_id = attempt.enrolment.tool.unit_id
    criteria = list(PerformanceCriterion.objects.filter(element__unit_id=unit_id, pk__in=criteria_ids))
    if len(criteria) != len(set(criteria_ids)):
        raise AttemptError("Some of those criteria are not part of this unit.")
    item.criteria.set(criteria)
    bump_revision(attempt)
    return criteria


@transaction.atomic
def submit_attempt(attempt, *, by, typed_name, revision, signature_png=None, ip_address=None, user_agent=""):
    """Sign the own-work declaration and submit: the attempt and its evidence are then frozen."""
    if attempt is None:
        raise AttemptError(NO_EVIDENCE)
    attempt = _lock_draft(attempt, by=by, revision=revision)
    if attempt.task.is_observation:
        raise AttemptError(OBSERVATION_NOT_SUBMITTED)
    if not attempt.evidence.exists():
        raise AttemptError(NO_EVIDENCE)
    expected = by.get_full_name()
    if not names_match(typed_name, expected):
        raise AttemptError(f"Type your full name exactly as it is on your enrolment ({expected}) to sign.")
    declaration = Declaration(
        attempt=attempt,
        student=by,
        typed_name=typed_name.strip(),
        signed_at=timezone.now(),
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
    )
    if signature_png:
        if len(signature_png) > MAX_SIGNATURE_BYTES or filetype.guess_extension(signature_png) != "png":
            raise AttemptError(
                "The drawn signature could not be read. Clear it and draw it again, or leave it out."
            )
        # A random name: a signature image must not be found by guessing from the attempt's number.
        declaration.signature.save(f"{uuid.uuid4().hex}.png", ContentFile(signature_png), save=False)
    declaration.save()
    attempt.status, attempt.submitted_at = Attempt.Status.SUBMITTED, declaration.signed_at
    bump_revision(attempt, "status", "submitted_at")
    refresh_stage(attempt.enrolment_id)
    return attempt
