"""The company's own reference tables: teams, people, credentials, tools, budgets, labour rates, prices.

What it is: small CSVs the company edits by hand (or exports from its HR and finance systems) and lands
in `landing/reference/`, one raw table each, told apart by file name (`teams.csv`, `teams_2026-06.csv`,
...; gzip allowed). Comma, tab, semicolon or pipe separated, UTF-8, a header row. Header names are exact
and lowercase; columns not listed here are kept as JSON in `_extra` (schema drift). A file missing a
required column is rejected; a row with a bad date, number, currency or choice is quarantined with its
line number and reason, and the rest of the file loads.

Restatement: each file is the whole table, not a change to it. The newest loaded file of a kind
replaces every older one (`int_reference_<kind>_deduplicated`); older files stay in the raw table,
traceable by `_load_id`. To change one row, edit the file and land it again.

Dates are `YYYY-MM-DD`. Periods are half-open: `valid_from` is the first day a row holds, `valid_to`
the first day it no longer does (the next row's `valid_from`), so a move on 2026-05-01 ends the old
row and starts the new one on the same date. A blank `valid_from` means "since before any data", a
blank `valid_to` (or 9999-12-31) means "still true"; a `valid_to` not after `valid_from` is quarantined.
Money is a decimal with a point and no thousands separator, never negative, with a three-letter
ISO 4217 `currency`; kept exactly as DECIMAL(38, 18).

Files and their columns (required ones in bold):

- `teams*.csv`: **team_id**, **team_name**, cost_centre.
- `people*.csv`: **person_id**, **email**, display_name, github_login, microsoft_upn, gateway_user_id
  (the person's LiteLLM user id), **team_id**, valid_from, valid_to. One row per person per team period.
- `credentials*.csv`: **credential_type**, **credential_id**, credential_name, **team_id**, workflow_id,
  valid_from, valid_to, note, allocation. Who owns a gateway key, provider project, workspace or key,
  IAM principal, tag or cloud resource, over time. `allocation` is `owner` (the default: the bill goes
  to the owning team) or `gateway_traffic` for the gateway's own provider credentials, whose bill holds
  every team's gateway calls and is split by the gateway's spend logs.
- `tools*.csv`: **tool_id**, **tool_name**, vendor, category, **billing_model** (`seat` or `usage`),
  list_monthly_price, currency.
- `budgets*.csv`: **team_id**, **month** (`YYYY-MM`), **budget**, **currency**.
- `labour_rates*.csv`: **team_id**, **hourly_cost**, **currency**, valid_from (a rate holds until the
  team's next valid_from).
- `prices*.csv` (optional): **provider**, **model**, valid_from, valid_to, **input**, cache_read,
  cache_write, **output** (each per million tokens), **currency**. Negotiated rates.
- `workflows*.csv` (optional): **workflow_id**, workflow_name, team_id (the owning team, which wins
  over the owner derived from credentials and traffic), is_urgent (`true`/`false` or `yes`/`no`;
  `false` means results can wait a day, so the batch-pricing scenario may apply; blank or an unlisted
  workflow counts as urgent, so nothing is assumed batchable).

`credential_type` is one of: litellm_key (`credential_id` is LiteLLM's sha256 of the virtual key, as in
its spend logs; a raw `sk-...` key put there is hashed the same way and never stored), openai_project
(`proj_...`), openai_api_key (the key's id, `key_...`), anthropic_workspace (`wrkspc_...`),
anthropic_api_key (the key's id, `apikey_...`), aws_iam_principal (an IAM ARN), aws_tag and azure_tag
(`key=value`), azure_resource (the resource id). A credential that belongs to nobody has no row.
`credential_name` and `note` are free text and pass the secret scrubber.

`category` of a tool is free text (coding_assistant, chat_assistant, productivity_assistant,
model_api, ...). `list_monthly_price` is blank for usage-billed tools; the currency goes with a price.
`prices.csv` is optional: rates negotiated below the public price catalogue, per million tokens.
"""

from __future__ import annotations

from ingest.seats import currency_checks, date_field
from ingest.spec import Field, SourceSpec, sql_string

CREDENTIAL_TYPES = (
    "litellm_key",
    "openai_project",
    "openai_api_key",
    "anthropic_workspace",
    "anthropic_api_key",
    "aws_iam_principal",
    "aws_tag",
    "azure_resource",
    "azure_tag",
)
# How a credential's bill is allocated: to its owner, or, for a gateway's own provider credential,
# across the teams whose calls the gateway made with it.
ALLOCATIONS = ("owner", "gateway_traffic")
BILLING_MODELS = ("seat", "usage")
YES_NO = ("true", "false", "yes", "no")

_MONEY = "DECIMAL(38, 18)"
_FILE_PATTERNS = {
    "teams": "teams*.csv",
    "people": "people*.csv",
    "credentials": "credentials*.csv",
    "tools": "tools*.csv",
    "budgets": "budgets*.csv",
    "labour_rates": "labour_rates*.csv",
    "prices": "prices*.csv",
    "workflows": "workflows*.csv",
}


def _choice_check(column: str, choices: tuple[str, ...]) -> tuple[str, str]:
    listed = ", ".join(sql_string(c) for c in choices)
    return (
        f'"{column}" is not null and lower(trim("{column}")) not in ({listed})',
        f"{column} is not one of: {', '.join(choices)}",
    )


