"""Write the sample company's OpenAI bill as the Admin API's Usage and Costs pages.

OpenAI sees two credentials of Northwind's (`company.OPENAI_CREDENTIALS`): the gateway's project and
key, which carry every gateway call to an OpenAI model, and the data team's own project, whose
notebooks call OpenAI directly (through the Batch API from May 2026).

A puller asks both endpoints once a day at 06:00 UTC for daily buckets from yesterday's midnight
until now, as the API allows, and saves each answer under the time it asked. Each answer holds
yesterday's bucket, complete, and today's, clipped at 06:00 and holding only the calls made before
then; so every bucket is first delivered partial and then restated complete by the next day's pull.
Files are named by pull time, so they sort and load in pull order:

- `openai_usage/completions_<YYYY-MM-DD>T0600Z.json`: a page of the completions endpoint grouped by
  project, API key, model, batch and service tier; failed calls count as requests with no tokens.
- `openai_costs/costs_<YYYY-MM-DD>T0600Z.json`: a page of the costs endpoint grouped by project and
  line item (`"gpt-4.1-mini, cached input"`, `"gpt-4.1-mini, batch output"`, ...), with token
  quantities. Amounts are dollars as JSON numbers computed exactly, in Decimal, from token counts
  and the catalogue's list price of each call's day, so a bucket's amounts add up to its calls'
  `list_cost`; below $0.0001 they are written in scientific notation, as a float serialiser does.

Usage is also grouped by service tier ("default" for all of it): the dashboard's CSV export carries
the tier, and the export and the API pages must describe the same groups for one to restate the
other. The last calendar month is written once more as that export
(`openai_usage/usage_export_<first day>_<last day>.csv`), restating its complete buckets.

A call belongs to the bucket of its start time, even when a retry started a few seconds after the
midnight of the day that simulated it. The pull after the last day holds that day complete and the
calls that spilled past its midnight. A pull with no usage at all is not landed: the loader rejects
a file that holds no records.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic, catalogue_prices

USAGE_FOLDER = "openai_usage"
COSTS_FOLDER = "openai_costs"
PULL_HOUR = 6
SERVICE_TIER = "default"
# Amounts are written to this many decimal places; the catalogue's prices need no more.
AMOUNT_PLACES = Decimal("1e-10")
_MILLION = Decimal(1_000_000)
# Line item kinds: (name, token count attribute of Counts, price attribute of TokenPrices).
_KINDS = (
    ("input", "uncached", "input"),
    ("cached input", "cache_read", "cache_read"),
    ("cache write", "cache_write", "cache_write"),
    ("output", "output", "output"),
)
EXPORT_COLUMNS = (
    "start_time",
    "end_time",
    "start_time_iso",
    "end_time_iso",
    "project_id",
    "num_model_requests",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
    "input_tokens",
    "output_tokens",
    "input_cached_tokens",
    "input_uncached_tokens",
    "input_text_tokens",
    "output_text_tokens",
    "input_cached_text_tokens",
    "input_audio_tokens",
    "input_cached_audio_tokens",
    "output_audio_tokens",
    "input_image_tokens",
    "input_cached_image_tokens",
    "output_image_tokens",
)

_CALLS_SQL = """
select
    cast(start_time as date) as bucket,
    hour(start_time) < ? as before_pull,
    route,
    model,
    batch,
    count(*) as requests,
    sum(prompt_tokens) as prompt,
    sum(cache_read_tokens) as cache_read,
    sum(cache_write_tokens) as cache_write,
    sum(completion_tokens) as completion
