"""A form's two faces: one template served as an HTML page and, at the same address with `.pdf`, as a PDF.

Views call `document_response`; `document_paths` gives each form both URLs. Only
assessor_portal.pdf touches WeasyPrint.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from assessor_portal import pdf

PAGE_LAYOUT = "documents/page.html"


def document_paths(route, view, name):
    """Route a form's page at `route/` and its PDF at `route.pdf`, named `name` and `name_pdf`."""
    return [
        path(f"{route}/", view, name=name),
        path(f"{route}.pdf", view, {"as_pdf": True}, name=f"{name}_pdf"),
    ]


def document_response(request, template_name, context, *, filename, as_pdf=False):
    """Answer with the form as a page (with Download PDF and Print) or as the PDF itself."""
    if as_pdf:
        return pdf_response(pdf.render_pdf(template_name, context), filename)
    match = request.resolver_match
    pdf_url = reverse(f"{match.namespace}:{match.url_name}_pdf", kwargs=match.kwargs)
    return render(request, template_name, {**context, "layout": PAGE_LAYOUT, "pdf_url": pdf_url})


def pdf_response(content, filename):
    """A PDF download, named for what it holds."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
