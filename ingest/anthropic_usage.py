"""Anthropic Admin API usage reports: the `anthropic_usage` landing folder feeds two raw tables.

Files are API responses as fetched, one page, JSON Lines of pages or a JSON array of pages, gzip
or not (see `ingest.anthropic_pages`). The folder holds two reports, told apart by file name:

- `messages*` (for example `messages_2026-10-31T0600Z.json`): GET
  /v1/organizations/usage_report/messages. One raw row per result of a time bucket, with the
  bucket's `starting_at` and `ending_at`; an empty bucket is one row with `is_empty_bucket`.
  `uncached_input_tokens` excludes cache reads and cache writes; cache writes come nested as
  `cache_creation.ephemeral_5m_input_tokens` / `.ephemeral_1h_input_tokens` (the flattened
  spellings `cache_creation_5m_input_tokens` / `cache_creation_1h_input_tokens` that some clients
  write are read too, the nested value winning); `server_tool_use.web_search_requests` is read
  from its nested object. Grouping fields (`api_key_id`, `workspace_id`, `model`, `service_tier`,
  `context_window`, `inference_geo`, `account_id`, `service_account_id`) are NULL when the pull
  did not group by them; `workspace_id` is also NULL for the default workspace, so pulls should
  group by `workspace_id` (staging labels NULL as the default workspace).
- `claude_code*` (for example `claude_code_2026-10-31T0600Z.json`): GET
  /v1/organizations/usage_report/claude_code. One raw row per actor, day and model: each entry of
  a record's `model_breakdown`, with the record's fields and `model_breakdown_position`. The
  record's activity counts (sessions, lines, commits, pull requests, tool actions) are per actor
  and day, so every model row of a record repeats them; staging keeps them on position 1 only.
  `estimated_cost.amount` is in cents, kept as sent (DECIMAL(38, 18)).

Any other file name in the folder is rejected with the expected names, so a report never lands in
the wrong table. Pull files are best named by pull time, so they sort and load in pull order.

What is kept: every documented field, times as the RFC 3339 text sent (staging converts them to
UTC; a time that does not parse quarantines its row), counts as BIGINT. The paging keys
(`has_more`, `next_page`) are dropped. Actor email addresses are kept, because the warehouse
matches people by email; API key names are scrubbed of anything that looks like a secret. A
usage result with neither `uncached_input_tokens` nor `output_tokens`, or a Claude Code record
with no actor, is quarantined: it cannot be counted or attributed.
"""

from __future__ import annotations

import json

from ingest.anthropic_pages import claude_code_pages, messages_pages
from ingest.spec import Field, SourceSpec, quote, sql_string

FOLDER = "anthropic_usage"
MESSAGES_FILES = "messages*"
CLAUDE_CODE_FILES = "claude_code*"


def rfc3339_check(key: str) -> tuple[str, str]:
    """A spec check quarantining a row whose `key` is present but not an RFC 3339 time."""
    text = quote(key)
    return (
        f"{text} is not null and aispend_timestamp({text}) is null",
        f"{key} is not an RFC 3339 timestamp",
    )


