"""The student's pages (home, task, evidence guide) and the read-only views of their work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from assessor_portal.downloads import stored_file_response
from assessor_portal.http import client_ip
from evidence.forms.attempts import (
    CriteriaForm,
    DeclarationForm,
    LinkEvidenceForm,
    ObservationSignForm,
    TextEvidenceForm,
)
from evidence.models import EvidenceItem
from evidence.permissions import (
    can_work_on_enrolment,
    get_attempt_for,
    get_enrolment_for,
    get_evidence_for,
    get_own_enrolment,
)
from evidence.selectors import (
    duplicate_owners,
    mark_rows,
    student_progress,
    task_progress,
)
from evidence.services.attempts import (
    AttemptError,
    add_file_evidence,
    add_link_evidence,
    add_text_evidence,
    attempt_state,
    link_criteria,
    open_attempt,
    remove_evidence,
    submit_attempt,
)
from evidence.services.observations import awaits_observed_signature
from evidence.uploads import UploadRefused, max_upload_bytes, opens_inline
from units.matrix import checklist_criteria
from units.models import Task
from units.selectors import linkable_criteria


@require_safe
@login_required
def student_home(request):
    if not request.user.is_student:
        return redirect("home")
    return render(request, "evidence/student_home.html", {"units": student_progress(request.user)})


@require_safe
@login_required
def task_detail(request, enrolment_pk, task_pk):
    enrolment, task = _enrolment_task(request, enrolment_pk, task_pk)
    context = _task_context(request, enrolment, task)
    if request.htmx:
        # The evidence list, and the status line above it, which the first upload changes.
        return render(request, "evidence/task_detail_refresh.html", context)
    return render(request, "evidence/task_detail.html", context)


@require_POST
@login_required
def evidence_upload(request, enrolment_pk, task_pk):
    enrolment, task = _own_enrolment_task(request, enrolment_pk, task_pk)
    results = []
    for upload in request.FILES.getlist("files"):
        try:
            attempt = open_attempt(enrolment, task, by=request.user)
            item, checked = add_file_evidence(attempt, upload, by=request.user)
        except (UploadRefused, AttemptError) as error:
            results.append({"ok": False, "name": upload.name, "message": str(error)})
        else:
            results.append(
                {
                    "ok": True,
                    "name": item.title,
                    "message": f"Uploaded “{item.title}” ({checked.type_label}).",
                }
            )
    if not results:
        results.append({"ok": False, "name": "", "message": "Choose at least one file to upload."})
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"results": results}, status=200 if all(r["ok"] for r in results) else 400)
    for result in results:
        (messages.success if result["ok"] else messages.error)(request, result["message"])
    return redirect("evidence:task_detail", enrolment.pk, task.pk)


@require_POST
@login_required
def evidence_text_add(request, enrolment_pk, task_pk):
    return _add_evidence(request, enrolment_pk, task_pk, TextEvidenceForm, add_text_evidence, "text_form")


@require_POST
@login_required
def evidence_link_add(request, enrolment_pk, task_pk):
    return _add_evidence(request, enrolment_pk, task_pk, LinkEvidenceForm, add_link_evidence, "link_form")


@require_POST
@login_required
def evidence_criteria(request, pk):
    item = get_evidence_for(request.user, pk)
    form = CriteriaForm(
        request.POST, criteria=linkable_criteria(item.attempt.task), prefix=f"evidence{item.pk}"
    )
    try:
        if not form.is_valid():
            raise AttemptError("Choose criteria from the list.")
        link_criteria(item, form.cleaned_data["criteria"], by=request.user)
    except AttemptError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Criteria saved for “{item.title}”.")
    return _back_to_task(request, item.attempt)


@require_POST
@login_required
def evidence_remove(request, pk):
    item = get_evidence_for(request.user, pk)
    try:
        remove_evidence(item, by=request.user)
    except AttemptError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Removed “{item.title}”.")
    return _back_to_task(request, item.attempt)


@require_POST
@login_required
def attempt_submit(request, enrolment_pk, task_pk):
    enrolment, task = _own_enrolment_task(request, enrolment_pk, task_pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            attempt = submit_attempt(
                attempt_state(enrolment, task).attempt_to_submit,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                revision=form.cleaned_data["revision"],
                signature_png=form.signature_png(),
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except AttemptError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Attempt {attempt.number} submitted. It is now with your assessor.")
            return redirect("evidence:task_detail", enrolment.pk, task.pk)
    if form.errors:
        messages.error(request, "Your attempt was not submitted: see “Sign and submit” below.")
    # The page comes back as it is now, with the evidence and revision of this moment, so the
    # student sees what changed and the next try is not refused for the same reason.
    return render(
        request, "evidence/task_detail.html", _task_context(request, enrolment, task, declaration_form=form)
    )


@require_safe
@login_required
def evidence_download(request, pk):
    item = get_evidence_for(request.user, pk)
    return evidence_file_response(request, item)


def evidence_file_response(request, item):
    """The evidence item's file for someone already allowed it: opened, downloaded or gone (410)."""
    if item.kind != EvidenceItem.Kind.FILE:
        raise Http404
    if item.file_removed:
        return render(request, "evidence/evidence_removed.html", {"item": item}, status=410)
    response = stored_file_response(
        item.file,
        filename=item.title,
        content_type=item.content_type,
        as_attachment=not opens_inline(item.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@login_required
def attempt_review(request, pk):
    attempt = get_attempt_for(request.user, pk)
    items = list(attempt.evidence.prefetch_related("criteria"))
    duplicates = duplicate_owners(attempt, items, viewer=request.user)
    return render(
        request,
        "evidence/attempt_review.html",
        {
            "attempt": attempt,
            "items": [(item, duplicates.get(item.sha256, [])) for item in items],
            "has_checklist": attempt.task.criteria.exists(),
        },
    )


def _enrolment_task(request, enrolment_pk, task_pk):
    enrolment = get_enrolment_for(request.user, enrolment_pk)
    return enrolment, get_object_or_404(Task, pk=task_pk, tool_id=enrolment.tool_id)


def _own_enrolment_task(request, enrolment_pk, task_pk):
    enrolment = get_own_enrolment(request.user, enrolment_pk)
    return enrolment, get_object_or_404(Task, pk=task_pk, tool_id=enrolment.tool_id)


def _task_context(request, enrolment, task, **forms):
    state = attempt_state(enrolment, task)
    is_student = can_work_on_enrolment(request.user, enrolment)
    shown = state.attempt_shown
    criteria = linkable_criteria(task)
    items = list(shown.evidence.prefetch_related("criteria")) if shown else []
    return {
        "enrolment": enrolment,
        "unit": enrolment.tool.unit,
        "task": task,
        "attempt": shown,
        "attempt_number": state.number_shown,
        "revision": shown.revision if shown else 0,
        "progress": task_progress(task, enrolment, state.attempt),
        "editable": is_student and state.editable,
        "items": [
            (
                item,
                CriteriaForm(
                    initial={"criteria": [pc.pk for pc in item.criteria.all()]},
                    criteria=criteria,
                    prefix=f"evidence{item.pk}",
                ),
            )
            for item in items
        ],
        "text_form": forms.get("text_form") or TextEvidenceForm(),
        "link_form": forms.get("link_form") or LinkEvidenceForm(),
        "declaration_form": forms.get("declaration_form") or DeclarationForm(),
        "max_upload_mb": max_upload_bytes() // (1024 * 1024),
        "declaration": getattr(shown, "declaration", None) if shown and not shown.is_draft else None,
        "submittable": is_student and state.editable and not task.is_observation,
        **_observation_context(task, state.attempt, is_student),
    }


def _observation_context(task, latest, is_student):
    """What the student's page shows of an observation: what is watched, the record, the signature."""
    if not task.is_observation:
        return {}
    released = latest is not None and latest.feedback_released_at is not None
    return {
        "observed_criteria": checklist_criteria(task),
        "observed_attempt": latest if released else None,
        "observed_rows": mark_rows(latest) if released else [],
        "observation_form": ObservationSignForm()
        if is_student and released and awaits_observed_signature(latest)
        else None,
    }


def _add_evidence(request, enrolment_pk, task_pk, form_class, service, form_name):
    enrolment, task = _own_enrolment_task(request, enrolment_pk, task_pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            attempt = open_attempt(enrolment, task, by=request.user)
            service(attempt, by=request.user, **form.cleaned_data)
        except AttemptError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Added to your evidence.")
            return redirect("evidence:task_detail", enrolment.pk, task.pk)
    context = _task_context(request, enrolment, task, **{form_name: form})
    return render(request, "evidence/task_detail.html", context, status=400)


def _back_to_task(request, attempt):
    return redirect("evidence:task_detail", attempt.enrolment_id, attempt.task_id)
