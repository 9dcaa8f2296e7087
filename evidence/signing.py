"""What every signature in the portal checks: the name typed is the signer's own."""

import re


def names_match(typed_name, full_name):
    """Say whether a typed name is the full name, ignoring case and extra spaces."""
    return _normal(typed_name) == _normal(full_name)


def _normal(name):
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()