def nested_object(alias: str, key: str, structure: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    """A derived column parsing the nested object under `key`, and the check that it is one."""
    parse = f"try(json_transform({quote(key)}, {sql_string(json.dumps(structure))}))"
    return (alias, parse), (f"{quote(key)} is not null and {alias} is null", f"{key} is not a JSON object")


def nested_field(name: str, path: str, alias: str, type_: str = "BIGINT", **kwargs) -> Field:
    """A column read from `alias` (a parsed nested object) at `path`, named by its source path."""
    inner = path.split(".", 1)[1]
    return Field(name, type_, key=path, text=f"{alias}.{inner}", **kwargs)


_CACHE, _CACHE_CHECK = nested_object(
    "_cache",
    "cache_creation",
    {"ephemeral_5m_input_tokens": "VARCHAR", "ephemeral_1h_input_tokens": "VARCHAR"},
)
_TOOLS, _TOOLS_CHECK = nested_object("_server_tools", "server_tool_use", {"web_search_requests": "VARCHAR"})

MESSAGES_SPEC = SourceSpec(
    name=FOLDER,
    table="anthropic_usage_messages",
    description=(
        "Anthropic messages usage report: tokens per time bucket and grouping (API key, workspace, "
        "model, service tier, ...), one row per result of each pull."
    ),
    natural_key=(
        "starting_at",
        "api_key_id",
        "workspace_id",
        "model",
        "service_tier",
        "context_window",
        "inference_geo",
        "account_id",
        "service_account_id",
    ),
    reader=messages_pages,
    file_pattern=MESSAGES_FILES,
    reads=(
        "cache_creation",
        "server_tool_use",
        "cache_creation_5m_input_tokens",
        "cache_creation_1h_input_tokens",
    ),
    derived=(_CACHE, _TOOLS),
    checks=(
        rfc3339_check("starting_at"),
        rfc3339_check("ending_at"),
        _CACHE_CHECK,
        _TOOLS_CHECK,
        (
            '"results" is null and "uncached_input_tokens" is null and "output_tokens" is null',
            "usage result has neither uncached_input_tokens nor output_tokens",
        ),
    ),
    fields=(
        Field("starting_at", "VARCHAR", required=True),
        Field("ending_at", "VARCHAR"),
        # Only an empty bucket's record carries `results` (see ingest.anthropic_pages).
        Field("is_empty_bucket", "BOOLEAN", key="results", expr="({text} is not null)", checked=False),
        Field("api_key_id", "VARCHAR"),
        Field("workspace_id", "VARCHAR"),
        Field("model", "VARCHAR"),
        Field("service_tier", "VARCHAR"),
        Field("context_window", "VARCHAR"),
        Field("inference_geo", "VARCHAR"),
        Field("account_id", "VARCHAR"),
        Field("service_account_id", "VARCHAR"),
        Field("uncached_input_tokens", "BIGINT", non_negative=True),
        Field("cache_read_input_tokens", "BIGINT", non_negative=True),
        Field(
            "cache_creation_ephemeral_5m_input_tokens",
            "BIGINT",
            key="cache_creation.ephemeral_5m_input_tokens",
            text='coalesce(_cache.ephemeral_5m_input_tokens, "cache_creation_5m_input_tokens")',
            non_negative=True,
        ),
        Field(
            "cache_creation_ephemeral_1h_input_tokens",
            "BIGINT",
            key="cache_creation.ephemeral_1h_input_tokens",
            text='coalesce(_cache.ephemeral_1h_input_tokens, "cache_creation_1h_input_tokens")',
            non_negative=True,
        ),
        Field("output_tokens", "BIGINT", non_negative=True),
        nested_field(
            "server_tool_use_web_search_requests",
            "server_tool_use.web_search_requests",
            "_server_tools",
            non_negative=True,
        ),
    ),
)

_TOOL_NAMES = ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")
_ACTOR, _ACTOR_CHECK = nested_object(
    "_actor", "actor", {"type": "VARCHAR", "email_address": "VARCHAR", "api_key_name": "VARCHAR"}
)
_CORE, _CORE_CHECK = nested_object(
    "_core",
    "core_metrics",
    {
        "num_sessions": "VARCHAR",
        "lines_of_code": {"added": "VARCHAR", "removed": "VARCHAR"},
        "commits_by_claude_code": "VARCHAR",
        "pull_requests_by_claude_code": "VARCHAR",
    },
)
_ACTIONS, _ACTIONS_CHECK = nested_object(
    "_actions", "tool_actions", {tool: {"accepted": "VARCHAR", "rejected": "VARCHAR"} for tool in _TOOL_NAMES}
)
_TOKENS, _TOKENS_CHECK = nested_object(
    "_tokens",
    "tokens",
    {"input": "VARCHAR", "output": "VARCHAR", "cache_read": "VARCHAR", "cache_creation": "VARCHAR"},
)
_COST, _COST_CHECK = nested_object("_cost", "estimated_cost", {"amount": "VARCHAR", "currency": "VARCHAR"})

CLAUDE_CODE_SPEC = SourceSpec(
    name=FOLDER,
    table="anthropic_usage_claude_code",
    description=(
        "Anthropic Claude Code usage report: per actor, day and model, tokens and estimated cost, "
        "with the actor-day's sessions, lines of code, commits, pull requests and tool actions."
    ),
    natural_key=(
        "date",
        "actor.type",
        "actor.email_address",
        "actor.api_key_name",
        "organization_id",
        "customer_type",
        "terminal_type",
        "is_remote",
        "model",
    ),
    reader=claude_code_pages,
    file_pattern=CLAUDE_CODE_FILES,
    reads=("actor", "core_metrics", "tool_actions", "tokens", "estimated_cost", "model_breakdown"),
    derived=(_ACTOR, _CORE, _ACTIONS, _TOKENS, _COST),
    checks=(
        rfc3339_check("date"),
        _ACTOR_CHECK,
        _CORE_CHECK,
        _ACTIONS_CHECK,
        _TOKENS_CHECK,
        _COST_CHECK,
        (
            "_actor.email_address is null and _actor.api_key_name is null",
            "actor has neither email_address nor api_key_name",
        ),
    ),
    fields=(
        Field("report_date", "VARCHAR", key="date", required=True),
        nested_field("actor_type", "actor.type", "_actor", "VARCHAR", required=True),
        nested_field("actor_email_address", "actor.email_address", "_actor", "VARCHAR"),
        Field(
            "actor_api_key_name",
            "VARCHAR",
            key="actor.api_key_name",
            text="_actor.api_key_name",
            expr="aispend_scrub({text})",
        ),
        Field("organization_id", "VARCHAR"),
        Field("customer_type", "VARCHAR"),
        Field("subscription_type", "VARCHAR"),
        Field("terminal_type", "VARCHAR"),
        Field("is_remote", "BOOLEAN"),
        nested_field("num_sessions", "core_metrics.num_sessions", "_core", non_negative=True),
        nested_field("lines_of_code_added", "core_metrics.lines_of_code.added", "_core", non_negative=True),
        nested_field(
            "lines_of_code_removed", "core_metrics.lines_of_code.removed", "_core", non_negative=True
        ),
        nested_field(
            "commits_by_claude_code", "core_metrics.commits_by_claude_code", "_core", non_negative=True
        ),
        nested_field(
            "pull_requests_by_claude_code",
            "core_metrics.pull_requests_by_claude_code",
            "_core",
            non_negative=True,
        ),
        *(
            nested_field(f"{tool}_{outcome}", f"tool_actions.{tool}.{outcome}", "_actions", non_negative=True)
            for tool in _TOOL_NAMES
            for outcome in ("accepted", "rejected")
        ),
        Field("model_breakdown_position", "BIGINT", non_negative=True),
        Field("model", "VARCHAR"),
        nested_field("tokens_input", "tokens.input", "_tokens", non_negative=True),
        nested_field("tokens_output", "tokens.output", "_tokens", non_negative=True),
        nested_field("tokens_cache_read", "tokens.cache_read", "_tokens", non_negative=True),
        nested_field("tokens_cache_creation", "tokens.cache_creation", "_tokens", non_negative=True),
        nested_field(
            "estimated_cost_amount", "estimated_cost.amount", "_cost", "DECIMAL(38, 18)", non_negative=True
        ),
        nested_field("estimated_cost_currency", "estimated_cost.currency", "_cost", "VARCHAR"),
    ),
)

SPECS = (MESSAGES_SPEC, CLAUDE_CODE_SPEC)
