"""Check an uploaded evidence file by its content, clean its name and hash it as it streams.

Types are decided by the file's first bytes (its "magic"), never by its name, so a renamed
program is refused whatever it is called.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings

# What an RTO accepts as evidence, by detected type: (label, MIME type, inline in the browser?)
ALLOWED = {
    "pdf": ("PDF", "application/pdf", True),
    "doc": ("Word", "application/msword", False),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "xls": ("Excel", "application/vnd.ms-excel", False),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "ppt": ("PowerPoint", "application/vnd.ms-powerpoint", False),
    "pptx": (
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        False,
    ),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text", False),
    "ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", False),
    "odp": ("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", False),
    "jpg": ("JPEG image", "image/jpeg", True),
    "png": ("PNG image", "image/png", True),
    "heic": ("HEIC photo", "image/heic", False),
    "mp4": ("MP4 video", "video/mp4", False),
    "mov": ("QuickTime video", "video/quicktime", False),
    "txt": ("plain text", "text/plain", False),
}
INLINE_CONTENT_TYPES = frozenset(content_type for _, content_type, inline in ALLOWED.values() if inline)
ALLOWED_LABELS = "PDF, Word, Excel, PowerPoint, OpenDocument, JPEG, PNG, HEIC, MP4, MOV or plain text"
HEAD_BYTES = 64 * 1024
NAME_JUNK_RE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MARKUP_RE = re.compile(rb"^\s*(<!doctype|<html|<script|<svg|<\?xml)", re.IGNORECASE)


class UploadRefused(ValueError):
    """The file cannot be evidence; the message says why, for the student."""


@dataclass
class CheckedUpload:
    name: str
    extension: str
    type_label: str
    content_type: str
    inline: bool
    size: int
    sha256: str


def opens_inline(content_type):
    """Say whether a stored file of this type is shown in the browser rather than downloaded."""
    return content_type in INLINE_CONTENT_TYPES


def max_upload_bytes():
    return settings.EVIDENCE_MAX_UPLOAD_BYTES


def checked_name(raw):
    """Return the file's display name, refusing names that hide what the file is.

    Folder parts could point outside the upload area; control and direction-changing
    characters can make "photo\u202egnp.exe" read as "photoexe.png".
    """
    name = unicodedata.normalize("NFC", raw or "").strip()
    if "/" in name or "\\" in name:
        raise UploadRefused(f"“{_printable(name)}” has folder names in it. Rename the file and try again.")
    if NAME_JUNK_RE.search(name):
        raise UploadRefused(
            f"“{_printable(name)}” has hidden control or right-to-left characters in its name. "
            "Rename the file and try again."
        )
    if not name.strip("."):
        raise UploadRefused("The file has no usable name. Rename it and try again.")
    if len(name) > 200:
        raise UploadRefused("The file's name is longer than 200 characters. Shorten it and try again.")
    return name


def _printable(name):
    return NAME_JUNK_RE.sub("\ufffd", name)[:120]


def check_upload(upload):
    """Return what the upload is, streaming it once to hash it; raise UploadRefused if unfit."""
    name = checked_name(upload.name)
    if upload.size == 0:
        raise UploadRefused(f"“{name}” is empty (0 bytes).")
    limit = max_upload_bytes()
    if upload.size > limit:
        raise UploadRefused(
            f"“{name}” is {upload.size / 1024 / 1024:.0f} MB; the limit is {limit / 1024 / 1024:.0f} MB."
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    extension = _detect(head)
    if extension is None:
        raise UploadRefused(
            f"“{name}” is not a type of file we accept as evidence (its content is not {ALLOWED_LABELS})."
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    label, content_type, inline = ALLOWED[extension]
    return CheckedUpload(
        name=name,
        extension=extension,
        type_label=label,
        content_type=content_type,
        inline=inline,
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def _detect(head):
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension if kind.extension in ALLOWED else None
    # Plain text has no magic: accept UTF-8 text that is not markup a browser would run.
    if b"\x00" in head or MARKUP_RE.match(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        if error.start < len(head) - 4:
            return None
    return "txt"
