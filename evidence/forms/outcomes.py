"""What goes out to the student management system: everything new since the last export, or the
results signed in a date range."""

import datetime

from django import forms

from evidence.models import Cohort, OutcomeExport
from evidence.services.avetmiss import CollectionPeriod
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
    bom = forms.BooleanField(
        label="Open in Excel on Windows",
        required=False,
        help_text="Starts the file with a byte-order mark, so Excel reads accented names correctly.",
    )


class AvetmissScopeForm(forms.Form):
    """Choose the collection period and the results to report in the AVETMISS files."""

    period_start = forms.DateField(label="Collection period from", widget=DateInput())
    period_end = forms.DateField(label="Collection period to", widget=DateInput())
    cohort = forms.ModelChoiceField(
        label="Cohort", queryset=Cohort.objects.order_by("code"), required=False, empty_label="Every cohort"
    )
    signed_from = forms.DateField(label="Results signed from", required=False, widget=DateInput())
    signed_to = forms.DateField(label="Results signed to", required=False, widget=DateInput())

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        # The national collection runs by calendar year.
        self.fields["period_start"].initial = datetime.date(today.year, 1, 1)
        self.fields["period_end"].initial = datetime.date(today.year, 12, 31)
        self.fields["signed_from"].help_text = "Leave both blank for every result in force."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError("The collection period ends before it starts: swap the dates.")
        signed_from, signed_to = cleaned.get("signed_from"), cleaned.get("signed_to")
        if signed_from and signed_to and signed_to < signed_from:
            raise forms.ValidationError("The last signing day comes before the first: swap them.")
        return cleaned

    def scope(self):
        """The keyword arguments avetmiss_batch takes, from the cleaned form."""
        data = self.cleaned_data
        return {
            "period": CollectionPeriod(data["period_start"], data["period_end"]),
            "cohort": data["cohort"],
            "signed_from": data["signed_from"],
            "signed_to": data["signed_to"],
        }
