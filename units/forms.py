import base64
import binascii
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from .models import AssessmentTool, Task, Unit


class UnitSearchForm(forms.Form):
    q = forms.CharField(label="Search by code or title", required=False, max_length=100)


class OverridesMixin:
    def overrides(self):
        """Return the code, title and release the admin typed, for text that lacks them."""
        data = self.cleaned_data
        return {
            "code": data.get("code") or None,
            "title": data.get("title") or None,
            "release": data.get("release"),
        }


class UnitImportForm(OverridesMixin, forms.Form):
    """Step one of an import: a file, or text pasted from the unit's page."""

    file = forms.FileField(
        label="Unit file",
        required=False,
        help_text=(
            "training.gov.au's unit XML, the unit's Word document or a PDF of its page, "
            "the portal's JSON, or a plain-text copy of the unit."
        ),
    )
    text = forms.CharField(
        label="Or paste the unit's text",
        required=False,
        strip=False,  # errors name line numbers: leading blank lines must keep their place
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="Start with the code and title, e.g. 'FNSPIM409 - Maintain customer relationship'.",
    )
    code = forms.CharField(
        label="Unit code", required=False, max_length=20, help_text="Only if the text lacks it."
    )
    title = forms.CharField(
        label="Unit title", required=False, max_length=300, help_text="Only if the text lacks it."
    )
    release = forms.IntegerField(
        label="Release",
        required=False,
        min_value=1,
        max_value=999,
        help_text="Default: from the text, else 1.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", "Preview import"))

    @classmethod
    def retrying(cls, data, overrides):
        """Return the form filled with what was given, so errors are fixed without pasting again."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        return cls(initial={"text": text, **{key: value for key, value in overrides.items() if value}})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and upload.size > settings.UNIT_IMPORT_MAX_BYTES:
            limit = settings.UNIT_IMPORT_MAX_BYTES / 1024 / 1024
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; a unit file is at most {limit:.0f} MB."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        has_file, has_text = bool(cleaned.get("file")), bool(cleaned.get("text", "").strip())
        if has_file and has_text:
            raise forms.ValidationError("Give a file or pasted text, not both.")
        if not has_file and not has_text and not self.errors:
            raise forms.ValidationError("Choose a unit file or paste the unit's text.")
        return cleaned

    def submitted_source(self):
        """Return (bytes, filename) of what was given."""
        upload = self.cleaned_data.get("file")
        if upload:
            return b"".join(upload.chunks()), upload.name
        return self.cleaned_data["text"].encode("utf-8"), ""


class UnitImportConfirmForm(OverridesMixin, forms.Form):
    """Step two: the same source, carried back from the preview, to be parsed again and saved."""

    source = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(widget=forms.HiddenInput, required=False)
    release = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Shown only when the unit supersedes one in the catalogue; starts at what the mapping note states.
    equivalence = forms.ChoiceField(
        choices=Unit.Equivalence.choices,
        required=False,
        # The preview shows the choice beside the changes, apart from the confirm button's form.
        widget=forms.RadioSelect(attrs={"class": "form-check-input", "form": "confirm-import"}),
    )

    @classmethod
    def carrying(cls, data, filename, overrides, *, equivalence=""):
        return cls(
            initial={
                "source": base64.b64encode(data).decode("ascii"),
                "filename": filename,
                "equivalence": equivalence,
                **{key: value for key, value in overrides.items() if value},
            }
        )

    def clean_source(self):
        try:
            return base64.b64decode(self.cleaned_data["source"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError("The preview's data was damaged; start the import again.") from None

    def submitted_source(self):
        return self.cleaned_data["source"], self.cleaned_data["filename"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RevisionMixin:
    """Carries the tool's revision from the moment the form was opened."""

    def revision(self):
        return self.cleaned_data.get("revision")


class ToolForm(RevisionMixin, forms.ModelForm):
    """A tool's details; the unit is chosen only when the tool is created."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(status=Unit.Status.CURRENT).order_by("code"),
        help_text="Only current releases are offered: a tool is written against one release.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AssessmentTool
        fields = ["unit", "issue_date", "purpose", "target_group", "evidence_required"]
        widgets = {
            "issue_date": DateInput(),
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "evidence_required": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
            self.fields["revision"].initial = self.instance.revision
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save tool"))

    def tool_fields(self):
        return {name: value for name, value in self.cleaned_data.items() if name not in {"unit", "revision"}}


class TaskForm(RevisionMixin, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = [
            "title",
            "type",
            "due_date",
            "due_days_after_enrolment",
            "max_attempts",
            "instructions",
            "evidence_required",
            "satisfactory_standard",
            "assessor_guidance",
        ]
        widgets = {
            "due_date": DateInput(),
            "instructions": forms.Textarea(attrs={"rows": 6}),
            "evidence_required": forms.Textarea(attrs={"rows": 3}),
            "satisfactory_standard": forms.Textarea(attrs={"rows": 4}),
            "assessor_guidance": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "due_date": "A fixed date, or leave empty and give days after the student starts.",
        }

    def __init__(self, *args, tool=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tool is not None:
            self.fields["revision"].initial = tool.revision
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save task"))

    def task_fields(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_date") and cleaned.get("due_days_after_enrolment") is not None:
            raise forms.ValidationError(
                "Give a due date or a number of days after the student starts, not both."
            )
        return cleaned

    def _post_clean(self):
        # The service fills in the tool and number and validates the whole row.
        pass


class UnitReportingForm(forms.ModelForm):
    """The unit's AVETMISS subject details: nominal hours, field of education, VET flag."""

    class Meta:
        model = Unit
        fields = ["nominal_hours", "field_of_education", "vet_flag"]

    def clean_field_of_education(self):
        code = self.cleaned_data["field_of_education"].strip()
        if code and not re.fullmatch(r"(0[1-9]|1[0-2])\d{4}", code):
            raise forms.ValidationError("Give the six-digit ASCED code, broad field 01 to 12, e.g. 080301.")
        return code
