"""The revision counter that lets a form opened before someone else's change be recognised.

A row with a `revision` field is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions lock the whole database at BEGIN), compared with the revision the form was opened
at, and bumped by every change, so a stale tab's save is refused instead of overwriting.
"""


def lock_row(queryset, pk):
    """Fetch the row and hold it until the transaction ends.

    Only the row itself is locked, not the rows joined to it by select_related: locking an
    attempt must not lock its task, which every other student's attempt shares.
    """
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def is_stale(row, revision):
    """Say whether a form opened at `revision` is older than the row now (None skips the check)."""
    return revision is not None and int(revision) != row.revision


def bump_revision(row, *fields):
    """Record a change: bump the revision and save it with any other fields that changed."""
    row.revision += 1
    row.save(update_fields=["revision", *fields])
