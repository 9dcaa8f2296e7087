"""The cohort grid's download buttons: which documents, as a ZIP or as one PDF."""

from django import forms

from evidence.models import DocumentExport


class ExportForm(forms.Form):
    """Ask for a cohort's documents in one download."""

    kind = forms.ChoiceField(choices=DocumentExport.Kind)
    format = forms.ChoiceField(choices=DocumentExport.Format)
