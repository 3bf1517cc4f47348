"""LiteLLM gateway spend logs: rows of the proxy's `LiteLLM_SpendLogs` table.

Accepted as JSON Lines, a JSON array or CSV, exported from the proxy's Postgres table or written by
its loggers. `metadata` and `request_tags` may be JSON strings or objects; `startTime` has no time
zone and is UTC; `spend` is USD as a float.

What is kept: every column except prompt and response content (`messages`, `response`,
`proxy_server_request` are dropped). `api_key` is LiteLLM's sha256 of the virtual key; a raw key
found there is hashed the same way. `metadata` is LiteLLM's own bookkeeping; the loader keeps the
parts that say who spent what, on which work, and why a call failed:

- `user_api_key_alias`, `user_api_key_team_id`, `user_api_key_team_alias`, `user_api_key_user_id`,
  `user_api_key_user_email`, `user_api_key_org_id`, `user_api_key_project_id`: who owns the key;
- `spend_logs_metadata.workflow`, `.task_id`, `.attempt`: the business workflow, task and attempt,
  set by the calling service (`extra_body={"metadata": {"spend_logs_metadata": {...}}}`); any other
  keys the service puts there are kept as JSON in `spend_logs_metadata_extra`;
- `requester_metadata` and `error_information`, as JSON;
- `usage_object`: cached, cache-read, cache-write and reasoning token details;
- `model_map_information.model_map_value`: the gateway's own price per token at request time.

The rest of `metadata` (guardrail, routing and retry bookkeeping, and `model_map_information`'s
copy of the model catalogue, kilobytes per request) is not kept: it says nothing about cost or
ownership and would multiply the warehouse's size per request.
"""

from __future__ import annotations

import json

from ingest.spec import Field, SourceSpec, sql_string

_METADATA_STRUCTURE = {
    "user_api_key_alias": "VARCHAR",
    "user_api_key_team_id": "VARCHAR",
    "user_api_key_team_alias": "VARCHAR",
    "user_api_key_user_id": "VARCHAR",
    "user_api_key_user_email": "VARCHAR",
    "user_api_key_org_id": "VARCHAR",
    "user_api_key_project_id": "VARCHAR",
    "spend_logs_metadata": "VARCHAR",
    "requester_metadata": "VARCHAR",
    "error_information": "VARCHAR",
    "usage_object": {
        "prompt_tokens_details": {"cached_tokens": "VARCHAR"},
        "completion_tokens_details": {"reasoning_tokens": "VARCHAR"},
        "cache_read_input_tokens": "VARCHAR",
        "cache_creation_input_tokens": "VARCHAR",
    },
    "model_map_information": {
        "model_map_value": {
            "input_cost_per_token": "VARCHAR",
            "output_cost_per_token": "VARCHAR",
            "cache_read_input_token_cost": "VARCHAR",
            "cache_creation_input_token_cost": "VARCHAR",
        }
    },
}
_TASK_KEYS = ("workflow", "task_id", "attempt")
_TASK_STRUCTURE = {k: "VARCHAR" for k in _TASK_KEYS}

_MD = "_md"
_TASK = "_task"
_PRICE = f"{_MD}.model_map_information.model_map_value"
_JSON_OR_NULL = "case when json_valid({text}) then aispend_scrub({text})::json end"


def _md_field(name: str, path: str, type_: str = "VARCHAR", **kwargs) -> Field:
    return Field(name, type_, key=f"metadata.{path}", text=f"{_MD}.{path}", **kwargs)


def _price_field(name: str, catalogue_key: str) -> Field:
    return Field(
        name,
        "DOUBLE",
        key=f"metadata.model_map_information.{catalogue_key}",
        text=f"{_PRICE}.{catalogue_key}",
        non_negative=True,
    )


