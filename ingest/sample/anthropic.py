"""Write the sample company's direct Anthropic traffic as Admin API usage and cost report pages.

Northwind calls Anthropic with two credentials (`company.ANTHROPIC_CREDENTIALS`): the LiteLLM
gateway's (route "gateway") and the engineering CI bot's (route "anthropic"); each has its own
workspace and API key. Claude on Bedrock is billed by AWS and is not here.

A job pulls both reports every day at 06:00 UTC, as a FinOps team would, and lands each pull as
one file named by pull time (`messages_2026-10-31T0600Z.json`, `cost_report_2026-10-31T0600Z.json`)
so files sort and load in pull order. Like the real API, a pull returns yesterday's day bucket
complete and today's as far as it goes (calls before 06:00), so every bucket is delivered twice:
partial, then restated. The first pull of a window has no yesterday (the job starts that day);
after the last day, one more pull asks for the last day only (`ending_at` at its midnight), so
the window ends complete.

Usage pages are 1-day buckets grouped by api_key_id, workspace_id, model and service_tier; other
grouping fields are null, as the API sends them. Cache writes are written as 5-minute cache writes
(`cache_creation.ephemeral_5m_input_tokens`), the TTL the story's services use. Cost pages are
grouped by workspace_id and description: one row per model, service tier and token type, with
`amount` in cents as a decimal string computed exactly from the token counts and the catalogue
price of each call's day, so a bucket's amounts add up to its calls' `list_cost` to the cent. A
call belongs to the bucket of its start time (a retry just after midnight lands in the next
day's bucket). The wording of `description` follows the documented example ("Claude Sonnet 4
Usage - Input Tokens"); the suffixes for cache reads and writes are this generator's.

No Claude Code usage report is written: the story has no Claude Code seats or users, and
inventing them would put people in the warehouse that the rest of the story does not know.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic, catalogue_prices

USAGE_FOLDER = "anthropic_usage"
COST_FOLDER = "anthropic_costs"
PULL_HOUR = 6
# Token types as the cost report names them, in the order a bill lists them.
TOKEN_TYPES = (
    "uncached_input_tokens",
    "cache_read_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "output_tokens",
)
_TOKEN_LABELS = {
    "uncached_input_tokens": "Input Tokens",
    "cache_read_input_tokens": "Input Tokens (Cache Read)",
    "cache_creation.ephemeral_5m_input_tokens": "Input Tokens (Cache Write 5m)",
    "output_tokens": "Output Tokens",
}
_PER_MILLION_IN_CENTS = Decimal(10_000)  # USD per million tokens -> cents per token: / 1e6 * 100

_GROUPS_SQL = f"""
select
    cast(start_time as date) as bucket_day,
    hour(start_time) < {PULL_HOUR} as before_pull,
    route,
    model,
    batch,
    sum(prompt_tokens - cache_read_tokens - cache_write_tokens) as uncached_input_tokens,
    sum(cache_read_tokens) as cache_read_input_tokens,
    sum(cache_write_tokens) as cache_write_tokens,
    sum(completion_tokens) as output_tokens
from anthropic_calls
where provider = 'anthropic'
group by all
order by all
"""


@dataclass(frozen=True)
class CallGroup:
    """Token totals of one day's Anthropic calls sharing a bucket, pull cut, credential, model and tier."""

    traffic_day: date  # the day the calls were simulated on, whose catalogue prices they pay
    bucket_day: date
    before_pull: bool
    route: str
    model: str
    batch: bool
    tokens: tuple[int, int, int, int]  # in TOKEN_TYPES order

    def cents(self) -> dict[str, Decimal]:
        """What Anthropic bills for the group, in cents, by token type: exact, never rounded."""
        prices = catalogue_prices(self.model, self.traffic_day, self.batch)
        per_mtok = (prices.input, prices.cache_read, prices.cache_write, prices.output)
        return {
            token_type: Decimal(count) * price / _PER_MILLION_IN_CENTS
            for token_type, count, price in zip(TOKEN_TYPES, self.tokens, per_mtok, strict=True)
        }


def call_groups(con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic) -> list[CallGroup]:
    """The day's Anthropic calls summed by bucket day, pull cut, route, model and tier."""
    con.register("anthropic_calls", traffic.calls)
    try:
        rows = con.execute(_GROUPS_SQL).fetchall()
    finally:
        con.unregister("anthropic_calls")
    return [
        CallGroup(day, bucket_day, before_pull, route, model, batch, tuple(int(n) for n in tokens))
        for bucket_day, before_pull, route, model, batch, *tokens in rows
    ]


def _rfc3339(day: date) -> str:
    return f"{day:%Y-%m-%d}T00:00:00Z"


def _credentials(route: str) -> tuple[str, str]:
    """(workspace id, API key id) of a route; a route without Anthropic credentials is a story error."""
    try:
        return company.ANTHROPIC_CREDENTIALS[route]
    except KeyError:
        raise ValueError(f"route {route!r} calls Anthropic but has no ANTHROPIC_CREDENTIALS entry") from None


def _service_tier(batch: bool) -> str:
    return "batch" if batch else "standard"


