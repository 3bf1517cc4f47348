"""Every raw source the loader knows, by landing folder name."""

from __future__ import annotations

from ingest import litellm
from ingest.spec import SourceSpec

SOURCES: tuple[SourceSpec, ...] = (litellm.SPEC,)
