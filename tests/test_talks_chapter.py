"""The Oman-channel chapter as a reader gets it: figures computed from the data, claims its own data bear
out, and the terms and gaps charts in chromium."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, chart_on_page, page_text

from iranbook import data, story
from iranbook import positions as pos

NOTEBOOK = ROOT / "chapters" / "talks.ipynb"


@pytest.fixture(scope="module")
def talks():
    rounds = data.load("negotiation_rounds", ROOT)
    held = rounds[rounds["status"] == "held"].sort_values("date")
    positions = data.load("positions", ROOT)
    issues = list(data.load("negotiation_issues", ROOT)["id"])
    scale = pos.scales(data.load("term_scales", ROOT))
    table = pos.by_round(positions, held, "US", "Iran", issues, scale)
    war = story.milestones(ROOT)["war_start"].date
    return {
        "rounds": rounds,
        "held": held,
        "positions": positions,
        "issues": issues,
        "scale": scale,
        "table": table,
        "war": war,
    }


def _at(t, round_id, issue):
    return t["table"].set_index(["round", "issue"]).loc[(round_id, issue)]


def test_the_chapter_is_an_essay_with_three_charts():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    charts = re.findall(r"```\{chart\} (\S+)", prose)
    assert len(charts) >= 3 and "talks-terms" in charts
    text = re.sub(r"```.*?```|:::.*?:::", " ", prose, flags=re.S)
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", " ", text)
    assert len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text)) >= 1200


def test_what_the_prose_says_of_the_gaps_is_what_the_data_show(talks):
    """The typed (not glued) claims of the chapter, checked against the analysis."""
    held, t = talks["held"], talks
    before = held[held["date"] < t["war"]]
    geneva = before[before["city"] == "Geneva"]["id"]
    # "On the stock the gap closed before the war only at the first Geneva round ... the memorandum closed it"
    closed = [r for r in before["id"] if _at(t, r, "stock_60")["gap"] == 0]
    assert closed == [geneva.iloc[0]]
    assert _at(t, held["id"].iloc[-1], "stock_60")["gap"] == 0
    # "It closed at the first Geneva round ... and opened ... at the last"
    assert _at(t, geneva.iloc[0], "enrichment")["gap"] == 0 < _at(t, geneva.iloc[-1], "enrichment")["gap"]
    # "the US terms had moved away from Iran's" at the last Geneva round; Iran's draft moved toward the US
    # demands from Iran's public line (the rounds before that)
    last = _at(t, geneva.iloc[-1], "enrichment")
    assert last["a_moved"] == "away"
    # "Iran's draft had gone further toward the US demands than its public line": that day's proposal stands,
    # and the public statement of the same day left no enrichment pause in Iran's words
    day = before["date"].iloc[-1]
    draft = pos.standing(t["positions"], "Iran", "enrichment", day)
    public = t["positions"][
        (t["positions"]["actor"] == "Iran")
        & (t["positions"]["issue"] == "enrichment")
        & (t["positions"]["stated_on"] == day)
        & (t["positions"]["kind"] != "proposal")
    ]
    assert draft["kind"] == "proposal" and draft["term_low"] > public["term_high"].max()
    # "The United States asked for the stock to leave Iran until the memorandum"
    us_stock = pos.coded(t["positions"])
    us_stock = us_stock[(us_stock["actor"] == "US") & (us_stock["issue"] == "stock_60")]
    assert (us_stock.loc[us_stock["kind"] != "agreement", "term_low"] == len(t["scale"]["stock_60"]) - 1).all()
    # "both sides moved": each side's enrichment terms moved toward the other's at least once
    for side, other in (("US", "Iran"), ("Iran", "US")):
        assert "toward" in set(pos.moves(t["positions"], side, "enrichment", other)["direction"])


@pytest.mark.build
def test_talks_chapter_counts_follow_the_data(built_book, talks):
    page = page_text(built_book / "_build" / "html" / "chapters" / "talks.html")
    before = talks["rounds"][talks["rounds"]["date"] < talks["war"]]
    held = before[before["status"] == "held"]
    assert f"went through {len(before)} rounds: {len(held)} held and {len(before) - len(held)} cancelled" in page
    t = talks["table"]
    blocked = t[t["status"] == pos.BLOCKED]["round"].nunique()
    assert f"Of the {len(talks['held'])} rounds held to the data cut-off, {blocked} met at least one issue" in page
    assert "the third Geneva round" not in page


@pytest.mark.build
def test_terms_chart_draws_a_panel_per_issue_with_the_words_in_its_tooltips(built_book, browser, talks):
    site = built_book / "_build" / "html"
    coded = pos.coded(talks["positions"])
    both = [i for i in talks["issues"] if {"US", "Iran"} <= set(coded.loc[coded["issue"] == i, "actor"].astype(str))]
    shown = coded[coded["actor"].isin(["US", "Iran"]) & coded["issue"].isin(both)]
    with chart_on_page(browser, site, "chapters/talks.html", "talks-terms") as (page, _, box, errors):
        bars = box.locator(".iranbook-chart-live path[aria-roledescription='bar']")
        assert bars.count() == len(shown)
        bars.first.hover(force=True)
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
        tip = page.inner_text("#vg-tooltip-element")
        assert "Said by" in tip and "Words" in tip and "Terms" in tip
        assert errors == []


@pytest.mark.build
def test_gaps_chart_has_a_cell_per_round_and_issue(built_book, browser, talks):
    site = built_book / "_build" / "html"
    with chart_on_page(browser, site, "chapters/talks.html", "talks-gaps") as (page, _, box, errors):
        cells = box.locator(".iranbook-chart-live path[aria-roledescription='rect mark']")
        assert cells.count() == len(talks["held"]) * len(talks["issues"])
        assert errors == []


def test_nothing_is_comparable_at_the_first_round(talks):
    """ "at the first round neither side had yet stated terms in the sources read"."""
    first = talks["held"]["id"].iloc[0]
    at = talks["table"][talks["table"]["round"] == first]
    assert at["a_id"].isna().all() and at["b_id"].isna().all()
