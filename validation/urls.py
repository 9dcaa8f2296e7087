from django.urls import path

from assessor_portal.documents import document_paths

from . import views

app_name = "validation"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/sign/", views.plan_sign, name="plan_sign"),
    *document_paths("<int:pk>/report", views.plan_report_document, "plan_report"),
    path("sample/<int:pk>/", views.item_review, name="item_review"),
    path("sample/<int:pk>/evidence/<int:evidence_pk>/", views.item_evidence, name="item_evidence"),
    path("sample/<int:pk>/new-tool-version/", views.item_act, name="item_act"),
]
