"""Jevons marts on the sample year: prices fall, usage grows faster, spend rises; every split is exact."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tests.conftest import query

MONTHS = "marts.fct_tier_price_volume_months"
ELASTICITIES = "marts.fct_tier_price_elasticities"
USAGE = "marts.fct_token_usage"
TIERS = ("all", "balanced", "frontier", "small")
# The two usage sources that together count every token once (see _usage__jevons.yml).
COUNTED = "usage_source in ('provider_usage', 'billing')"


COLUMNS = (
    "capability_tier, usage_month, price_index, quantity_index, spend_index, spend_usd, previous_spend_usd,"
    " spend_change_usd, price_effect_usd, volume_effect_usd, mix_effect_usd, fisher_link, models_entering,"
    " total_tokens, blended_price_usd_per_mtok, is_complete_month"
)


def _months(warehouse) -> dict[str, list[dict]]:
    """Rows of the months mart per tier as {column: value}, oldest first."""
    names = COLUMNS.replace(" ", "").split(",")
    rows = query(warehouse, f"select {COLUMNS} from {MONTHS} order by capability_tier, usage_month")
    by_tier: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_tier[row[0]].append(dict(zip(names, row, strict=True)))
    return by_tier


def test_over_the_year_prices_fall_volume_grows_faster_and_spend_rises(demo_paths):
    by_tier = _months(demo_paths.warehouse)

    assert sorted(by_tier) == list(TIERS)
    for tier in TIERS:
        rows = by_tier[tier]
        assert len(rows) == 12
        assert all(row["is_complete_month"] for row in rows)  # 1 Nov 2025 to 31 Oct 2026
        first, last = rows[0], rows[-1]
        assert (first["price_index"], first["quantity_index"], first["spend_index"]) == (100, 100, 100)
        price, quantity, spend = last["price_index"], last["quantity_index"], last["spend_index"]
        assert price < 100, tier
        assert quantity - 100 > 100 - price, tier  # volume rises by more than price falls
        assert spend > 100, tier
        assert last["spend_usd"] > first["spend_usd"], tier
        assert math.isclose(price * quantity / 100, spend, rel_tol=1e-7)
        # The blended price per million tokens fell too.
        assert last["blended_price_usd_per_mtok"] < first["blended_price_usd_per_mtok"], tier

    everything = by_tier["all"][-1]
    assert 55 < everything["price_index"] < 80  # about a third off the price of a token over the year
    assert everything["quantity_index"] > 300  # while volume more than quadrupled
    assert 250 < everything["spend_index"] < 350  # and the bill about tripled


def test_catalogue_cuts_move_the_price_and_migrations_the_mix(demo_paths):
    by_tier = _months(demo_paths.warehouse)
    links = {row["usage_month"]: row["fisher_link"] for row in by_tier["all"][1:]}
    frontier = {row["usage_month"]: row for row in by_tier["frontier"]}
    small = {row["usage_month"]: row for row in by_tier["small"]}

    # gpt-5.6 Luna and Terra were cut on 30 July, Sol on 21 August: the steepest fall of the year.
    assert min(links, key=links.get) == date(2026, 8, 1)
    # Code review moved from Claude Opus 4.1 to the three times cheaper Opus 4.5 on 5 January: the
    # frontier bill fell, and it is mix (tokens moving to a cheaper model), not price.
    january = frontier[date(2026, 1, 1)]
    assert january["spend_change_usd"] < 0
    assert january["mix_effect_usd"] < 0
    assert abs(january["mix_effect_usd"]) > abs(january["price_effect_usd"])
    # Ticket triage took up gpt-5-mini in March and gpt-5.6 Luna in August: models entering.
    assert small[date(2026, 3, 1)]["models_entering"] == 1
    assert small[date(2026, 8, 1)]["models_entering"] == 1


def test_price_volume_and_mix_add_up_to_each_months_change_exactly(demo_paths):
    by_tier = _months(demo_paths.warehouse)

    for tier in TIERS:
        rows = by_tier[tier]
        # No month before the first: no change to split.
        assert rows[0]["spend_change_usd"] is None
        assert rows[0]["price_effect_usd"] is None
        for previous, row in itertools.pairwise(rows):
            change = row["spend_change_usd"]
            assert isinstance(change, Decimal)
            assert row["previous_spend_usd"] == previous["spend_usd"]
            assert change == row["spend_usd"] - previous["spend_usd"]
            assert row["price_effect_usd"] + row["volume_effect_usd"] + row["mix_effect_usd"] == change

    year = by_tier["all"][1:]
    price_total = sum(row["price_effect_usd"] for row in year)
    volume_total = sum(row["volume_effect_usd"] for row in year)
    assert price_total < 0 < volume_total
    assert volume_total > -price_total  # more tokens outweigh cheaper tokens: the bill grows
    assert (
        sum(row["spend_change_usd"] for row in year) == year[-1]["spend_usd"] - by_tier["all"][0]["spend_usd"]
    )


def test_tier_spend_and_tokens_add_up_to_the_usage_sources_to_the_cent(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        with sources as (
            select cast(date_trunc('month', usage_date) as date) as usage_month,
                sum(list_cost_usd) as spend_usd, sum(total_tokens) as tokens
            from {USAGE} where {COUNTED} group by 1
        ),
        tiers as (
            select usage_month,
                sum(case when capability_tier <> 'all' then spend_usd end) as tier_spend,
                sum(case when capability_tier = 'all' then spend_usd end) as all_spend,
                sum(case when capability_tier <> 'all' then total_tokens + unpriced_tokens end)
                    as tier_tokens,
                sum(case when capability_tier = 'all' then total_tokens + unpriced_tokens end)
                    as all_tokens
            from {MONTHS} group by 1
        )
        select sources.usage_month, sources.spend_usd, tiers.tier_spend, tiers.all_spend,
            sources.tokens, tiers.tier_tokens, tiers.all_tokens
        from sources full outer join tiers on sources.usage_month = tiers.usage_month
        order by 1
        """,
    )

    assert len(rows) == 12
    for _month, source_spend, tier_spend, all_spend, source_tokens, tier_tokens, all_tokens in rows:
        assert tier_spend == all_spend == source_spend
        assert tier_tokens == all_tokens == source_tokens
    assert sum(row[1] for row in rows) > 250


