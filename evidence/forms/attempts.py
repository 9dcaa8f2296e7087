import base64
import binascii

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from evidence.forms.marking import SigningForm
from evidence.models import Declaration


class TextEvidenceForm(forms.Form):
    title = forms.CharField(label="Question or heading", max_length=255)
    text = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class LinkEvidenceForm(forms.Form):
    title = forms.CharField(label="What the link shows", max_length=255, required=False)
    url = forms.URLField(label="Link (https://…)", max_length=1000, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CriteriaForm(forms.Form):
    """The performance criteria a piece of evidence demonstrates."""

    criteria = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(pc.pk, f"{pc.code} {pc.text}") for pc in criteria]


class DeclarationForm(forms.Form):
    agree = forms.BooleanField(
        label=Declaration.WORDING, error_messages={"required": "Tick the declaration to sign it."}
    )
    typed_name = forms.CharField(label="Type your full name to sign", max_length=200)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    # Rendered with the evidence list, not with this form, so that the revision sent is the one
    # of the evidence the student saw, which the page refreshes after every upload.
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("agree", "typed_name", "signature")

    def signature_png(self):
        """Return the drawn signature's PNG bytes, or None when none was drawn."""
        data = self.cleaned_data.get("signature", "")
        prefix = "data:image/png;base64,"
        if not data.startswith(prefix):
            return None
        try:
            return base64.b64decode(data[len(prefix) :], validate=True)
        except (binascii.Error, ValueError):
            return b"not a png"


class ObservationSignForm(SigningForm):
    """The student's signature on an observation record, on their own device or the assessor's.

    On the assessor's device the student also enters their password: the assessor stays signed
    in, and the password proves it was the student who signed.
    """

    id_prefix = "observed"
    agree = forms.BooleanField(
        label="I was observed as this record says and I have read it.",
        error_messages={"required": "Tick the statement to sign it."},
    )

    def __init__(self, *args, on_assessors_device=False, **kwargs):
        super().__init__(*args, **kwargs)
        if on_assessors_device:
            self.fields["typed_name"].label = "Student: type your full name to sign"
            self.fields["password"].label = "Student's password"
        else:
            del self.fields["password"]
