"""Transient failures (the warehouse held by another process) retry with exponential backoff."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from orchestration.pipeline import WarehouseBusy

MAX_RETRIES = 4
FIRST_WAIT_SECONDS = 15


def backoff_seconds(retry_number: int) -> int:
    """Seconds to wait before retry `retry_number + 1`: 15, 30, 60, 120."""
    return FIRST_WAIT_SECONDS * 2**retry_number


@contextmanager
def retry_when_busy(context: dg.OpExecutionContext) -> Iterator[None]:
    """Turn WarehouseBusy into a retry of the step after a growing wait; other errors fail it."""
    try:
        yield
    except WarehouseBusy as exc:
        wait = backoff_seconds(context.retry_number)
        context.log.warning(f"{exc}; retry {context.retry_number + 1} of {MAX_RETRIES} in {wait}s")
        raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait) from exc
