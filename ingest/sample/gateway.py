"""Write the sample company's gateway traffic as LiteLLM SpendLogs rows, one JSON Lines file a day.

Rows follow LiteLLM's own serialisation of `LiteLLM_SpendLogs`: `metadata` and `request_tags` are
JSON strings, times have no zone, `spend` is the gateway's USD estimate from its own price table.
A few rows carry prompt text in `messages`, as a proxy with payload logging switched on writes
them, so the loader's privacy guarantee is exercised on the demo data too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic

FOLDER = "litellm"
# One row in this many carries prompt and response text.
PAYLOAD_LOGGED_EVERY = 97

_API_BASE = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com/v1"}


def _key_table() -> pa.Table:
    keys = company.API_KEYS
    team_alias = {t.team_id: t.name for t in company.TEAMS}
    user_ids = {p.email: p.person_id for p in company.PEOPLE}
    return pa.table(
        {
            "key_alias": [k.alias for k in keys],
            "key_hash": [k.token_hash for k in keys],
            "key_team_id": [k.team_id or "" for k in keys],
            "key_team_alias": [team_alias.get(k.team_id or "", "") for k in keys],
            "key_user_id": [user_ids.get(k.owner_email or "", "") for k in keys],
            "key_user_email": [k.owner_email for k in keys],
        }
    )


_SPEND_LOGS_SQL = f"""
select
    printf('chatcmpl-%016x%016x', c.id_high, c.id_low) as request_id,
    coalesce(c.task_id, '') as session_id,
    'acompletion' as call_type,
    k.key_hash as api_key,
    case when c.status = 'success' then 'False' else 'None' end as cache_hit,
    strftime(c.start_time, '%Y-%m-%d %H:%M:%S.%f') as "startTime",
    strftime(c.end_time, '%Y-%m-%d %H:%M:%S.%f') as "endTime",
    strftime(c.first_token_time, '%Y-%m-%d %H:%M:%S.%f') as "completionStartTime",
    c.model as model,
    k.key_user_id as "user",
    k.key_team_id as team_id,
    '' as organization_id,
    to_json(struct_pack(
        applied_guardrails := []::varchar[],
        user_api_key_alias := c.key_alias,
        user_api_key_team_id := nullif(k.key_team_id, ''),
        user_api_key_team_alias := nullif(k.key_team_alias, ''),
        user_api_key_user_id := nullif(k.key_user_id, ''),
        user_api_key_user_email := k.key_user_email,
        spend_logs_metadata := case when c.workflow_id is not null then struct_pack(
            workflow := c.workflow_id, task_id := c.task_id, attempt := c.attempt) end,
        usage_object := struct_pack(
            completion_tokens := c.completion_tokens,
            prompt_tokens := c.prompt_tokens,
            total_tokens := c.prompt_tokens + c.completion_tokens,
            completion_tokens_details := struct_pack(reasoning_tokens := c.reasoning_tokens),
            prompt_tokens_details := struct_pack(cached_tokens := c.cache_read_tokens),
            cache_read_input_tokens := case when c.provider = 'anthropic' then c.cache_read_tokens end,
            cache_creation_input_tokens := case when c.provider = 'anthropic' then c.cache_write_tokens end
        ),
        model_map_information := struct_pack(
            model_map_key := c.model,
            model_map_value := struct_pack(
                key := c.model,
                input_cost_per_token := c.gateway_input_price,
                output_cost_per_token := c.gateway_output_price,
                cache_read_input_token_cost := c.gateway_cache_read_price,
                -- The gateway's table has no cache-write price for Claude (it bills them as input).
                cache_creation_input_token_cost := null::double,
                litellm_provider := c.provider,
                mode := 'chat'
            )
        ),
        error_information := case when c.status = 'failure' then struct_pack(
            error_code := '429', error_class := 'RateLimitError') end,
        status := c.status
    ))::varchar as metadata,
    'Cache OFF' as cache_key,
    c.gateway_spend as spend,
    c.prompt_tokens + c.completion_tokens as total_tokens,
    c.prompt_tokens as prompt_tokens,
    c.completion_tokens as completion_tokens,
    case when c.workflow_id is not null then to_json(['workflow:' || c.workflow_id])::varchar
        else '[]' end as request_tags,
    '' as end_user,
    case c.provider {" ".join(f"when '{p}' then '{u}'" for p, u in _API_BASE.items())} end as api_base,
    c.model as model_group,
    substr(sha256(c.provider || '/' || c.model), 1, 16) as model_id,
    '10.20.' || (c.id_low % 8) || '.' || (c.id_high % 250 + 2) as requester_ip_address,
    c.provider as custom_llm_provider,
    case when (c.id_low % {PAYLOAD_LOGGED_EVERY}) = 0 then to_json([struct_pack(role := 'user',
        content := 'Draft a reply to the customer about invoice ' || (c.id_high % 100000)
            || '. Customer said: my card ending 4242 was charged twice.')])::varchar
        else '{{}}' end as messages,
    case when (c.id_low % {PAYLOAD_LOGGED_EVERY}) = 0 then to_json(struct_pack(
        content := 'Dear customer, we have refunded the duplicate charge.'))::varchar
        else '{{}}' end as response,
    '{{}}' as proxy_server_request,
    c.status as status,
    null as mcp_namespaced_tool_name,
    null as agent_id
from calls as c
inner join keys as k on c.key_alias = k.key_alias
where c.route = 'gateway'
order by c.start_time, c.id_high
"""


class GatewayWriter:
    """One JSON Lines file of LiteLLM SpendLogs rows a day, for the calls that pass the gateway."""

    folder = FOLDER

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        folder = out_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        con.register("calls", traffic.calls)
        con.register("keys", _key_table())
        with landing_atomically(folder / f"spend_logs_{day:%Y-%m-%d}.jsonl") as partial:
            target = str(partial).replace("'", "''")
            con.execute(f"copy ({_SPEND_LOGS_SQL}) to '{target}' (format json)")

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Nothing is left open: every day was written as it came."""
