"""Records of Anthropic Admin API report pages, read for `anthropic_usage` and `anthropic_costs`.

Every report endpoint answers with pages `{"data": [...], "has_more": bool, "next_page": str|null}`.
A landed file holds one page, JSON Lines of pages, or a JSON array of pages; the paging keys are
dropped (they say how the file was fetched, not what was used).

- The messages usage report and the cost report put time buckets in `data`, each
  `{"starting_at", "ending_at", "results": [...]}`. A bucket's results become one record each,
  carrying the bucket's keys. A bucket with no results becomes one record with only the bucket's
  keys and `"results": []`, so a file of empty buckets still loads, and the warehouse can tell a
  bucket that was delivered empty from one never delivered.
- The Claude Code usage report puts one record per actor and day in `data`, with a
  `model_breakdown` list. Each breakdown entry becomes one record carrying its record's keys and
  `model_breakdown_position` (1 for the first entry); a record without breakdown becomes one record
  at position 1, so its activity counts are still loaded.

A file whose structure is not such a page is rejected whole, naming the page and item at fault:
with no object to stand for a record, no row number could say where the problem is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from ingest.errors import RejectedFile
from ingest.records import Records, json_documents

MESSAGES_ENDPOINT = "usage_report/messages"
COST_ENDPOINT = "cost_report"
CLAUDE_CODE_ENDPOINT = "usage_report/claude_code"


def _data(number: int, page: object, endpoint: str) -> list:
    """The `data` list of a page, or the file's rejection."""
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise RejectedFile(
            f"page {number} is not a {endpoint} response: expected an object with a 'data' list"
        )
    return page["data"]


def bucket_records(number: int, page: object, endpoint: str) -> Iterator[dict]:
    """One record per result of each time bucket, or one per empty bucket (see the module docstring)."""
    for index, bucket in enumerate(_data(number, page, endpoint)):
        where = f"page {number}, data[{index}]"
        if not isinstance(bucket, dict):
            raise RejectedFile(f"{where} is not a time bucket object")
        results = bucket.get("results")
        if not isinstance(results, list):
            hint = " (a Claude Code report belongs in a file named claude_code*)" if "actor" in bucket else ""
            raise RejectedFile(f"{where} has no 'results' list: not a {endpoint} response{hint}")
        # The bucket's own keys win: they define which bucket a result belongs to.
        bucket_keys = {k: v for k, v in bucket.items() if k != "results"}
        if not results:
            yield {**bucket_keys, "results": []}
        for position, result in enumerate(results):
            if not isinstance(result, dict):
                raise RejectedFile(f"{where}.results[{position}] is not an object")
            yield {**result, **bucket_keys}


def claude_code_records(number: int, page: object) -> Iterator[dict]:
    """One record per model of each Claude Code actor-day record (see the module docstring)."""
    for index, record in enumerate(_data(number, page, CLAUDE_CODE_ENDPOINT)):
        where = f"page {number}, data[{index}]"
        if not isinstance(record, dict):
            raise RejectedFile(f"{where} is not a Claude Code usage record object")
        if "results" in record and "actor" not in record:
            raise RejectedFile(
                f"{where} is a time bucket, not a Claude Code usage record: "
                "messages usage reports belong in files named messages*"
            )
        breakdown = record.get("model_breakdown")
        base = {k: v for k, v in record.items() if k != "model_breakdown"}
        if breakdown is None:
            yield {**base, "model_breakdown_position": 1}
            continue
        if not isinstance(breakdown, list):
            raise RejectedFile(f"{where}.model_breakdown is not a list")
        if not breakdown:
            yield {**base, "model_breakdown": [], "model_breakdown_position": 1}
        for position, entry in enumerate(breakdown, start=1):
            if not isinstance(entry, dict):
                raise RejectedFile(f"{where}.model_breakdown[{position - 1}] is not an object")
            yield {**entry, **base, "model_breakdown_position": position}


def _read_pages(path: Path, page_records: Callable[[int, object], Iterator[dict]]) -> Records:
    """Records of a file of pages: one document, JSON Lines of documents, each a page or an array of them.

    Pages are numbered through the whole file, so an error names the page whatever line it is on.
    """
    numbers = itertools.count(1)

    def flatten(document: object) -> Iterator[dict]:
        for page in document if isinstance(document, list) else [document]:
            yield from page_records(next(numbers), page)

    return json_documents(path, flatten)


def messages_pages(path: Path) -> Records:
    """Records of a file of GET /v1/organizations/usage_report/messages pages."""
    return _read_pages(path, lambda number, page: bucket_records(number, page, MESSAGES_ENDPOINT))


def cost_report_pages(path: Path) -> Records:
    """Records of a file of GET /v1/organizations/cost_report pages."""
    return _read_pages(path, lambda number, page: bucket_records(number, page, COST_ENDPOINT))


def claude_code_pages(path: Path) -> Records:
    """Records of a file of GET /v1/organizations/usage_report/claude_code pages."""
    return _read_pages(path, claude_code_records)