SPEC = SourceSpec(
    name="litellm",
    table="litellm_spend_logs",
    description="LiteLLM proxy spend logs, one row per request through the gateway.",
    natural_key=("request_id",),
    reads=("metadata",),
    derived=(
        (_MD, f"try(json_transform(metadata, {sql_string(json.dumps(_METADATA_STRUCTURE))}))"),
        (_TASK, f"try(json_transform({_MD}.spend_logs_metadata, {sql_string(json.dumps(_TASK_STRUCTURE))}))"),
    ),
    checks=(
        ("metadata is not null and _md is null", "metadata is not valid JSON"),
        (
            f"{_MD}.spend_logs_metadata is not null and {_TASK} is null",
            "metadata.spend_logs_metadata is not a JSON object",
        ),
    ),
    fields=(
        Field("request_id", "VARCHAR", required=True),
        Field("call_type", "VARCHAR"),
        Field("api_key", "VARCHAR", expr="aispend_key_hash({text})"),
        Field("spend", "DOUBLE", required=True, non_negative=True),
        Field("total_tokens", "BIGINT", non_negative=True),
        Field("prompt_tokens", "BIGINT", non_negative=True),
        Field("completion_tokens", "BIGINT", non_negative=True),
        Field("start_time", "TIMESTAMP", key="startTime", required=True),
        Field("end_time", "TIMESTAMP", key="endTime"),
        Field("completion_start_time", "TIMESTAMP", key="completionStartTime"),
        Field("request_duration_ms", "BIGINT", non_negative=True),
        Field("model", "VARCHAR"),
        Field("model_id", "VARCHAR"),
        Field("model_group", "VARCHAR"),
        Field("custom_llm_provider", "VARCHAR"),
        Field("api_base", "VARCHAR", expr="aispend_scrub({text})"),
        Field("user_id", "VARCHAR", key="user"),
        Field("team_id", "VARCHAR"),
        Field("organization_id", "VARCHAR"),
        Field("end_user", "VARCHAR"),
        Field("requester_ip_address", "VARCHAR"),
        Field("session_id", "VARCHAR"),
        Field("status", "VARCHAR"),
        Field("cache_hit", "VARCHAR"),
        Field("cache_key", "VARCHAR"),
        Field("request_tags", "JSON", expr=_JSON_OR_NULL),
        Field("mcp_namespaced_tool_name", "VARCHAR"),
        Field("agent_id", "VARCHAR"),
        _md_field("key_alias", "user_api_key_alias"),
        _md_field("key_team_id", "user_api_key_team_id"),
        _md_field("key_team_alias", "user_api_key_team_alias"),
        _md_field("key_user_id", "user_api_key_user_id"),
        _md_field("key_user_email", "user_api_key_user_email"),
        _md_field("key_org_id", "user_api_key_org_id"),
        _md_field("key_project_id", "user_api_key_project_id"),
        Field("workflow", "VARCHAR", key="metadata.spend_logs_metadata.workflow", text=f"{_TASK}.workflow"),
        Field("task_id", "VARCHAR", key="metadata.spend_logs_metadata.task_id", text=f"{_TASK}.task_id"),
        Field(
            "attempt",
            "BIGINT",
            key="metadata.spend_logs_metadata.attempt",
            text=f"{_TASK}.attempt",
            non_negative=True,
        ),
        Field(
            "spend_logs_metadata_extra",
            "JSON",
            key="metadata.spend_logs_metadata",
            text=f"{_MD}.spend_logs_metadata",
            # Only when the service put keys of its own next to workflow, task_id and attempt.
            expr=(
                f"case when not list_has_all({list(_TASK_KEYS)}, try(json_keys({{text}}))) "
                "then aispend_scrub(json_merge_patch({text}, "
                f"{sql_string(json.dumps(dict.fromkeys(_TASK_KEYS)))})::varchar)::json end"
            ),
            checked=False,
        ),
        Field("requester_metadata", "JSON", text=f"{_MD}.requester_metadata", expr=_JSON_OR_NULL),
        Field("error_information", "JSON", text=f"{_MD}.error_information", expr=_JSON_OR_NULL),
        _md_field(
            "cached_tokens", "usage_object.prompt_tokens_details.cached_tokens", "BIGINT", non_negative=True
        ),
        _md_field(
            "cache_read_input_tokens", "usage_object.cache_read_input_tokens", "BIGINT", non_negative=True
        ),
        _md_field(
            "cache_creation_input_tokens",
            "usage_object.cache_creation_input_tokens",
            "BIGINT",
            non_negative=True,
        ),
        _md_field(
            "reasoning_tokens",
            "usage_object.completion_tokens_details.reasoning_tokens",
            "BIGINT",
            non_negative=True,
        ),
        _price_field("gateway_input_cost_per_token", "input_cost_per_token"),
        _price_field("gateway_output_cost_per_token", "output_cost_per_token"),
        _price_field("gateway_cache_read_cost_per_token", "cache_read_input_token_cost"),
        _price_field("gateway_cache_write_cost_per_token", "cache_creation_input_token_cost"),
    ),
)
