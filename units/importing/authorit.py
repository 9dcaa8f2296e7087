"""Read training.gov.au's published unit XML (AuthorIT): a Book and its Topics.

The Book carries the unit's Code and Title as variables; each Topic's Description names its
section ("Elements and Performance Criteria", "Performance Evidence" …) and its Text holds
paragraphs, bulleted lists (nested lists or ListBullet2-style paragraphs) and tables.
"""

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .builder import Line

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "para", "title"}
LISTS = {"ul", "ol", "list"}
BULLET_STYLE_RE = re.compile(r"bullet\D*(\d)?", re.IGNORECASE)


class AuthorItError(ValueError):
    pass


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_authorit(data):
    """Return (lines, variables) from AuthorIT XML bytes; raise AuthorItError when unreadable."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException:
        raise AuthorItError(
            "the XML declares entities or a DTD, which unit files never need; it was refused for safety"
        ) from None
    except ET.ParseError as error:
        line, column = error.position
        raise AuthorItError(
            f"line {line}: the XML is not well formed (column {column}: {error.msg})"
        ) from None
    variables = _variables(root)
    lines = []
    topics = [element for element in root.iter() if local(element.tag) == "Topic"]
    if not topics:
        raise AuthorItError("the XML has no Topic elements; is it training.gov.au's unit XML?")
    for topic in topics:
        description = _description(topic)
        lines.append(Line(f"topic '{description}'", description, heading=True))
        text = next((el for el in topic.iter() if local(el.tag) == "Text"), None)
        if text is not None:
            lines.extend(_blocks(text, description, depth=0, counter=[0]))
    return lines, variables


def _variables(root):
    found = {}
    for element in root.iter():
        if local(element.tag) in {"Variable", "VariableAssignment"}:
            name = _child_text(element, "Name")
            value = _child_text(element, "Value")
            if name and value:
                found.setdefault(name.strip().lower(), " ".join(value.split()))
    return found


def _child_text(element, name):
    for child in element:
        if local(child.tag) == name:
            return "".join(child.itertext())
    return element.get(name.lower(), "")


def _description(topic):
    for element in topic.iter():
        if local(element.tag) == "Description":
            return " ".join("".join(element.itertext()).split())
    return "untitled topic"


def _blocks(element, topic, *, depth, counter):
    for child in element:
        tag = local(child.tag)
        if tag == "table":
            yield from _table(child, topic, depth=depth, counter=counter)
        elif tag in LISTS:
            yield from _list(child, topic, depth=depth + 1, counter=counter)
        elif tag in BLOCKS:
            counter[0] += 1
            style = BULLET_STYLE_RE.search(child.get("style", "") + " " + child.get("class", ""))
            indent = int(style.group(1) or 1) if style else depth
            text = " ".join("".join(child.itertext()).split())
            if text:
                yield Line(f"{topic}, paragraph {counter[0]}", text, indent)
        else:
            yield from _blocks(child, topic, depth=depth, counter=counter)


def _list(element, topic, *, depth, counter):
    for item in element:
        if local(item.tag) != "li":
            continue
        counter[0] += 1
        own = [item.text or ""]
        for child in item:
            if local(child.tag) not in LISTS | {"table"}:
                own.append("".join(child.itertext()))
            own.append(child.tail or "")
        text = " ".join("".join(own).split())
        if text:
            yield Line(f"{topic}, item {counter[0]}", text, depth)
        for child in item:
            if local(child.tag) in LISTS:
                yield from _list(child, topic, depth=depth + 1, counter=counter)


def _table(element, topic, *, depth, counter):
    rows = [row for row in element.iter() if local(row.tag) == "tr"]
    for number, row in enumerate(rows, start=1):
        for cell in row:
            if local(cell.tag) not in {"td", "th"}:
                continue
            cell_lines = list(_blocks(cell, topic, depth=depth, counter=[0]))
            if not cell_lines:
                text = " ".join("".join(cell.itertext()).split())
                cell_lines = [Line("", text)] if text else []
            for line in cell_lines:
                yield Line(f"{topic}, row {number}", line.text, line.indent)
