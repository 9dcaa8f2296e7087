from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from evidence.views import student as student_views

from . import views
from .forms import QueuedPasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.admin_home, name="admin_home"),
    path("assessor/", views.assessor_home, name="assessor_home"),
    path("student/", student_views.student_home, name="student_home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            extra_email_context={
                "site_name": settings.SITE_NAME,
                "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
            },
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("", include("units.urls")),
    path("", include("evidence.urls")),
    path("validation/", include("validation.urls")),
    path("reports/", include("reports.urls")),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("django-admin/", admin.site.urls),
]
