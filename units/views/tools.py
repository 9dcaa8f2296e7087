"""Assessment tools: their pages, tasks, the mapping matrix, checklists and the assessor resource."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from assessor_portal.documents import document_response

from ..documents import blank_checklist, observation_checklists
from ..forms import TaskForm, ToolForm
from ..matrix import build_matrix, get_matrix_row, parse_cell
from ..models import AssessmentTool, Task
from ..permissions import (
    can_author_tools,
    can_view_full_tool,
    get_task_for,
    get_tool_for,
)
from ..selectors import (
    elements_with_criteria,
    matrix_with_decisions,
    newer_release_for,
    tasks_with_criteria,
    tools_for_list,
)
from ..services import (
    ToolError,
    add_task,
    create_tool,
    delete_task,
    move_task,
    new_tool_version,
    new_tool_version_for_release,
    publish_tool,
    retire_tool,
    set_mapping,
    update_task,
    update_tool,
)


@login_required
def tool_list(request):
    if not can_view_full_tool(request.user):
        raise Http404
    return render(
        request,
        "units/tool_list.html",
        {
            "tools": tools_for_list(),
            "can_author": can_author_tools(request.user),
        },
    )


@login_required
def tool_create(request):
    if not can_author_tools(request.user):
        raise PermissionDenied
    form = ToolForm(request.POST or None, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        tool = create_tool(form.cleaned_data["unit"], by=request.user, **form.tool_fields())
        messages.success(request, f"Draft version {tool.version} created. Add its tasks next.")
        return redirect(tool)
    return render(request, "units/tool_form.html", {"form": form})


@login_required
def tool_detail(request, pk):
    tool = get_tool_for(request.user, pk)
    matrix = build_matrix(tool)
    successor, release_version = newer_release_for(tool)
    return render(
        request,
        "units/tool_detail.html",
        {
            "tool": tool,
            "matrix": matrix,
            "can_edit": can_author_tools(request.user) and tool.is_draft,
            "can_author": can_author_tools(request.user),
            "successor": successor,
            "release_version": release_version,
        },
    )


@login_required
def tool_edit(request, pk):
    tool = get_tool_for(request.user, pk)
    if not can_author_tools(request.user):
        raise PermissionDenied
    form = ToolForm(request.POST or None, instance=AssessmentTool.objects.get(pk=tool.pk))
    if request.method == "POST" and form.is_valid():
        try:
            update_tool(tool, by=request.user, revision=form.revision(), **form.tool_fields())
        except ToolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Tool details saved.")
            return redirect(tool)
    return _refuse_published(request, tool) or render(
        request, "units/tool_form.html", {"form": form, "tool": tool}
    )


@login_required
def task_create(request, pk):
    tool = get_tool_for(request.user, pk)
    if not can_author_tools(request.user):
        raise PermissionDenied
    form = TaskForm(request.POST or None, tool=tool)
    if request.method == "POST" and form.is_valid():
        # A refusal comes back on the form, with everything typed still in it.
        try:
            add_task(tool, by=request.user, **form.task_fields())
        except ToolError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Task added.")
            return redirect(tool)
    return _refuse_published(request, tool) or render(
        request, "units/task_form.html", {"form": form, "tool": tool}
    )


@login_required
def task_edit(request, pk, task_pk):
    task = get_task_for(request.user, pk, task_pk)
    if not can_author_tools(request.user):
        raise PermissionDenied
    form = TaskForm(request.POST or None, instance=Task.objects.get(pk=task.pk), tool=task.tool)
    if request.method == "POST" and form.is_valid():
        try:
            update_task(task, by=request.user, revision=form.revision(), **form.task_fields())
        except ToolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Task saved.")
            return redirect(task.tool)
    return _refuse_published(request, task.tool) or render(
        request, "units/task_form.html", {"form": form, "tool": task.tool, "task": task}
    )


@require_POST
@login_required
def task_delete(request, pk, task_pk):
    task = get_task_for(request.user, pk, task_pk)
    return _tool_change(
        request, task, delete_task, f"Task {task.number} removed; the tasks after it were renumbered."
    )


@require_POST
@login_required
def task_move(request, pk, task_pk):
    task = get_task_for(request.user, pk, task_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    return _tool_change(request, task, move_task, "Tasks reordered.", offset=offset)


@require_POST
@login_required
def tool_publish(request, pk):
    tool = get_tool_for(request.user, pk)
    return _tool_change(request, tool, publish_tool, "Published. The tool is now read-only.")


@require_POST
@login_required
def tool_new_version(request, pk):
    tool = get_tool_for(request.user, pk)
    try:
        draft = new_tool_version(tool, by=request.user)
    except ToolError as error:
        messages.error(request, str(error))
        return redirect(tool)
    messages.success(
        request,
        f"Draft version {draft.version} made from version {tool.version}, with every task and mapping.",
    )
    return redirect(draft)


@require_POST
@login_required
def tool_new_release_version(request, pk):
    tool = get_tool_for(request.user, pk)
    try:
        made = new_tool_version_for_release(tool, by=request.user)
    except ToolError as error:
        messages.error(request, str(error))
        return redirect(tool)
    (messages.success if made.created else messages.info)(request, made.message)
    return redirect(made.tool)


@require_POST
@login_required
def tool_retire(request, pk):
    tool = get_tool_for(request.user, pk)
    return _tool_change(request, tool, retire_tool, "Retired. It stays readable for past enrolments.")


@login_required
def tool_matrix(request, pk):
    tool = get_tool_for(request.user, pk)
    return render(request, "units/tool_matrix.html", _matrix_context(request, tool))


@require_POST
@login_required
def tool_matrix_toggle(request, pk):
    tool = get_tool_for(request.user, pk)
    task_pk, row_key, wanted = parse_cell(request.POST.get("cell", ""))
    task = get_object_or_404(
        Task.objects.select_related("tool"), pk=task_pk if task_pk.isdigit() else None, tool=tool
    )
    row = get_matrix_row(tool, row_key)
    if wanted not in {"0", "1"}:
        return HttpResponseBadRequest("Reload the matrix page and try again.")
    try:
        set_mapping(task, row, by=request.user, mapped=wanted == "1")
    except ToolError as error:
        if request.htmx:
            return HttpResponse(str(error), status=409)
        messages.error(request, str(error))
    if request.htmx:
        context = _matrix_context(request, tool)
        context["row"] = next(r for r in context["matrix"].rows if r.key == row_key)
        return render(request, "units/tool_matrix.html#toggled", context)
    return redirect(f"{reverse('units:tool_matrix', args=[tool.pk])}#row-{row_key}")


def _matrix_context(request, tool):
    return {
        "tool": tool,
        "matrix": matrix_with_decisions(tool),
        "can_edit": can_author_tools(request.user) and tool.is_draft,
    }


@require_safe
@login_required
def tool_matrix_form(request, pk, as_pdf=False):
    tool = get_tool_for(request.user, pk)
    context = {"tool": tool, "unit": tool.unit, "matrix": build_matrix(tool)}
    filename = f"{tool.unit.code} assessment matrix v{tool.version}.pdf"
    return document_response(request, "documents/matrix.html", context, filename=filename, as_pdf=as_pdf)


@require_safe
@login_required
def tool_resource(request, pk, as_pdf=False):
    tool = get_tool_for(request.user, pk)
    return _resource_response(request, tool, student_view=False, as_pdf=as_pdf)


@require_safe
@login_required
def tool_resource_student(request, pk, as_pdf=False):
    tool = get_tool_for(request.user, pk, student_view=True)
    return _resource_response(request, tool, student_view=True, as_pdf=as_pdf)


def _resource_response(request, tool, *, student_view, as_pdf):
    tasks = list(tasks_with_criteria(tool))
    context = {
        "tool": tool,
        "unit": tool.unit,
        "elements": elements_with_criteria(tool.unit_id),
        "requirement_lists": tool.unit.requirement_lists(),
        "tasks": tasks,
        "checklists": observation_checklists(tasks),
        # The matrix is the assessor's: the student version leaves it out, so it is not built.
        "matrix": None if student_view else build_matrix(tool),
        "student_view": student_view,
        # A student reading their unit's assessment information has no tool pages to go back to.
        "reader_sees_tools": can_view_full_tool(request.user),
    }
    version = "student assessment information" if student_view else "assessor resource"
    filename = f"{tool.unit.code} {version} v{tool.version}.pdf"
    return document_response(request, "documents/resource.html", context, filename=filename, as_pdf=as_pdf)


@require_safe
@login_required
def task_checklist(request, pk, task_pk, as_pdf=False):
    task = get_task_for(request.user, pk, task_pk)
    if not task.is_observation:
        raise Http404
    context = {"task": task, "tool": task.tool, "unit": task.tool.unit, "rows": blank_checklist(task)}
    filename = f"{task.tool.unit.code} task {task.number} observation checklist (blank).pdf"
    return document_response(request, "documents/checklist.html", context, filename=filename, as_pdf=as_pdf)


def _tool_change(request, target, service, success, **fields):
    """Run one tool service; a refusal becomes a message, and the user goes back to the tool."""
    tool = target if isinstance(target, AssessmentTool) else target.tool
    try:
        service(target, by=request.user, **fields)
    except ToolError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(tool)


def _refuse_published(request, tool):
    if refusal := tool.change_refusal():
        messages.error(request, refusal)
        return redirect(tool)
    return None
