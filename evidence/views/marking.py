"""The assessor's pages: the marking page for one attempt, its autosaved marks and the signature."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from evidence.forms.attempts import ObservationSignForm
from evidence.forms.marking import MarkForm, QualityCheckForm, QueueFilterForm, SignJudgementForm
from evidence.models import Attempt
from evidence.permissions import (
    can_check_judgement,
    can_mark_attempt,
    can_reopen_judgement,
    can_use_marking_queue,
    get_attempt_for,
    get_attempt_to_mark,
)
from evidence.selectors import (
    attempt_judgements,
    current_judgement,
    duplicate_owners,
    earlier_attempts,
    mark_rows,
    next_waiting,
    observations_to_start,
    queue_choices,
    waiting_quality_checks,
    waiting_work,
)
from evidence.services.marking import (
    MarkingError,
    StaleMark,
    check_judgement,
    reopen_judgement,
    save_mark,
    sign_judgement,
)
from evidence.services.observations import awaits_observed_signature
from evidence.uploads import opens_inline

QUEUE_PER_PAGE = 25


@require_safe
@login_required
def marking_queue(request):
    if not can_use_marking_queue(request.user):
        raise PermissionDenied
    cohorts, units, tasks = queue_choices(request.user)
    form = QueueFilterForm(request.GET or None, cohorts=cohorts, units=units, tasks=tasks)
    queue = waiting_work(request.user, **form.filters())
    page = Paginator(queue.attempts, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "evidence/marking_queue.html",
        {
            "form": form,
            "queue": queue,
            "page": page,
            "filters": filters.urlencode(),
            "checks": list(waiting_quality_checks(request.user)[:QUEUE_PER_PAGE]),
            "observations": observations_to_start(request.user, limit=QUEUE_PER_PAGE),
        },
    )


@require_safe
@login_required
def attempt_mark(request, pk):
    attempt = get_attempt_for(request.user, pk)
    if not can_mark_attempt(request.user, attempt):
        return redirect("evidence:attempt_review", attempt.pk)
    return render(request, "evidence/attempt_mark.html", _marking_context(request, attempt))


@require_POST
@login_required
def attempt_mark_save(request, pk, criterion_pk):
    form = MarkForm(request.POST)
    wants_json = request.headers.get("Accept") == "application/json"
    try:
        if not form.is_valid():
            get_attempt_to_mark(request.user, pk)  # strangers learn nothing, not even that it was unreadable
            raise MarkingError("That change could not be read. Reload the page and mark again.")
        mark = save_mark(pk, criterion_pk, by=request.user, **form.cleaned_data)
    except StaleMark as stale:
        theirs = stale.mark
        if wants_json:
            return JsonResponse(
                {
                    "error": str(stale),
                    "answer": theirs.answer,
                    "comment": theirs.comment,
                    "version": theirs.version,
                },
                status=409,
            )
        messages.error(request, str(stale))
    except MarkingError as error:
        if wants_json:
            return JsonResponse({"error": str(error)}, status=400)
        messages.error(request, str(error))
    else:
        saved = f"Saved {timezone.localtime(mark.updated_at):%H:%M}"
        if wants_json:
            return JsonResponse({"version": mark.version, "saved": saved})
        messages.success(request, f"{mark.criterion.code}: {saved.lower()}.")
    return redirect(f"{reverse('evidence:attempt_mark', args=[pk])}#mark-{criterion_pk}")


@require_POST
@login_required
def attempt_sign(request, pk):
    attempt = get_attempt_to_mark(request.user, pk)
    form = SignJudgementForm(request.POST, judged_before=current_judgement(attempt) is not None)
    if form.is_valid():
        try:
            judgement = sign_judgement(attempt, by=request.user, **form.cleaned_data)
        except MarkingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Signed: {judgement.get_result_display()}. "
                + (
                    "The feedback is with the student."
                    if judgement.attempt.feedback_released_at
                    else "The feedback waits for a quality check."
                ),
            )
            return redirect(attempt.get_marking_url())
    context = _marking_context(request, attempt, sign_form=form)
    return render(request, "evidence/attempt_mark.html", context, status=400)


@require_POST
@login_required
def attempt_check(request, pk):
    attempt = get_attempt_to_mark(request.user, pk)
    judgement = current_judgement(attempt)
    if not can_check_judgement(request.user, attempt, judgement):
        raise PermissionDenied
    form = QualityCheckForm(request.POST)
    if form.is_valid():
        try:
            check = check_judgement(judgement, by=request.user, **form.cleaned_data)
        except MarkingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Approved: the feedback is with the student."
                if check.approved
                else "Sent back to the assessor with your comment.",
            )
            return redirect("evidence:marking_queue")
    context = _marking_context(request, attempt, check_form=form)
    return render(request, "evidence/attempt_mark.html", context, status=400)


@require_POST
@login_required
def attempt_reopen(request, pk):
    attempt = get_attempt_to_mark(request.user, pk)
    try:
        reopen_judgement(attempt, by=request.user)
    except MarkingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "Reopened: correct the marks and sign again with a reason. The signed judgement stays on the record.",
        )
    return redirect(attempt.get_marking_url())


def _shown_as_image(item):
    return (
        not item.file_removed and item.content_type.startswith("image/") and opens_inline(item.content_type)
    )


def _marking_context(request, attempt, sign_form=None, check_form=None):
    attempt = Attempt.objects.select_related(
        "enrolment__student", "enrolment__tool__unit", "enrolment__cohort", "task"
    ).get(pk=attempt.pk)
    items = list(attempt.evidence.prefetch_related("criteria"))
    duplicates = duplicate_owners(attempt, items, viewer=request.user)
    markable = attempt.status in {Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED}
    judgements = attempt_judgements(attempt)
    in_force = judgements[0] if judgements else None
    return {
        "attempt": attempt,
        "enrolment": attempt.enrolment,
        "student": attempt.enrolment.student,
        "unit": attempt.enrolment.tool.unit,
        "task": attempt.task,
        "declaration": getattr(attempt, "declaration", None),
        "items": [(item, _shown_as_image(item), duplicates.get(item.sha256, [])) for item in items],
        "rows": mark_rows(attempt),
        "markable": markable,
        "earlier": earlier_attempts(attempt),
        "judgement": in_force,
        "judgements": judgements,
        "sign_form": sign_form
        or SignJudgementForm(judged_before=in_force is not None, initial=_sign_initial(in_force)),
        "check_form": (check_form or QualityCheckForm())
        if can_check_judgement(request.user, attempt, in_force)
        else None,
        "may_reopen": can_reopen_judgement(request.user, attempt),
        "observation_form": ObservationSignForm(on_assessors_device=True)
        if awaits_observed_signature(attempt)
        else None,
        "next_waiting": next_waiting(attempt, request.user),
    }


def _sign_initial(earlier):
    """Start a new judgement from the one it corrects: its feedback, and the check that sent it back."""
    if earlier is None:
        return {}
    check = getattr(earlier, "quality_check", None)
    return {
        "feedback": earlier.feedback,
        "reason": f"Sent back by the quality check: {check.comment}" if check and not check.approved else "",
    }
