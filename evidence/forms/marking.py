from crispy_forms.helper import FormHelper
from django import forms

from evidence.models import CriterionMark, Judgement


class MarkForm(forms.Form):
    """One criterion's Yes / No and comment, with the version of the mark the page showed."""

    answer = forms.ChoiceField(choices=[("", "Not answered"), *CriterionMark.Answer.choices], required=False)
    comment = forms.CharField(required=False, max_length=2000)
    version = forms.IntegerField(min_value=0)


class SignJudgementForm(forms.Form):
    result = forms.ChoiceField(label="Result", choices=Judgement.Result.choices, widget=forms.RadioSelect)
    feedback = forms.CharField(
        label="Feedback to the student",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what was done well and, for Not satisfactory, exactly what is missing.",
    )
    resubmit_by = forms.DateField(
        label="Resubmit by (Not satisfactory only)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    typed_name = forms.CharField(label="Type your full name to sign", max_length=200)
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_sign_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class QueueFilterForm(forms.Form):
    """Narrow the marking queue to one cohort, unit or task number."""

    cohort = forms.ChoiceField(label="Cohort", required=False)
    unit = forms.ChoiceField(label="Unit", required=False)
    task = forms.TypedChoiceField(label="Task", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, cohorts, units, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "All my cohorts")] + [
            (str(c.pk), f"{c.code} {c.name}") for c in cohorts
        ]
        self.fields["unit"].choices = [("", "All units")] + [
            (code, f"{code} {title}") for code, title in units
        ]
        self.fields["task"].choices = [("", "All tasks")] + [(str(n), f"Task {n}") for n in tasks]
        self.cohorts = {str(c.pk): c for c in cohorts}

    def filters(self):
        """The filters chosen, or none when the form was tampered with."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "cohort": self.cohorts.get(data["cohort"]),
            "unit": data["unit"] or None,
            "task": data["task"],
        }
