from crispy_forms.helper import FormHelper
from django import forms

from evidence.models import AppealDecision, CriterionMark, Judgement


class MarkForm(forms.Form):
    """One criterion's Yes / No and comment, with the version of the mark the page showed."""

    answer = forms.ChoiceField(choices=[("", "Not answered"), *CriterionMark.Answer.choices], required=False)
    comment = forms.CharField(required=False, max_length=2000)
    version = forms.IntegerField(min_value=0)


class SigningForm(forms.Form):
    """A form signed with the signer's typed full name and password, rendered inside the page's own <form>.

    `id_prefix` keeps field ids apart when several signing forms share a page.
    """

    id_prefix = "sign"
    typed_name = forms.CharField(label="Type your full name to sign", max_length=200)
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        # The signature fields come last, after whatever the subclass asks.
        self.order_fields([name for name in self.fields if name not in {"typed_name", "password"}])
        self.helper = FormHelper()
        self.helper.form_tag = False


class SignJudgementForm(SigningForm):
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
    reason = forms.CharField(
        label="Reason for the new judgement",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This attempt was judged before: the earlier judgement stays on the record.",
    )

    def __init__(self, *args, judged_before=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not judged_before:
            del self.fields["reason"]


class QualityCheckForm(SigningForm):
    """A second assessor's signed check: approve the judgement, or send it back with a comment."""

    id_prefix = "check"
    approved = forms.TypedChoiceField(
        label="Your check",
        choices=[
            ("yes", "Approve: release the feedback to the student"),
            ("no", "Send back to the assessor"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you send the judgement back: say what to look at again.",
    )


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


class UnitResultForm(SigningForm):
    """The assessor's signed unit outcome, with a reason when it corrects an earlier one."""

    id_prefix = "result"
    outcome = forms.ChoiceField(label="Unit result", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the correction",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when a result is already recorded: both stay on the record.",
    )

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.code, f"{o.label} ({o.code})") for o in outcomes]


class AcknowledgeResultForm(SigningForm):
    """The student's signature that they have read their unit result: signed in already, no password."""

    id_prefix = "ack"
    password = None


class AppealForm(SigningForm):
    """The student's appeal against their unit result: their grounds, signed with their typed name."""

    id_prefix = "appeal"
    password = None
    typed_name = forms.CharField(label="Type your full name to sign the appeal", max_length=200)
    grounds = forms.CharField(
        label="Your grounds for the appeal",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what you believe is wrong with the result, and why: name the tasks and the evidence.",
    )


class AssignReviewerForm(forms.Form):
    """An admin's choice of the assessor who reviews an appeal: anyone but the result's assessor.

    The choices come from the list of assessors the view read once for every row of its page.
    """

    reviewer = forms.ChoiceField(label="Reviewer")

    def __init__(self, *args, reviewers, appeal, **kwargs):
        kwargs.setdefault("prefix", f"appeal{appeal.pk}")
        super().__init__(*args, **kwargs)
        self.reviewers = {str(user.pk): user for user in reviewers if user.pk != appeal.assessor_id}
        self.fields["reviewer"].choices = [("", "Choose an assessor")] + [
            (pk, user.get_full_name() or user.username) for pk, user in self.reviewers.items()
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reviewer(self):
        return self.reviewers[self.cleaned_data["reviewer"]]


class AppealDecisionForm(SigningForm):
    """The reviewer's signed decision on an appeal, with the tasks an upheld appeal re-assesses."""

    id_prefix = "decide"
    outcome = forms.ChoiceField(
        label="Decision", choices=AppealDecision.Outcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label="Reasons for the decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The student reads these with the decision.",
    )
    reassessed_tasks = forms.ModelMultipleChoiceField(
        label="Tasks to assess again (upheld only)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each gets a new attempt, even past its maximum; the cohort's assessors judge it.",
    )

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reassessed_tasks"].queryset = tasks
        self.fields["reassessed_tasks"].label_from_instance = lambda task: f"Task {task.number}: {task.title}"
