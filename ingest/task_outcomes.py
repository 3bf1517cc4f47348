"""Task outcomes: what became of each unit of business work, as the business systems export it.

One record per task, JSON Lines, a JSON array or CSV (gzip or not), with this schema:

| key           | required | meaning                                                                  |
|---------------|----------|--------------------------------------------------------------------------|
| task_id       | yes      | the business system's id of the task (the id the services put on spans  |
|               |          | and gateway calls as `app.task.id` / `task_id`)                          |
| workflow_id   | yes      | the workflow the task belongs to (ticket_triage, kb_answer, ...)         |
| outcome       | yes      | succeeded, failed, escalated or abandoned; case and spaces are ignored   |
| human_minutes | no       | minutes people spent on the task (correcting, finishing, taking over)    |
| value         | no       | what the task was worth to the business, a decimal number                |
| currency      | no       | ISO 4217 code of `value`; USD when absent                                |
| started_at    | yes      | when the task started                                                    |
| completed_at  | no       | when it completed (absent for abandoned work)                            |

Times are accepted as RFC 3339 (`2026-03-02T09:20:46.847Z`, `...+02:00`), naive UTC
(`2026-03-02 09:20:46[.ffffff]`, or with `T`), epoch seconds (`1772443246`, up to six decimals) or
an `M/D/YYYY` date (midnight UTC). The raw layer keeps the text as sent (a JSON number is kept as
its digits) and only checks that it is one of these forms and a real time; staging parses it once.

What makes a row unloadable: a missing task id, workflow id, outcome or start time; an outcome
outside the four; a time in another form or impossible (2/30/2026); negative minutes or value;
a currency that is not three letters. Other columns a system adds are kept in `_extra`.

Restatement: a system re-sends a task when its outcome changes (a ticket first resolved by the
model is escalated two days later). The newest load of a task_id wins (see
`int_task_outcomes_tasks_deduplicated`); the earlier rows stay in the raw table.
"""

from __future__ import annotations

from ingest.spec import Field, SourceSpec

FOLDER = "task_outcomes"
OUTCOMES = ("succeeded", "failed", "escalated", "abandoned")

_EPOCH = r"[0-9]{1,11}(\.[0-9]{1,6})?"
_US_DATE = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"
_ISO = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)


def parsed_time_sql(column: str) -> str:
    """DuckDB SQL giving the UTC time of a text in one of the accepted forms, else NULL.

    Used only to check rows at load time; staging parses the same forms with portable SQL.
    """
    v = f'trim("{column}")'
    return (
        f"case when regexp_full_match({v}, '{_EPOCH}') then make_timestamp("
        f"cast(round(cast({v} as decimal(38, 6)) * 1000000) as bigint)) "
        f"when regexp_full_match({v}, '{_US_DATE}') then try_strptime({v}, '%m/%d/%Y') "
        f"when regexp_full_match({v}, '{_ISO}') then aispend_timestamp(upper({v})) end"
    )


_TIME_FORMS = "RFC 3339, naive UTC 'YYYY-MM-DD HH:MM:SS', epoch seconds or M/D/YYYY"

SPEC = SourceSpec(
    name=FOLDER,
    table="task_outcomes_tasks",
    description="Outcomes of business tasks (succeeded, failed, escalated, abandoned), one row per export.",
    natural_key=("task_id",),
    derived=(
        ("_started_at", parsed_time_sql("started_at")),
        ("_completed_at", parsed_time_sql("completed_at")),
    ),
    checks=(
        ("trim(task_id) = ''", "task_id is empty"),
        ("trim(workflow_id) = ''", "workflow_id is empty"),
        (
            "outcome is not null and lower(trim(outcome)) not in ("
            + ", ".join(f"'{o}'" for o in OUTCOMES)
            + ")",
            f"outcome is not one of {', '.join(OUTCOMES)}",
        ),
        ("started_at is not null and _started_at is null", f"started_at is not a time ({_TIME_FORMS})"),
        ("completed_at is not null and _completed_at is null", f"completed_at is not a time ({_TIME_FORMS})"),
        (
            "nullif(trim(currency), '') is not null and not regexp_full_match(trim(currency), '[A-Za-z]{3}')",
            "currency is not a three-letter ISO 4217 code",
        ),
    ),
    fields=(
        Field("task_id", "VARCHAR", required=True),
        Field("workflow_id", "VARCHAR", required=True),
        Field("outcome", "VARCHAR", required=True),
        Field("human_minutes", "DECIMAL(38, 10)", non_negative=True),
        Field("value", "DECIMAL(38, 18)", non_negative=True),
        Field("currency", "VARCHAR"),
        Field("started_at", "VARCHAR", required=True),
        Field("completed_at", "VARCHAR"),
    ),
)
