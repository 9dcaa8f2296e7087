"""What every signature in the portal checks: the name typed is the signer's own."""

import re


def signer_refusal(user, typed_name, password):
    """Say why the user may not sign with this typed name and password, or "" when they may."""
    if not user.check_password(password or ""):
        return "That password is not right: enter your own password to sign."
    if not names_match(typed_name, user.get_full_name()):
        return f"Type your full name exactly as it is on your account ({user.get_full_name()}) to sign."
    return ""


def names_match(typed_name, full_name):
    """Say whether a typed name is the full name, ignoring case and extra spaces."""
    return _normal(typed_name) == _normal(full_name)


def _normal(name):
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()
