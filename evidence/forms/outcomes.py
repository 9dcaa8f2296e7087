"""What goes out to the student management system: everything new since the last export, or the
results signed in a date range."""

from django import forms

from evidence.models import OutcomeExport
from units.forms import DateInput


class OutcomeScopeForm(forms.Form):
    """Choose the results to send; the page previews them before the download."""

    scope = forms.ChoiceField(
        label="Results to send",
        choices=OutcomeExport.Scope,
        widget=forms.RadioSelect,
        initial=OutcomeExport.Scope.SINCE_LAST,
    )
    signed_from = forms.DateField(label="Signed from", required=False, widget=DateInput())
    signed_to = forms.DateField(label="Signed to", required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") != OutcomeExport.Scope.DATE_RANGE:
            cleaned["signed_from"] = cleaned["signed_to"] = None
            return cleaned
        start, end = cleaned.get("signed_from"), cleaned.get("signed_to")
        if not start or not end:
            raise forms.ValidationError("Give the first and the last day the results were signed.")
        if end < start:
            raise forms.ValidationError("The last day comes before the first: swap them.")
        return cleaned


class OutcomeExportForm(OutcomeScopeForm):
    """The download: the scope previewed, and the token that lets a second press be refused."""

    token = forms.UUIDField(widget=forms.HiddenInput)
