from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from evidence.progress import assessor_overview
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