def test_gateway_traffic_is_counted_once(demo_paths):
    """The gateway's calls are in the providers' reports: the mart holds them once, not twice."""
    [(mart_tokens, counted, gateway, providers_and_bills)] = query(
        demo_paths.warehouse,
        f"""
        select
            (select sum(total_tokens + unpriced_tokens) from {MONTHS} where capability_tier = 'all'),
            (select sum(total_tokens) from {USAGE} where {COUNTED}),
            (select sum(total_tokens) from {USAGE} where usage_source = 'gateway'),
            (select sum(total_tokens) from {USAGE}
             where usage_source = 'provider_usage' and is_seen_by_gateway)
        """,
    )

    assert mart_tokens == counted
    assert gateway == providers_and_bills  # the gateway's own traffic, reported by the providers
    assert gateway < mart_tokens < 2 * gateway  # direct calls on top, the gateway's calls not repeated


def _usage_by_tier(warehouse) -> dict[str, dict[date, dict[str, tuple[int, Fraction]]]]:
    """Priced tokens and spend per tier ('all' included), month and model, straight from the usage fact."""
    rows = query(
        warehouse,
        f"""
        select cast(date_trunc('month', usage.usage_date) as date),
            coalesce(models.capability_tier, 'unknown'), coalesce(usage.model_id, 'unknown'),
            sum(usage.total_tokens), sum(usage.list_cost_usd)
        from {USAGE} as usage left join marts.dim_models as models on usage.model_id = models.model_id
        where usage.{COUNTED} and usage.list_cost_usd is not null
        group by all
        """,
    )
    usage: dict[str, dict[date, dict[str, tuple[int, Fraction]]]] = defaultdict(lambda: defaultdict(dict))
    for month, tier, model, tokens, spend in rows:
        if tokens:
            for key in (tier, "all"):
                usage[key][month][model] = (int(tokens), Fraction(spend))
    return usage


