"""Who may do what with units of competency."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Unit


def can_view_units(user):
    """Let every signed-in user read the unit catalogue."""
    return user.is_authenticated and user.is_active


def can_import_units(user):
    """Let only RTO admins load units into the catalogue."""
    return user.is_authenticated and user.is_rto_admin


def get_unit_for(user, code, release):
    """Fetch a unit release the user may read, or 404."""
    if not can_view_units(user):
        raise Http404
    return get_object_or_404(Unit, code=code.upper(), release=release)
