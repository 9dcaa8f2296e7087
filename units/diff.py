"""Compare two releases of a unit row by row: what was added, removed, reworded or renumbered.

Rows are matched by their words, not their numbers: removing criterion 2.1 renumbers 2.2 as 2.1,
and that is the same requirement. Identical texts pair first, in order; the rest pair by
similarity (difflib's ratio over words), the most similar pair first, when they share at least
`threshold` of their words. A row with no partner was added or removed.

Pure Python, no database: the callers turn saved rows or a parsed unit into `Row`s.
"""

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property

THRESHOLD = 0.6
KINDS = {
    "EL": "Elements",
    "PC": "Performance criteria",
    "PE": "Performance evidence",
    "KE": "Knowledge evidence",
    "AC": "Assessment conditions",
}
# The snapshot's list names for the requirement items, in the order the unit prints them.
ITEM_LISTS = {"performance_evidence": "PE", "knowledge_evidence": "KE", "assessment_conditions": "AC"}

UNCHANGED = "unchanged"
RENUMBERED = "renumbered"
REWORDED = "reworded"
ADDED = "added"
REMOVED = "removed"
WORD_RE = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Row:
    """One row of a unit as the matrix numbers it: an element, a criterion or a requirement item.

    `pk` is the saved row's primary key, or None for a unit not saved yet. A heading (an element,
    an item with sub-items) is compared like any row but no task maps it.
    """

    kind: str
    label: str
    text: str
    is_heading: bool = False
    pk: int | None = None

    @property
    def key(self):
        """The matrix's key for the saved row ("pc-12", "ke-40"), or None."""
        return f"{self.kind.lower()}-{self.pk}" if self.pk is not None else None


@dataclass(frozen=True)
class Segment:
    """A run of words of a reworded row: the same in both releases, deleted or inserted."""

    op: str  # "same", "del" or "ins"
    text: str


@dataclass
class Change:
    """How one row fared between the releases; `old` or `new` is None when it was added or removed."""

    kind: str
    status: str
    old: Row | None
    new: Row | None
    ratio: float = 1.0

    @property
    def renumbered(self):
        return bool(self.old and self.new and self.old.label != self.new.label)

    @property
    def is_mappable(self):
        """Both rows are leaves, which tasks map: a heading carries no mapping."""
        return bool(self.old and self.new and not self.old.is_heading and not self.new.is_heading)

    @property
    def carries_mapping(self):
        """The row says what it said, perhaps under a new number: a task's tick on it still holds."""
        return self.status in {UNCHANGED, RENUMBERED} and self.is_mappable

    @property
    def needs_decision(self):
        """A new or reworded leaf row: an author must say which tasks address it now."""
        return self.status in {ADDED, REWORDED} and self.new is not None and not self.new.is_heading

    @property
    def label(self):
        if self.status == REWORDED and self.renumbered:
            return "Reworded and renumbered"
        return self.status.capitalize()

    @cached_property
    def words(self):
        """Return (old segments, new segments): in a reworded row, the words only one side has are marked."""
        if self.status != REWORDED:
            return _whole(self.old), _whole(self.new)
        old, new = _tokens(self.old), _tokens(self.new)
        matcher = SequenceMatcher(None, [w.strip().lower() for w in old], [w.strip().lower() for w in new])
        old_runs, new_runs = [], []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                old_runs.append(Segment("same", "".join(old[i1:i2])))
                new_runs.append(Segment("same", "".join(new[j1:j2])))
                continue
            old_runs += _marked("del", old[i1:i2])
            new_runs += _marked("ins", new[j1:j2])
        return _merged(old_runs), _merged(new_runs)

    @property
    def old_words(self):
        return self.words[0]

    @property
    def new_words(self):
        return self.words[1]


@dataclass
class Section:
    """The changes to one kind of row (elements, criteria, PE, KE, conditions), in the new release's order."""

    kind: str
    label: str
    changes: list = field(default_factory=list)

    @cached_property
    def differences(self):
        return [change for change in self.changes if change.status != UNCHANGED]

    @cached_property
    def unchanged_count(self):
        return len(self.changes) - len(self.differences)


@dataclass
class UnitDiff:
    sections: list

    @cached_property
    def changes(self):
        return [change for section in self.sections for change in section.changes]

    @cached_property
    def counts(self):
        """Return {status: number of rows} for every status, zeros included."""
        counts = dict.fromkeys((ADDED, REMOVED, REWORDED, RENUMBERED, UNCHANGED), 0)
        for change in self.changes:
            counts[change.status] += 1
        return counts

    @property
    def has_differences(self):
        return any(section.differences for section in self.sections)

    @property
    def summary(self):
        counts = self.counts
        return ", ".join(f"{counts[status]} {status}" for status in counts)


