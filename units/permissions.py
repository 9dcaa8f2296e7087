"""Who may do what with units of competency."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import AssessmentTool, Task, Unit


def can_view_units(user):
    """Let every signed-in user read the unit catalogue."""
    return user.is_authenticated and user.is_active


def can_import_units(user):
    """Let only RTO admins load units into the catalogue."""
    return user.is_authenticated and user.is_rto_admin


def get_unit_for(user, code, release):
    """Fetch a unit release the user may read, or 404."""
    if not can_view_units(user):
        raise Http404
    return get_object_or_404(Unit, code=code.upper(), release=release)


def can_author_tools(user):
    """Let only RTO admins write assessment tools."""
    return user.is_authenticated and user.is_rto_admin


def can_view_full_tool(user):
    """Let admins and assessors read whole tools, assessor-only guidance included."""
    return user.is_authenticated and (user.is_rto_admin or user.is_assessor)


def can_view_student_tool(user, tool):
    """Let staff read any tool, and a student the student-facing tool they are enrolled in."""
    if can_view_full_tool(user):
        return True
    return user.is_authenticated and tool.enrolments.filter(student=user).exists()


def get_tool_for(user, pk, *, student_view=False):
    """Fetch a tool the user may read in the asked-for view, or 404."""
    tool = get_object_or_404(AssessmentTool.objects.select_related("unit"), pk=pk)
    allowed = can_view_student_tool(user, tool) if student_view else can_view_full_tool(user)
    if not allowed:
        raise Http404
    return tool


def get_task_for(user, tool_pk, task_pk):
    """Fetch a task of a tool the user may read in full, or 404."""
    if not can_view_full_tool(user):
        raise Http404
    return get_object_or_404(Task.objects.select_related("tool__unit"), pk=task_pk, tool_id=tool_pk)
