from django.conf import settings

from evidence.permissions import can_manage_cohorts, can_use_marking_queue
from reports.permissions import can_view_reports
from units.permissions import can_import_units, can_view_full_tool


def site(request):
    """Give every template the site's name and the menu the signed-in user may use."""
    user = request.user
    return {
        "portal_name": settings.SITE_NAME,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "menu": {
            "queue": can_use_marking_queue(user),
            "tools": can_view_full_tool(user),
            "cohorts": can_manage_cohorts(user),
            "reports": can_view_reports(user),
            "import": can_import_units(user),
        },
    }
