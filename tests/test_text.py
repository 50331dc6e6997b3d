"""The prose helpers: data shown in MyST tables is always text, never markup."""

from __future__ import annotations

import pandas as pd
import pytest

from iranbook.text import cite, md_escape, md_list, md_register, md_table, precise_date


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(2)">',
        "{cite:p}`ap2025amassed`",
        "a | b",
        "$x$ and \\\\ and ` and * and _ and [link](http://x)",
    ],
)
def test_md_escape_leaves_no_markup(raw):
    escaped = md_escape(raw)
    for ch in "<>{}|$`*_[]":
        assert ch not in escaped.replace("\\" + ch, ""), (ch, escaped)


def test_md_escape_folds_whitespace_and_handles_missing():
    assert md_escape("two\nlines") == "two lines"
    assert md_escape(None) == "" and md_escape(pd.NA) == ""


def test_md_table_shapes_dates_and_markup():
    frame = pd.DataFrame({"when": [pd.Timestamp("2025-09-19")], "text": ["a|b <i>"], "src": ["{cite:p}`k`"]})
    table = md_table(frame, {"when": "Date", "text": "Text", "src": "Sources"}, markup={"src"})
    lines = table.splitlines()
    assert lines[0] == "| Date | Text | Sources |" and lines[1] == "|---|---|---|"
    assert lines[2] == "| 19 September 2025 | a\\|b \\<i\\> | {cite:p}`k` |"


def test_cite_builds_roles_and_rejects_non_keys():
    assert cite("a2025x;b2024y") == "{cite:p}`a2025x,b2024y`"
    assert cite(["k1"]) == "{cite:p}`k1`"
    with pytest.raises(ValueError):
        cite("bad key`")
    with pytest.raises(ValueError):
        cite("")


def test_md_list_one_item_per_row_skips_empty_fields_and_escapes():
    frame = pd.DataFrame(
        {
            "name": ["Plant <b>A</b>", "Plant B"],
            "what": ["Made *things*", ""],
            "when": [pd.Timestamp("2025-06-13"), pd.NaT],
            "src": ["{cite:p}`k`", "{cite:p}`j`"],
        }
    )
    text = md_list(frame, "name", {"what": "Function", "when": "Struck", "src": ""}, markup={"src"})
    first, second = text.splitlines()
    assert first == ("- **Plant \\<b\\>A\\</b\\>.** *Function:* Made \\*things\\*. *Struck:* 13 June 2025. {cite:p}`k`")
    assert second == "- **Plant B.** {cite:p}`j`"


def test_md_register_groups_versions_under_their_topic():
    frame = pd.DataFrame(
        {
            "topic_id": ["D02", "D01", "D01"],
            "topic": ["Other", "A date", "A date"],
            "version": ["x", "May 2005", "June | 2005"],
            "assessment": ["adopted", "adopted", "alternative"],
            "note": ["", "", "Later <source>."],
            "sources": ["k3", "k1", "k1;k2"],
        }
    )
    lines = md_register(frame).splitlines()
    assert lines[0] == "- **D01: A date**"
    # an adopted version must meet the rule (k1 is no known source: lower tier); an alternative one is
    # attributed to its own source and carries no mark
    assert lines[1] == "  - May 2005 (*adopted*) {cite:p}`k1` *(lower-tier sources only)*"
    assert lines[2] == "  - June \\| 2005 (*alternative*). Later \\<source\\>. {cite:p}`k1,k2`"
    assert lines[3] == "- **D02: Other**"


def test_md_register_puts_the_topics_the_findings_rest_on_first_and_a_chapter_shows_its_own():
    from iranbook.text import MAJOR_TAG, md_chapter_register

    frame = pd.DataFrame(
        {
            "topic_id": ["D01", "D01", "D02", "D02"],
            "topic": ["A date", "A date", "A count", "A count"],
            "chapter": ["history", "history", "war", "war"],
            "weight": ["minor", "minor", "major", "major"],
            "version": ["a", "b", "c", "d"],
            "assessment": ["adopted", "alternative", "unresolved", "unresolved"],
            "note": ["", "", "", ""],
            "sources": ["k1", "k1", "k2", "k3"],
        }
    )
    tops = [line for line in md_register(frame).splitlines() if line.startswith("- ")]
    assert tops == [f"- **D02: A count** *({MAJOR_TAG})*", "- **D01: A date**"]
    assert "D02" not in md_chapter_register(frame, "history") and "D01" in md_chapter_register(frame, "history")
    with pytest.raises(ValueError, match="no discrepancy topic is shown in chapter 'talks'"):
        md_chapter_register(frame, "talks")


def test_md_table_caption_names_the_table():
    frame = pd.DataFrame({"a": ["x"]})
    assert md_table(frame, {"a": "A"}, caption="The  things").splitlines()[:2] == ["```{table} The things", ""]
    assert md_table(frame, {"a": "A"}, long=True, caption="Long").splitlines()[0] == "```{table} Long"


def test_md_table_long_wraps_in_a_longtable_directive():
    frame = pd.DataFrame({"a": ["x"]})
    text = md_table(frame, {"a": "A"}, long=True)
    assert text.splitlines()[:4] == ["```{table}", ":class: longtable", ":widths: 1", ""]
    with pytest.raises(ValueError):
        md_table(frame, {"a": "A"}, long=True, widths=[1, 2])
    assert text.splitlines()[-1] == "```" and "| x |" in text


def test_precise_date_shows_only_what_the_data_knows():
    day = pd.Timestamp("2026-04-01")
    assert precise_date(day, "day") == "1 April 2026"
    assert precise_date(day, "month") == "April 2026"
    assert precise_date(day, "year") == "2026"
