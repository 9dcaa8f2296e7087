"""Appeals against unit results: the student lodges one, an admin assigns a reviewer, who decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from evidence.forms.marking import AppealDecisionForm, AppealForm, AssignReviewerForm
from evidence.models import UnitResult
from evidence.permissions import (
    can_decide_appeal,
    can_manage_appeals,
    can_work_on_enrolment,
    get_appeal_for,
    get_enrolment_for,
)
from evidence.selectors import appeal_reviewers, appeals_for, unit_record
from evidence.services.appeals import (
    AlreadyAppealed,
    AlreadyDecided,
    AppealError,
    assign_appeal_reviewer,
    decide_appeal,
    lodge_appeal,
)
from evidence.views.results import record_context
from units.models import Task

APPEALS_PER_PAGE = 25


@require_POST
@login_required
def appeal_lodge(request, pk):
    result = get_object_or_404(UnitResult.objects.select_related("enrolment"), pk=pk)
    enrolment = get_enrolment_for(request.user, result.enrolment_id)
    if not can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            appeal = lodge_appeal(result, by=request.user, **form.cleaned_data)
        except AlreadyAppealed as error:
            messages.error(request, str(error))
            return redirect("evidence:enrolment_record", enrolment.pk)
        except AppealError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your appeal is lodged. You will be told when it has been decided.")
            return redirect(appeal)
    context = record_context(request, enrolment, appeal_form=form)
    return render(request, "evidence/enrolment_record.html", context, status=400)


@require_safe
@login_required
def appeal_list(request):
    if not (can_manage_appeals(request.user) or request.user.is_assessor):
        raise Http404
    decided = request.GET.get("state") == "decided"
    page = Paginator(appeals_for(request.user, decided=decided), APPEALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    assigning = can_manage_appeals(request.user) and not decided
    reviewers = appeal_reviewers() if assigning else []
    rows = [
        (appeal, AssignReviewerForm(reviewers=reviewers, appeal=appeal) if assigning else None)
        for appeal in page
    ]
    context = {"page": page, "rows": rows, "decided": decided, "may_assign": assigning}
    return render(request, "evidence/appeal_list.html", context)


@require_POST
@login_required
def appeal_assign(request, pk):
    if not can_manage_appeals(request.user):
        raise Http404
    appeal = get_appeal_for(request.user, pk)
    form = AssignReviewerForm(request.POST, reviewers=appeal_reviewers(), appeal=appeal)
    if not form.is_valid():
        messages.error(request, f"Choose the assessor who reviews {appeal.typed_name}'s appeal.")
        return redirect("evidence:appeal_list")
    try:
        assignment = assign_appeal_reviewer(appeal, by=request.user, **form.cleaned_data)
    except AppealError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{assignment.reviewer.get_full_name()} reviews {appeal.typed_name}'s appeal."
        )
    return redirect("evidence:appeal_list")


@require_safe
@login_required
def appeal_detail(request, pk):
    appeal = get_appeal_for(request.user, pk)
    return render(request, "evidence/appeal_detail.html", _appeal_context(request, appeal))


@require_POST
@login_required
def appeal_decide(request, pk):
    appeal = get_appeal_for(request.user, pk)
    if not can_decide_appeal(request.user, appeal):
        raise PermissionDenied
    form = AppealDecisionForm(request.POST, tasks=_tasks(appeal))
    if form.is_valid():
        try:
            decision = decide_appeal(appeal, by=request.user, **form.cleaned_data)
        except AlreadyDecided as error:
            messages.error(request, str(error))
            return redirect(appeal)
        except AppealError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Signed: the appeal is {decision.get_outcome_display().lower()}.")
            return redirect(appeal)
    return render(request, "evidence/appeal_detail.html", _appeal_context(request, appeal, form), status=400)


def _tasks(appeal):
    return Task.objects.filter(tool=appeal.result.enrolment.tool_id).order_by("number")


def _appeal_context(request, appeal, decision_form=None):
    enrolment = appeal.result.enrolment
    is_student = can_work_on_enrolment(request.user, enrolment)
    decision = getattr(appeal, "decision", None)
    may_decide = can_decide_appeal(request.user, appeal) and decision is None
    return {
        "appeal": appeal,
        "result": appeal.result,
        "enrolment": enrolment,
        "unit": enrolment.tool.unit,
        "is_student": is_student,
        "record": unit_record(enrolment, for_student=is_student),
        "decision": decision,
        "reassessed": list(decision.reassessed_tasks.order_by("number")) if decision else [],
        "decision_form": (decision_form or AppealDecisionForm(tasks=_tasks(appeal))) if may_decide else None,
    }
