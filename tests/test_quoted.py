"""Figures printed as their sources word them (iranbook.quoted), and the chapters that print them."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from iranbook import data, quoted


@pytest.mark.parametrize(
    "args,expected",
    [
        ((11000, None, "more than"), "more than 11,000"),
        ((5, 7, None), "5 to 7"),
        ((4.7, None, None), "4.7"),
        ((1.05, None, None), "1.05"),
        ((14, float("nan"), "at least"), "at least 14"),
        ((-9.5, None, None), "-9.5"),
    ],
)
def test_a_figure_keeps_the_sources_words(args, expected):
    assert quoted.figure(*args) == expected


def test_prices_are_printed_to_the_cent():
    row = pd.Series({"id": "X", "value": 3.3, "value_high": 3.5, "qualifier": None, "unit": "USD a barrel"})
    assert quoted.row_figure(row) == "3.30 to 3.50"


def test_facts_name_each_row_and_give_the_size_of_a_fall():
    frame = pd.DataFrame(
        {
            "id": ["Q01", "Q02"],
            "chapter": ["history", "sanctions"],
            "value": [-9.5, 700.0],
            "value_high": [None, None],
            "qualifier": [None, "more than"],
            "unit": ["percent", "names"],
        }
    )
    assert quoted.facts(frame, "fig") == {"fig_Q01": "-9.5", "fig_Q01_abs": "9.5", "fig_Q02": "more than 700"}
    assert quoted.facts(frame, "fig", "sanctions") == {"fig_Q02": "more than 700"}


def test_every_quoted_figure_is_glued_by_the_chapter_that_quotes_it():
    """A row of quoted_figures exists because a chapter prints it: its chapter's prose names its key."""
    import json

    frame = data.load("quoted_figures", ROOT)
    effects = data.load("sanctions_effects", ROOT)
    for chapter, rows in frame.groupby("chapter", observed=True):
        text = json.dumps(json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text()))
        for key in rows["id"]:
            assert f"fig_{key}`" in text, (chapter, key)
    sanctions = (ROOT / "chapters" / "sanctions.ipynb").read_text()
    assert sum(f"eff_{key}" in sanctions for key in effects["id"]) >= 8
