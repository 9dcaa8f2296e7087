"""Validation pages: the plans, a new plan, a plan's sample, a sampled attempt to review, the report."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessor_portal.documents import document_response
from evidence.views.student import evidence_file_response

from .forms import FindingForm, PlanForm, SignPlanForm
from .permissions import (
    can_manage_validation,
    can_review_plan,
    can_see_sampled_work,
    get_item_evidence_for,
    get_item_for,
    get_plan_for,
)
from .selectors import plan_report, plans_for, sampled_work
from .services import ValidationPlanError, act_on_finding, create_plan, review_item, sign_plan

PLANS_PER_PAGE = 25


@require_safe
@login_required
def plan_list(request):
    if request.user.is_student:
        raise Http404
    page = Paginator(plans_for(request.user), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "validation/plan_list.html", {"page": page, "can_plan": can_manage_validation(request.user)}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_create(request):
    if not can_manage_validation(request.user):
        raise Http404
    form = PlanForm(request.POST or None, initial={"token": uuid.uuid4()})
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = create_plan(
                data["unit"],
                by=request.user,
                validator=data["validator"],
                sample_size=data["sample_size"],
                seed=data["seed"],
                token=data["token"],
            )
        except ValidationPlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Plan made: {plan.items.count()} judged attempts sampled.")
            return redirect(plan)
    status = 400 if request.method == "POST" else 200
    return render(request, "validation/plan_form.html", {"form": form}, status=status)


@require_safe
@login_required
def plan_detail(request, pk):
    plan = get_plan_for(request.user, pk)
    return render(request, "validation/plan_detail.html", _plan_context(request, plan))


@require_POST
@login_required
def plan_sign(request, pk):
    plan = get_plan_for(request.user, pk)
    form = SignPlanForm(request.POST)
    if form.is_valid():
        try:
            sign_plan(plan, by=request.user, **form.cleaned_data)
        except ValidationPlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Signed: the plan's findings are on the record.")
            return redirect(plan)
    plan = get_plan_for(request.user, pk)
    return render(request, "validation/plan_detail.html", _plan_context(request, plan, form), status=400)


def _plan_context(request, plan, sign_form=None):
    report = plan_report(plan)
    reviewing = can_review_plan(request.user, plan)
    return {
        "plan": plan,
        "report": report,
        "reviewing": reviewing,
        "can_open_items": can_see_sampled_work(request.user, plan),
        "can_act": can_manage_validation(request.user) and not plan.is_open,
        "sign_form": (sign_form or SignPlanForm()) if reviewing and report.all_reviewed else None,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_review(request, pk):
    item = get_item_for(request.user, pk)
    reviewing = can_review_plan(request.user, item.plan)
    initial = {
        "agrees": {True: "yes", False: "no"}.get(item.agrees),
        "comments": item.comments,
        "recommended_change": item.recommended_change,
    }
    form = FindingForm(request.POST or None, initial=initial) if reviewing else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                review_item(item, by=request.user, **form.cleaned_data)
            except ValidationPlanError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Finding saved for sample {item.position}.")
                following = item.plan.items.filter(
                    position__gt=item.position, reviewed_at__isnull=True
                ).first()
                return redirect(following or item.plan)
    context = {"item": item, "plan": item.plan, "work": sampled_work(item), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "validation/item_review.html", context, status=status)


@require_safe
@login_required
def item_evidence(request, pk, evidence_pk):
    _, evidence = get_item_evidence_for(request.user, pk, evidence_pk)
    return evidence_file_response(request, evidence)


@require_POST
@login_required
def item_act(request, pk):
    item = get_item_for(request.user, pk)
    if not can_manage_validation(request.user):
        raise Http404
    try:
        action = act_on_finding(item, by=request.user)
    except ValidationPlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Draft version {action.new_tool.version} of the {action.new_tool.unit.code} tool is ready "
            "for the recommended change.",
        )
    return redirect(item.plan)


@require_safe
@login_required
def plan_report_document(request, pk, as_pdf=False):
    plan = get_plan_for(request.user, pk)
    context = {
        "plan": plan,
        "report": plan_report(plan),
        "unit": plan.unit,
        "running_label": f"Validation plan {plan.pk}",
    }
    filename = f"{plan.unit.code} validation report {plan.pk}.pdf"
    return document_response(
        request, "validation/plan_report.html", context, filename=filename, as_pdf=as_pdf
    )
