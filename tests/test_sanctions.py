"""The sanctions computations on toy data and on the book's datasets."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from iranbook import data
from iranbook import sanctions as sx


def _regimes(rows):
    frame = pd.DataFrame(rows, columns=["id", "start", "end"])
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def test_periods_close_open_ends_at_the_cutoff_and_clip_starts():
    p = sx.periods(
        _regimes([("a", "1996-01-01", "2016-01-16"), ("b", "2025-09-28", None)]),
        cutoff="2026-06-22",
        clip_from="2006-01-01",
    ).set_index("id")
    assert p.loc["b", "until"] == pd.Timestamp("2026-06-22") and bool(p.loc["b", "open"])
    assert p.loc["a", "from"] == pd.Timestamp("2006-01-01") and bool(p.loc["a", "clipped"])
    assert p.loc["a", "until"] == pd.Timestamp("2016-01-16") and not bool(p.loc["a", "open"])


def test_periods_refuse_an_end_before_the_start():
    with pytest.raises(ValueError, match=r"\['x'\]"):
        sx.periods(_regimes([("x", "2020-01-02", "2020-01-01")]), cutoff="2026-01-01")


def test_in_force_counts_only_sanctions_applied_in_the_period():
    frame = _regimes([("a", "2010-01-01", "2016-01-16"), ("w", "2016-01-16", "2018-11-04"), ("p", "2016-01-01", None)])
    frame["kind"] = ["sanction", "sanction", "policy"]
    frame["status"] = ["in force", "waived", "in force"]
    assert list(sx.in_force(frame, "2017-01-01", "2026-06-22")["id"]) == []
    assert list(sx.in_force(frame, "2017-01-01", "2026-06-22", statuses=("waived",))["id"]) == ["w"]


def test_in_force_on_a_day():
    frame = _regimes([("a", "2006-12-23", "2016-01-16"), ("b", "2025-09-28", None)])
    assert list(sx.in_force(frame, "2010-01-01", "2026-06-22")["id"]) == ["a"]
    assert list(sx.in_force(frame, "2016-01-16", "2026-06-22")["id"]) == ["a"]  # the last day counts
    assert list(sx.in_force(frame, "2020-01-01", "2026-06-22")["id"]) == []
    assert list(sx.in_force(frame, "2026-06-22", "2026-06-22")["id"]) == ["b"]


def test_entry_into_force_converts_and_checks_the_date():
    row = {
        "id": "G",
        "start": pd.Timestamp("2025-09-28"),
        "start_clock": "2025-09-27T20:00",
        "start_clock_zone": "America/New_York",
    }
    local, utc = sx.entry_into_force(row)
    assert (utc.day, utc.hour, utc.minute) == (28, 0, 0) and local.hour == 20
    with pytest.raises(ValueError, match="not the start date"):
        sx.entry_into_force({**row, "start": pd.Timestamp("2025-09-27")})


def _designations(rows):
    cols = ["id", "entities", "individuals", "persons", "vessels", "total_stated", "total_qualifier"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols[1:6]:
        frame[c] = frame[c].astype("Int64")
    return frame


def test_size_prefers_the_stated_total_and_else_sums_the_counts():
    d = _designations(
        [
            ("a", 15, 2, None, 14, None, None),
            ("b", None, None, None, None, 50, "more than"),
            ("c", None, None, None, None, None, None),
            ("d", 53, 12, None, 52, 115, "exact"),
        ]
    )
    assert sx.size(d).tolist() == [31, 50, pd.NA, 115]


def test_count_mismatches_flags_a_total_its_counts_do_not_add_to():
    d = _designations(
        [
            ("ok", 8, None, None, 9, 17, "exact"),
            ("bad", 53, 12, None, 52, 115, "exact"),
            ("bound", 53, 12, None, 52, 100, "more than"),
            ("one", None, 1, None, None, 31, "exact"),
            ("short", 50, 12, None, 52, 115, "more than"),
        ]
    )
    out = sx.count_mismatches(d)
    assert out["id"].tolist() == ["bad", "short"] and out["components"].tolist() == [117, 114]


def test_same_period_spread():
    e = pd.DataFrame(
        {
            "start": pd.to_datetime(["2018-10-01", "2018-10-01", "2021-01-01"]),
            "end": pd.to_datetime(["2018-10-31", "2018-10-31", "2021-12-31"]),
            "period": ["month", "month", "calendar year"],
            "estimator": ["Kpler", "other", "Kpler"],
            "low": [1.85, 1.5, 0.668],
            "high": [None, None, None],
            "sources": ["k", "k;o", "v"],
        }
    )
    out = sx.same_period(e)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["lowest"] == 1.5 and row["highest"] == 1.85 and row["spread"] == pytest.approx(0.2333, abs=1e-3)
    assert row["sources"] == "k;o"


def test_the_books_data():
    regimes = data.load("sanctions_regimes", ROOT)
    cutoff = data.cutoff(ROOT)
    # every UN measure restored by the snapback entered into force at 20:00 US Eastern on 27 September 2025
    restored = regimes[regimes["start_clock"].notna()]
    assert len(restored) == 4
    for _, row in restored.iterrows():
        _, utc = sx.entry_into_force(row)
        assert utc.strftime("%Y-%m-%d %H:%M") == "2025-09-28 00:00"
    # nothing UN was in force between Implementation Day and the snapback
    mid = sx.in_force(regimes, "2020-01-01", cutoff)
    assert "UN Security Council" not in set(mid["layer"].astype(str))
    designations = data.load("designations", ROOT)
    # Treasury's "over 115" for the Shamkhani action (A09) is consistent with components adding to 117
    assert sx.count_mismatches(designations)["id"].tolist() == []
    a09 = designations.set_index("id").loc["A09"]
    assert a09["total_qualifier"] == "more than" and int(sx.counted(designations.set_index("id")).loc["A09"]) == 117
    estimates = data.load("oil_exports", ROOT)
    assert (estimates["high"].isna() | (estimates["high"] >= estimates["low"])).all()
    assert (estimates["end"] >= estimates["start"]).all()
    rates = data.load("rial_rates", ROOT)
    assert (rates["high"].isna() | (rates["high"] >= rates["low"])).all()


# --- the chapter's figures (sanctions.layer_facts and the others) on toy data and on the book's data ---


def _layered(rows):
    frame = pd.DataFrame(rows, columns=["id", "layer", "measure", "start", "end"])
    frame["layer"] = pd.Categorical(
        frame["layer"], categories=["UN Security Council", "United States", "European Union"]
    )
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col])
    frame["start_precision"] = frame["end_precision"] = "day"
    return frame


def test_implementation_day_is_the_one_day_the_un_and_eu_measures_ended():
    rows = [
        ("G01", "UN Security Council", "Ban", "2006-12-23", "2016-01-16"),
        ("G09", "United States", "ISA", "1996-08-05", "2016-01-16"),
        ("G23", "European Union", "Bans", "2010-07-26", "2016-01-16"),
    ]
    assert sx.implementation_day(_layered(rows)) == pd.Timestamp("2016-01-16")
    rows[2] = ("G23", "European Union", "Bans", "2010-07-26", "2016-01-17")
    with pytest.raises(ValueError, match="2 different days"):
        sx.implementation_day(_layered(rows))


def test_in_force_text_names_the_cutoff_for_an_open_measure():
    row = _layered([("G02", "UN Security Council", "Ban", "2025-09-28", None)]).iloc[0]
    assert sx.in_force_text(row) == "28 September 2025 to the cut-off"


def test_targets_text_reads_the_counts_as_published():
    row = pd.Series(
        {
            "entities": 6,
            "individuals": 1,
            "persons": None,
            "vessels": None,
            "total_stated": 115,
            "total_qualifier": "more than",
        }
    )
    assert sx.targets_text(row) == "6 entities; 1 individual; more than 115 in all"
    empty = pd.Series({c: None for c in [*sx.COMPONENTS, "total_stated", "total_qualifier"]})
    assert sx.targets_text(empty) == "not given"


def test_period_text_by_kind_of_period():
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-05-31")
    assert sx.period_text(start, end, "month") == "January 2024"
    assert sx.period_text(start, end, "several months") == "1 January 2024 to 31 May 2024"
    assert sx.period_text(start, end, "calendar year", "short") == "2024"
    assert sx.period_text(start, end, "several months", "short") == "1 Jan 2024 to 31 May 2024"


def test_the_chapters_figures_from_the_books_data():
    regimes = data.load("sanctions_regimes", ROOT)
    facts = sx.layer_facts(regimes, data.cutoff(ROOT), "2006-01-01")
    assert facts["n_measures"] == facts["n_un"] + facts["n_us"] + facts["n_eu"]
    assert facts["n_measures"] + facts["n_waived_periods"] + facts["n_other_steps"] == len(regimes)
    # a year after Implementation Day the waived US laws are on the books but not in force
    assert facts["n_waived_after_impl"] == 4 and facts["n_after_impl"] > 0
    assert facts["day_before_impl"] == pd.Timestamp("2016-01-15")
    assert facts["n_at_cutoff"] <= facts["n_measures"]
    assert facts["n_early"] == int((regimes["start"] < pd.Timestamp("2006-01-01")).sum())
    events = sx.effect_events(regimes)
    assert events["start"].is_monotonic_increasing
    assert "Implementation Day: relief" in set(events["what"])
    assert set(events["what"]) - {"Implementation Day: relief"} == set(regimes["chart_label"].dropna())
    designations = data.load("designations", ROOT)
    d = sx.designation_facts(designations, facts["nspm2_day"])
    assert d["n_actions"] == len(designations) == d["n_baseline"] + d["n_since"]
    assert d["n_oil"] + d["n_banking"] == d["n_since"]
    exports = data.load("oil_exports", ROOT)
    x = sx.export_facts(exports, "2026-02-28")
    assert x["n_same"] == len(sx.same_period(exports)) and x["widest_spread"] > 0
    rial = sx.rial_facts(data.load("rial_rates", ROOT), regimes)
    assert 0 < rial["rial_lost"] < 1


def _effects(rows):
    cols = ["id", "indicator", "period", "value", "provider"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_effect_facts_take_the_eia_extremes_and_the_imf_range_for_2019():
    frame = _effects(
        [
            ("F1", "net oil export revenue", "2011", 95.0, "US Energy Information Administration"),
            ("F2", "net oil export revenue", "2020", 15.0, "US Energy Information Administration"),
            ("F3", "net oil export revenue", "2022", 10.0, "OPEC"),  # another body's figure is not the EIA's
            ("F4", "real GDP growth", "2019", -6.0, "IMF"),
            ("F5", "real GDP growth", "2019", -9.5, "IMF"),
            ("F6", "real GDP growth", "2019", -8.7, "World Bank"),
            ("F7", "consumer-price inflation", "2019", 41.1, "IMF"),
            ("F8", "consumer-price inflation", "2019", 35.7, "IMF"),
        ]
    )
    facts = sx.effect_facts(frame)
    assert (facts["rev_top"], facts["rev_top_year"], facts["rev_low"], facts["rev_low_year"]) == (
        "95",
        "2011",
        "15",
        "2020",
    )
    assert facts["rev_fall"] == "84%"
    assert (facts["g2019_n"], facts["g2019_least"], facts["g2019_most"]) == (2, "6", "9.5")
    assert (facts["i2019_min"], facts["i2019_max"]) == ("35.7", "41.1")
    assert facts["n_effect_bodies"] == 4


def test_effect_series_in_the_data_name_a_body_and_a_period():
    frame = data.load("sanctions_effects", ROOT)
    assert frame["provider"].notna().all() and frame["period"].notna().all()
    # every IMF and World Bank figure says which edition it comes from, or that it is a forecast
    multilateral = frame[frame["provider"].isin(["IMF", "World Bank"])]
    assert multilateral["note"].notna().all(), multilateral.loc[multilateral["note"].isna(), "id"].tolist()
    facts = sx.effect_facts(frame)
    assert float(facts["rev_top"]) > float(facts["rev_low"])
