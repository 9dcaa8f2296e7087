"""The AVETMISS files for the national VET collection: choose, check, download. Nothing here writes."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from evidence.forms.outcomes import AvetmissScopeForm
from evidence.permissions import can_export_outcomes
from evidence.services.avetmiss import avetmiss_batch

DOWNLOADS = {
    "zip": ("avetmiss-{start:%Y%m%d}-{end:%Y%m%d}.zip", "application/zip"),
    "NAT00120": ("NAT00120.txt", "text/plain; charset=us-ascii"),
    "NAT00060": ("NAT00060.txt", "text/plain; charset=us-ascii"),
}


@require_safe
@login_required
def avetmiss_export(request):
    if not can_export_outcomes(request.user):
        raise Http404
    form = AvetmissScopeForm(
        request.GET if "period_start" in request.GET else None, today=timezone.localdate()
    )
    if not form.is_bound:
        form = AvetmissScopeForm(
            {name: field.initial for name, field in form.fields.items() if field.initial},
            today=timezone.localdate(),
        )
    batch = avetmiss_batch(**form.scope()) if form.is_valid() else None
    return render_page(request, form, batch)


@require_safe
@login_required
def avetmiss_download(request, file):
    if not can_export_outcomes(request.user) or file not in DOWNLOADS:
        raise Http404
    form = AvetmissScopeForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render_page(request, form, None, status=400)
    batch = avetmiss_batch(**form.scope())
    if batch.failures or not batch.activities:
        # Refused with the page itself, failures listed: a GET never writes, not even a message.
        return render_page(request, form, batch, status=409)
    name, content_type = DOWNLOADS[file]
    content = batch.zip() if file == "zip" else batch.files()[name]
    response = HttpResponse(content, content_type=content_type)
    filename = name.format(start=batch.period.start, end=batch.period.end)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def render_page(request, form, batch, status=200):
    query = urlencode(
        {
            name: value.pk if name == "cohort" else value.isoformat()
            for name, value in (form.cleaned_data if form.is_valid() else {}).items()
            if value
        }
    )
    page = f"{reverse('evidence:avetmiss_export')}?{query}"
    context = {
        "form": form,
        "batch": batch,
        "downloads": {
            file: f"{reverse('evidence:avetmiss_download', args=[file])}?{query}" for file in DOWNLOADS
        },
        "refused": status == 409,
        "fixes": [
            (
                failure,
                f"{failure.fix_url}?{urlencode({'next': page})}" if failure.fix_returns else failure.fix_url,
            )
            for failure in (batch.failures if batch else [])
        ],
    }
    return render(request, "evidence/avetmiss_export.html", context, status=status)
