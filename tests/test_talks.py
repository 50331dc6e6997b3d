"""The talks chapter's figures (iranbook.talks) on toy rows and on the book's datasets."""

from __future__ import annotations

import pandas as pd
from conftest import ROOT

from iranbook import data, story, talks
from iranbook import positions as pos
from iranbook.text import and_list


def test_and_list_joins_names_as_prose():
    assert and_list(["Muscat"]) == "Muscat"
    assert and_list(["Muscat", "Rome", "Geneva"]) == "Muscat, Rome and Geneva"


def test_round_facts_count_only_the_rounds_before_the_war():
    rounds = data.load("negotiation_rounds", ROOT)
    war_start = story.milestones(ROOT)["war_start"].date
    facts = talks.round_facts(rounds, war_start)
    before = rounds[rounds["date"] < war_start]
    assert facts["n_rounds"] == len(before) == facts["n_2025"] + facts["n_2026"]
    assert facts["n_held"] + facts["n_cancelled"] <= facts["n_rounds"]
    assert facts["n_rounds"] < len(rounds)  # Islamabad and Bürgenstock came after the war began
    assert facts["rounds-table"].count("\n") > facts["n_rounds"]


def test_the_gap_figures_agree_with_the_round_by_round_table():
    rounds = data.load("negotiation_rounds", ROOT)
    issues = data.load("negotiation_issues", ROOT)
    positions = data.load("positions", ROOT)
    scale = pos.scales(data.load("term_scales", ROOT))
    labels = dict(zip(issues["id"], issues["label"]))
    held = rounds[rounds["status"] == "held"]
    table = pos.by_round(positions, held, "US", "Iran", list(issues["id"]), scale)
    summary = talks.round_summary(table, held, labels)
    facts = talks.gap_facts(table, held, summary, story.milestones(ROOT)["war_start"].date)
    assert facts["burgenstock_compared"] == facts["burgenstock_overlap"] + facts["burgenstock_apart"]
    assert facts["n_held_all"] == len(held) and facts["n_rounds_blocked"] <= len(held)
    last = held.sort_values("date")["id"].iloc[-1]
    assert facts["gap_burg"] == talks.gap_at(table, last, "enrichment")


def test_the_space_sentence_accounts_for_every_issue():
    issues = data.load("negotiation_issues", ROOT)
    sentence = talks.space_sentence(
        data.load("positions", ROOT),
        issues,
        pos.scales(data.load("term_scales", ROOT)),
        story.milestones(ROOT)["war_start"].date,
    )
    assert sentence.endswith(
        f"of the {len(issues)} issues one side or both stated no terms before the war or none since."
    )


def test_moves_and_proposals_facts_from_the_books_data():
    issues = data.load("negotiation_issues", ROOT)
    positions = data.load("positions", ROOT)
    proposals = data.load("proposals", ROOT)
    scale = pos.scales(data.load("term_scales", ROOT))
    m = talks.moves_facts(positions, proposals, issues, scale)
    assert m["n_toward"] <= m["n_us_moves"] + m["n_iran_moves"]
    assert m["n_others"] == int((~positions["actor"].isin(["US", "Iran"])).sum())
    assert isinstance(m["us_written"], pd.Timestamp)
    coded = talks.terms_frame(positions, scale, dict(zip(issues["id"], issues["label"])))
    p = talks.proposal_facts(proposals, coded)
    assert p["n_proposals"] == len(proposals) >= p["n_proposals_enrichment"]
