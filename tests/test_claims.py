"""The commissioning articles' claims: each checked in one chapter, every chapter's table by one rule."""

import pandas as pd
import pytest

import iranbook
from iranbook import claims as checked


@pytest.fixture(scope="module")
def claims():
    return iranbook.load("seed_claims")


def test_every_claim_is_checked_in_exactly_one_chapter(claims):
    tables = [checked.for_chapter(claims, ch) for ch in ("history", "sanctions", "talks")]
    ids = [i for t in tables for i in t["id"]]
    assert len(ids) == len(set(ids)) == len(claims)
    assert set(ids) == set(claims["id"])


def test_the_history_chapter_checks_only_history(claims):
    history = checked.for_chapter(claims, "history")
    assert set(history["seed"]) == {"seed2026amargi"}
    assert not set(history["topic"].astype(str)) & {
        "snapback",
        "snapback measures",
        "US sanctions",
        "2025 talks",
        "format of the talks",
        "scope of the talks",
    }


def test_evidence_leaves_out_the_articles_unless_nothing_else_is_cited():
    assert (
        checked.evidence("seed2026amargi;reuters2025timeline;abtahi2014ilm")
        == "{cite:p}`reuters2025timeline,abtahi2014ilm`"
    )
    assert checked.evidence("seed2026oman") == "{cite:p}`seed2026oman`"


def test_verdicts_name_every_verdict():
    frame = pd.DataFrame({"verdict": ["confirmed", "confirmed", "inaccurate"]})
    assert checked.verdicts(frame) == {"confirmed": 2, "incomplete": 0, "inaccurate": 1, "unverifiable": 0}


def test_the_table_has_a_caption_a_row_per_claim_and_the_article_only_when_both_appear(claims):
    talks = checked.for_chapter(claims, "talks")
    md = checked.table(talks, "Claims about the talks")
    assert md.startswith("```{table} Claims about the talks\n:class: longtable")
    assert md.count("\n| ") == len(talks) + 1  # the header and one row per claim
    assert "| Article |" in md
    history = checked.table(checked.for_chapter(claims, "history"), "History")
    assert "Article" not in history


def test_an_unknown_chapter_is_refused(claims):
    with pytest.raises(ValueError, match="no commissioning-article claim"):
        checked.for_chapter(claims, "war")
