"""Observations: the assessor starts one for a student and marks it live; the student signs it after."""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from assessor_portal.http import client_ip
from evidence.forms.attempts import ObservationSignForm
from evidence.permissions import (
    can_mark_attempt,
    can_work_on_enrolment,
    get_attempt_for,
    get_enrolment_for,
    is_cohort_assessor,
)
from evidence.services.attempts import AttemptError
from evidence.services.marking import MarkingError
from evidence.services.observations import sign_observation, start_observation
from units.models import Task


@require_POST
@login_required
def observation_start(request, enrolment_pk, task_pk):
    enrolment = get_enrolment_for(request.user, enrolment_pk)
    if not is_cohort_assessor(request.user, enrolment):
        raise PermissionDenied
    task = get_object_or_404(Task, pk=task_pk, tool_id=enrolment.tool_id)
    try:
        attempt = start_observation(enrolment, task, by=request.user)
    except MarkingError as error:
        messages.error(request, str(error))
        return redirect("evidence:marking_queue")
    messages.success(
        request, f"Observing {enrolment.student.get_full_name()}: mark each criterion as you see it."
    )
    return redirect(attempt.get_marking_url())


@require_POST
@login_required
def observation_sign(request, pk):
    """The student signs the observation: on their own device, or on the assessor's with their password."""
    attempt = get_attempt_for(request.user, pk)
    student = attempt.enrolment.student
    on_assessors_device = can_mark_attempt(request.user, attempt)
    if not on_assessors_device and not can_work_on_enrolment(request.user, attempt.enrolment):
        raise PermissionDenied
    form = ObservationSignForm(request.POST, on_assessors_device=on_assessors_device)
    back = attempt.get_marking_url() if on_assessors_device else attempt.get_absolute_url()
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(back)
    signer = request.user
    if on_assessors_device:
        # Through authenticate, so that failed tries count towards the lockout like a sign-in's.
        signer = authenticate(request, username=student.username, password=form.cleaned_data["password"])
        if signer is None or signer.pk != student.pk:
            messages.error(request, f"That is not {student.get_full_name()}'s password. Nothing was signed.")
            return redirect(back)
    try:
        sign_observation(
            attempt,
            by=signer,
            typed_name=form.cleaned_data["typed_name"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except AttemptError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Signed by {student.get_full_name()}: the observation record is complete.")
    return redirect(back)
