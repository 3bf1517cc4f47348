"""Great Expectations, imported on first use and without pyspark.

aispend validates with GX's pandas engine, but GX imports pyspark whenever it is installed (the `spark`
extra). That costs seconds, and pyspark's Spark Connect module ends the process with exit code 0 when
the main module has no file (a pytest-xdist worker, `python -c`), taking it for a doctest run. GX treats
a pyspark it cannot import as absent, so the first import of GX hides pyspark for its duration.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_great_expectations() -> ModuleType:
    """The `great_expectations` module; its first import in the process does not import pyspark."""
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    hidden = sys.modules.get("pyspark")
    # A None entry makes `import pyspark` raise ImportError, which GX takes as "not installed".
    sys.modules["pyspark"] = None  # type: ignore[assignment]
    try:
        return importlib.import_module("great_expectations")
    finally:
        if hidden is None:
            del sys.modules["pyspark"]
        else:
            sys.modules["pyspark"] = hidden