def _period_check() -> tuple[str, str]:
    return (
        "try_cast(trim(valid_to) as date) <= try_cast(trim(valid_from) as date)",
        "valid_to is not after valid_from",
    )


def _spec(kind: str, description: str, natural_key: tuple[str, ...], fields, checks=()) -> SourceSpec:
    return SourceSpec(
        name="reference",
        table=f"reference_{kind}",
        description=description,
        natural_key=natural_key,
        file_pattern=_FILE_PATTERNS[kind],
        # Restoring an older version of a file makes it current again, even with the same bytes.
        same_bytes_are_duplicates=False,
        fields=tuple(fields),
        checks=tuple(checks),
    )


def _money(name: str, required: bool = False) -> Field:
    return Field(name, _MONEY, required=required, non_negative=True)


def _text(name: str, required: bool = False) -> Field:
    return Field(name, "VARCHAR", required=required)


# A litellm_key id is LiteLLM's sha256 of the key: kept (lower-cased), or a raw key hashed the same way.
# Other ids are not secrets, but a key pasted into the wrong column is scrubbed all the same.
_CREDENTIAL_ID = (
    "case when lower(trim(credential_type)) = 'litellm_key' then "
    "case when regexp_full_match(trim({text}), '[0-9A-Fa-f]{64}') then lower(trim({text})) "
    "else aispend_key_hash(trim({text})) end "
    "else aispend_scrub(trim({text})) end"
)

TEAMS = _spec(
    "teams",
    "The company's teams and their cost centres.",
    ("team_id",),
    (_text("team_id", True), _text("team_name", True), _text("cost_centre")),
)

PEOPLE = _spec(
    "people",
    "People, their identities in each tool, and their team over time: one row per person per team period.",
    ("person_id", "valid_from"),
    (
        _text("person_id", True),
        _text("email", True),
        _text("display_name"),
        _text("github_login"),
        _text("microsoft_upn"),
        _text("gateway_user_id"),
        _text("team_id", True),
        date_field("valid_from"),
        date_field("valid_to"),
    ),
    (_period_check(),),
)

CREDENTIALS = _spec(
    "credentials",
    "Who owns each gateway key, provider project, workspace, key, IAM principal, tag or cloud resource.",
    ("credential_type", "credential_id", "valid_from"),
    (
        _text("credential_type", True),
        Field("credential_id", "VARCHAR", required=True, expr=_CREDENTIAL_ID),
        Field("credential_name", "VARCHAR", expr="aispend_scrub({text})"),
        _text("team_id", True),
        _text("workflow_id"),
        date_field("valid_from"),
        date_field("valid_to"),
        Field("note", "VARCHAR", expr="aispend_scrub({text})"),
        _text("allocation"),
    ),
    (
        _choice_check("credential_type", CREDENTIAL_TYPES),
        _choice_check("allocation", ALLOCATIONS),
        _period_check(),
    ),
)

TOOLS = _spec(
    "tools",
    "AI tools the company pays for, how each is billed, and seat tools' list price per month.",
    ("tool_id",),
    (
        _text("tool_id", True),
        _text("tool_name", True),
        _text("vendor"),
        _text("category"),
        _text("billing_model", True),
        _money("list_monthly_price"),
        _text("currency"),
    ),
    (_choice_check("billing_model", BILLING_MODELS), *currency_checks(price="list_monthly_price")),
)

BUDGETS = _spec(
    "budgets",
    "Monthly AI budget per team.",
    ("team_id", "month"),
    (
        _text("team_id", True),
        # YYYY-MM, kept as the month's first day.
        Field(
            "month",
            "DATE",
            required=True,
            expr=(
                "case when regexp_full_match(trim({text}), '[0-9]{4}-[0-9]{1,2}') "
                "then try_cast(trim({text}) || '-01' as date) end"
            ),
        ),
        _money("budget", True),
        _text("currency", True),
    ),
    currency_checks(price=None),
)

LABOUR_RATES = _spec(
    "labour_rates",
    "Hourly labour cost per team, for the people who correct or finish AI work.",
    ("team_id", "valid_from"),
    (_text("team_id", True), _money("hourly_cost", True), _text("currency", True), date_field("valid_from")),
    currency_checks(price=None),
)

PRICES = _spec(
    "prices",
    "Negotiated model prices per million tokens, overriding the public catalogue where they apply.",
    ("provider", "model", "valid_from"),
    (
        _text("provider", True),
        _text("model", True),
        date_field("valid_from"),
        date_field("valid_to"),
        _money("input", True),
        _money("cache_read"),
        _money("cache_write"),
        _money("output", True),
        _text("currency", True),
    ),
    (_period_check(), *currency_checks(price=None)),
)

WORKFLOWS = _spec(
    "workflows",
    "The company's AI workflows: name, owning team, and whether their results are needed at once.",
    ("workflow_id",),
    (_text("workflow_id", True), _text("workflow_name"), _text("team_id"), _text("is_urgent")),
    (_choice_check("is_urgent", YES_NO),),
)

SPECS: tuple[SourceSpec, ...] = (TEAMS, PEOPLE, CREDENTIALS, TOOLS, BUDGETS, LABOUR_RATES, PRICES, WORKFLOWS)
