from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from evidence.selectors import assessor_overview
from units.models import Unit

WAITING_PER_PAGE = 25


@login_required
def home(request):
    """Send each role to its own home page."""
    if request.user.is_rto_admin:
        return redirect("admin_home")
    if request.user.is_assessor:
        return redirect("assessor_home")
    return redirect("student_home")


@login_required
def admin_home(request):
    if not request.user.is_rto_admin:
        return redirect("home")
    context = {
        "unit_count": Unit.objects.count(),
        "current_count": Unit.objects.filter(status=Unit.Status.CURRENT).count(),
        "recent_units": Unit.objects.order_by("-imported_at")[:5],
    }
    return render(request, "home_admin.html", context)


@login_required
def assessor_home(request):
    if not request.user.is_assessor:
        return redirect("home")
    cohorts, waiting = assessor_overview(request.user)
    page = Paginator(waiting, WAITING_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "home_assessor.html", {"cohorts": cohorts, "waiting": page})


@require_safe
@never_cache
def healthz(request):
    """Answer a load balancer or monitor: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
