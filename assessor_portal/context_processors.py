from django.conf import settings


def site(request):
    """Give every template the site's name."""
    return {"portal_name": settings.SITE_NAME}
