"""Writing sample files the way a well-behaved exporter lands them."""

from __future__ import annotations

import filecmp
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def landing_atomically(path: Path) -> Iterator[Path]:
    """Yield a `.partial` path to write; then move it into place, unless `path` already holds the same bytes.

    The loader ignores `.partial` files, so it never reads half a file; and regenerating the same
    data leaves existing files untouched, so the next ingest finds nothing new.
    """
    partial = path.with_name(path.name + ".partial")
    try:
        yield partial
        if path.exists() and filecmp.cmp(partial, path, shallow=False):
            partial.unlink()
        else:
            os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
