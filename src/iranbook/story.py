"""The 2026 story: milestones, periods between them, and the figures the chapters draw from them.

The chapters name turning points by key (``milestone("ceasefire")``), not by timeline record ids:
which events are milestones is an editorial choice kept in ``data/milestones.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import data as _data


@dataclass(frozen=True)
class Milestone:
    key: str
    event: str
    label: str
    date: pd.Timestamp
    description: str
    sources: str


def milestones(root=None) -> dict[str, Milestone]:
    """Every milestone, by key, with its timeline record's date, description and sources."""
    marks = _data.load("milestones", root)
    timeline = _data.load("timeline", root).set_index("id")
    out = {}
    for row in marks.itertuples():
        event = timeline.loc[row.event]
        out[row.key] = Milestone(row.key, row.event, row.label, event["date"], event["description"], event["sources"])
    return out


def milestone_frame(keys: list[str], root=None) -> pd.DataFrame:
    """The milestones ``keys`` as a frame (date, label, description, sources) for marking a chart's time axis."""
    marks = milestones(root)
    unknown = [k for k in keys if k not in marks]
    if unknown:
        raise KeyError(f"no milestone {', '.join(unknown)} in data/milestones.csv")
    return pd.DataFrame(
        [
            {"date": marks[k].date, "label": marks[k].label, "what": marks[k].description, "sources": marks[k].sources}
            for k in keys
        ]
    )


def days_between(start, end) -> int:
    """Whole days from ``start`` to ``end`` (dates or timestamps)."""
    return int((pd.Timestamp(end) - pd.Timestamp(start)).days)


def between(frame: pd.DataFrame, start, end, column: str = "date") -> pd.DataFrame:
    """Rows dated from ``start`` to ``end``, both included, in date order."""
    mask = (frame[column] >= pd.Timestamp(start)) & (frame[column] <= pd.Timestamp(end))
    return frame.loc[mask].sort_values(column)


def per_month(frame: pd.DataFrame, column: str = "date") -> pd.Series:
    """How many rows fall in each calendar month (a Series indexed by the month's first day)."""
    months = frame[column].dt.to_period("M").dt.to_timestamp()
    return months.value_counts().sort_index()


def daily_rate(total: float, first, last) -> float:
    """A cumulative quantity over the days ``first`` to ``last`` (both included), per day."""
    days = days_between(first, last) + 1
    if days <= 0:
        raise ValueError(f"the period {first} to {last} has no days")
    return total / days


def exports_and_traffic(economy: pd.DataFrame) -> dict:
    """Iran's own crude exports in the first days of the 2026 war against the collapse of all traffic
    through the Strait of Hormuz, from the economic indicators:

    * ``exports_total`` (million barrels): the first wartime total of Iranian crude exports, counted
      from the first of the month to ``exports_last``, and ``exports_per_day`` over those days;
    * ``transits_day``: the first daily count of vessels through the strait, on ``transits_date``,
      against ``transits_average`` (February's daily average), and the fall, ``transits_fall`` (a share).
    """
    war_start = pd.Timestamp("2026-02-28")
    exp = economy[(economy["indicator"].astype(str) == "Iranian crude exports") & (economy["date"] > war_start)]
    war = exp.sort_values("date").iloc[0]
    transits = economy[economy["indicator"].astype(str) == "Hormuz transits"]
    daily = transits[transits["measure"].astype(str) == "count"].sort_values("date").iloc[0]
    average = transits[transits["measure"].astype(str) == "monthly average"].iloc[0]
    return {
        "exports_total": float(war["value"]),
        "exports_last": war["date"],
        "exports_per_day": daily_rate(float(war["value"]), war["date"].replace(day=1), war["date"]),
        "transits_day": float(daily["value"]),
        "transits_date": daily["date"],
        "transits_average": float(average["value"]),
        "transits_fall": 1 - float(daily["value"]) / float(average["value"]),
    }
