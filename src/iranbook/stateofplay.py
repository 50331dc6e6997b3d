"""Where things stand at the data cut-off: one figure per question a reader brings, each with its
date, its sourcing grade and the chapter that explains it.

The state-of-play page shows these figures track by track, and the landing page's key findings
are drawn from the same table, so a figure reads the same wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import data as _data
from . import positions as pos
from . import sanctions as sx
from . import sources, story
from . import talks as _talks
from .text import long_date, precise_date

TRACKS = {
    "nuclear": "The nuclear material and its verification",
    "sanctions": "Sanctions in force",
    "talks": "The talks",
    "ceasefire": "The ceasefire and the Strait of Hormuz",
    "economy": "The economy",
}

COLUMNS = ["track", "key", "label", "value", "number", "as_of", "grade", "chapter", "sources"]

#: The chapters' short names, for the panels' "Explained in" column (a table cell, not a heading).
CHAPTER_NAMES = {
    "chapter-history": "History",
    "chapter-sanctions": "Sanctions",
    "chapter-stockpile": "The nuclear file",
    "chapter-war": "The June 2025 war",
    "chapter-talks": "The talks",
    "chapter-aftermath": "The 2026 war",
}
#: A panel row cites at most this many of its sources; the chapter it points to cites them all.
PANEL_SOURCES = 4


def panel(figures: pd.DataFrame, track: str) -> pd.DataFrame:
    """The rows of one track's panel, with ``when`` (the date in words), ``where`` (a link to the
    chapter that explains the figure, by its short name) and ``cited`` (at most
    :data:`PANEL_SOURCES` of its sources, then how many more the chapter gives)."""
    from .text import cite

    rows = figures[figures["track"] == track].copy()
    if rows.empty:
        raise ValueError(f"no figure on the track {track!r}")
    rows["when"] = [long_date(d) for d in rows["as_of"]]
    rows["where"] = [f"{{ref}}`{CHAPTER_NAMES[c]} <{c}>`" for c in rows["chapter"]]

    def cited(keys: str) -> str:
        keys = [k for k in str(keys).split(";") if k]
        more = len(keys) - PANEL_SOURCES
        return cite(keys[:PANEL_SOURCES]) + (f" and {more} more in the chapter" if more > 0 else "")

    rows["cited"] = [cited(k) for k in rows["sources"]]
    return rows


@dataclass(frozen=True)
class Figure:
    track: str
    key: str
    label: str
    value: str  # the figure as printed
    number: float | None  # the figure as a number, where it is one
    as_of: pd.Timestamp
    grade: str  # the sourcing grade in words
    chapter: str  # the label of the chapter that explains it
    sources: str


def grade_of(frame: pd.DataFrame) -> str:
    """The sourcing grade of the rows a figure rests on, in words: the row's grade for one row; for
    several, whether all meet the rule or how many do."""
    if frame.empty:
        return "no rows"
    grades = list(sources.grades(frame))
    if len(grades) == 1:
        return sources.GRADE_TEXT.get(str(grades[0]), str(grades[0]))
    met = sum(str(g) in sources.MEETS for g in grades)
    return (
        "every row meets the sourcing rule"
        if met == len(grades)
        else f"{met} of {len(grades)} rows meet the sourcing rule"
    )


def _keys(frame: pd.DataFrame) -> str:
    return ";".join(sorted(set(_data.sources_of(frame))))


def _figure(track, key, label, value, number, as_of, rows, chapter) -> Figure:
    return Figure(track, key, label, value, number, pd.Timestamp(as_of), grade_of(rows), chapter, _keys(rows))


def nuclear(root=None) -> list[Figure]:
    stock = _data.load("iaea_stockpile", root)
    cutoff = pd.Timestamp(_data.cutoff(root))
    last = stock[stock["level"] == "up to 60%"].sort_values("as_of").iloc[[-1]]
    row = last.iloc[0]
    days = int((cutoff - row["as_of"]).days)
    return [
        _figure(
            "nuclear",
            "stock_60",
            "Uranium enriched up to 60%, the IAEA's last figure",
            f"{row['kg_u']:.1f} kg",
            float(row["kg_u"]),
            row["as_of"],
            last,
            "chapter-stockpile",
        ),
        _figure(
            "nuclear",
            "days_since_stock",
            "Days from that figure to the data cut-off",
            f"{days:,}",
            float(days),
            cutoff,
            last,
            "chapter-war",
        ),
        _figure(
            "nuclear",
            "stock_status",
            "How the IAEA described that figure",
            str(row["verification"]),
            None,
            row["as_of"],
            last,
            "chapter-stockpile",
        ),
    ]


def sanctions_layers(root=None) -> list[Figure]:
    regimes = _data.load("sanctions_regimes", root)
    cutoff = pd.Timestamp(_data.cutoff(root))
    live = sx.in_force(regimes, cutoff, cutoff)
    out = []
    for layer in regimes["layer"].cat.categories:
        rows = live[live["layer"].astype(str) == layer]
        if len(rows):
            out.append(
                _figure(
                    "sanctions",
                    f"in_force_{layer}",
                    f"Measures in force: {layer}",
                    f"{len(rows)}",
                    float(len(rows)),
                    cutoff,
                    rows,
                    "chapter-sanctions",
                )
            )
    return out


def talks(root=None) -> tuple[list[Figure], pd.DataFrame]:
    """The talks' figures, and the gap on each issue at the cut-off (both sides' standing terms)."""
    rounds = _data.load("negotiation_rounds", root)
    positions = _data.load("positions", root)
    issues = _data.load("negotiation_issues", root)
    scale = pos.scales(_data.load("term_scales", root))
    cutoff = pd.Timestamp(_data.cutoff(root))
    marks = story.milestones(root)
    timeline = _data.load("timeline", root).set_index("id")
    last = rounds[rounds["status"] == "held"].sort_values("date").iloc[[-1]]
    r = last.iloc[0]
    mou = marks["mou"]
    mou_row = timeline.loc[[mou.event]].reset_index()
    deadline = mou.date + pd.Timedelta(days=60)
    gaps = pos.compare(positions, "US", "Iran", list(issues["id"]), scale, as_of=cutoff)
    gaps["label"] = gaps["issue"].map(dict(zip(issues["id"], issues["label"])))
    gaps = _talks.with_terms(gaps, scale)
    compared = gaps[gaps["gap"].notna()]
    used = positions[positions["id"].isin(set(compared["a_id"]) | set(compared["b_id"]))]
    figures = [
        _figure(
            "talks",
            "last_round",
            "Last round held",
            f"{precise_date(r['date'], r['date_precision'])}, {r['city']}",
            None,
            r["date"],
            last,
            "chapter-aftermath",
        ),
        _figure(
            "talks",
            "mou_signed",
            "Memorandum of understanding signed",
            long_date(mou.date),
            None,
            mou.date,
            mou_row,
            "chapter-aftermath",
        ),
        _figure(
            "talks",
            "mou_deadline",
            "Sixty days from the signing (computed)",
            long_date(deadline),
            None,
            deadline,
            mou_row,
            "chapter-aftermath",
        ),
        _figure(
            "talks",
            "issues_overlap",
            "Issues on which the two sides' standing terms overlap",
            f"{int((compared['gap'] == 0).sum())} of {len(compared)}",
            float((compared["gap"] == 0).sum()),
            cutoff,
            used,
            "chapter-talks",
        ),
        _figure(
            "talks",
            "issues_blocked",
            "Issues with no zone of agreement (firm terms apart)",
            f"{int((compared['status'] == pos.BLOCKED).sum())} of {len(compared)}",
            float((compared["status"] == pos.BLOCKED).sum()),
            cutoff,
            used,
            "chapter-talks",
        ),
    ]
    return figures, gaps


def ceasefire(root=None) -> list[Figure]:
    marks = story.milestones(root)
    timeline = _data.load("timeline", root)
    cutoff = pd.Timestamp(_data.cutoff(root))
    c = marks["ceasefire"]
    c_row = timeline[timeline["id"] == c.event]
    strait = timeline[timeline["description"].str.contains("Strait of Hormuz") & (timeline["date"] <= cutoff)]
    strait = strait.sort_values(["date", "id"]).iloc[[-1]]
    military = timeline[(timeline["category"].astype(str) == "military") & (timeline["date"] <= cutoff)]
    military = military.sort_values(["date", "id"]).iloc[[-1]]
    days = story.days_between(c.date, cutoff)
    return [
        _figure(
            "ceasefire", "ceasefire", "Ceasefire announced", long_date(c.date), None, c.date, c_row, "chapter-aftermath"
        ),
        _figure(
            "ceasefire",
            "ceasefire_days",
            "Days from the ceasefire to the data cut-off",
            f"{days:,}",
            float(days),
            cutoff,
            c_row,
            "chapter-aftermath",
        ),
        _figure(
            "ceasefire",
            "strait_latest",
            "Latest report on the strait",
            strait.iloc[0]["description"],
            None,
            strait.iloc[0]["date"],
            strait,
            "chapter-aftermath",
        ),
        _figure(
            "ceasefire",
            "military_latest",
            "Latest military event",
            military.iloc[0]["description"],
            None,
            military.iloc[0]["date"],
            military,
            "chapter-aftermath",
        ),
    ]


def economy(root=None) -> list[Figure]:
    econ = _data.load("economic_indicators", root)
    brent = econ[econ["indicator"].astype(str) == "Brent crude price"].sort_values("date").iloc[[-1]]
    rial = _data.load("rial_rates", root).sort_values("date").iloc[[-1]]
    exports = _data.load("oil_exports", root)
    latest = exports[exports["end"] == exports["end"].max()]
    low, high = float(latest["low"].min()), float(latest[["low", "high"]].max().max())
    b, r = brent.iloc[0], rial.iloc[0]
    rate = f"{int(r['low']):,}" + (f" to {int(r['high']):,}" if pd.notna(r["high"]) else "")
    span = f"{low:.2f}" if low == high else f"{low:.2f} to {high:.2f}"
    return [
        _figure(
            "economy",
            "brent",
            f"Brent crude, {b['measure']}",
            f"{b['value']:.2f} dollars a barrel",
            float(b["value"]),
            b["date"],
            brent,
            "chapter-aftermath",
        ),
        _figure(
            "economy",
            "rial",
            "The rial's open-market rate",
            f"{rate} rials to the dollar",
            float(r["low"]),
            r["date"],
            rial,
            "chapter-sanctions",
        ),
        _figure(
            "economy",
            "oil_exports",
            "Iran's crude exports, latest estimates",
            f"{span} million barrels a day",
            high,
            latest["end"].max(),
            latest,
            "chapter-sanctions",
        ),
    ]


def figures(root=None, tracks=None) -> pd.DataFrame:
    """The figures of the state-of-play page, track by track (columns :data:`COLUMNS`): every track,
    or those named in ``tracks`` (so that a page showing some tracks reads only their datasets)."""
    build = {
        "nuclear": nuclear,
        "sanctions": sanctions_layers,
        "talks": lambda r: talks(r)[0],
        "ceasefire": ceasefire,
        "economy": economy,
    }
    rows = [f for track in (tracks or TRACKS) for f in build[track](root)]
    return pd.DataFrame([f.__dict__ for f in rows], columns=COLUMNS)


def memorandum(root=None) -> pd.DataFrame:
    """What the memorandum commits each side to, as far as the sources give it: its coded terms."""
    positions = _data.load("positions", root)
    issues = _data.load("negotiation_issues", root)
    scale = pos.scales(_data.load("term_scales", root))
    rows = positions[positions["kind"].astype(str) == "agreement"].copy()
    rows["label"] = rows["issue"].astype(str).map(dict(zip(issues["id"], issues["label"])))
    rows["terms"] = [
        pos.term_label(scale, str(i), lo, hi) for i, lo, hi in zip(rows["issue"], rows["term_low"], rows["term_high"])
    ]
    return rows


# --- The state-of-play page's tables, by glue key. ---


def panel_table(figs: pd.DataFrame, track: str) -> str:
    """The figures of one track at the cut-off, as a captioned long table."""
    from .text import md_table

    columns = {"label": "Figure", "value": "Value", "when": "As of", "grade": "Sourcing", "where": "Explained in"}
    return md_table(
        panel(figs, track),
        columns | {"cited": "Sources"},
        markup={"where", "cited"},
        long=True,
        widths=[20, 26, 11, 12, 12, 19],
        caption=f"{TRACKS[track]}: the figures at the cut-off",
    )


def figure_facts(figs: pd.DataFrame) -> dict:
    """Every figure's value (``fig_<key>``) and as-of date (``asof_<key>``), and each track's panel."""
    from .text import long_date

    out = {}
    for row in figs.itertuples():
        out[f"fig_{row.key}"] = row.value
        out[f"asof_{row.key}"] = long_date(row.as_of)
    return out | {f"panel-{track}": panel_table(figs, track) for track in TRACKS}


def standing_facts(root=None) -> dict:
    """Each side's standing terms at the cut-off (a table), and the memorandum's terms (a table and counts)."""
    from .text import cite, md_table

    _, gaps = talks(root)
    gaps["steps"] = ["" if pd.isna(g) else str(int(g)) for g in gaps["gap"]]
    mou = memorandum(root)
    mou["cited"] = [cite(k) for k in mou["sources"]]
    n_issues = mou["issue"].nunique()
    return {
        "talks-gaps-now": md_table(
            gaps,
            {"label": "Issue", "us_terms": "US terms", "iran_terms": "Iran's terms", "steps": "Steps apart"}
            | {"status": "Status"},
            long=True,
            widths=[16, 28, 28, 10, 18],
            caption="Each side's standing terms at the cut-off, issue by issue",
        ),
        "n_mou_terms": len(mou),
        "n_mou_issues": f"{n_issues} issue" + ("s" if n_issues != 1 else ""),
        "mou-table": md_table(
            mou,
            {
                "actor": "Side",
                "label": "Issue",
                "terms": "Terms",
                "words": "As the sources give it",
                "cited": "Sources",
            },
            markup={"cited"},
            long=True,
            widths=[8, 14, 16, 44, 18],
            caption="The memorandum's terms on the issues of the talks, as the sources give them",
        ),
    }


#: The figures the landing page quotes.
HEADLINES = [
    "stock_60",
    "days_since_stock",
    "issues_overlap",
    "issues_blocked",
    "ceasefire",
    "mou_signed",
    "mou_deadline",
    "last_round",
]


def headline_facts(root=None) -> dict:
    """The landing page's figures (:data:`HEADLINES`), the 60% stock's as-of date, the sanctions measures
    in force at the cut-off and in how many layers, and the date of the latest news of the strait."""
    figs = figures(root, tracks=["nuclear", "sanctions", "talks", "ceasefire"]).set_index("key")
    in_force = figs[figs.index.str.startswith("in_force_")]
    return {f"fig_{key}": figs.loc[key, "value"] for key in HEADLINES} | {
        "asof_stock_60": long_date(figs.loc["stock_60", "as_of"]),
        "n_in_force": int(in_force["number"].sum()),
        "n_layers": len(in_force),
        "strait_date": long_date(figs.loc["strait_latest", "as_of"]),
    }
