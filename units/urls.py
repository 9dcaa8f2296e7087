from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("import/", views.unit_import, name="unit_import"),
    path("import/confirm/", views.unit_import_confirm, name="unit_import_confirm"),
    path("<str:code>/", views.unit_current, name="unit_current"),
    path("<str:code>/release-<int:release>/", views.unit_detail, name="unit_detail"),
]
