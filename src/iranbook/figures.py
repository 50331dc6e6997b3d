"""The book's charts, one function per chart, each built from the frames its chapter passes.

The chapters keep the analytical steps (load, the question, the call that answers it) and show a
chart with ``show(figures.<chart>(...), name="<chart>")``; the Altair code that draws it is here.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import breakout as bo
from . import nuclear as nu
from . import positions as pos
from . import quoted, story, talks
from . import sanctions as sx
from .charts import PALETTE, category_colour, event_layers, events_text, ranges_by_source, with_events
from .data import sources_of
from .text import precise_date as when

# --------------------------------------------------------------------------- history


def history_timeline(history, ERAS, timeline):
    """The chart ``history-timeline`` of the history chapter (``chapters/history.ipynb``), built from its inputs as the chapter passes them."""
    frame = history[["id", "date", "date_precision", "category", "era", "actors", "description", "sources"]].copy()
    frame["era"] = frame["era"].astype(str)
    frame["category"] = frame["category"].astype(str)
    frame.attrs.update(history.attrs)

    brush = alt.selection_interval(encodings=["x"], name="period")
    pick = alt.selection_point(fields=["category"], bind="legend", name="category_pick")
    era_menu = alt.selection_point(
        fields=["era"],
        name="era_pick",
        bind=alt.binding_select(
            options=[None] + [name for name, _ in ERAS], labels=["All eras"] + [name for name, _ in ERAS], name="Era "
        ),
    )
    categories = list(timeline["category"].cat.categories)
    colour = alt.Color(
        "category:N", title="Category", scale=alt.Scale(domain=categories, range=PALETTE[: len(categories)])
    )

    detail = (
        alt.Chart()
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("date:T", title="Date", scale=alt.Scale(domain=brush)),
            y=alt.Y("category:N", title=None, sort=categories),
            color=colour,
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.1)),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                alt.Tooltip("date_precision:N", title="Known to the"),
                alt.Tooltip("description:N", title="Event"),
                alt.Tooltip("actors:N", title="Actors"),
                alt.Tooltip("era:N", title="Era"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .add_params(pick, era_menu)
        .transform_filter(era_menu)
        .properties(height=240)
    )
    overview = (
        alt.Chart()
        .mark_tick(thickness=1)
        .encode(x=alt.X("date:T", title="The whole period"), color=colour)
        .add_params(brush)
        .properties(height=40)
    )
    chart = alt.vconcat(detail, overview, data=frame).properties(
        title="Iran's nuclear programme and the diplomacy around it: the events of the timeline",
        description=(
            f"Timeline chart of {len(frame)} events from {frame['date'].min():%Y} to {frame['date'].max():%Y}, "
            "one row per category (" + ", ".join(categories) + "), with an overview strip for zooming."
        ),
    )
    return chart


# --------------------------------------------------------------------------- sanctions


#: How the layers chart shades a period: a sanction in force, waived or suspended, or a relief or policy step.
STATUSES = ["in force", "waived", "suspended", "relief", "policy"]


def sanctions_layers(spans, regimes, CHART_START, CUTOFF, LAYERS):
    """The chart ``sanctions-layers`` of the sanctions chapter (``chapters/sanctions.ipynb``), built from its inputs as the chapter passes them."""
    frame = spans.sort_values(["layer", "start"]).copy()
    frame["label"] = frame["id"].astype(str) + " " + frame["measure"].astype(str).str.slice(0, 58)
    frame["in_force"] = [
        f"{s:%-d %b %Y} to " + ("the cut-off" if o else f"{e:%-d %b %Y}")
        for s, e, o in zip(frame["start"], frame["until"], frame["open"])
    ]
    frame["themes"] = frame["themes"].astype(str).str.replace(";", ", ")
    frame["status"] = [str(st) if str(k) == "sanction" else str(k) for k, st in zip(frame["kind"], frame["status"])]
    frame = frame[
        ["id", "label", "layer", "measure", "status", "instrument", "themes", "from", "until", "in_force", "open"]
        + ["sources"]
    ]
    frame.attrs.update(regimes.attrs)
    chart = (
        alt.Chart(frame)
        .mark_bar(height=9)
        .encode(
            x=alt.X(
                "from:T",
                title="In force",
                axis=alt.Axis(format="%Y"),
                scale=alt.Scale(domain=[CHART_START.isoformat(), CUTOFF.isoformat()]),
            ),
            x2="until:T",
            y=alt.Y("label:N", title=None, sort=list(frame["label"]), axis=alt.Axis(labelLimit=330, labelFontSize=9)),
            color=alt.Color(
                "layer:N",
                title="Layer",
                sort=LAYERS,
                scale=alt.Scale(domain=LAYERS, range=[PALETTE[0], PALETTE[3], PALETTE[2]]),
            ),
            opacity=alt.Opacity(
                "status:N",
                title="Status",
                sort=STATUSES,
                scale=alt.Scale(domain=STATUSES, range=[1, 0.3, 0.3, 0.6, 0.6]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("layer:N", title="Layer"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("instrument:N", title="Instrument"),
                alt.Tooltip("themes:N", title="Themes"),
                alt.Tooltip("in_force:N", title="In force"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .properties(
            title="Sanctions on Iran by layer: periods in force, 2006 to the cut-off",
            width=330,
            height=12 * len(frame),
            description=(
                f"Gantt chart of {len(frame)} measures from {CHART_START:%Y} to {CUTOFF:%B %Y}. "
                + "; ".join(f"{r.layer}: {r.measure}, {r.status}, {r.in_force}" for r in frame.itertuples())
                + "."
            ),
        )
    )
    return chart


def sanctions_designations(d, designations):
    """The chart ``sanctions-designations`` of the sanctions chapter (``chapters/sanctions.ipynb``), built from its inputs as the chapter passes them."""
    KINDS = ["vessels", "entities", "individuals", "entities and individuals", "rest of the stated total"]
    d["counted"] = sx.counted(d).fillna(0)
    long = []
    for _, r in d.iterrows():
        for col, kind in [
            ("vessels", "vessels"),
            ("entities", "entities"),
            ("individuals", "individuals"),
            ("persons", "entities and individuals"),
        ]:
            if pd.notna(r[col]):
                long.append({"id": r["id"], "date": r["date"], "kind": kind, "targets": int(r[col])})
        if pd.notna(r["total_stated"]) and r["total_stated"] > r["counted"]:
            long.append(
                {
                    "id": r["id"],
                    "date": r["date"],
                    "kind": "rest of the stated total",
                    "targets": int(r["total_stated"] - r["counted"]),
                }
            )
    frame = pd.DataFrame(long).merge(d[["id", "agency", "focus", "description", "counts", "sources"]], on="id")
    frame["agency"] = frame["agency"].astype(str)
    frame["focus"] = frame["focus"].astype(str)
    frame.attrs.update(designations.attrs)
    missing = sorted(set(d["id"]) - set(frame["id"]))
    chart = (
        alt.Chart(frame)
        .mark_bar(size=7)
        .encode(
            x=alt.X("date:T", title="Date announced", axis=alt.Axis(format="%b %Y", labelAngle=-40)),
            y=alt.Y("sum(targets):Q", title="Targets named (as published)"),
            color=alt.Color(
                "kind:N",
                title="Kind of target",
                sort=KINDS,
                legend=alt.Legend(orient="bottom", columns=3),
                scale=alt.Scale(domain=KINDS, range=[PALETTE[0], PALETTE[1], PALETTE[4], PALETTE[5], "#999999"]),
            ),
            order=alt.Order("kind:N"),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                alt.Tooltip("agency:N", title="Agency"),
                alt.Tooltip("focus:N", title="Focus"),
                alt.Tooltip("description:N", title="Targets"),
                alt.Tooltip("counts:N", title="Counts"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .properties(
            title="US designation actions by kind of target",
            width=500,
            height=260,
            description=(
                "Stacked bars, one per action date, of the targets each action named: "
                + "; ".join(f"{r.date:%-d %B %Y} {r.agency}: {r.counts}" for r in d.itertuples())
                + (f". Actions with no published count are not drawn ({', '.join(missing)})." if missing else ".")
            ),
        )
    )
    return chart


def sanctions_rial(rial, events, CUTOFF):
    """The chart ``sanctions-rial`` of the sanctions chapter (``chapters/sanctions.ipynb``), built from its inputs as the chapter passes them."""
    vals = pd.DataFrame(
        {
            "kind": "rate",
            "from": rial["date"],
            "until": rial["date"],
            "low": rial["low"].astype(float),
            "high": rial["high"].fillna(rial["low"]).astype(float),
            "when": [when(d, p) for d, p in zip(rial["date"], rial["date_precision"])],
            "qualifier": rial["qualifier"].astype(str),
            "note": rial["note"].fillna(""),
            "what": "",
            "sources": rial["sources"],
        }
    )
    frame = with_events(vals, events)
    frame.attrs.update(rial.attrs)
    base = alt.Chart().encode(
        x=alt.X(
            "from:T",
            title="Date",
            axis=alt.Axis(format="%Y"),
            scale=alt.Scale(domain=["2011-06-01", CUTOFF.isoformat()]),
        )
    )
    is_rate = alt.datum.kind == "rate"
    tips = [
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("low:Q", title="Rials per dollar", format=","),
        alt.Tooltip("high:Q", title="High end", format=","),
        alt.Tooltip("qualifier:N", title="Qualifier"),
        alt.Tooltip("note:N", title="Note"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    y = alt.Y(
        "low:Q",
        title="Rials per US dollar (open market, log scale)",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format="~s"),
    )
    rules, labels = event_layers(base, alt.datum.kind == "event", "what", "Event", "from", style="sanctions")
    line = base.mark_line(color=PALETTE[0], strokeWidth=1, opacity=0.5).transform_filter(is_rate).encode(y=y)
    ranges = (
        base.mark_rule(color=PALETTE[3], strokeWidth=2).transform_filter(is_rate).encode(y=y, y2="high:Q", tooltip=tips)
    )
    points = base.mark_point(filled=True, size=45, color=PALETTE[0]).transform_filter(is_rate).encode(y=y, tooltip=tips)
    chart = alt.layer(rules, labels, line, ranges, points, data=frame).properties(
        title="The rial's open-market rate against the dollar, with sanctions events",
        width=500,
        height=280,
        description=(
            "Rials per US dollar on the open market, log scale: "
            + "; ".join(
                f"{w}: {int(lo):,}" + (f" to {int(h):,}" if h != lo else "")
                for w, lo, h in zip(vals["when"], vals["low"], vals["high"])
            )
            + f". Events marked: {events_text(events)}."
        ),
    )
    return chart


def sanctions_oil_exports(exports, events, CUTOFF):
    """The chart ``sanctions-oil-exports`` of the sanctions chapter: every estimate of Iran's oil exports
    over the period it covers, coloured by the kind of estimator, with the sanctions ``events``."""
    vals = pd.DataFrame(
        {
            "kind": "estimate",
            "from": exports["start"],
            "until": exports["end"],
            "mid": exports["start"] + (exports["end"] - exports["start"]) / 2,
            "low": exports["low"],
            "high": exports["high"].fillna(exports["low"]),
            "estimator": exports["estimator"].astype(str),
            "estimator_type": exports["estimator_type"].astype(str),
            "period": exports["period"].astype(str),
            "measure": exports["measure"].astype(str),
            "qualifier": exports["qualifier"].astype(str),
            "what": "",
            "sources": exports["sources"],
        }
    )
    frame = with_events(vals, events)
    frame.attrs.update(exports.attrs)
    kinds = list(exports["estimator_type"].cat.categories)
    base = alt.Chart().encode(
        x=alt.X(
            "from:T",
            title="Period",
            axis=alt.Axis(format="%Y"),
            scale=alt.Scale(domain=["2011-01-01", CUTOFF.isoformat()]),
        )
    )
    colour = category_colour("estimator_type", "Estimator", kinds)
    tips = [
        alt.Tooltip("estimator:N", title="Estimator"),
        alt.Tooltip("from:T", title="From", format="%-d %b %Y"),
        alt.Tooltip("until:T", title="To", format="%-d %b %Y"),
        alt.Tooltip("low:Q", title="Million b/d (low)"),
        alt.Tooltip("high:Q", title="Million b/d (high)"),
        alt.Tooltip("qualifier:N", title="Qualifier"),
        alt.Tooltip("measure:N", title="Counts"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    rules, labels = event_layers(base, alt.datum.kind == "event", "what", "Event", "from", style="sanctions")
    y = alt.Y("low:Q", title="Exports, million barrels a day")
    estimates = ranges_by_source(base, alt.datum.kind == "estimate", y, colour, tips)
    listed = "; ".join(
        f"{r.estimator} {r.start:%b %Y}"
        + (f" to {r.end:%b %Y}" if r.period != "month" else "")
        + f": {r.low:g}"
        + (f" to {r.high:g}" if pd.notna(r.high) else "")
        for r in exports.sort_values("start").itertuples()
    )
    return alt.layer(rules, labels, *estimates, data=frame).properties(
        title="Iran's oil exports: estimates by estimator, with sanctions events",
        width=500,
        height=300,
        description=(
            f"{len(exports)} estimates in million barrels a day, each drawn over the period it covers: {listed}"
            f". Events marked: {events_text(events)}."
        ),
    )


# --------------------------------------------------------------------------- talks


def talks_pressure(before_war, timeline, CUTOFF):
    """The chart ``talks-pressure`` of the talks chapter (``chapters/talks.ipynb``), built from its inputs as the chapter passes them."""
    start = before_war["date"].min() - pd.Timedelta(days=31)
    events = timeline[
        (timeline["date"] >= start)
        & (timeline["date"] <= CUTOFF)
        & timeline["category"].isin(["military", "sanctions"])
    ].copy()
    frame = (
        pd.concat(
            [
                pd.DataFrame(
                    {
                        "date": before_war["date"],
                        "lane": "talks",
                        "what": [
                            f"{r.city} round ({r.status}; {r.format if isinstance(r.format, str) else 'format not applicable'}): {r.outcome}"
                            for r in before_war.itertuples()
                        ],
                        "kind": [("cancelled round" if s == "cancelled" else "round") for s in before_war["status"]],
                        "sources": before_war["sources"],
                    }
                ),
                pd.DataFrame(
                    {
                        "date": events["date"],
                        "lane": events["category"].astype(str),
                        "what": events["description"],
                        "kind": events["category"].astype(str),
                        "sources": events["sources"],
                    }
                ),
            ],
            ignore_index=True,
        )
        .sort_values(["date", "lane"])
        .reset_index(drop=True)
    )
    frame.attrs.update(before_war.attrs)
    lanes = ["talks", "military", "sanctions"]
    kinds = ["round", "cancelled round", "military", "sanctions"]
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=-40)),
            y=alt.Y("lane:N", title=None, sort=lanes),
            color=alt.Color(
                "kind:N",
                title="Event",
                sort=kinds,
                scale=alt.Scale(domain=kinds, range=[PALETTE[2], "#999999", PALETTE[3], PALETTE[1]]),
            ),
            shape=alt.Shape("kind:N", title="Event", sort=kinds, scale=alt.Scale(domain=kinds)),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                alt.Tooltip("what:N", title="What"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .properties(
            title="Talks and pressure: rounds of US-Iran talks beside military and sanctions events",
            width=560,
            height=170,
            description=(
                "Strip chart from "
                + f"{frame['date'].min():%B %Y} to {frame['date'].max():%B %Y}"
                + " with three lanes: rounds of talks, military events and sanctions events. Rounds: "
                + "; ".join(f"{r.date:%-d %B %Y} {r.city} ({r.status})" for r in before_war.itertuples())
                + f". There are {int((frame['lane'] == 'military').sum())} military and "
                + f"{int((frame['lane'] == 'sanctions').sum())} sanctions events in the same period."
            ),
        )
    )
    return chart


def talks_gaps(table, positions, held, scale, label, order, ISSUES, summary):
    """The chart ``talks-gaps`` of the talks chapter (``chapters/talks.ipynb``), built from its inputs as the chapter passes them."""
    frame = talks.gap_frame(table, positions, held, scale, label)
    frame.attrs.update(positions.attrs)
    order_labels = [talks.round_label(r) for _, r in order.iterrows()]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "issue_label:N",
            title="Issue",
            sort=[label[i] for i in ISSUES],
            axis=alt.Axis(labelAngle=-35, labelLimit=160),
        ),
        y=alt.Y("round_label:N", title="Round", sort=order_labels),
        tooltip=[
            alt.Tooltip("round_label:N", title="Round"),
            alt.Tooltip("issue_label:N", title="Issue"),
            alt.Tooltip("us_terms:N", title="US terms"),
            alt.Tooltip("iran_terms:N", title="Iran's terms"),
            alt.Tooltip("gap_text:N", title="Steps apart"),
            alt.Tooltip("status:N", title="Status"),
            alt.Tooltip("change:N", title="Since the round before"),
            alt.Tooltip("sources:N", title="Sources"),
        ],
    )
    squares = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color(
            "status:N",
            title="US and Iran",
            sort=pos.STATUSES,
            scale=alt.Scale(domain=pos.STATUSES, range=[PALETTE[3], PALETTE[1], PALETTE[2], "#eeeeee"]),
        )
    )
    numbers = base.mark_text(fontSize=11, color="#000000").encode(text="gap_text:N")
    chart = alt.layer(squares, numbers, data=frame).properties(
        title="Steps apart between the US and Iranian terms, issue by issue, at each round held",
        width=470,
        height=300,
        description="Grid of rounds by issues; each cell gives the steps between the two sides' standing terms and its status. "
        + "; ".join(
            f"{r.when}: {r.compared} issues compared, no zone of agreement on {r.blocked}" for r in summary.itertuples()
        )
        + ".",
    )
    return chart


# --------------------------------------------------------------------------- war


def war_days(events):
    """The chart ``war-days`` of the war chapter (``chapters/war.ipynb``), built from its inputs as the chapter passes them."""
    frame = events[["id", "date", "actor", "kind", "place", "facility", "description", "sources"]].copy()
    for column in ["actor", "kind"]:
        frame[column] = frame[column].astype(str)
    frame.attrs.update(events.attrs)
    kinds = list(events["kind"].cat.categories)
    actors = list(events["actor"].cat.categories)
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=110)
        .encode(
            x=alt.X(
                "monthdate(date):O",
                title="Date in Iran, June 2025",
                axis=alt.Axis(labelExpr="timeFormat(datum.value, '%-d')", labelAngle=0),
            ),
            y=alt.Y("kind:N", title=None, sort=kinds),
            yOffset=alt.YOffset("id:N"),
            color=alt.Color("actor:N", title="Actor", scale=alt.Scale(domain=actors, range=PALETTE[: len(actors)])),
            shape=alt.Shape("actor:N", title="Actor", scale=alt.Scale(domain=actors)),
            tooltip=[
                alt.Tooltip("date:T", title="Date (Iran)", format="%-d %B %Y"),
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("description:N", title="What happened"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .properties(
            title="The June 2025 war: reported events by day and kind",
            width=520,
            height=260,
            description=(
                "Dot chart of the reported events of the June 2025 war by day (Iran time) and kind, coloured by actor: "
                + "; ".join(f"{r.date:%-d %B}: {r.actor}, {r.kind}, {r.place}" for r in frame.itertuples())
                + "."
            ),
        )
    )
    return chart


def war_casualties(cas, casualties):
    """The chart ``war-casualties`` of the war chapter (``chapters/war.ipynb``), built from its inputs as the chapter passes them."""
    frame = cas[["id", "country", "counter", "counter_type", "reported_on", "killed", "grade", "sources"]].copy()
    for column in ["country", "counter_type"]:
        frame[column] = frame[column].astype(str)
    frame["label"] = frame["counter"] + ", " + frame["reported_on"].dt.strftime("%-d %b")
    frame.attrs.update(casualties.attrs)
    span = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=6, opacity=0.25, color="#888888")
        .encode(x=alt.X("min(killed):Q"), x2="max(killed):Q", y=alt.Y("country:N"))
    )
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("killed:Q", title="People killed, as reported", scale=alt.Scale(zero=True)),
            y=alt.Y("country:N", title="Deaths in"),
            color=alt.Color(
                "counter_type:N",
                title="Counter",
                scale=alt.Scale(domain=["official", "independent"], range=PALETTE[:2]),
            ),
            shape=alt.Shape("counter_type:N", title="Counter", scale=alt.Scale(domain=["official", "independent"])),
            tooltip=[
                alt.Tooltip("counter:N", title="Counted by"),
                alt.Tooltip("reported_on:T", title="Published", format="%-d %B %Y"),
                alt.Tooltip("killed:Q", title="Killed", format=","),
                alt.Tooltip("grade:N", title="Sourcing"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
    )
    chart = alt.layer(span, points, data=frame).properties(
        title="Deaths in the June 2025 war: every published count",
        height=140,
        description=(
            "Strip chart of the published death tolls of the June 2025 war. "
            + "; ".join(
                f"{r.counter} ({r.counter_type}, {r.reported_on:%-d %B %Y}): {r.killed:,} killed in {r.country}"
                for r in frame.itertuples()
            )
            + "."
        ),
    )
    return chart


def war_verification_gap(sixty, last, CUTOFF, stock):
    """The chart ``war-verification-gap`` of the war chapter (``chapters/war.ipynb``), built from its inputs as the chapter passes them."""
    frame = sixty[["as_of", "kg_u", "verification", "sources"]].copy()
    frame["verification"] = frame["verification"].astype(str)
    frame["part"] = "IAEA figure"
    frame["gap_end"] = pd.NaT
    gap = pd.DataFrame(
        [
            {
                "as_of": last["as_of"],
                "kg_u": np.nan,
                "verification": "none",
                "sources": last["sources"],
                "part": "no verification",
                "gap_end": CUTOFF,
            }
        ]
    )
    frame = pd.concat([frame, gap], ignore_index=True)
    frame.attrs.update(stock.attrs)
    band = (
        alt.Chart(frame)
        .transform_filter(alt.datum.part == "no verification")
        .mark_rect(opacity=0.18, color=PALETTE[3])
        .encode(
            x="as_of:T",
            x2="gap_end:T",
            tooltip=[
                alt.Tooltip("as_of:T", title="Last IAEA figure", format="%-d %B %Y"),
                alt.Tooltip("gap_end:T", title="Data cut-off", format="%-d %B %Y"),
            ],
        )
    )
    line = (
        alt.Chart(frame)
        .transform_filter(alt.datum.part == "IAEA figure")
        .mark_line(point=True)
        .encode(
            x=alt.X("as_of:T", title="Date the IAEA figure refers to", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("kg_u:Q", title="Uranium enriched up to 60% (kg U)"),
            tooltip=[
                alt.Tooltip("as_of:T", title="As of", format="%-d %B %Y"),
                alt.Tooltip("kg_u:Q", title="kg of uranium", format=".1f"),
                alt.Tooltip("verification:N", title="IAEA verification"),
            ],
        )
    )
    label = (
        alt.Chart(frame)
        .transform_filter(alt.datum.part == "no verification")
        .mark_text(align="left", dx=6, dy=-120, fontSize=11, color="#444444")
        .encode(x="as_of:T", text=alt.value("No IAEA figure or verification"))
    )
    chart = alt.layer(band, line, label, data=frame).properties(
        title="Iran's 60% stock: the IAEA's figures and the gap since June 2025",
        description=(
            "Line chart of the IAEA's estimates of Iran's uranium enriched up to 60%, from "
            f"{sixty['kg_u'].iloc[0]:.1f} kg on {sixty['as_of'].iloc[0]:%-d %B %Y} to {last['kg_u']:.1f} kg on "
            f"{last['as_of']:%-d %B %Y}, followed by a shaded period with no IAEA figure or verification up to the "
            f"data cut-off on {CUTOFF:%-d %B %Y}."
        ),
    )
    return chart


def nuclear_breakout_sensitivity(FEEDS, parameter_table, params, WG, SQ, capacity):
    """The chart ``nuclear-breakout-sensitivity`` of the nuclear chapter (``chapters/stockpile.ipynb``), built from its inputs as the chapter passes them."""
    CASES = {  # the tails parameter for each case and feed
        "low tails": {
            "natural uranium": "tails_from_natural_low",
            "uranium enriched up to 20%": "tails_from_20_low",
            "uranium enriched up to 60%": "tails_from_60_low",
        },
        "book's tails": {label: key for label, _, key in FEEDS},
        "high tails": {
            "natural uranium": "tails_from_natural_high",
            "uranium enriched up to 20%": "tails_from_20_high",
            "uranium enriched up to 60%": "tails_from_60_high",
        },
    }
    param_sources = ";".join(sorted(sources_of(parameter_table)))
    # the curves are straight lines on the chart's log-log axes: 17 points each are enough to hover
    grid = np.unique(np.round(np.geomspace(250, 64000, 17), -1))
    records = []
    for case, keys in CASES.items():
        for label, feed, _ in FEEDS:
            tails = params[keys[label]]
            swu = bo.quantities(1, feed, tails, WG, SQ).swu
            for c in grid:
                records.append(
                    {
                        "part": "model",
                        "case": case,
                        "feed": label,
                        "tails_pct": tails * 100,
                        "capacity": float(c),
                        "days": round(swu / c * bo.DAYS_PER_YEAR, 1),
                        "label": "",
                        "sources": param_sources,
                    }
                )
    for row in capacity.itertuples():
        for case in CASES:
            records.append(
                {
                    "part": "capacity figure",
                    "case": case,
                    "feed": "",
                    "tails_pct": np.nan,
                    "capacity": float(row.swu_per_year),
                    "days": np.nan,
                    "label": f"{row.estimator.split(' (')[0]}, {row.as_of:%Y}",
                    "sources": row.sources,
                }
            )
    frame = pd.DataFrame(records)
    frame.attrs.update(parameter_table.attrs)

    choice = alt.param(
        name="tails_case", value="book's tails", bind=alt.binding_radio(options=list(CASES), name="Tails assumption ")
    )
    feeds = [label for label, _, _ in FEEDS]
    lines = (
        alt.Chart(frame)
        .transform_filter(alt.datum.part == "model")
        .transform_filter(alt.datum.case == choice)
        .mark_line()
        .encode(
            x=alt.X(
                "capacity:Q",
                title="Enrichment capacity (SWU per year, log scale)",
                scale=alt.Scale(type="log", domain=[float(grid[0]), float(grid[-1])]),
                axis=alt.Axis(values=[250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000], format=","),
            ),
            y=alt.Y(
                "days:Q",
                title="Days to one significant quantity (log scale)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(values=[0.1, 1, 10, 100, 1000, 10000], format=","),
            ),
            color=alt.Color(
                "feed:N", title="Starting from", sort=feeds, scale=alt.Scale(domain=feeds, range=PALETTE[:3])
            ),
            tooltip=[
                alt.Tooltip("feed:N", title="Starting from"),
                alt.Tooltip("tails_pct:Q", title="Tails (%)", format="g"),
                alt.Tooltip("capacity:Q", title="SWU per year", format=",.0f"),
                alt.Tooltip("days:Q", title="Days", format=",.1f"),
            ],
        )
    )
    rules = (
        alt.Chart(frame)
        .transform_filter(alt.datum.part == "capacity figure")
        .transform_filter(alt.datum.case == choice)
        .mark_rule(strokeDash=[4, 3], color="#666666")
        .encode(
            x="capacity:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Capacity figure"),
                alt.Tooltip("capacity:Q", title="SWU per year", format=",.0f"),
            ],
        )
    )
    book = frame[(frame["part"] == "model") & (frame["case"] == "book's tails")]
    chart = (
        alt.layer(lines, rules, data=frame)
        .add_params(choice)
        .properties(
            title="Breakout model: days to one significant quantity by capacity",
            description=(
                "Line chart, log scales: days to produce one significant quantity of weapon-grade uranium against "
                "enrichment capacity, for three starting materials. With the book's tails assumptions, at "
                + "; ".join(
                    f"{c:,.0f} SWU per year: "
                    + ", ".join(f"{r.feed} {r.days:,.1f} days" for r in book[book["capacity"] == c].itertuples())
                    for c in [grid[0], grid[len(grid) // 2], grid[-1]]
                )
                + ". Dashed lines mark published capacity figures of 2019 and 2020."
            ),
        )
    )
    return chart


# --------------------------------------------------------------------------- aftermath


def _milestone_layers(base):
    """The dashed rule and the upright label of each milestone (rows with ``layer == "milestone"``) on
    ``base``'s time axis: the two layers the aftermath's charts share."""
    return event_layers(base, alt.datum.layer == "milestone", "label", "Milestone", "date")


def after_sequence(period, timeline):
    """The chart ``after-sequence`` of the aftermath chapter (``chapters/aftermath.ipynb``), built from its inputs as the chapter passes them."""
    keys = ["war_start", "hormuz_declared", "new_leader", "ceasefire", "blockade", "extension", "mou", "burgenstock"]
    rules = story.milestone_frame(keys)
    events = period[["date", "category", "description", "sources"]].assign(category=lambda f: f["category"].astype(str))
    lanes = ["military", "diplomacy", "IAEA", "sanctions", "domestic"]
    frame = pd.concat(
        [events.assign(layer="event"), rules.rename(columns={"what": "description"}).assign(layer="milestone")],
        ignore_index=True,
    )
    frame.attrs.update(timeline.attrs)
    base = alt.Chart().encode(x=alt.X("date:T", title="Date (2026)", axis=alt.Axis(format="%-d %b", labelAngle=-40)))
    dots = (
        base.mark_circle(size=70, opacity=0.8)
        .transform_filter(alt.datum.layer == "event")
        .encode(
            y=alt.Y("category:N", title=None, sort=lanes),
            color=alt.Color(
                "category:N", title="Kind of event", sort=lanes, scale=alt.Scale(domain=lanes, range=PALETTE[:5])
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                alt.Tooltip("description:N", title="Event"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
    )
    lines, labels = _milestone_layers(base)
    chart = alt.layer(lines, labels, dots, data=frame).properties(
        title="The 2026 sequence: from the last Geneva round to the cut-off",
        width=560,
        height=230,
        description=(
            f"Strip chart of {len(events)} events from {events['date'].min():%-d %B} to {events['date'].max():%-d %B %Y} "
            "in five lanes (military, diplomacy, IAEA, sanctions, domestic), with dashed lines at: "
            + "; ".join(f"{r.label} ({r.date:%-d %B})" for r in rules.itertuples())
            + "."
        ),
    )
    return chart


def after_oil(brent, economy):
    """The chart ``after-oil`` of the aftermath chapter (``chapters/aftermath.ipynb``), built from its inputs as the chapter passes them."""
    rules = story.milestone_frame(["war_start", "ceasefire", "blockade", "mou"])
    prices = brent[["date", "value", "measure", "note", "sources"]].assign(measure=lambda f: f["measure"].astype(str))
    frame = pd.concat([prices.assign(layer="price"), rules.assign(layer="milestone")], ignore_index=True)
    frame.attrs.update(economy.attrs)
    measures = list(dict.fromkeys(prices["measure"]))
    base = alt.Chart().encode(x=alt.X("date:T", title="Date (2026)", axis=alt.Axis(format="%-d %b")))
    line = base.mark_line(color="#bbbbbb").transform_filter(alt.datum.layer == "price").encode(y="value:Q")
    points = (
        base.mark_point(filled=True, size=90)
        .transform_filter(alt.datum.layer == "price")
        .encode(
            y=alt.Y("value:Q", title="Brent crude, US dollars per barrel", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "measure:N",
                title="Price reported",
                sort=measures,
                scale=alt.Scale(domain=measures, range=PALETTE[: len(measures)]),
            ),
            shape=alt.Shape("measure:N", title="Price reported", sort=measures, scale=alt.Scale(domain=measures)),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                alt.Tooltip("value:Q", title="Dollars", format=".2f"),
                alt.Tooltip("measure:N", title="Price"),
                alt.Tooltip("note:N", title="Note"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
    )
    lines, labels = _milestone_layers(base)
    chart = alt.layer(lines, labels, line, points, data=frame).properties(
        title="Brent crude through the war, the blockade and the memorandum",
        width=560,
        height=260,
        description="Reported Brent prices: "
        + "; ".join(f"{r.date:%-d %B} {r.value:.2f} dollars ({r.measure})" for r in prices.itertuples())
        + "; with lines at: "
        + "; ".join(f"{r.label} ({r.date:%-d %B})" for r in rules.itertuples())
        + ".",
    )
    return chart


def after_dead(iran, casualties):
    """The chart ``after-dead`` of the aftermath chapter (``chapters/aftermath.ipynb``), built from its inputs as the chapter passes them."""
    frame = iran[["reported_on", "counter", "killed", "note", "sources"]].assign(
        counter=lambda f: f["counter"].astype(str)
    )
    frame.attrs.update(casualties.attrs)
    counters = list(dict.fromkeys(frame["counter"]))
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=110)
        .encode(
            x=alt.X("reported_on:T", title="Date published (2026)", axis=alt.Axis(format="%-d %b", tickCount="day")),
            y=alt.Y("killed:Q", title="People killed in Iran"),
            color=alt.Color(
                "counter:N",
                title="Counted by",
                sort=counters,
                scale=alt.Scale(domain=counters, range=PALETTE[: len(counters)]),
            ),
            shape=alt.Shape("counter:N", title="Counted by", sort=counters, scale=alt.Scale(domain=counters)),
            tooltip=[
                alt.Tooltip("counter:N", title="Counted by"),
                alt.Tooltip("reported_on:T", title="Published", format="%-d %B %Y"),
                alt.Tooltip("killed:Q", title="Killed", format=","),
                alt.Tooltip("note:N", title="What it covers"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .properties(
            title="Deaths in Iran in the 2026 war, by counter and date of publication",
            width=520,
            height=240,
            description="Counts of people killed in Iran: "
            + "; ".join(f"{r.counter} {int(r.killed):,} on {r.reported_on:%-d %B}" for r in iran.itertuples())
            + ".",
        )
    )
    return chart


# --------------------------------------------------------------------------- history


def history_enrichment(lv, limit, weapons):
    """The chart ``history-enrichment`` of the history chapter (``chapters/history.ipynb``), built from its inputs as the chapter passes them."""
    measures = ["highest level produced", "highest particles found", "JCPOA limit", "weapons-grade reference"]
    colour = alt.Color(
        "measure:N",
        title=None,
        scale=alt.Scale(domain=measures, range=[PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[7]]),
    )
    tip = [
        alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("level_pct:Q", title="% U-235"),
        alt.Tooltip("note:N", title="Note"),
    ]
    base = alt.Chart().encode(
        y=alt.Y("level_pct:Q", title="Enrichment level (% U-235)", scale=alt.Scale(domain=[0, 100])),
        color=colour,
        tooltip=tip,
    )
    steps = (
        base.transform_filter(
            alt.FieldOneOfPredicate(field="measure", oneOf=["highest level produced", "highest particles found"])
        )
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("date:T", title="Date", scale=alt.Scale(domain=["2005-01-01", "2025-06-30"])),
            shape=alt.Shape("measure:N", legend=None),
        )
    )
    labels = (
        base.transform_filter(
            alt.FieldOneOfPredicate(field="measure", oneOf=["highest level produced", "highest particles found"])
        )
        .mark_text(dy=-12, fontSize=11)
        .encode(x="date:T", text=alt.Text("level_pct:Q", format=".4~g"))
    )
    lines = base.transform_filter(
        alt.FieldOneOfPredicate(field="measure", oneOf=["JCPOA limit", "weapons-grade reference"])
    ).mark_rule(strokeDash=[6, 3])
    chart = alt.layer(lines, steps, labels, data=lv).properties(
        title="Enrichment: Iran's highest levels against the JCPOA cap",
        description=(
            "Enrichment levels by date: "
            + "; ".join(f"{r.measure} {r.level_pct:g}% on {r.date:%-d %B %Y}" for r in lv.itertuples())
            + f". Dashed lines: the JCPOA cap of {limit:g}% and the weapons-grade reference of about {weapons:g}%."
        ),
    )
    return chart


def history_stock_cap(totals, first, last, cap):
    """The chart ``history-stock-cap`` of the history chapter (``chapters/history.ipynb``), built from its inputs as the chapter passes them."""
    bars = (
        alt.Chart()
        .mark_bar(size=8)
        .encode(
            x=alt.X("as_of:T", title="Date the IAEA figure refers to", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("kg_u:Q", title="Enriched uranium stock (kg U)"),
            color=alt.Color(
                "verification:N",
                title="IAEA figure",
                scale=alt.Scale(domain=["verified", "estimated"], range=[PALETTE[0], PALETTE[5]]),
            ),
            tooltip=[
                alt.Tooltip("as_of:T", title="As of", format="%-d %B %Y"),
                alt.Tooltip("kg_u:Q", title="kg U", format=",.1f"),
                alt.Tooltip("times_cap:Q", title="Times the JCPOA cap", format=".1f"),
                alt.Tooltip("verification:N", title="IAEA figure"),
            ],
        )
    )
    cap_rule = alt.Chart().mark_rule(color=PALETTE[3], strokeDash=[6, 3]).encode(y="mean(jcpoa_limit_kg_u):Q")
    chart = alt.layer(bars, cap_rule, data=totals).properties(
        title="Iran's total enriched uranium stock against the JCPOA cap",
        description=(
            f"Bar chart of Iran's total enriched uranium stock at {len(totals)} IAEA reporting dates, from "
            f"{first['kg_u']:,.1f} kg on {first['as_of']:%-d %B %Y} to {last['kg_u']:,.1f} kg on {last['as_of']:%-d %B %Y}, "
            f"against the JCPOA cap of {cap:g} kg shown as a dashed line."
        ),
    )
    return chart


def nuclear_breakout_explorer(params, parameter_table, capacity, stock):
    """The chart ``nuclear-breakout-explorer`` of the nuclear chapter: the breakout explorer at the chapter's
    starting values, citing the model's parameters, the last 60% stock and the newest capacity."""
    from . import explorer, war

    x = war.explorer_inputs(params, capacity, stock)
    newest = capacity.sort_values("as_of").iloc[-1]
    keys = set(sources_of(parameter_table)) | set(str(war.last_sixty(stock)["sources"]).split(";"))
    keys |= set(str(newest["sources"]).split(";"))
    return explorer.chart(
        x["stock_kg"], x["swu_per_year"], x["tails_pct"], x["sq_kg"], x["feed"], x["product"], ";".join(sorted(keys))
    )


