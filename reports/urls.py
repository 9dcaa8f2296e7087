from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("progress/students/", views.progress_students, name="progress_students"),
    path("progress/results/", views.progress_results, name="progress_results"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/<slug:kind>/", views.exception_list, name="exception_list"),
]
