"""Forms of the RTO admin's cohort pages: the cohort, a student, a CSV file, an enrolment."""

import base64
import binascii

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model

from evidence.models import Cohort
from evidence.services.students import CSV_MAX_BYTES, normalise_student, student_value_errors
from units.forms import DateInput
from units.models import AssessmentTool

User = get_user_model()


class CohortForm(forms.ModelForm):
    assessors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see this cohort's work and judge it.",
    )

    class Meta:
        model = Cohort
        fields = ["name", "code", "start_date", "end_date", "assessors"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "code": "Short and unique, e.g. FNS40222-2026-T1.",
            "end_date": "Leave empty if it is not set yet.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = User.objects.filter(
            role=User.Role.ASSESSOR, is_active=True
        ).order_by("last_name", "first_name")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save cohort"))

    def _post_clean(self):
        # The service checks the rules (unique code, dates in order) and saves the row.
        pass

    def cohort_fields(self):
        return dict(self.cleaned_data)


class StudentForm(forms.Form):
    """One student, typed in by an admin."""

    given_name = forms.CharField(label="Given name", max_length=150)
    family_name = forms.CharField(label="Family name", max_length=150)
    email = forms.CharField(label="Email", max_length=254, widget=forms.EmailInput)
    student_id = forms.CharField(
        label="Student ID",
        max_length=30,
        help_text="Letters, digits and hyphens; in lower case it is the username.",
    )
    usi = forms.CharField(
        label="USI",
        required=False,
        max_length=20,
        help_text="Unique Student Identifier: 10 characters, optional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.error_messages["required"] = f"{field.label} is missing."
            if name in ("student_id", "usi"):
                field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("given_name", css_class="col-md-6"), Column("family_name", css_class="col-md-6")),
            "email",
            Row(Column("student_id", css_class="col-md-6"), Column("usi", css_class="col-md-6")),
        )

    def clean(self):
        values = normalise_student(super().clean())
        for name, message in student_value_errors(values).items():
            if name not in self.errors:
                self.add_error(name, message)
        return values


class StudentCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"empty": "The file is empty: it has no header row and no students."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", "Preview students"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; a student file is at most "
                f"{CSV_MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            )
        return b"".join(upload.chunks())


class StudentCsvConfirmForm(forms.Form):
    """The previewed file, carried back to be read and checked again before it is saved."""

    source = forms.CharField(widget=forms.HiddenInput, strip=False)

    @classmethod
    def carrying(cls, data):
        return cls(initial={"source": base64.b64encode(data).decode("ascii")})

    def clean_source(self):
        try:
            return base64.b64decode(self.cleaned_data["source"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError("The preview's data was damaged; upload the file again.") from None


class ToolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, tool):
        return f"{tool.unit.code} {tool.unit.title} — v{tool.version}"


class EnrolForm(forms.Form):
    """Enrol the whole cohort, or one of its students, in a published assessment tool."""

    # Any tool is accepted here and only published ones are offered: the service refuses a tool
    # retired since the page was loaded, with a message saying so.
    tool = ToolChoiceField(
        label="Assessment tool",
        queryset=AssessmentTool.objects.select_related("unit"),
        empty_label="Choose a published tool",
    )
    student = forms.ModelChoiceField(
        label="Who", queryset=User.objects.none(), required=False, empty_label="Everyone in the cohort"
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = cohort.students.order_by("last_name", "first_name")
        self.fields["student"].label_from_instance = lambda student: f"{student} ({student.student_id})"
        published = AssessmentTool.objects.filter(status=AssessmentTool.Status.PUBLISHED).select_related(
            "unit"
        )
        tool_field = self.fields["tool"]
        tool_field.widget.choices = [("", tool_field.empty_label)] + [
            (tool.pk, tool_field.label_from_instance(tool))
            for tool in published.order_by("unit__code", "-version_major", "-version_minor")
        ]
        self.has_tools = len(tool_field.widget.choices) > 1
        self.helper = FormHelper()
        self.helper.form_tag = False
