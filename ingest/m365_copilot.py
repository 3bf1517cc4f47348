"""Microsoft 365 Copilot usage per licensed user: the Graph report getMicrosoft365CopilotUsageUserDetail.

What it is: the CSV that Microsoft Graph returns for `getMicrosoft365CopilotUsageUserDetail(period='D7')`
(also D30, D90, D180, ALL), one row per user holding a Microsoft 365 Copilot licence, with the last day
they used Copilot overall and in each app. It has no tokens and no money: the seat's price comes from
the company's reference `tools.csv`.

Formats accepted, in `landing/m365_copilot/`: the report's CSV as Graph sends it (UTF-8 with a byte-order
mark, comma-separated; other delimiters and gzip also load). Columns, by their exact header:

    Report Refresh Date, User Principal Name, Display Name, Last Activity Date,
    Copilot Chat Last Activity Date, Microsoft Teams Copilot Last Activity Date,
    Word Copilot Last Activity Date, Excel Copilot Last Activity Date,
    PowerPoint Copilot Last Activity Date, Outlook Copilot Last Activity Date,
    OneNote Copilot Last Activity Date, Loop Copilot Last Activity Date, Report Period

`Report Refresh Date` and `User Principal Name` are required; every other column may be missing.
Dates are `YYYY-MM-DD`; a blank date means the user never used Copilot there, and loads as NULL.
A date that does not parse quarantines the row. `Report Refresh Date` is the report's snapshot date:
the newest report of a refresh date replaces older ones (`int_m365_copilot_users_deduplicated`).

Columns of newer report versions (`Prompts submitted for all apps`, `Active Usage Days for all apps`,
`Copilot Chat (work) Last Activity Date`, ...; their spelling is not documented) are schema drift: kept,
scrubbed, as JSON in `_extra` and listed in the load's `extra_columns`, not typed until they are known.

Privacy: when the tenant conceals user details in reports (Microsoft 365 admin centre, Org settings,
Reports), `User Principal Name` and `Display Name` hold a hash instead of the name. They load as they
are: such rows count licences and activity but cannot be matched to a person (staging marks them
`is_identity_concealed`).
"""

from __future__ import annotations

from ingest.spec import Field, SourceSpec

# (raw column, report header) of each app's last Copilot activity date.
APP_ACTIVITY_COLUMNS = (
    ("copilot_chat_last_activity_date", "Copilot Chat Last Activity Date"),
    ("teams_copilot_last_activity_date", "Microsoft Teams Copilot Last Activity Date"),
    ("word_copilot_last_activity_date", "Word Copilot Last Activity Date"),
    ("excel_copilot_last_activity_date", "Excel Copilot Last Activity Date"),
    ("powerpoint_copilot_last_activity_date", "PowerPoint Copilot Last Activity Date"),
    ("outlook_copilot_last_activity_date", "Outlook Copilot Last Activity Date"),
    ("onenote_copilot_last_activity_date", "OneNote Copilot Last Activity Date"),
    ("loop_copilot_last_activity_date", "Loop Copilot Last Activity Date"),
)

SPEC = SourceSpec(
    name="m365_copilot",
    table="m365_copilot_usage_user_detail",
    description="Microsoft 365 Copilot usage user detail reports, one row per licensed user per report.",
    natural_key=("report_refresh_date", "user_principal_name"),
    fields=(
        Field("report_refresh_date", "DATE", key="Report Refresh Date", required=True),
        Field("user_principal_name", "VARCHAR", key="User Principal Name", required=True),
        Field("display_name", "VARCHAR", key="Display Name"),
        Field("last_activity_date", "DATE", key="Last Activity Date"),
        *(Field(name, "DATE", key=header) for name, header in APP_ACTIVITY_COLUMNS),
        Field("report_period", "BIGINT", key="Report Period", non_negative=True),
    ),
)
