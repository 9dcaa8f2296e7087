"""The unit record of one enrolment: every task's standing, the signed unit result and its acknowledgement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from evidence.forms.marking import AcknowledgeResultForm, AppealForm, UnitResultForm
from evidence.models import OutcomeCode, UnitResult
from evidence.permissions import can_record_result, can_work_on_enrolment, get_enrolment_for
from evidence.selectors import unit_record
from evidence.services.appeals import appeal_closes_on, appeal_refusal
from evidence.services.marking import MarkingError, acknowledge_result, record_unit_result, unit_result_rule


@require_safe
@login_required
def enrolment_record(request, pk):
    enrolment = get_enrolment_for(request.user, pk)
    return render(request, "evidence/enrolment_record.html", record_context(request, enrolment))


@require_POST
@login_required
def enrolment_result(request, pk):
    enrolment = get_enrolment_for(request.user, pk)
    if not can_record_result(request.user, enrolment):
        raise PermissionDenied
    form = UnitResultForm(request.POST, outcomes=_outcomes())
    if form.is_valid():
        try:
            result = record_unit_result(enrolment, by=request.user, **form.cleaned_data)
        except MarkingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Signed: {result.outcome.label} ({result.outcome.code}).")
            return redirect("evidence:enrolment_record", enrolment.pk)
    context = record_context(request, enrolment, result_form=form)
    return render(request, "evidence/enrolment_record.html", context, status=400)


@require_POST
@login_required
def result_acknowledge(request, pk):
    result = get_object_or_404(UnitResult.objects.select_related("enrolment"), pk=pk)
    enrolment = get_enrolment_for(request.user, result.enrolment_id)
    if not can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    form = AcknowledgeResultForm(request.POST)
    if form.is_valid():
        try:
            acknowledge_result(result, by=request.user, **form.cleaned_data)
        except MarkingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Signed. Your result is acknowledged.")
            return redirect("evidence:enrolment_record", enrolment.pk)
    context = record_context(request, enrolment, acknowledge_form=form)
    return render(request, "evidence/enrolment_record.html", context, status=400)


def _outcomes():
    return list(OutcomeCode.objects.filter(recordable=True).order_by("code"))


def record_context(request, enrolment, result_form=None, acknowledge_form=None, appeal_form=None):
    is_student = can_work_on_enrolment(request.user, enrolment)
    may_record = can_record_result(request.user, enrolment)
    record = unit_record(enrolment, for_student=is_student)
    current = record.current_result
    appealable = is_student and current is not None and not hasattr(current, "appeal")
    refusal = appeal_refusal(current) if appealable else ""
    return {
        "appeal_form": (appeal_form or AppealForm()) if appealable and not refusal else None,
        "appeal_closes_on": appeal_closes_on(current) if appealable else None,
        "appeal_refusal": refusal,
        "enrolment": enrolment,
        "unit": enrolment.tool.unit,
        "student": enrolment.student,
        "record": record,
        "is_student": is_student,
        "may_record": may_record,
        "result_form": (result_form or UnitResultForm(outcomes=_outcomes())) if may_record else None,
        "rule_notes": [note for note in unit_result_rule(enrolment).values() if note] if may_record else [],
        "acknowledge_form": (acknowledge_form or AcknowledgeResultForm())
        if is_student and current and not hasattr(current, "acknowledgement")
        else None,
    }
