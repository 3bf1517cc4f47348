"""Every raw source the loader knows, by landing folder name."""

from __future__ import annotations

from ingest import (
    anthropic_costs,
    anthropic_usage,
    aws_cur,
    copilot_seats,
    focus,
    litellm,
    m365_copilot,
    openai_costs,
    openai_usage,
    otel_genai,
    reference,
    seats,
    task_outcomes,
)
from ingest.spec import SourceSpec

SOURCES: tuple[SourceSpec, ...] = (
    litellm.SPEC,
    openai_usage.SPEC,
    openai_costs.SPEC,
    *anthropic_usage.SPECS,
    anthropic_costs.SPEC,
    aws_cur.SPEC,
    focus.SPEC,
    otel_genai.SPEC,
    copilot_seats.SPEC,
    m365_copilot.SPEC,
    seats.SPEC,
    task_outcomes.SPEC,
    *reference.SPECS,
)
