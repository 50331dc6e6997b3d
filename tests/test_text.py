"""The prose helpers: data shown in MyST tables is always text, never markup."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from iranbook.text import cite, md_escape, md_table


@pytest.mark.parametrize("raw", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "{cite:p}`ap2025amassed`",
    "a | b",
    "$x$ and \\\\ and ` and * and _ and [link](http://x)",
])
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
