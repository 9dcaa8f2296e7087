from django.apps import AppConfig


class AssessorPortalConfig(AppConfig):
    name = "assessor_portal"
    verbose_name = "Accounts"