def talks_terms(positions, rounds, issues, scale):
    """The chart ``talks-terms`` of the talks chapter: the terms the US and Iran stated on each issue
    both stated terms on, over time, with the rounds held as dotted lines."""
    from .charts import terms_over_time

    label = dict(zip(issues["id"], issues["label"]))
    coded = talks.terms_frame(positions, scale, label)
    both = talks.both_sides(coded, list(issues["id"]))
    shown = coded[coded["actor"].isin(["US", "Iran"]) & coded["issue"].isin(both)].drop(columns=["proposal", "id"])
    shown.attrs.update(positions.attrs)
    held = rounds[rounds["status"] == "held"]
    marks = pd.DataFrame(
        {"date": held["date"], "label": [talks.round_label(r) for _, r in held.iterrows()], "sources": held["sources"]}
    )
    latest = "; ".join(
        f"{label[i]}: "
        + ", ".join(
            f"{a} {g.iloc[-1]['terms']} ({g.iloc[-1]['when']})"
            for a, g in shown[shown["issue"] == i].groupby("actor", sort=False)
        )
        for i in both
    )
    return terms_over_time(
        shown,
        scale,
        [(i, label[i]) for i in both],
        ["US", "Iran"],
        rules=marks,
        title="The terms each side stated, issue by issue, April 2025 to the data cut-off",
        description=(
            f"{len(both)} panels, one per issue, each with its scale of terms from Iran's position (bottom) to the furthest "
            f"US demand (top); bars show the range of terms each of {len(shown)} US or Iranian statements or proposals "
            f"left open, at the date it was made; dotted lines mark the rounds. Latest terms: {latest}"
            ". The table view and the CSV list every position."
        ),
    )


