"""A student's stage in each unit, and the tasks handed in, kept on the enrolment for the reports.

The stage follows from the enrolment's attempts, its tool's tasks and its unit result in force:
the first of these that holds is where the student stands. A result (Competent, Not yet
competent, another outcome); no task started; every task Satisfactory; a task Not satisfactory
with a resubmission date; one without; work being assessed; work submitted; otherwise drafting.
Each task stands where its latest attempt stands, as on the cohort grid.

Counting that from every attempt on each request took 150-300 ms for an RTO of 40,000
enrolments. So every service that opens an attempt, changes its status or records a result calls
refresh_stages() in its own transaction, and the reports read the stored stage. With it the
tasks handed in (Enrolment.handed_in): finding the overdue tasks by searching the attempts of every
(enrolment, task) took 50 ms of the exceptions page.
"""

from collections import defaultdict
from itertools import batched

from django.db import connection

from evidence.models import COMPETENT, NOT_YET_COMPETENT, Attempt, Enrolment, UnitResult
from units.models import Task

BATCH = 2000  # ids in one UPDATE: well under SQLite's limit on parameters


def refresh_stages(enrolments):
    """Store the stage each of the enrolments (a queryset) is at now, and the tasks handed in;
    return how many enrolments changed."""
    sql, params = stage_sql(enrolments)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT enrolment_id, stage, handed_in FROM ({sql}) s"
            " WHERE stage <> stored OR handed_in <> stored_handed_in",
            params,
        )
        changed = cursor.fetchall()
    ids_by_values = defaultdict(list)
    for pk, stage, handed_in in changed:
        ids_by_values[stage, handed_in].append(pk)
    for (stage, handed_in), ids in ids_by_values.items():
        for batch in batched(ids, BATCH):
            enrolments.model._default_manager.filter(pk__in=batch).update(stage=stage, handed_in=handed_in)
    return len(changed)


def refresh_stage(enrolment_id):
    """Store one enrolment's stage now (after a change to its attempts or result)."""
    return refresh_stages(Enrolment.objects.filter(pk=enrolment_id))


def stage_sql(enrolments):
    """Return (sql, params): a query of `enrolment_id, stored, stage, stored_handed_in, handed_in`
    for the enrolments: the stage and tasks handed in kept on each, and those its attempts and
    result make now.

    Plain SQL that PostgreSQL and SQLite both run, in one pass over the attempts. It leans on a
    rule the services keep: a new attempt, numbered one more than the last, opens only after a Not
    satisfactory one. So every attempt but a task's latest is Not satisfactory; any other attempt
    is its task's latest; each task started has exactly one attempt 1; the tasks whose latest is
    Not satisfactory are those started less those with another attempt; and a Not satisfactory
    attempt is the latest when no attempt numbered one more follows it.

    No correlated subquery: PostgreSQL would estimate it so costly that it would JIT-compile the
    query, which takes longer (half a second) than running it.
    """
    attempt, task, result = Attempt._meta.db_table, Task._meta.db_table, UnitResult._meta.db_table
    enrolment = Enrolment._meta.db_table
    if enrolments.query.where:
        scope, scope_params = enrolments.order_by().values("pk").query.sql_with_params()
        in_scope, in_scope_params = f"IN ({scope})", scope_params
    else:  # every enrolment: no need to ask the database to check each one
        in_scope, in_scope_params = "IS NOT NULL", ()
    # t: per enrolment, its tasks Satisfactory, its tasks whose latest is Not satisfactory (those
    # started less those with another attempt), whether work is being assessed (2) or submitted
    # (1), and the tasks handed in: a task's attempt 1 is unique, so their bits add up. rs: the enrolments with a latest Not satisfactory that has a resubmission
    # date. Few aggregates keep the grouping in memory; rs joins only the attempts it needs.
    sql = f"""
        SELECT e.id AS enrolment_id, e.stage AS stored, e.handed_in AS stored_handed_in,
          COALESCE(t.handed_in, 0) AS handed_in,
          CASE
            WHEN r.outcome_id = %s THEN 'C'
            WHEN r.outcome_id = %s THEN 'NYC'
            WHEN r.outcome_id IS NOT NULL THEN 'other'
            WHEN t.enrolment_id IS NULL THEN 'new'
            WHEN t.satisfactory = k.tasks THEN 'S'
            WHEN rs.enrolment_id IS NOT NULL THEN 'resubmit'
            WHEN t.not_satisfactory > 0 THEN 'NS'
            WHEN t.waiting = 2 THEN 'assessing'
            WHEN t.waiting = 1 THEN 'submitted'
            ELSE 'draft'
          END AS stage
        FROM {enrolment} e
        LEFT JOIN (
          SELECT a.enrolment_id,
            SUM(CASE WHEN a.status = 'S' THEN 1 ELSE 0 END) AS satisfactory,
            SUM(CASE WHEN a.number = 1 THEN 1 ELSE 0 END - CASE WHEN a.status <> 'NS' THEN 1 ELSE 0 END)
              AS not_satisfactory,
            MAX(CASE WHEN a.status = 'assessing' THEN 2 WHEN a.status = 'submitted' THEN 1 ELSE 0 END)
              AS waiting,
            SUM(CASE WHEN a.number = 1 AND a.status <> 'draft' THEN CAST(1 AS BIGINT) << (n.number - 1) ELSE 0 END)
              AS handed_in
          FROM {attempt} a
          JOIN {task} n ON n.id = a.task_id
          WHERE a.enrolment_id {in_scope}
          GROUP BY a.enrolment_id
        ) t ON t.enrolment_id = e.id
        LEFT JOIN (
          SELECT DISTINCT a.enrolment_id
          FROM {attempt} a
          LEFT JOIN {attempt} later ON later.enrolment_id = a.enrolment_id AND later.task_id = a.task_id
            AND later.number = a.number + 1
          WHERE a.status = 'NS' AND a.resubmit_by IS NOT NULL AND later.id IS NULL AND a.enrolment_id {in_scope}
        ) rs ON rs.enrolment_id = e.id
        LEFT JOIN (SELECT tool_id, COUNT(*) AS tasks FROM {task} GROUP BY tool_id) k ON k.tool_id = e.tool_id
        LEFT JOIN (
          SELECT enrolment_id, MAX(outcome_id) AS outcome_id FROM {result} u
          WHERE NOT EXISTS (SELECT 1 FROM {result} later WHERE later.corrects_id = u.id)
          GROUP BY enrolment_id
        ) r ON r.enrolment_id = e.id
        WHERE e.id {in_scope}
    """
    return sql, (COMPETENT, NOT_YET_COMPETENT, *in_scope_params, *in_scope_params, *in_scope_params)