def test_index_and_effects_match_an_independent_recomputation(demo_paths):
    """Fisher links, Bennet price effect, volume at the mean blended price, mix as model shifts."""
    usage = _usage_by_tier(demo_paths.warehouse)
    by_tier = _months(demo_paths.warehouse)

    for tier in TIERS:
        months = sorted(usage[tier])
        index = 100.0
        for previous_month, month in itertools.pairwise(months):
            before, now = usage[tier][previous_month], usage[tier][month]
            both = before.keys() & now.keys()
            laspeyres = sum(now[m][1] / now[m][0] * before[m][0] for m in both) / sum(
                before[m][1] for m in both
            )
            paasche = sum(now[m][1] for m in both) / sum(
                before[m][1] / before[m][0] * now[m][0] for m in both
            )
            index *= math.sqrt(laspeyres * paasche)
            price = sum(
                (now[m][1] / now[m][0] - before[m][1] / before[m][0]) * (before[m][0] + now[m][0]) / 2
                for m in both
            )
            tokens_before, tokens_now = sum(q for q, _ in before.values()), sum(q for q, _ in now.values())
            blended_before = sum(v for _, v in before.values()) / tokens_before
            blended_now = sum(v for _, v in now.values()) / tokens_now
            volume = (tokens_now - tokens_before) * (blended_before + blended_now) / 2
            # Mix: every model's change in tokens at its own mean price less the tier's mean price.
            mix = Fraction(0)
            for model in before.keys() | now.keys():
                q0, v0 = before.get(model, (0, Fraction(0)))
                q1, v1 = now.get(model, (0, Fraction(0)))
                own = (v0 / q0 + v1 / q1) / 2 if q0 and q1 else (v1 / q1 if q1 else v0 / q0)
                mix += (q1 - q0) * (own - (blended_before + blended_now) / 2)

            row = next(r for r in by_tier[tier] if r["usage_month"] == month)
            assert math.isclose(row["price_index"], index, rel_tol=1e-7), (tier, month)
            assert abs(Fraction(row["price_effect_usd"]) - price) < Fraction(1, 10**8), (tier, month)
            assert abs(Fraction(row["volume_effect_usd"]) - volume) < Fraction(1, 10**9), (tier, month)
            assert abs(Fraction(row["mix_effect_usd"]) - mix) < Fraction(1, 10**8), (tier, month)


def test_volume_grows_faster_than_price_falls_in_every_tier(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select capability_tier, months_used, elasticity, r_squared, price_index_change_pct,
            quantity_index_change_pct, note
        from {ELASTICITIES} order by capability_tier
        """,
    )

    assert [row[0] for row in rows] == sorted(TIERS)
    for tier, months_used, elasticity, r_squared, price_change, quantity_change, note in rows:
        assert months_used == 12, tier
        # The sample data: elasticities between -2.5 and -3.6, i.e. each 1% off the price of a token
        # came with 2.5% to 3.6% more volume, so spend rose as prices fell in every tier.
        assert elasticity < -1, tier
        # The small tier fits most loosely (r² about 0.53): its price index rose in March 2026 when
        # cache-heavy ticket triage left gpt-4.1-mini, though no list price went up.
        assert r_squared > 0.4, tier
        assert price_change < 0 < quantity_change, tier
        assert "(Jevons)" in note, tier
    everything = next(row for row in rows if row[0] == "all")
    assert everything[3] > 0.9  # over all models the fit is tight