# --------------------------------------------------------------------------- nuclear


def nuclear_stocks(levels):
    """The chart ``nuclear-stocks`` of the nuclear chapter: the IAEA's figures for the enriched stock
    by level (log scale), marked by whether the IAEA verified them."""
    shown = ["up to 20%", "up to 60%", "total"]
    frame = levels[levels["level"].isin(shown)][["as_of", "level", "kg_u", "verification", "note", "sources"]].copy()
    frame.attrs.update(levels.attrs)
    colours = alt.Scale(domain=shown, range=[PALETTE[1], PALETTE[3], PALETTE[0]])
    base = alt.Chart(frame).encode(
        x=alt.X("as_of:T", title="Date the IAEA figure refers to", axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("kg_u:Q", title="Enriched uranium (kg U, log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("level:N", title="Level", sort=shown, scale=colours, legend=alt.Legend(orient="bottom")),
    )
    tips = [
        alt.Tooltip("level:N", title="Level"),
        alt.Tooltip("as_of:T", title="As of", format="%-d %B %Y"),
        alt.Tooltip("kg_u:Q", title="kg of uranium", format=",.1f"),
        alt.Tooltip("verification:N", title="IAEA"),
        alt.Tooltip("note:N", title="Note"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    lines = base.mark_line(strokeWidth=1.5)
    points = base.mark_point(filled=True, size=45).encode(
        shape=alt.Shape("verification:N", title="IAEA figure", legend=alt.Legend(orient="bottom")), tooltip=tips
    )
    return alt.layer(lines, points).properties(
        title="Iran's enriched uranium by level, as the IAEA reported it",
        width=520,
        height=300,
        description=(
            "Line chart, log scale, of the IAEA's figures for Iran's enriched uranium in kg of uranium: "
            + "; ".join(
                f"{lvl}: "
                + ", ".join(
                    f"{r.kg_u:,.1f} kg on {r.as_of:%-d %b %Y}" for r in frame[frame["level"] == lvl].itertuples()
                )
                for lvl in shown
            )
            + "."
        ),
    )


def nuclear_rate(rates, pivot, pivot_label):
    """The chart ``nuclear-rate`` of the nuclear chapter: the 60% stock's growth per month between
    consecutive IAEA figures, each a bar over the interval, with the IAEA's report of the acceleration."""
    frame = rates[["start", "end", "from_kg", "to_kg", "added", "days", "per_month", "sources"]].assign(layer="rate")
    mark = pd.DataFrame(
        {"start": [pivot], "label": [pivot_label], "sources": [rates["sources"].iloc[-1]], "layer": "milestone"}
    )
    frame = pd.concat([frame, mark], ignore_index=True)
    frame.attrs.update(rates.attrs)
    base = alt.Chart().encode(x=alt.X("start:T", title="Interval between two IAEA figures", axis=alt.Axis(format="%Y")))
    bars = (
        base.mark_rect(opacity=0.85, color=PALETTE[3])
        .transform_filter(alt.datum.layer == "rate")
        .encode(
            x2="end:T",
            y=alt.Y("per_month:Q", title="Added to the 60% stock (kg U a month)"),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("start:T", title="From", format="%-d %b %Y"),
                alt.Tooltip("end:T", title="To", format="%-d %b %Y"),
                alt.Tooltip("added:Q", title="kg added", format=",.1f"),
                alt.Tooltip("per_month:Q", title="kg a month", format=",.1f"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
    )
    rules, labels = event_layers(base, alt.datum.layer == "milestone", "label", "Event", "start")
    r = rates
    return alt.layer(rules, labels, bars, data=frame).properties(
        title="How fast the 60% stock grew between IAEA figures",
        width=520,
        height=260,
        description=(
            "Bars of the kilograms of uranium enriched up to 60% added per month between consecutive IAEA figures: "
            + "; ".join(
                f"{a:%b %Y} to {b:%b %Y}: {m:,.1f} kg a month" for a, b, m in zip(r["start"], r["end"], r["per_month"])
            )
            + f". A dashed line marks {pivot_label} ({pivot:%-d %B %Y})."
        ),
    )


def nuclear_capacity(record):
    """The chart ``nuclear-capacity`` of the nuclear chapter: every enrichment-capacity figure, stated
    by its estimator or implied by a published breakout estimate in the book's model."""
    kinds = ["stated", "implied by an estimate"]
    frame = record.copy()
    frame.attrs.update(record.attrs)
    colour = alt.Color(
        "kind:N", title="Figure", sort=kinds, scale=alt.Scale(domain=kinds, range=[PALETTE[0], PALETTE[1]])
    )
    tips = [
        alt.Tooltip("estimator:N", title="Estimator"),
        alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
        alt.Tooltip("low:Q", title="SWU a year (low)", format=",.0f"),
        alt.Tooltip("high:Q", title="SWU a year (high)", format=",.0f"),
        alt.Tooltip("what:N", title="Basis"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    x = alt.X("date:T", title="Date of the figure", axis=alt.Axis(format="%Y", tickCount="year"))
    spans = alt.Chart().mark_rule(strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q", color=colour, tooltip=tips)
    dots = (
        alt.Chart()
        .mark_point(filled=True, size=60)
        .encode(x=x, y=alt.Y("high:Q", title="Enrichment capacity (SWU a year)"), color=colour, tooltip=tips)
    )
    return alt.layer(spans, dots, data=frame).properties(
        title="Iran's enrichment capacity: figures stated and figures implied",
        width=480,
        height=260,
        description=(
            "Enrichment capacity in SWU a year by date: "
            + "; ".join(
                f"{r.estimator} ({r.kind}, {r.date:%b %Y}): {r.low:,.0f}"
                + (f" to {r.high:,.0f}" if r.high != r.low else "")
                for r in frame.itertuples()
            )
            + "."
        ),
    )


def nuclear_safeguards(record):
    """The chart ``nuclear-safeguards`` of the nuclear chapter: the timeline's IAEA events, one lane per kind."""
    kinds = [k for k, _ in nu.SAFEGUARDS_KINDS] + ["Other"]
    frame = record[["date", "kind", "description", "sources"]].copy()
    frame.attrs.update(record.attrs)
    return (
        alt.Chart(frame)
        .mark_circle(size=60, opacity=0.75)
        .encode(
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%Y")),
            y=alt.Y("kind:N", title=None, sort=kinds),
            color=alt.Color(
                "kind:N", sort=kinds, scale=alt.Scale(domain=kinds, range=PALETTE[: len(kinds)]), legend=None
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                alt.Tooltip("description:N", title="Event"),
                alt.Tooltip("sources:N", title="Sources"),
            ],
        )
        .properties(
            title="The safeguards record: the IAEA events of the timeline",
            width=520,
            height=150,
            description=(
                f"Strip chart of {len(frame)} IAEA events from {frame['date'].min():%Y} to {frame['date'].max():%B %Y}, "
                "by kind: " + "; ".join(f"{k}: {int((frame['kind'] == k).sum())} events" for k in kinds) + "."
            ),
        )
    )


#: The panels of ``sanctions-effects``, top to bottom: indicator, axis title.
EFFECT_PANELS = [
    ("net oil export revenue", "Revenue, USD bn"),
    ("oil sales to China", "To China, mb/d"),
    ("discount to Brent", "Discount, USD/bbl"),
    ("real GDP growth", "GDP growth, %"),
    ("consumer-price inflation", "Inflation, %"),
]


def sanctions_effects(effects, events, CUTOFF):
    """The chart ``sanctions-effects`` of the sanctions chapter: each effect series (revenue, sales to
    China, the discount, growth, inflation) in its own panel on one time axis, every body's figure
    at the start of the period it covers, coloured by what it is (estimate, forecast, outturn,
    reported), with the sanctions ``events``."""
    vals = pd.DataFrame(
        {
            "kind": "figure",
            "from": effects["date"],
            "indicator": effects["indicator"].astype(str),
            "low": effects["value"].astype(float),
            "high": effects["value_high"].fillna(effects["value"]).astype(float),
            "period": effects["period"].astype(str),
            "measure": effects["measure"].astype(str),
            "provider": effects["provider"].astype(str),
            "qualifier": effects["qualifier"].astype(str),
            "unit": effects["unit"].astype(str),
            "what": "",
            "sources": effects["sources"],
        }
    )
    frame = with_events(vals, events)
    frame.attrs.update(effects.attrs)
    measures = list(effects["measure"].cat.categories)
    colour = category_colour("measure", "Figure", measures, columns=4)
    tips = [
        alt.Tooltip("indicator:N", title="Indicator"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("low:Q", title="Value"),
        alt.Tooltip("high:Q", title="High end"),
        alt.Tooltip("unit:N", title="Unit"),
        alt.Tooltip("qualifier:N", title="Qualifier"),
        alt.Tooltip("measure:N", title="Figure"),
        alt.Tooltip("provider:N", title="Body"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    panels = []
    for i, (indicator, title) in enumerate(EFFECT_PANELS):
        last = i == len(EFFECT_PANELS) - 1
        x = alt.X(
            "from:T",
            title="Start of the period" if last else None,
            axis=alt.Axis(format="%Y"),
            scale=alt.Scale(domain=["2008-01-01", CUTOFF.isoformat()]),
        )
        base = alt.Chart().encode(x=x)
        mine = (alt.datum.kind == "figure") & (alt.datum.indicator == indicator)
        rules, labels = event_layers(base, alt.datum.kind == "event", "what", "Event", "from", style="sanctions")
        y = alt.Y("low:Q", title=title)
        ranges = (
            base.mark_rule(strokeWidth=3).transform_filter(mine).encode(y=y, y2="high:Q", color=colour, tooltip=tips)
        )
        points = base.mark_point(filled=True, size=40).transform_filter(mine).encode(y=y, color=colour, tooltip=tips)
        layers = [rules, labels, ranges, points] if i == 0 else [rules, ranges, points]
        panels.append(alt.layer(*layers).properties(width=500, height=95))
    listed = "; ".join(
        f"{r.indicator}, {r.period}: {quoted.row_figure(pd.Series(r._asdict()))} {r.unit} ({r.provider}, {r.measure})"
        for r in effects.sort_values(["indicator", "date"]).itertuples()
    )
    return (
        alt.vconcat(*panels, data=frame, spacing=8)
        .resolve_scale(x="shared")
        .properties(
            title="Revenue, buyers, discounts and the economy, with sanctions events",
            description=f"Effect series on one time axis, one panel each: {listed}. Events marked: {events_text(events)}.",
        )
    )