from openai_calls
where provider = 'openai'
group by all
order by all
"""


@dataclass(frozen=True)
class Counts:
    """Requests and tokens of some calls; `prompt` includes cache reads and writes."""

    requests: int
    prompt: int
    cache_read: int
    cache_write: int
    completion: int

    @property
    def uncached(self) -> int:
        return self.prompt - self.cache_read - self.cache_write

    @property
    def output(self) -> int:
        return self.completion

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.requests + other.requests,
            self.prompt + other.prompt,
            self.cache_read + other.cache_read,
            self.cache_write + other.cache_write,
            self.completion + other.completion,
        )


@dataclass(frozen=True)
class Group:
    """Calls of one simulated day that share a bucket, a side of the pull hour, a route, model and batch."""

    bucket: date
    before_pull: bool
    traffic_day: date
    route: str
    model: str
    batch: bool
    counts: Counts


_Bucket = tuple[datetime, datetime, list[Group]]


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _pull_time(day: date) -> datetime:
    return datetime.combine(day, time(PULL_HOUR))


class _DailyPuller:
    """Collects each day's OpenAI calls and lands one API answer per daily 06:00 pull."""

    folder: str

    def __init__(self) -> None:
        self._groups: list[Group] = []
        self._first_day: date | None = None

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        """Take the day's calls, then land the pull made at 06:00 that day."""
        if self._first_day is None:
            self._first_day = day
        con.register("openai_calls", traffic.calls)
        for row in con.execute(_CALLS_SQL, [PULL_HOUR]).fetchall():
            bucket, before_pull, route, model, batch, *counts = row
            if route not in company.OPENAI_CREDENTIALS:
                raise ValueError(f"OpenAI calls on route {route!r} have no credential in the story")
            self._groups.append(Group(bucket, before_pull, day, route, model, batch, Counts(*counts)))
        con.unregister("openai_calls")
        first_bucket = max(day - timedelta(days=1), self._first_day)
        self._pull(out_dir, _pull_time(day), first_bucket)

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Land the pull after the last day, which completes it."""
        self._pull(out_dir, _pull_time(last_day + timedelta(days=1)), last_day)

    def _pull(self, out_dir: Path, pulled_at: datetime, first_bucket: date) -> None:
        """Land the answer of a pull covering `first_bucket` until `pulled_at`, then forget complete days."""
        buckets = []
        day = first_bucket
        while _midnight(day) < pulled_at:
            end = min(_midnight(day + timedelta(days=1)), pulled_at)
            complete = end == _midnight(day + timedelta(days=1))
            groups = [g for g in self._groups if g.bucket == day and (complete or g.before_pull)]
            buckets.append((_midnight(day), end, groups))
            if complete:
                self._completed(day, groups)
            day += timedelta(days=1)
        if any(groups for _start, _end, groups in buckets):
            folder = out_dir / self.folder
            folder.mkdir(parents=True, exist_ok=True)
            self._write_pull(folder, pulled_at, buckets)
        last_complete = pulled_at.date() - timedelta(days=1)
        self._groups = [g for g in self._groups if g.bucket > last_complete]

    def _completed(self, day: date, groups: list[Group]) -> None:
        """See a bucket's final groups."""

    def _write_pull(self, folder: Path, pulled_at: datetime, buckets: list[_Bucket]) -> None:
        """Land one pull's answer: each bucket's start, end (clipped at the pull) and groups."""
        raise NotImplementedError


def _file_stamp(pulled_at: datetime) -> str:
    return f"{pulled_at:%Y-%m-%dT%H%M}Z"


def _credential(route: str) -> tuple[str, str]:
    return company.OPENAI_CREDENTIALS[route]


def _usage_groups(groups: list[Group]) -> list[tuple[str, str, bool, Counts]]:
    """Counts per (route, model, batch), summed over the simulated days, in a stable order."""
    totals: dict[tuple[str, str, bool], Counts] = {}
    for g in groups:
        key = (g.route, g.model, g.batch)
        totals[key] = totals[key] + g.counts if key in totals else g.counts
    return [(*key, totals[key]) for key in sorted(totals, key=lambda k: (*_credential(k[0]), k[1], k[2]))]


def _completions_result(route: str, model: str, batch: bool, c: Counts) -> dict:
    project_id, api_key_id = _credential(route)
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": c.prompt,
        "input_cached_tokens": c.cache_read,
        "input_cache_write_tokens": c.cache_write,
        "input_uncached_tokens": c.uncached,
        "output_tokens": c.output,
        "input_text_tokens": c.uncached,
        "output_text_tokens": c.output,
        "input_cached_text_tokens": c.cache_read,
        "input_audio_tokens": 0,
        "input_cached_audio_tokens": 0,
        "output_audio_tokens": 0,
        "input_image_tokens": 0,
        "input_cached_image_tokens": 0,
        "output_image_tokens": 0,
        "num_model_requests": c.requests,
        "project_id": project_id,
        "user_id": None,
        "api_key_id": api_key_id,
        "model": model,
        "batch": batch,
        "service_tier": SERVICE_TIER,
    }


def _page(buckets: list[tuple[datetime, datetime, list]]) -> dict:
    return {
        "object": "page",
        "data": [
            {"object": "bucket", "start_time": _epoch(start), "end_time": _epoch(end), "results": results}
            for start, end, results in buckets
        ],
        "has_more": False,
        "next_page": None,
    }


class OpenAIUsageWriter(_DailyPuller):
    """Completions usage pages, one per daily pull, and the last month as a dashboard export."""

    folder = USAGE_FOLDER

    def __init__(self) -> None:
        super().__init__()
        self._complete: dict[date, list[Group]] = {}

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Land the last pull, then the last calendar month as the dashboard's CSV export."""
        super().finish(con, out_dir, first_day, last_day)
        month_start = max(last_day.replace(day=1), first_day)
        days = [month_start + timedelta(days=d) for d in range((last_day - month_start).days + 1)]
        if not any(self._complete.get(day) for day in days):
            return
        folder = out_dir / self.folder
        export = folder / f"usage_export_{month_start}_{last_day}.csv"
        with landing_atomically(export) as partial, partial.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(EXPORT_COLUMNS)
            for day in days:
                writer.writerows(_export_rows(day, self._complete.get(day, [])))

    def _completed(self, day: date, groups: list[Group]) -> None:
        self._complete[day] = groups
        # Only the last month is exported again.
        for old in [d for d in self._complete if d < day - timedelta(days=31)]:
            del self._complete[old]

    def _write_pull(self, folder: Path, pulled_at: datetime, buckets: list[_Bucket]) -> None:
        page = _page(
            [
                (start, end, [_completions_result(*usage) for usage in _usage_groups(groups)])
                for start, end, groups in buckets
            ]
        )
        with landing_atomically(folder / f"completions_{_file_stamp(pulled_at)}.json") as partial:
            partial.write_text(json.dumps(page, indent=2) + "\n", encoding="utf-8")


