"""The queries package: values are bound, never code; caches follow the published copy."""

from __future__ import annotations

from datetime import date

import pytest

from app import queries
from app.filters import Filters
from app.queries import overview
from orchestration import publish
from orchestration.paths import DATA_DIR_VARIABLE
from tests.conftest import query

YEAR = (date(2025, 11, 1), date(2026, 10, 31))


@pytest.fixture
def serving(demo_paths, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(demo_paths.root))
    return demo_paths


@pytest.mark.parametrize(
    "hostile",
    [
        "support' or '1'='1",
        "support'); drop table marts.dim_teams; --",
        'support" or 1=1 --',
    ],
)
def test_a_filter_value_with_quotes_or_sql_is_a_value_that_matches_nothing(serving, hostile):
    totals = overview.billed_totals(Filters(*YEAR, teams=(hostile,)))

    assert totals["billed_usd"] == 0
    assert query(serving.serving, "select count(*) from marts.dim_teams")[0][0] > 5


def test_scope_binds_every_value_and_formats_only_column_names():
    filters = Filters(date(2026, 1, 1), date(2026, 3, 31), teams=("a'b",), providers=("openai",))

    where, params = queries.scope(filters, day="d", team="t", provider="p", workflow="w")

    assert where == "d between ? and ? and list_contains(?, t) and list_contains(?, p)"
    assert params == [date(2026, 1, 1), date(2026, 3, 31), ["a'b"], ["openai"]]
    assert queries.scope(filters, month="m") == ("m between ? and ?", [date(2026, 1, 1), date(2026, 3, 1)])


def test_a_new_published_copy_changes_the_cache_key(serving, tmp_path):
    before = queries.serving_version()

    publish.publish(serving.warehouse, serving.serving)

    assert queries.serving_version() != before
    assert overview.billed_totals(Filters(*YEAR))["billed_usd"] > 0
