from django.urls import path

from assessor_portal.documents import document_paths

from .views import catalogue, tools

app_name = "units"
urlpatterns = [
    path("units/", catalogue.unit_list, name="unit_list"),
    path("units/import/", catalogue.unit_import, name="unit_import"),
    path("units/import/confirm/", catalogue.unit_import_confirm, name="unit_import_confirm"),
    path("units/<str:code>/", catalogue.unit_current, name="unit_current"),
    path("units/<str:code>/release-<int:release>/", catalogue.unit_detail, name="unit_detail"),
    path(
        "units/<str:code>/release-<int:release>/reporting/", catalogue.unit_reporting, name="unit_reporting"
    ),
    *document_paths(
        "units/<str:code>/release-<int:release>/evidence-guide",
        catalogue.unit_evidence_guide,
        "unit_evidence_guide",
    ),
    path("tools/", tools.tool_list, name="tool_list"),
    path("tools/new/", tools.tool_create, name="tool_create"),
    path("tools/<int:pk>/", tools.tool_detail, name="tool_detail"),
    path("tools/<int:pk>/edit/", tools.tool_edit, name="tool_edit"),
    path("tools/<int:pk>/publish/", tools.tool_publish, name="tool_publish"),
    path("tools/<int:pk>/new-version/", tools.tool_new_version, name="tool_new_version"),
    path(
        "tools/<int:pk>/new-release-version/",
        tools.tool_new_release_version,
        name="tool_new_release_version",
    ),
    path("tools/<int:pk>/retire/", tools.tool_retire, name="tool_retire"),
    path("tools/<int:pk>/matrix/", tools.tool_matrix, name="tool_matrix"),
    path("tools/<int:pk>/matrix/toggle/", tools.tool_matrix_toggle, name="tool_matrix_toggle"),
    *document_paths("tools/<int:pk>/matrix/form", tools.tool_matrix_form, "tool_matrix_form"),
    *document_paths("tools/<int:pk>/resource", tools.tool_resource, "tool_resource"),
    *document_paths("tools/<int:pk>/student", tools.tool_resource_student, "tool_resource_student"),
    path("tools/<int:pk>/tasks/new/", tools.task_create, name="task_create"),
    path("tools/<int:pk>/tasks/<int:task_pk>/edit/", tools.task_edit, name="task_edit"),
    path("tools/<int:pk>/tasks/<int:task_pk>/delete/", tools.task_delete, name="task_delete"),
    path("tools/<int:pk>/tasks/<int:task_pk>/move/", tools.task_move, name="task_move"),
    *document_paths("tools/<int:pk>/tasks/<int:task_pk>/checklist", tools.task_checklist, "task_checklist"),
]
