"""Figures quoted as their sources word them: ``data/quoted_figures.csv`` (single figures the
chapters quote) and ``data/sanctions_effects.csv`` (the effect series), as the text the prose glues.

A row's figure is printed with the source's own qualifier ("more than 700", "about 40") and, for a
range, both ends ("5 to 7"), so that the chapter says no more and no less than the source.
"""

from __future__ import annotations

import pandas as pd

#: Units whose figures the sources give to the cent: printed with two decimals ("3.30").
CENTS = {"USD a barrel"}


def number(value: float, decimals: int | None = None) -> str:
    """``value`` with thousands separators: as a whole number when it is one, else with the decimals
    it has (at most three), or with exactly ``decimals``."""
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0")


def figure(value: float, high: float | None = None, qualifier: str | None = None, decimals: int | None = None) -> str:
    """The figure as the prose prints it: the qualifier, the value, and the high end of a range.

    >>> figure(11000, qualifier="more than")
    'more than 11,000'
    >>> figure(5, 7)
    '5 to 7'
    """
    text = number(value, decimals)
    if high is not None and not pd.isna(high):
        text += f" to {number(high, decimals)}"
    if qualifier is not None and not pd.isna(qualifier) and str(qualifier):
        text = f"{qualifier} {text}"
    return text


def row_figure(row) -> str:
    """One row's figure (columns ``value``, ``value_high``, ``qualifier``, ``unit``)."""
    decimals = 2 if str(row["unit"]) in CENTS else None
    return figure(float(row["value"]), row.get("value_high"), row.get("qualifier"), decimals)


def facts(frame: pd.DataFrame, prefix: str, chapter: str | None = None) -> dict[str, str]:
    """``{prefix}_{id}`` -> the row's figure, for every row (or every row of ``chapter``); for a
    negative figure also ``{prefix}_{id}_abs``, its size, for prose that says "shrink by 9.5%"."""
    rows = frame if chapter is None else frame[frame["chapter"] == chapter]
    out = {}
    for _, row in rows.iterrows():
        out[f"{prefix}_{row['id']}"] = row_figure(row)
        if row["value"] < 0:
            size = row.copy()
            size["value"] = -row["value"]
            out[f"{prefix}_{row['id']}_abs"] = row_figure(size)
    return out
