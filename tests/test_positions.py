"""The talks on their terms: standing terms, gaps, statuses and moves, on toy data and on the book's data."""

import shutil

import pandas as pd
import pytest
from conftest import ROOT

from iranbook import data
from iranbook import positions as pos

SCALE = {
    "enrichment": ["no cap", "capped", "transition", "none", "dismantled"],
    "missiles": ["off", "discussed", "limits"],
}


def frame(rows):
    f = pd.DataFrame(rows, columns=["id", "actor", "issue", "stated_on", "kind", "term_low", "term_high", "firm"])
    return f.assign(
        stated_on=lambda f: pd.to_datetime(f["stated_on"]),
        term_low=lambda f: f["term_low"].astype("Int64"),
        term_high=lambda f: f["term_high"].astype("Int64"),
    )


TOY = frame(
    [
        ["P01", "US", "enrichment", "2025-04-14", "statement", 1, 1, False],
        ["P02", "US", "enrichment", "2025-04-15", "statement", 4, 4, True],
        ["P03", "Iran", "enrichment", "2025-05-11", "statement", 0, 1, True],
        ["P04", "Iran", "enrichment", "2026-02-26", "statement", 0, 1, False],
        ["P05", "Iran", "enrichment", "2026-02-26", "proposal", 2, 2, False],
        ["P06", "US", "enrichment", "2026-02-26", "proposal", 3, 4, False],
        ["P07", "US", "missiles", "2025-04-14", "statement", None, None, False],
    ]
)
ROUNDS = pd.DataFrame({"id": ["R1", "R2", "R3"], "date": pd.to_datetime(["2025-04-12", "2025-05-11", "2026-02-26"])})


def test_gap_counts_steps_between_ranges():
    assert pos.gap((4, 4), (0, 1)) == 3
    assert pos.gap((0, 1), (4, 4)) == 3  # symmetric
    assert pos.gap((2, 3), (1, 2)) == 0  # ranges sharing a step overlap
    assert pos.gap((3, 4), (2, 2)) == 1
    assert pos.gap((1, 3), (2, 2)) == 0  # one inside the other
    assert pos.gap(None, (0, 0)) is None


def test_status_rule():
    assert pos.status(0, True, True) == pos.OVERLAP
    assert pos.status(2, False, False) == pos.APART
    assert pos.status(2, True, False) == pos.BLOCKED
    assert pos.status(2, False, True) == pos.BLOCKED
    assert pos.status(None) == pos.UNKNOWN


def test_standing_terms_follow_the_date_and_prefer_tabled_terms():
    assert pos.standing(TOY, "US", "enrichment", "2025-04-14")["id"] == "P01"
    assert pos.standing(TOY, "US", "enrichment", "2025-04-20")["id"] == "P02"
    assert pos.standing(TOY, "Iran", "enrichment", "2025-04-20") is None
    # the same day: the proposal counts over the statement, whatever the row order
    assert pos.standing(TOY, "Iran", "enrichment", "2026-02-26")["id"] == "P05"
    assert pos.standing(TOY.iloc[::-1], "Iran", "enrichment", "2026-02-26")["id"] == "P05"
    # rows that state no term are not standing terms
    assert pos.standing(TOY, "US", "missiles") is None
    assert pos.standing(TOY, "US", "enrichment", since="2026-01-01")["id"] == "P06"


def test_by_round_measures_the_gap_and_who_moved():
    t = pos.by_round(TOY, ROUNDS, "US", "Iran", ["enrichment"], SCALE).set_index("round")
    assert t.loc["R1", "status"] == pos.UNKNOWN and t.loc["R1", "change"] == ""
    assert t.loc["R2", "gap"] == 3 and t.loc["R2", "status"] == pos.BLOCKED and t.loc["R2", "change"] == pos.FIRST
    assert t.loc["R2", "share"] == pytest.approx(3 / 4)
    assert t.loc["R3", "gap"] == 1 and t.loc["R3", "status"] == pos.APART  # 3-4 against 2: one step
    assert t.loc["R3", "change"] == pos.NARROWED
    assert t.loc["R3", "a_moved"] == "toward" and t.loc["R3", "b_moved"] == "toward"


def test_widening_and_moving_away():
    toy = pd.concat([TOY, frame([["P08", "Iran", "enrichment", "2026-03-01", "statement", 0, 0, True]])])
    rounds = pd.concat([ROUNDS, pd.DataFrame({"id": ["R4"], "date": pd.to_datetime(["2026-03-02"])})])
    t = pos.by_round(toy, rounds, "US", "Iran", ["enrichment"], SCALE).set_index("round")
    assert t.loc["R4", "gap"] == 3 and t.loc["R4", "change"] == pos.WIDENED
    assert t.loc["R4", "b_moved"] == "away" and t.loc["R4", "a_moved"] == ""


