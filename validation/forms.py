from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q

from assessor_portal.models import User
from evidence.forms.marking import SigningForm
from units.models import Unit

MAX_SAMPLE = 200


class PlanForm(forms.Form):
    """A new validation plan: the unit release, the validator, the sample's size and, to repeat a draw, its seed."""

    unit = forms.ModelChoiceField(
        label="Unit release",
        queryset=Unit.objects.filter(tools__enrolments__isnull=False).distinct().order_by("code", "-release"),
        empty_label="Choose a unit",
    )
    validator = forms.ModelChoiceField(
        label="Validator",
        queryset=User.objects.filter(
            Q(role__in=["assessor", "admin"]) | Q(is_superuser=True), is_active=True
        ).order_by("first_name", "last_name", "username"),
        empty_label="Choose a validator",
        help_text="Someone independent of the delivery. Their own judgements are left out of the sample.",
    )
    sample_size = forms.IntegerField(
        label="Sample size",
        min_value=1,
        max_value=MAX_SAMPLE,
        initial=5,
        help_text="Judged attempts to review, shared among the assessors in proportion to their judgements.",
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Leave blank for a new random sample. A plan's seed draws its sample again from the same judgements.",
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = lambda unit: (
            f"{unit.code} {unit.title} (release {unit.release})"
        )
        self.fields["validator"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.get_role_display()})"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False


class FindingForm(forms.Form):
    """The validator's finding on one sampled judgement."""

    agrees = forms.TypedChoiceField(
        label="Do you agree with the judgement?",
        choices=[
            ("yes", "Agree: the evidence supports the judgement against the tool"),
            ("no", "Disagree"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Against the rules of evidence: valid, sufficient, authentic, current. Needed when you disagree.",
    )
    recommended_change = forms.CharField(
        label="Recommended change to the tool (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the tool should say or ask differently: an admin can make a new version of the tool from it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SignPlanForm(SigningForm):
    """The validator's signature on the plan's findings."""

    id_prefix = "plan"
