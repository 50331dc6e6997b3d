"""The war chapter's figures (iranbook.war) on toy rows and on the book's datasets."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import ROOT

from iranbook import breakout as bo
from iranbook import data, war


def test_iran_time_finds_the_one_source_date_that_lands_on_the_iran_date():
    row = pd.Series(
        {
            "id": "W99",
            "date": pd.Timestamp("2025-06-22"),
            "reported_time": "19:40",
            "reported_time_zone": "America/New_York",
        }
    )
    moment = war.iran_time(row)
    assert (moment.date(), f"{moment:%H:%M}") == (pd.Timestamp("2025-06-22").date(), "03:10")
    row["reported_time_zone"] = "Asia/Tehran"  # a time given in Iran time is on the row's own date
    assert f"{war.iran_time(row):%Y-%m-%d %H:%M}" == "2025-06-22 19:40"


def test_published_time_as_the_publisher_gave_it():
    def est(low, high, unit):
        return SimpleNamespace(time_low=low, time_high=high, time_unit=unit)

    assert war.published_time(est(None, 1, "weeks")) == "under 1 week"
    assert war.published_time(est(1, 1, "weeks")) == "about 1 week"
    assert war.published_time(est(3.1, 4.6, "months")) == "3.1 to 4.6 months"
    assert war.published_time(est(None, None, "months")) == "months, no number given"


def test_implied_capacity_is_the_work_of_the_estimate_over_its_time():
    params = bo.parameters(data.load("breakout_parameters", ROOT))
    estimate = pd.DataFrame(
        [
            {
                "id": "T1",
                "measure": "breakout time",
                "feed": "60%",
                "quantity": 1,
                "quantity_kg": 25,
                "quantity_basis": "weapon-grade uranium",
                "time_low": 1,
                "time_high": 1,
                "time_unit": "weeks",
            },
            {"id": "T2", "measure": "programme setback", "feed": None, "quantity": None, "quantity_kg": None}
            | {"quantity_basis": None, "time_low": 1, "time_high": 2, "time_unit": "years"},
        ]
    )
    out = war.implied_capacities(estimate, params).set_index("id")
    swu = bo.enrich(25, params["weapon_grade_assay"], 0.6, params["tails_from_60"]).swu
    assert out.loc["T1", "implied_low"] == pytest.approx(swu / 7 * bo.DAYS_PER_YEAR)
    assert out.loc["T1", "implied"] == f"{swu / 7 * bo.DAYS_PER_YEAR:,.0f}"
    assert out.loc["T2", "implied"] == "not a breakout estimate" and pd.isna(out.loc["T2", "implied_low"])


def test_the_chapters_figures_from_the_books_data():
    events = data.load("war_events", ROOT)
    facts = war.war_facts(events)
    assert facts["war_days"] == 12 and facts["n_war_events"] == len(events)
    assert facts["n_facilities_struck"] <= facts["n_facility_strikes"]
    cas = war.casualty_frame(data.load("casualties", ROOT))
    c = war.casualty_facts(cas, war.ceasefire_day(events))
    assert c["iran_official_min"] >= c["iran_min"] and c["iran_official_max"] <= c["iran_max"]
    params = bo.parameters(data.load("breakout_parameters", ROOT))
    capacity, stock = data.load("enrichment_capacity", ROOT), data.load("iaea_stockpile", ROOT)
    b = war.breakout_facts(params, capacity, stock)
    assert b["swu_60"] < b["swu_20"] < b["swu_natural"]  # the richer the feed, the less work is left
    assert b["stock_kg"] == war.last_sixty(stock)["kg_u"] and b["stock_quantities"] > 1
    implied = war.implied_capacities(data.load("breakout_estimates", ROOT), params)
    e = war.estimate_facts(implied, capacity, params)
    assert e["implied_min"] <= e["implied_max"] and e["cap_2020"] == 7500
