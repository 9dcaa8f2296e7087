from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/import/confirm/", views.unit_import_confirm, name="unit_import_confirm"),
    path("units/<str:code>/", views.unit_current, name="unit_current"),
    path("units/<str:code>/release-<int:release>/", views.unit_detail, name="unit_detail"),
    path("tools/", views.tool_list, name="tool_list"),
    path("tools/new/", views.tool_create, name="tool_create"),
    path("tools/<int:pk>/", views.tool_detail, name="tool_detail"),
    path("tools/<int:pk>/edit/", views.tool_edit, name="tool_edit"),
    path("tools/<int:pk>/publish/", views.tool_publish, name="tool_publish"),
    path("tools/<int:pk>/new-version/", views.tool_new_version, name="tool_new_version"),
    path("tools/<int:pk>/retire/", views.tool_retire, name="tool_retire"),
    path("tools/<int:pk>/matrix/", views.tool_matrix, name="tool_matrix"),
    path("tools/<int:pk>/matrix/toggle/", views.tool_matrix_toggle, name="tool_matrix_toggle"),
    path("tools/<int:pk>/resource/", views.tool_resource, name="tool_resource"),
    path("tools/<int:pk>/student/", views.tool_resource_student, name="tool_resource_student"),
    path("tools/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tools/<int:pk>/tasks/<int:task_pk>/edit/", views.task_edit, name="task_edit"),
    path("tools/<int:pk>/tasks/<int:task_pk>/delete/", views.task_delete, name="task_delete"),
    path("tools/<int:pk>/tasks/<int:task_pk>/move/", views.task_move, name="task_move"),
    path("tools/<int:pk>/tasks/<int:task_pk>/checklist/", views.task_checklist, name="task_checklist"),
]
