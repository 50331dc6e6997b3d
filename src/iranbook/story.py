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


def named(dataset: str, root=None) -> dict[str, list[str]]:
    """The records of ``dataset`` the chapters name (``data/named_records.csv``): name -> record ids,
    in the file's order. A name may stand for several records."""
    rows = _data.load("named_records", root)
    rows = rows[rows["dataset"] == dataset]
    out: dict[str, list[str]] = {}
    for name, record in zip(rows["name"], rows["record"]):
        out.setdefault(str(name), []).append(str(record))
    return out


def named_one(dataset: str, root=None) -> dict[str, str]:
    """Like :func:`named`, for names that stand for one record each: name -> record id."""
    names = named(dataset, root)
    many = [k for k, v in names.items() if len(v) != 1]
    if many:
        raise ValueError(f"data/named_records.csv: {', '.join(many)} name more than one record of {dataset}")
    return {k: v[0] for k, v in names.items()}


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


# --- The aftermath chapter's figures, by glue key. ---

#: The milestones whose dates the aftermath chapter names.
CHAPTER_MILESTONES = [
    "geneva_last",
    "war_start",
    "hormuz_declared",
    "new_leader",
    "ceasefire",
    "islamabad_talks",
    "blockade",
    "extension",
    "agreement_14",
    "mou",
    "burgenstock",
]


def period(timeline: pd.DataFrame, cutoff, root=None) -> pd.DataFrame:
    """The timeline from the last Geneva round to the ``cutoff``: the aftermath chapter's events."""
    return between(timeline, milestones(root)["geneva_last"].date, cutoff).copy()


def sequence_facts(events: pd.DataFrame, cutoff, root=None) -> dict:
    """The milestones' dates; the period's events; the war's days, the days from the ceasefire to the
    memorandum and from it to the ``cutoff``; the busiest and quietest full months since the war began."""
    marks = milestones(root)
    first_full_month = (marks["war_start"].date + pd.offsets.MonthBegin(1)).normalize()
    monthly = per_month(between(events, first_full_month, cutoff))
    return {key: marks[key].date for key in CHAPTER_MILESTONES} | {
        "n_period": len(events),
        "war_days": days_between(marks["war_start"].date, marks["ceasefire"].date),
        "ceasefire_to_mou": days_between(marks["ceasefire"].date, marks["mou"].date),
        "mou_to_cutoff": days_between(marks["mou"].date, cutoff),
        "busiest_month": f"{monthly.idxmax():%B}",
        "busiest_month_n": int(monthly.max()),
        "quietest_month": f"{monthly.idxmin():%B}",
        "quietest_month_n": int(monthly.min()),
    }


def brent(economy: pd.DataFrame) -> pd.DataFrame:
    """The Brent crude prices of the economic indicators, in date order."""
    return economy[economy["indicator"].astype(str) == "Brent crude price"].sort_values("date")


def oil_facts(economy: pd.DataFrame, exports: pd.DataFrame) -> dict:
    """Brent before the war, its first settlement at 100 dollars or more, its top and its last level;
    the IEA's emergency release; the first days' exports and Hormuz traffic (:func:`exports_and_traffic`);
    and the range of the February 2026 export estimates."""
    prices = brent(economy)
    settle = prices[prices["measure"].astype(str) == "settlement"]
    first_100 = settle[settle["value"] >= 100].iloc[0]
    top, last = prices.loc[prices["value"].idxmax()], prices.iloc[-1]
    flows = exports_and_traffic(economy)
    feb = exports[exports["start"] == pd.Timestamp("2026-02-01")]
    release = economy.loc[economy["indicator"].astype(str) == "Emergency oil stock release", "value"].iloc[0]
    return {
        "brent_before": float(prices.loc[prices["measure"].astype(str) == "before the war", "value"].iloc[0]),
        "brent_100_date": first_100["date"],
        "brent_100": float(first_100["value"]),
        "brent_top": float(top["value"]),
        "brent_top_date": top["date"],
        "brent_top_what": f"{top['measure']}: {top['note'].rstrip('.')}",
        "brent_last": float(last["value"]),
        "brent_last_date": last["date"],
        "iea_release": float(release),
        "transits_date": flows["transits_date"],
        "exports_days": flows["exports_last"].day,
        "feb_low": float(feb["low"].min()),
        "feb_high": float(feb[["low", "high"]].max().max()),
    } | {k: flows[k] for k in ["transits_day", "transits_average", "transits_fall", "exports_total", "exports_per_day"]}


