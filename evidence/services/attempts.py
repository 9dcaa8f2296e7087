"""Every write a student makes to their own work: attempts, evidence and the declaration."""

import re

import filetype
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from evidence.models import Attempt, Declaration, EvidenceItem
from evidence.permissions import can_work_on_enrolment
from evidence.uploads import check_upload
from units.models import PerformanceCriterion

MAX_SIGNATURE_BYTES = 200 * 1024


class AttemptError(Exception):
    """The change to an attempt is refused; the message says why, for the student."""


@transaction.atomic
def open_attempt(enrolment, task, *, by):
    """Return the student's open draft for a task, starting one when the rules allow it.

    The first attempt opens on first visit; another opens only after a Not satisfactory result
    and while the task's maximum attempts are not used up.
    """
    if not can_work_on_enrolment(by, enrolment):
        raise PermissionDenied
    if task.tool_id != enrolment.tool_id:
        raise AttemptError("This task is not part of your enrolment.")
    attempts = list(
        Attempt.objects.select_for_update().filter(enrolment=enrolment, task=task).order_by("number")
    )
    if not attempts:
        return Attempt.objects.create(enrolment=enrolment, task=task, number=1)
    last = attempts[-1]
    if last.is_draft:
        return last
    if last.status != Attempt.Status.NOT_SATISFACTORY:
        raise AttemptError(f"Attempt {last.number} is {last.get_status_display().lower()}.")
    if last.number >= task.max_attempts:
        raise AttemptError(
            f"You have used all {task.max_attempts} attempts at this task. Talk to your assessor about reassessment."
        )
    return Attempt.objects.create(enrolment=enrolment, task=task, number=last.number + 1)


def _lock_draft(attempt, *, by, revision=None):
    """Lock the attempt's row; refuse unless it is the student's own unsubmitted, current draft."""
    attempt = Attempt.objects.select_for_update().select_related("enrolment", "task").get(pk=attempt.pk)
    if not can_work_on_enrolment(by, attempt.enrolment):
        raise PermissionDenied
    if not attempt.is_draft:
        submitted = timezone.localtime(attempt.submitted_at).strftime("%d/%m/%Y %H:%M")
        raise AttemptError(
            f"Attempt {attempt.number} was submitted on {submitted} and can no longer be changed."
        )
    if revision is not None and int(revision) != attempt.revision:
        raise AttemptError(
            "This page is out of date: the attempt was changed in another tab or window. "
            "Check the evidence below, then try again."
        )
    return attempt


def _changed(attempt):
    attempt.revision += 1
    attempt.save(update_fields=["revision"])


def add_file_evidence(attempt, upload, *, by):
    """Store an uploaded file as evidence, checked by its content and hashed as it streams."""
    checked = check_upload(upload)
    with transaction.atomic():
        attempt = _lock_draft(attempt, by=by)
        item = EvidenceItem(
            attempt=attempt,
            kind=EvidenceItem.Kind.FILE,
            title=checked.name,
            size=checked.size,
            content_type=checked.content_type,
            sha256=checked.sha256,
        )
        item.file.save(f"upload.{checked.extension}", upload, save=False)
        # A failed save must not leave an orphan file behind.
        try:
            item.save()
            _changed(attempt)
        except Exception:
            item.file.delete(save=False)
            raise
    return item, checked


@transaction.atomic
def add_text_evidence(attempt, *, by, title, text):
    """Add a written answer to the student's draft."""
    attempt = _lock_draft(attempt, by=by)
    item = EvidenceItem.objects.create(attempt=attempt, kind=EvidenceItem.Kind.TEXT, title=title, text=text)
    _changed(attempt)
    return item


@transaction.atomic
def add_link_evidence(attempt, *, by, title, url):
    """Add a link (a video, a shared document) to the student's draft."""
    attempt = _lock_draft(attempt, by=by)
    item = EvidenceItem.objects.create(
        attempt=attempt, kind=EvidenceItem.Kind.LINK, title=title or url, url=url
    )
    _changed(attempt)
    return item


@transaction.atomic
def remove_evidence(item, *, by):
    """Take a piece of evidence out of a draft before it is submitted."""
    attempt = _lock_draft(item.attempt, by=by)
    stored = item.file.name if item.file else ""
    EvidenceItem.objects.filter(pk=item.pk).delete()
    _changed(attempt)
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
    _changed(attempt)
    return criteria


@transaction.atomic
def submit_attempt(attempt, *, by, typed_name, revision, signature_png=None, ip_address=None, user_agent=""):
    """Sign the own-work declaration and submit: the attempt and its evidence are then frozen."""
    attempt = _lock_draft(attempt, by=by, revision=revision)
    if not attempt.evidence.exists():
        raise AttemptError("Add at least one piece of evidence before you submit.")
    expected = by.get_full_name()
    if _normal(typed_name) != _normal(expected):
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
        declaration.signature.save(f"signature-{attempt.pk}.png", ContentFile(signature_png), save=False)
    declaration.save()
    attempt.status, attempt.submitted_at = Attempt.Status.SUBMITTED, declaration.signed_at
    attempt.revision += 1
    attempt.save(update_fields=["status", "submitted_at", "revision"])
    return attempt


def _normal(name):
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()
