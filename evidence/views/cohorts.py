"""Work in progress: replaced as the student issue is built."""

from django.http import Http404


def cohort_create(request, *args, **kwargs):
    raise Http404


def cohort_detail(request, *args, **kwargs):
    raise Http404


def cohort_edit(request, *args, **kwargs):
    raise Http404


def cohort_enrol(request, *args, **kwargs):
    raise Http404


def cohort_list(request, *args, **kwargs):
    raise Http404


def cohort_student_add(request, *args, **kwargs):
    raise Http404


def cohort_students_import(request, *args, **kwargs):
    raise Http404


def cohort_students_import_confirm(request, *args, **kwargs):
    raise Http404
