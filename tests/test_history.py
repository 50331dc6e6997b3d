"""The history chapter's figures (iranbook.history) on toy rows and on the book's datasets."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from iranbook import data, story
from iranbook import history as hist


def _timeline(rows):
    return pd.DataFrame({"id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows])})


def test_periodise_puts_each_record_in_the_era_open_on_its_date():
    timeline = _timeline(
        [("a", "1957-03-05"), ("b", "1970-01-01"), ("c", "1979-01-01"), ("d", "1990-01-01"), ("e", "2025-04-01")]
    )
    eras = pd.DataFrame({"name": ["Shah", "Revolution"], "opens": ["a", "c"]})
    out = hist.periodise(timeline, eras, pd.Timestamp("2025-04-01")).set_index("id")["era"].astype(str)
    assert out.to_dict() == {"a": "Shah", "b": "Shah", "c": "Revolution", "d": "Revolution"}  # e is the next chapter's
    with pytest.raises(ValueError, match="in the order they open"):
        hist.periodise(timeline, eras.iloc[::-1], pd.Timestamp("2025-04-01"))


def test_the_chapters_figures_from_the_books_data():
    timeline, eras = data.load("timeline", ROOT), data.load("eras", ROOT)
    end = story.milestones(ROOT)["talks_2025"].date
    history = hist.periodise(timeline, eras, end)
    facts = hist.era_facts(history, eras, end)
    assert facts["n_events"] == int((timeline["date"] < end).sum()) and facts["n_eras"] == len(eras)
    assert history["era"].notna().all()  # the first era opens with the first record
    res = hist.resolution_facts(data.load("un_resolutions", ROOT))
    assert res["n_unanimous"] <= res["n_resolutions"]
    assert res["history-provisions"].count("\n- **") == res["n_resolutions"] + res["n_drafts"] - 1
    levels = hist.level_facts(data.load("enrichment_levels", ROOT))
    assert levels["jcpoa_limit_pct"] < levels["top_level_pct"] < levels["particles_pct"] < levels["weapons_pct"]
    stock = hist.stock_facts(data.load("iaea_stockpile", ROOT))
    assert stock["last_times_cap"] == pytest.approx(stock["last_total_kg"] / stock["cap_kg"])


def test_seed_facts_name_the_restored_resolutions_the_article_omits():
    facts = hist.seed_facts(data.load("seed_claims", ROOT), data.load("un_resolutions", ROOT))
    assert facts["seed_claims_elsewhere"] >= 0
    listed = set(story.named("un_resolutions", ROOT)["seed_listed_resolutions"])
    assert listed == {"1696", "1737", "1747", "1835", "1929"}
    assert not set(facts["seed_missing_resolutions"].split(", ")) & listed