def _export_count(n: int) -> str:
    # The dashboard renders every count as a float.
    return f"{n}.0"


def _export_rows(day: date, groups: list[Group]) -> list[list[str]]:
    start, end = _midnight(day), _midnight(day + timedelta(days=1))
    times = [
        str(_epoch(start)),
        str(_epoch(end)),
        start.replace(tzinfo=UTC).isoformat(),
        end.replace(tzinfo=UTC).isoformat(),
    ]
    usage = _usage_groups(groups)
    if not usage:
        return [times + [""] * (len(EXPORT_COLUMNS) - len(times))]
    rows = []
    for route, model, batch, c in usage:
        project_id, api_key_id = _credential(route)
        counts = {
            "num_model_requests": c.requests,
            "input_tokens": c.prompt,
            "output_tokens": c.output,
            "input_cached_tokens": c.cache_read,
            "input_uncached_tokens": c.uncached,
            "input_text_tokens": c.uncached,
            "output_text_tokens": c.output,
            "input_cached_text_tokens": c.cache_read,
        }
        values = {
            "project_id": project_id,
            "user_id": "",
            "api_key_id": api_key_id,
            "model": model,
            "batch": "TRUE" if batch else "FALSE",
            "service_tier": SERVICE_TIER,
            **{k: _export_count(v) for k, v in counts.items()},
        }
        rows.append(times + [values.get(column, _export_count(0)) for column in EXPORT_COLUMNS[4:]])
    return rows


# Costs

_NUMBER_MARK = re.compile(r'"@number:([-+0-9.eE]+)"')


def json_number(amount: Decimal) -> str:
    """Dollars as the API writes a float: plain, or in scientific notation below 0.0001."""
    value = amount.normalize()
    if value == 0:
        return "0.0"
    if abs(value) < Decimal("1e-4"):
        return f"{value:e}"
    text = f"{value:f}"
    return text if "." in text else text + ".0"


def to_places(amounts: list[Decimal], places: Decimal = AMOUNT_PLACES) -> list[Decimal]:
    """The amounts rounded to `places` so that they add up to their exact total rounded once.

    Each is rounded down and the units lost go to the largest remainders, so no amount moves by
    more than one unit and the sum is the total a bill would show.
    """
    total = sum(amounts, Decimal(0)).quantize(places, rounding=ROUND_HALF_EVEN)
    rounded = [a.quantize(places, rounding=ROUND_DOWN) for a in amounts]
    missing = int((total - sum(rounded, Decimal(0))) / places)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (amounts[i] - rounded[i], -i), reverse=True)
    for i in by_remainder[:missing]:
        rounded[i] += places
    return rounded


def line_items(groups: list[Group]) -> list[tuple[str, str, int, Decimal]]:
    """(project id, line item, tokens, exact dollars) of the groups, zero-token lines left out.

    Each group is priced at the catalogue's list price of the day that simulated its calls, as the
    calls' `list_cost` is.
    """
    quantity: dict[tuple[str, str], int] = defaultdict(int)
    amount: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for g in groups:
        prices = catalogue_prices(g.model, g.traffic_day, g.batch)
        for kind, count_name, price_name in _KINDS:
            tokens = getattr(g.counts, count_name)
            if tokens == 0:
                continue
            label = f"{g.model}, {'batch ' if g.batch else ''}{kind}"
            key = (_credential(g.route)[0], label)
            quantity[key] += tokens
            amount[key] += Decimal(tokens) * getattr(prices, price_name) / _MILLION
    return [(*key, quantity[key], amount[key]) for key in sorted(quantity)]


def _cost_results(groups: list[Group]) -> list[dict]:
    items = line_items(groups)
    dollars = to_places([amount for *_, amount in items])
    return [
        {
            "object": "organization.costs.result",
            "amount": {"value": f"@number:{json_number(value)}", "currency": "usd"},
            "line_item": line_item,
            "project_id": project_id,
            "api_key_id": None,
            "quantity": tokens,
            "quantity_unit": "tokens",
            "organization_id": company.OPENAI_ORG,
        }
        for (project_id, line_item, tokens, _), value in zip(items, dollars, strict=True)
    ]


class OpenAICostsWriter(_DailyPuller):
    """Costs pages, one per daily pull, grouped by project and line item."""

    folder = COSTS_FOLDER

    def _write_pull(self, folder: Path, pulled_at: datetime, buckets: list[_Bucket]) -> None:
        page = _page([(start, end, _cost_results(groups)) for start, end, groups in buckets])
        text = _NUMBER_MARK.sub(r"\1", json.dumps(page, indent=2))
        with landing_atomically(folder / f"costs_{_file_stamp(pulled_at)}.json") as partial:
            partial.write_text(text + "\n", encoding="utf-8")
