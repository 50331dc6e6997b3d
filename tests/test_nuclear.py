"""The nuclear chapter's figures (iranbook.nuclear) on toy rows and on the book's datasets."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from iranbook import breakout as bo
from iranbook import data, war
from iranbook import nuclear as nu


def _stock(rows):
    frame = pd.DataFrame(rows, columns=["as_of", "level", "kg_u", "sources"])
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["level"] = pd.Categorical(frame["level"], categories=nu.LEVELS)
    frame["verification"] = pd.Categorical(
        ["estimated"] * len(frame), categories=["verified", "estimated", "unverified"]
    )
    return frame


def test_production_rates_divide_the_growth_by_the_days_between_figures():
    stock = _stock(
        [
            ("2024-01-01", "up to 60%", 100.0, "a"),
            ("2024-01-31", "up to 60%", 130.0, "b"),
            ("2024-03-01", "up to 60%", 120.0, "c;b"),
            ("2024-03-01", "total", 5000.0, "d"),
        ]
    )
    rates = nu.production_rates(stock)
    assert list(rates["added"]) == [30.0, -10.0]  # a fall (dilution) is kept, not dropped
    assert rates["per_month"].iloc[0] == pytest.approx(30 / 30 * nu.DAYS_PER_MONTH)
    assert rates["sources"].iloc[1] == "b;c"  # both figures' sources, once each
    twice = _stock([("2024-01-01", "up to 60%", 1.0, "a"), ("2024-01-01", "up to 60%", 2.0, "b")])
    with pytest.raises(ValueError, match="share the date 2024-01-01"):
        nu.production_rates(twice)


def test_safeguards_kind_reads_the_description():
    assert nu.safeguards_kind("The IAEA Board finds Iran in non-compliance") == "Board of Governors"
    assert nu.safeguards_kind("Iran removes IAEA surveillance cameras") == "Access and inspections"
    assert nu.safeguards_kind("IAEA samples show particles of uranium enriched up to 83.7%") == "Findings and reports"
    assert nu.safeguards_kind("Iran signs a treaty") == "Other"


def test_the_chapters_figures_from_the_books_data():
    stock = data.load("iaea_stockpile", ROOT)
    facts = nu.stock_facts(stock)
    assert facts["first_60_date"] < facts["last_60_date"] and facts["growth_60_x"] > 1
    rates = nu.rate_facts(stock)
    assert rates["rate_after"] > rates["rate_before"] > 0  # the late-2024 acceleration
    assert rates["rate_top_from"] >= pd.Timestamp("2024-10-01")
    params = bo.parameters(data.load("breakout_parameters", ROOT))
    capacity = data.load("enrichment_capacity", ROOT)
    implied = war.implied_capacities(data.load("breakout_estimates", ROOT), params)
    record = nu.capacity_record(capacity, implied)
    assert set(record["kind"]) == {"stated", "implied by an estimate"} and (record["low"] <= record["high"]).all()
    table = nu.scenarios(params, stock, capacity, implied)
    assert len(table) == len(nu.SCENARIOS)
    # less capacity means a longer first quantity; less stock, fewer quantities
    assert table["days_first"].iloc[3] > table["days_first"].iloc[2] > table["days_first"].iloc[0]
    assert table["n_stock"].iloc[3] == pytest.approx(table["n_stock"].iloc[0] / 4)
