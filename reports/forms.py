"""The filters every report shares, and the day counts of the exceptions report."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from units.forms import DateInput

from .selectors import STAGE_LABELS, ReportFilters

INACTIVE_DAYS = 28
NO_COHORT = "none"  # the cohort filter's value for enrolments made outside any cohort


class QuickSelect(forms.Select):
    """A select written in one pass, every label escaped.

    Django renders each option through a template of its own: for an RTO's hundreds of cohorts
    and assessors that took longer than the report's queries.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            options,
        )


class ReportFilterForm(forms.Form):
    """Narrow a report to a cohort, a unit, an assessor's cohorts and the days enrolled between."""

    cohort = forms.ChoiceField(label="Cohort", required=False, widget=QuickSelect)
    unit = forms.ChoiceField(label="Unit", required=False, widget=QuickSelect)
    assessor = forms.ChoiceField(label="Assessor", required=False, widget=QuickSelect)
    date_from = forms.DateField(
        label="From", required=False, widget=DateInput(), help_text="Enrolled, or result signed, on or after."
    )
    date_to = forms.DateField(label="To", required=False, widget=DateInput(), help_text="On or before.")

    def __init__(self, data=None, *, cohorts, units, assessors, outside_cohorts=False, **kwargs):
        """`outside_cohorts`: the viewer sees enrolments made outside any cohort (an admin), and
        may narrow a report to them."""
        super().__init__(data, **kwargs)
        self.cohorts = {str(cohort.pk): cohort for cohort in cohorts}
        self.assessors = {str(person.pk): person for person in assessors}
        self.fields["cohort"].choices = (
            [("", "All cohorts")]
            + ([(NO_COHORT, "No cohort")] if outside_cohorts else [])
            + [(pk, f"{cohort.code} {cohort.name}") for pk, cohort in self.cohorts.items()]
        )
        self.fields["unit"].choices = [("", "All units")] + [
            (code, f"{code} {title}") for code, title in units
        ]
        self.fields["assessor"].choices = [("", "All assessors")] + [
            (pk, person.get_full_name() or person.username) for pk, person in self.assessors.items()
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError("The “To” day comes before the “From” day: swap them.")
        return cleaned

    def stranger_cohort(self):
        """Say whether the cohort asked for is one the viewer may not see (or does not exist)."""
        asked = self.data.get("cohort")
        return bool(asked) and asked not in dict(self.fields["cohort"].choices)

    def filters(self):
        """Return the filters chosen; none when the form has errors (the page shows them)."""
        if not self.is_valid():
            return ReportFilters()
        data = self.cleaned_data
        return ReportFilters(
            cohort=self.cohorts.get(data["cohort"]),
            no_cohort=data["cohort"] == NO_COHORT,
            unit=data["unit"],
            assessor=self.assessors.get(data["assessor"]),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


class ExceptionFilterForm(ReportFilterForm):
    """The shared filters, and how many days make work late and a student inactive."""

    waiting_days = forms.IntegerField(
        label="Late after (days)",
        min_value=1,
        max_value=365,
        required=False,
        help_text="Work waiting for marking longer than this is late.",
    )
    inactive_days = forms.IntegerField(
        label="Inactive after (days)",
        min_value=1,
        max_value=365,
        required=False,
        help_text="No activity in a unit for this long.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, default in (("waiting_days", settings.MARKING_DUE_DAYS), ("inactive_days", INACTIVE_DAYS)):
            self.fields[name].initial = default
            self.fields[name].widget.attrs["placeholder"] = default

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("waiting_days") is None:
            cleaned["waiting_days"] = settings.MARKING_DUE_DAYS
        if cleaned.get("inactive_days") is None:
            cleaned["inactive_days"] = INACTIVE_DAYS
        return cleaned

    def days(self):
        """Return (waiting days, inactive days): the defaults when the form has errors."""
        if not self.is_valid():
            return settings.MARKING_DUE_DAYS, INACTIVE_DAYS
        return self.cleaned_data["waiting_days"], self.cleaned_data["inactive_days"]


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=list(STAGE_LABELS.items()))


class MonthForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"])
