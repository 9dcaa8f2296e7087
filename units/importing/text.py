"""Read a unit as a person copies it from its page: one Line per line (or per table cell)."""

import re

from .builder import Line

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def text_lines(text):
    """Yield the text's non-blank lines; cells of a pasted table (tab-separated) come one by one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = CONTROL_RE.sub("", raw.replace("\u00a0", " "))
        content = raw.lstrip(" \t")
        lead = raw[: len(raw) - len(content)]
        indent = lead.count(" ") + 4 * lead.count("\t")
        for position, cell in enumerate(re.split(r"\t+", content)):
            cell = " ".join(cell.split())
            if cell:
                yield Line(f"line {number}", cell, indent if position == 0 else 0)
