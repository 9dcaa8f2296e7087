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