def diff_rows(old_rows, new_rows, *, threshold=THRESHOLD):
    """Compare two releases' rows, kind by kind; return every row's change."""
    sections = []
    for kind, label in KINDS.items():
        old = [row for row in old_rows if row.kind == kind]
        new = [row for row in new_rows if row.kind == kind]
        sections.append(Section(kind, label, _changes(kind, old, new, threshold)))
    return UnitDiff(sections)


def rows_from_snapshot(snapshot):
    """Return a unit snapshot's rows (the portal's JSON shape), numbered as the matrix numbers them."""
    rows = []
    for element in snapshot["elements"]:
        rows.append(Row("EL", f"{element['number']}.", element["title"], is_heading=True))
        rows.extend(
            Row("PC", f"{element['number']}.{pc['number']}", pc["text"]) for pc in element["criteria"]
        )
    for name, kind in ITEM_LISTS.items():
        _item_rows(rows, kind, snapshot.get(name, []), f"{kind} ")
    return rows


def _item_rows(rows, kind, items, prefix):
    for position, item in enumerate(items, start=1):
        label = f"{prefix}{position}"
        children = item.get("items", [])
        rows.append(Row(kind, label, item["text"], is_heading=bool(children)))
        _item_rows(rows, kind, children, label + ".")


def _changes(kind, old, new, threshold):
    pairs = _match(old, new, threshold)
    changes = []
    matched_old = {}
    for j, row in enumerate(new):
        if j in pairs:
            i, ratio = pairs[j]
            matched_old[i] = j
            changes.append(((j, 0, 0), Change(kind, _status(old[i], row), old[i], row, ratio)))
        else:
            changes.append(((j, 0, 0), Change(kind, ADDED, None, row, 0.0)))
    # A removed row is shown after the new row its nearest kept predecessor became.
    after = -1
    for i, row in enumerate(old):
        if i in matched_old:
            after = matched_old[i]
        else:
            changes.append(((after, 1, i), Change(kind, REMOVED, row, None, 0.0)))
    changes.sort(key=lambda pair: pair[0])
    return [change for _, change in changes]


def _status(old, new):
    if old.text != new.text or old.is_heading != new.is_heading:
        return REWORDED
    return UNCHANGED if old.label == new.label else RENUMBERED


def _match(old, new, threshold):
    """Return {new index: (old index, ratio)}: identical texts first, then the most similar pairs."""
    waiting = defaultdict(deque)
    for i, row in enumerate(old):
        waiting[_normal(row.text)].append(i)
    pairs, free_new = {}, []
    for j, row in enumerate(new):
        queue = waiting.get(_normal(row.text))
        if queue:
            pairs[j] = (queue.popleft(), 1.0)
        else:
            free_new.append(j)
    taken = {i for i, _ in pairs.values()}
    free_old = [i for i in range(len(old)) if i not in taken]
    if not free_old or not free_new:
        return pairs
    old_words = {i: _words(old[i].text) for i in free_old}
    candidates = []
    matcher = SequenceMatcher(autojunk=False)
    for j in free_new:
        # SequenceMatcher caches what it learns about its second sequence: set it once per row.
        matcher.set_seq2(_words(new[j].text))
        for i in free_old:
            matcher.set_seq1(old_words[i])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                candidates.append((-ratio, abs(i - j), i, j))
    candidates.sort()
    for negative_ratio, _, i, j in candidates:
        if i not in taken and j not in pairs:
            pairs[j] = (i, -negative_ratio)
            taken.add(i)
    return pairs


def _normal(text):
    return " ".join(text.split())


def _words(text):
    return [word.strip(".,;:").lower() for word in text.split()]


def _tokens(row):
    return WORD_RE.findall(row.text)


def _marked(op, tokens):
    """Mark the words, not the space after them."""
    text = "".join(tokens)
    words = text.rstrip()
    segments = [Segment(op, words)] if words else []
    if words != text:
        segments.append(Segment("same", text[len(words) :]))
    return segments


def _merged(segments):
    """Join neighbouring runs of the same kind: an insertion on one side splits the other side's runs."""
    merged = []
    for segment in segments:
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _whole(row):
    return [Segment("same", row.text)] if row else []
