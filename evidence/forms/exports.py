"""The cohort grid's download buttons: which documents (all record sheets, or one task's cover
sheets), as a ZIP or as one PDF."""

from django import forms

from evidence.models import DocumentExport
from units.models import Task


class ExportForm(forms.Form):
    """Ask for a cohort's documents in one download; the service checks the task is the cohort's."""

    kind = forms.ChoiceField(choices=DocumentExport.Kind)
    format = forms.ChoiceField(choices=DocumentExport.Format)
    task = forms.ModelChoiceField(queryset=Task.objects.all(), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == DocumentExport.Kind.COVER_SHEETS and not cleaned.get("task"):
            raise forms.ValidationError("Choose the task whose cover sheets you want.")
        if cleaned.get("kind") == DocumentExport.Kind.RECORD_SHEETS:
            cleaned["task"] = None
        return cleaned