def dead_2026(casualties: pd.DataFrame) -> pd.DataFrame:
    """The 2026 war's counts of the dead, in the order they were published."""
    return casualties[casualties["war"].astype(str) == "2026"].sort_values("reported_on").copy()


def casualty_facts(casualties: pd.DataFrame) -> dict:
    """Iran's death counts of the 2026 war (range, counters, first and last), Israel's last count as a
    sentence, and the table of every count."""
    from .text import cited, long_date, md_table

    cas = dead_2026(casualties)
    iran = cas[cas["country"].astype(str) == "Iran"]
    israel = cas[cas["country"].astype(str) == "Israel"].sort_values("reported_on")
    sentence = (
        f"In Israel, {israel['counter'].iloc[-1]} counted {int(israel['killed'].iloc[-1]):,} killed by "
        f"{long_date(israel['reported_on'].iloc[-1])}."
        if len(israel)
        else "The sources read give no count for Israel."
    )
    cas["who"] = cas["counter"].astype(str) + " (" + cas["counter_type"].astype(str) + ")"
    cas["reported"] = [long_date(d) for d in cas["reported_on"]]
    cas["killed_shown"] = cas["killed"].map(lambda v: f"{int(v):,}")
    cas["cited"] = cited(cas)
    columns = {"who": "Counted by", "reported": "Published", "killed_shown": "Killed", "note": "What the count covers"}
    return {
        "dead_min": int(iran["killed"].min()),
        "dead_max": int(iran["killed"].max()),
        "n_counters": iran["counter"].nunique(),
        "first_count": iran["reported_on"].min(),
        "last_count": iran["reported_on"].max(),
        "israel_sentence": sentence,
        "after-casualties": md_table(
            cas,
            columns | {"cited": "Sources"},
            markup={"cited"},
            long=True,
            widths=[24, 14, 10, 30, 22],
            caption="Counts of the dead of the 2026 war, by the body that published them",
        ),
    }


def diplomacy_facts(events: pd.DataFrame, root=None) -> dict:
    """The diplomatic events from the ceasefire to the memorandum, and how many involved Pakistan and Qatar."""
    marks = milestones(root)
    window = between(events, marks["ceasefire"].date, marks["mou"].date)
    diplomacy = window[window["category"].astype(str) == "diplomacy"]

    def involving(who):
        return int(diplomacy["actors"].str.split(";").map(lambda a: who in a).sum())

    return {"n_diplomacy": len(diplomacy), "n_pakistan": involving("Pakistan"), "n_qatar": involving("Qatar")}


def carried_facts(positions: pd.DataFrame, issues: pd.DataFrame, scale, war_start) -> dict:
    """How far apart the US and Iran stood on each issue before the 2026 war and since: the sentence
    that says which gaps narrowed, widened or stayed, and the table."""
    from . import positions as pos
    from .text import and_list, md_table

    label = dict(zip(issues["id"], issues["label"]))
    carried = pos.before_after(positions, "US", "Iran", list(issues["id"]), scale, war_start)

    def said(verdict):
        return [pos.lower_first(label[i]) for i in carried.loc[carried["verdict"] == verdict, "issue"]]

    def steps(gap, status):
        return "no terms stated" if pd.isna(gap) else f"{int(gap)} ({status})"

    parts = [f"The gap {v} on {and_list(said(v))}." for v in [pos.NARROWED, pos.WIDENED, pos.UNCHANGED] if said(v)]
    sentence = (
        " ".join(parts) + f" On {len(said(pos.UNKNOWN))} of the {len(carried)} issues a side has stated "
        f"no terms before or since {pd.Timestamp(war_start):%-d %B} in the sources read, so the two cannot be compared."
    )
    carried["issue_label"] = carried["issue"].map(label)
    carried["before"] = [steps(g, s) for g, s in zip(carried["gap_before"], carried["status_before"])]
    carried["after"] = [steps(g, s) for g, s in zip(carried["gap_after"], carried["status_after"])]
    columns = {
        "issue_label": "Issue",
        "before": "Steps apart before the war",
        "after": "Steps apart since",
        "verdict": "Verdict",
    }
    caption = "How far apart the two sides stood on each issue before the 2026 war and since"
    return {"carried_sentence": sentence, "carried-table": md_table(carried, columns, caption=caption)}


def iaea_facts(events: pd.DataFrame, stock: pd.DataFrame) -> dict:
    """The IAEA events of the period, and the agency's last figure for the 60% stock and its date."""
    from .war import last_sixty

    sixty = last_sixty(stock)
    return {
        "n_iaea": int((events["category"].astype(str) == "IAEA").sum()),
        "last_kg": float(sixty["kg_u"]),
        "last_as_of": sixty["as_of"],
    }
