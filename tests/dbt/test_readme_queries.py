"""The example queries the README gives analysts run on the published copy and return rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import query

README = Path(__file__).parents[2] / "README.md"
EXAMPLES = re.findall(r"```sql\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_has_an_example_query_per_fact_mart():
    read = {mart for sql in EXAMPLES for mart in re.findall(r"\bmarts\.(\w+)", sql)}
    assert {"focus_cost_and_usage", "fct_billing_reconciliation", "fct_tasks", "fct_seat_days"} <= read


@pytest.mark.parametrize("sql", EXAMPLES, ids=[f"example_{i}" for i in range(len(EXAMPLES))])
def test_a_readme_example_returns_rows(demo_paths, sql):
    assert query(demo_paths.serving, sql)
