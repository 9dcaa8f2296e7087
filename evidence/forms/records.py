"""The public verify page's form: a record sheet's PDF, or the code printed on it."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

MAX_RECORD_PDF_BYTES = 10 * 1024 * 1024


class VerifyRecordForm(forms.Form):
    """Check a record sheet: upload the PDF, or type the code from its footer."""

    pdf = forms.FileField(
        label="The record sheet's PDF",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    code = forms.CharField(
        label="Or the code printed under the record (at least its first 16 characters)",
        required=False,
        max_length=64,
        strip=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload and upload.size > MAX_RECORD_PDF_BYTES:
            raise ValidationError(
                "A record sheet is far smaller than that: choose the PDF of the record sheet."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("pdf") and not cleaned.get("code"):
            raise ValidationError("Choose the record sheet's PDF, or type the code printed on it.")
        return cleaned