def model_display_name(model: str) -> str:
    """How a bill names a model: claude-sonnet-4-5 -> Claude Sonnet 4.5."""
    _claude, family, *version = model.split("-")
    return f"Claude {family.title()} {'.'.join(version)}"


def cents_text(amount: Decimal) -> str:
    """Cents as the cost report writes them: a decimal string, six places unless more are needed."""
    six_places = amount.quantize(Decimal("0.000001"))
    return f"{six_places:f}" if six_places == amount else f"{amount.normalize():f}"


@dataclass(frozen=True)
class Bucket:
    """One day bucket of a pull: which day, and whether the pull saw all of it."""

    day: date
    complete: bool

    def holds(self, group: CallGroup) -> bool:
        """True when the group's calls had happened, in this bucket, by the pull."""
        return group.bucket_day == self.day and (self.complete or group.before_pull)


class _DailyPulls:
    """Writes one file per daily pull; subclasses say what a bucket's results are."""

    folder: str
    file_prefix: str

    def __init__(self) -> None:
        self._groups: dict[date, list[CallGroup]] = {}

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        """Pull at 06:00 on `day`: yesterday complete (when seen), today so far."""
        self._groups[day] = call_groups(con, day, traffic)
        # A call can start after midnight of its traffic day, so two earlier days may feed a bucket.
        for seen in [d for d in self._groups if d < day - timedelta(days=2)]:
            del self._groups[seen]
        yesterday = day - timedelta(days=1)
        buckets = [Bucket(yesterday, True)] if yesterday in self._groups else []
        self._write(out_dir, day, [*buckets, Bucket(day, False)])

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """One last pull the morning after the window, asking for the last day only."""
        if last_day in self._groups:
            self._write(out_dir, last_day + timedelta(days=1), [Bucket(last_day, True)])

    def _write(self, out_dir: Path, pull_day: date, buckets: list[Bucket]) -> None:
        groups = [g for day_groups in self._groups.values() for g in day_groups]
        page = {
            "data": [
                {
                    "starting_at": _rfc3339(bucket.day),
                    "ending_at": _rfc3339(bucket.day + timedelta(days=1)),
                    "results": self.results([g for g in groups if bucket.holds(g)]),
                }
                for bucket in buckets
            ],
            "has_more": False,
            "next_page": None,
        }
        folder = out_dir / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        pulled_at = datetime.combine(pull_day, time(PULL_HOUR))
        with landing_atomically(folder / f"{self.file_prefix}_{pulled_at:%Y-%m-%dT%H%MZ}.json") as partial:
            partial.write_text(json.dumps(page, separators=(",", ":")) + "\n", encoding="utf-8")

    def results(self, groups: list[CallGroup]) -> list[dict]:
        """The results of one bucket holding these call groups."""
        raise NotImplementedError


class AnthropicUsageWriter(_DailyPulls):
    """GET /v1/organizations/usage_report/messages pages, one file per daily pull."""

    folder = USAGE_FOLDER
    file_prefix = "messages"

    def results(self, groups: list[CallGroup]) -> list[dict]:
        """One usage result per API key, workspace, model and service tier with any tokens."""
        totals: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for g in groups:
            workspace_id, api_key_id = _credentials(g.route)
            total = totals[(api_key_id, workspace_id, g.model, _service_tier(g.batch))]
            for i, count in enumerate(g.tokens):
                total[i] += count
        return [
            {
                "account_id": None,
                "api_key_id": api_key_id,
                "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": cache_write},
                "cache_read_input_tokens": cache_read,
                "context_window": None,
                "inference_geo": None,
                "model": model,
                "output_tokens": output,
                "server_tool_use": {"web_search_requests": 0},
                "service_account_id": None,
                "service_tier": tier,
                "uncached_input_tokens": uncached,
                "workspace_id": workspace_id,
            }
            for (api_key_id, workspace_id, model, tier), (
                uncached,
                cache_read,
                cache_write,
                output,
            ) in sorted(totals.items())
            if uncached or cache_read or cache_write or output
        ]


class AnthropicCostWriter(_DailyPulls):
    """GET /v1/organizations/cost_report pages, one file per daily pull."""

    folder = COST_FOLDER
    file_prefix = "cost_report"

    def results(self, groups: list[CallGroup]) -> list[dict]:
        """One cost row per workspace, model, service tier and token type with a non-zero amount."""
        totals: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(TOKEN_TYPES, Decimal(0))
        )
        for g in groups:
            workspace_id, _api_key_id = _credentials(g.route)
            total = totals[(workspace_id, g.model, _service_tier(g.batch))]
            for token_type, cents in g.cents().items():
                total[token_type] += cents
        rows = []
        for (workspace_id, model, tier), by_type in sorted(totals.items()):
            name = model_display_name(model) + (" Batch" if tier == "batch" else "")
            for token_type in TOKEN_TYPES:
                if not by_type[token_type]:
                    continue
                rows.append(
                    {
                        "amount": cents_text(by_type[token_type]),
                        "context_window": "0-200k",
                        "cost_type": "tokens",
                        "currency": "USD",
                        "description": f"{name} Usage - {_TOKEN_LABELS[token_type]}",
                        "inference_geo": "global",
                        "model": model,
                        "service_tier": tier,
                        "token_type": token_type,
                        "workspace_id": workspace_id,
                    }
                )
        return rows