def test_moves_lists_each_change_of_terms():
    m = pos.moves(TOY, "US", "enrichment", other="Iran")
    assert list(m["id"]) == ["P01", "P02", "P06"]
    iran = pos.moves(TOY, "Iran", "enrichment")
    assert list(iran["id"]) == ["P03", "P05"]  # on 26 February 2026 the proposal, not the statement
    assert m.iloc[1]["before"] == (1, 1) and m.iloc[1]["after"] == (4, 4)
    assert m.iloc[2]["direction"] == "toward"  # 4 to 3-4, Iran at 2


def test_before_after_compares_only_terms_stated_since_the_split():
    t = pos.before_after(TOY, "US", "Iran", ["enrichment", "missiles"], SCALE, "2026-01-01").set_index("issue")
    assert t.loc["enrichment", "gap_before"] == 3 and t.loc["enrichment", "gap_after"] == 1
    assert t.loc["enrichment", "verdict"] == pos.NARROWED
    assert t.loc["missiles", "verdict"] == pos.UNKNOWN


def test_term_label():
    assert pos.term_label(SCALE, "enrichment", 1, 1) == "capped"
    assert pos.term_label(SCALE, "enrichment", 2, 3) == "transition to none"
    assert pos.term_label({"e": ["A", "No enrichment in Iran"]}, "e", 0, 1) == "A to no enrichment in Iran"
    assert pos.term_label(SCALE, "enrichment", None, None) == "no term stated"


# --- the book's data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    scale = pos.scales(data.load("term_scales", ROOT))
    issues = list(data.load("negotiation_issues", ROOT)["id"])
    rounds = data.load("negotiation_rounds", ROOT)
    return data.load("positions", ROOT), rounds[rounds["status"] == "held"], issues, scale


def test_every_issue_has_a_scale_and_every_term_is_on_it(book):
    positions, _, issues, scale = book
    assert set(scale) == set(issues)
    for row in pos.coded(positions).itertuples():
        assert 0 <= row.term_low <= row.term_high < len(scale[row.issue]), row.id


def test_the_proposals_moved_the_enrichment_gap(book):
    """The US written offer of May 2025 and Iran's February 2026 draft show in the gap (issue 17's first
    complaint: the coded positions said that neither side moved)."""
    positions, rounds, issues, scale = book
    us = pos.moves(positions, "US", "enrichment", other="Iran")
    iran = pos.moves(positions, "Iran", "enrichment", other="US")
    assert "toward" in set(us["direction"]) and "toward" in set(iran["direction"])
    t = pos.by_round(positions, rounds, "US", "Iran", ["enrichment"], scale)
    assert {pos.NARROWED, pos.WIDENED} <= set(t["change"])


def test_no_issue_is_coded_before_it_exists(book):
    positions, *_ = book
    issues = data.load("negotiation_issues", ROOT).set_index("id")
    for row in positions.itertuples():
        since = issues.loc[row.issue, "applies_from"]
        assert pd.isna(since) or row.stated_on >= since, row.id


def test_every_proposal_term_and_response_names_its_proposal(book):
    positions, *_ = book
    linked = positions[positions["kind"].astype(str).isin(["proposal", "response"])]
    assert linked["proposal"].notna().all()
    assert set(linked["proposal"]) <= set(data.load("proposals", ROOT)["id"])


def _copy(tmp_path):
    dest = tmp_path / "book"
    shutil.copytree(ROOT / "data", dest / "data")
    shutil.copy(ROOT / "references.bib", dest / "references.bib")
    return dest


def _edit(path, row_id, **changes):
    import csv

    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    for r in rows:
        if r["id"] == row_id:
            r.update(changes)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return next(i for i, r in enumerate(rows, start=2) if r["id"] == row_id)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"term_low": "7", "term_high": "7"}, "column term_low: step 7 is not on the scale of 'enrichment'"),
        ({"term_low": "3", "term_high": "1"}, "column term_low: 3 is above term_high 1"),
        ({"term_high": ""}, "column term_high: give both term_low and term_high"),
        (
            {"issue": "struck_sites", "term_low": "0", "term_high": "0"},
            "column stated_on: 2025-04-14 is before 2025-06-13, when the issue 'struck_sites' begins to apply",
        ),
        ({"kind": "response"}, "column proposal: a response must name the proposal"),
        ({"proposal": "M99", "kind": "proposal"}, "column proposal: 'M99' is not an id in the dataset 'proposals'"),
    ],
)
def test_bad_terms_are_refused_with_file_row_and_column(tmp_path, changes, message):
    root = _copy(tmp_path)
    line = _edit(root / "data" / "positions.csv", "P01", **changes)
    with pytest.raises(data.DataError) as err:
        data.load("positions", root)
    assert f"data/positions.csv row {line}, {message}" in str(err.value)
