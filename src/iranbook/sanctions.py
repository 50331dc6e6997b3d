"""Sanctions layers, designation counts and competing estimates: the computations of the sanctions chapter.

* :func:`periods` turns the ``sanctions_regimes`` rows into bars: each measure's period in force,
  an open end closed at the data cut-off, the start clipped to where a chart begins;
* :func:`in_force` lists the measures in force on a day;
* :func:`entry_into_force` converts a measure's local clock time (``start_clock`` in
  ``start_clock_zone``) to UTC and checks that the UTC date is the row's ``start``;
* :func:`counted`, :func:`size` and :func:`count_mismatches` read the ``designations`` counts as published;
* :func:`same_period` groups estimates of the same period by different estimators, with their spread.
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

import pandas as pd

COMPONENTS = ["entities", "individuals", "persons", "vessels"]


def periods(regimes: pd.DataFrame, cutoff, clip_from=None) -> pd.DataFrame:
    """Each measure's period in force as ``from``/``until`` timestamps.

    ``until`` is the row's ``end`` or, for a measure still in force, the data ``cutoff``
    (``open`` is then true). With ``clip_from``, a start before it is moved to it (``clipped``
    says so), for a chart that begins there.
    """
    cutoff = pd.Timestamp(cutoff)
    out = regimes.copy()
    out["open"] = out["end"].isna()
    out["until"] = out["end"].where(~out["open"], cutoff)
    out["from"] = out["start"]
    out["clipped"] = False
    if clip_from is not None:
        clip_from = pd.Timestamp(clip_from)
        out["clipped"] = out["start"] < clip_from
        out.loc[out["clipped"], "from"] = clip_from
    if (out["until"] < out["from"]).any():
        bad = out.loc[out["until"] < out["from"], "id"].tolist()
        raise ValueError(f"sanctions_regimes rows {bad}: the period ends before it starts")
    return out


def in_force(regimes: pd.DataFrame, day, cutoff, statuses=("in force",), kinds=("sanction",)) -> pd.DataFrame:
    """The measures in force on ``day``: started on or before it and not ended before it, and (where
    the frame has the columns) a ``sanction`` whose ``status`` in that period is one of ``statuses``.
    A US law waived under the JCPOA is not in force but still on the books: pass
    ``statuses=("waived", "suspended")`` for those."""
    day = pd.Timestamp(day)
    p = periods(regimes, cutoff)
    mask = (p["start"] <= day) & (p["until"] >= day)
    if "status" in p:
        mask &= p["status"].astype(str).isin(statuses)
    if "kind" in p:
        mask &= p["kind"].astype(str).isin(kinds)
    return p[mask]


def entry_into_force(row) -> tuple[_dt.datetime, _dt.datetime]:
    """(local, UTC) datetimes of a row's ``start_clock`` in ``start_clock_zone``.

    Raises ValueError if the UTC date is not the row's ``start`` date (the dataset dates
    entry into force in UTC).
    """
    local = _dt.datetime.fromisoformat(str(row["start_clock"])).replace(tzinfo=ZoneInfo(str(row["start_clock_zone"])))
    utc = local.astimezone(_dt.UTC)
    if utc.date() != pd.Timestamp(row["start"]).date():
        raise ValueError(
            f"row {row['id']}: {local:%Y-%m-%d %H:%M} {row['start_clock_zone']} is "
            f"{utc:%Y-%m-%d %H:%M} UTC, not the start date {pd.Timestamp(row['start']).date()}"
        )
    return local, utc


def counted(designations: pd.DataFrame) -> pd.Series:
    """The sum of the counts the sources give for each action (missing when they give none)."""
    return designations[COMPONENTS].astype("Float64").sum(axis=1, min_count=1).astype("Int64")


def size(designations: pd.DataFrame) -> pd.Series:
    """Targets named by each action: the total a source states, else the sum of the counts given
    (missing when a source gives no count)."""
    return designations["total_stated"].fillna(counted(designations)).astype("Int64")


def count_mismatches(designations: pd.DataFrame) -> pd.DataFrame:
    """Actions whose stated total disagrees with the sum of the counts the sources give (only where a
    total and at least two counts are given): an exact total that differs from the sum, or a "more
    than" total that the sum does not exceed. ``components`` is that sum."""
    summed = counted(designations)
    qualifier = designations["total_qualifier"].astype("string")
    total = designations["total_stated"]
    given = designations[COMPONENTS].notna().sum(axis=1)
    wrong = ((qualifier == "exact") & (summed != total)) | ((qualifier == "more than") & (summed <= total))
    mask = total.notna() & given.ge(2) & wrong.fillna(False)
    out = designations.loc[mask].copy()
    out["components"] = summed[mask]
    return out


def same_period(estimates: pd.DataFrame) -> pd.DataFrame:
    """Estimates of exactly the same period by more than one estimator: one row per period with
    the lowest and highest figure (ranges count by their ends), the estimators and the spread
    (highest over lowest, minus one)."""
    rows = []
    for (start, end), group in estimates.groupby(["start", "end"], sort=True):
        if group["estimator"].nunique() < 2:
            continue
        high = group["high"].fillna(group["low"])
        lo, hi = float(group["low"].min()), float(high.max())
        rows.append(
            {
                "start": start,
                "end": end,
                "period": str(group["period"].iloc[0]),
                "lowest": lo,
                "highest": hi,
                "spread": hi / lo - 1,
                "estimators": "; ".join(group["estimator"].astype(str)),
                "sources": ";".join(dict.fromkeys(";".join(group["sources"].astype(str)).split(";"))),
            }
        )
    return pd.DataFrame(
        rows, columns=["start", "end", "period", "lowest", "highest", "spread", "estimators", "sources"]
    )


# --- The chapter's figures: each function returns the values its prose glues, by glue key. ---

US = "United States"


def implementation_day(regimes: pd.DataFrame) -> pd.Timestamp:
    """The JCPOA's Implementation Day as the data records it: the one day on which every UN and EU
    measure that ended was lifted (a second end date among them is an error in the data)."""
    ends = regimes.loc[regimes["layer"].astype(str) != US, "end"].dropna().unique()
    if len(ends) != 1:
        raise ValueError(f"sanctions_regimes: UN and EU measures end on {len(ends)} different days, not one")
    return pd.Timestamp(ends[0])


def named_dates(regimes: pd.DataFrame, root=None) -> dict:
    """The start dates of the measures the prose names, by name (``data/named_records.csv``; the
    end of the oil buyers' exceptions, ``sre_end``, is printed from its row by :func:`layer_facts`)."""
    from .story import named_one

    return _start_dates(regimes, named_one("sanctions_regimes", root))


def _start_dates(regimes: pd.DataFrame, names: dict[str, str]) -> dict:
    by_id = regimes.set_index("id")
    return {key: by_id.loc[row_id, "start"] for key, row_id in names.items() if key != "sre_end"}


def actions(designations: pd.DataFrame) -> pd.DataFrame:
    """The designation actions in date order, with ``size`` (see :func:`size`) and ``counts``, the
    counts as published (see :func:`targets_text`)."""
    d = designations.sort_values(["date", "id"]).copy()
    d["size"] = size(d)
    d["counts"] = [targets_text(r) for _, r in d.iterrows()]
    return d


def layer_facts(regimes: pd.DataFrame, cutoff, chart_start) -> dict:
    """The counts of the layers chart's text: measures (periods in force of a sanction) by layer, the
    periods in which a US law was waived or suspended, the relief and policy steps shown beside them,
    those that began before the chart, and the measures in force (and waived) the day before
    Implementation Day, a year after it and at the cut-off."""
    from .text import precise_date

    cutoff, chart_start = pd.Timestamp(cutoff), pd.Timestamp(chart_start)
    layers = list(regimes["layer"].cat.categories)
    sanctions = regimes[(regimes["kind"].astype(str) == "sanction") & (regimes["status"].astype(str) == "in force")]
    early = regimes[regimes["start"] < chart_start].sort_values("start")
    impl = implementation_day(regimes)
    year_after = impl + pd.DateOffset(years=1)
    after = in_force(regimes, year_after, cutoff)
    now = in_force(regimes, cutoff, cutoff)
    if set(now["layer"].astype(str)) != set(layers):
        raise ValueError("sanctions_regimes: a layer has no measure in force at the cut-off")
    out = {
        "early_measures": " and ".join(
            f"{m[0].lower() + m[1:]} ({s:%Y})" for m, s in zip(early["measure"], early["start"])
        ),
        "chart_start_year": f"{chart_start:%Y}",
        "n_early": len(early),
        "n_measures": len(sanctions),
        "n_waived_periods": int(regimes["status"].astype(str).isin(["waived", "suspended"]).sum()),
        "n_other_steps": int((regimes["kind"].astype(str) != "sanction").sum()),
    }
    for layer, key in zip(layers, ["n_un", "n_us", "n_eu"]):
        out[key] = int((sanctions["layer"] == layer).sum())
    from .story import named_one

    names = named_one("sanctions_regimes")
    g17 = regimes.set_index("id").loc[names["sre_end"]]
    out |= {
        "day_before_impl": impl - pd.Timedelta(days=1),
        "n_before_impl": len(in_force(regimes, impl - pd.Timedelta(days=1), cutoff)),
        "n_after_impl": len(after),
        "n_waived_after_impl": len(in_force(regimes, year_after, cutoff, statuses=("waived", "suspended"))),
        "n_at_cutoff": len(now),
        "sre_end": precise_date(g17["end"], g17["end_precision"]),
    }
    return out | _start_dates(regimes, names)


def in_force_text(row) -> str:
    """'23 December 2006 to 16 January 2016', or '… to the cut-off' for a measure still in force."""
    from .text import precise_date

    end = precise_date(row["end"], row["end_precision"]) if pd.notna(row["end"]) else "the cut-off"
    return f"{precise_date(row['start'], row['start_precision'])} to {end}"


def regimes_table(regimes: pd.DataFrame) -> str:
    """The measures by layer with their periods in force and sources, as a captioned long table."""
    from .text import cited, md_table

    shown = regimes.sort_values(["layer", "start"]).copy()
    shown["in_force"] = [in_force_text(r) for _, r in shown.iterrows()]
    shown["cited"] = cited(shown)
    shown["period"] = [
        f"{(s if k == 'sanction' else k).capitalize()}: {w}"
        for k, s, w in zip(shown["kind"].astype(str), shown["status"].astype(str), shown["in_force"])
    ]
    columns = {"layer": "Layer", "measure": "Measure", "instrument": "Instrument", "period": "Status and period"}
    return md_table(
        shown,
        columns | {"cited": "Sources"},
        markup={"cited"},
        long=True,
        widths=[12, 28, 20, 17, 23],
        caption="The sanctions measures by layer, and when each was in force",
    )


def tally(resolution) -> str:
    """A Security Council vote as 'for: …; against: …; abstaining: …' (the members' names)."""
    parts = [
        f"{label} {str(names).replace(';', ', ')}"
        for label, names in (
            ("for:", resolution.in_favour),
            ("against:", resolution.against),
            ("abstaining:", resolution.abstaining),
        )
        if isinstance(names, str)
    ]
    return "; ".join(parts)


def snapback_steps(timeline: pd.DataFrame, resolutions: pd.DataFrame, notice, restored) -> pd.DataFrame:
    """The sanctions events of the timeline from the snapback ``notice`` to the day the UN measures were
    ``restored`` (both included), each with the vote of the resolution it records."""
    from .story import between

    steps = between(timeline[timeline["category"].astype(str) == "sanctions"], notice, restored).copy()
    votes = resolutions.set_index("id")
    for res_id in steps["resolution"].dropna():
        r = votes.loc[res_id]
        if r.votes_for + r.votes_against + r.votes_abstaining != 15:
            raise ValueError(f"un_resolutions row {res_id}: the votes do not add up to the Council's 15 members")
    steps["vote"] = ["" if pd.isna(r) else tally(votes.loc[r]) for r in steps["resolution"]]
    return steps.reset_index(drop=True)


def snapback_facts(regimes: pd.DataFrame, resolutions: pd.DataFrame, notice) -> dict:
    """When the snapback took effect (US Eastern and UTC), days after the ``notice``, and the restored
    resolutions with the one note the data gives on their status."""
    restored_rows = regimes[regimes["start_clock"].notna()]
    local, utc = entry_into_force(restored_rows.iloc[0])
    if any(entry_into_force(r)[1] != utc for _, r in restored_rows.iterrows()):
        raise ValueError("sanctions_regimes: the restored measures do not share one moment of entry into force")
    restored = resolutions[resolutions["snapback_status"] == "restored"]
    notes = set(restored["status_note"].astype(str))
    if len(notes) != 1:
        raise ValueError(f"un_resolutions: the restored resolutions carry {len(notes)} different status notes")
    return {
        "snapback_local": f"{local:%H:%M} on {local.day} {local:%B %Y}",
        "snapback_utc": f"{utc:%H:%M} on {utc.day} {utc:%B %Y}",
        "snapback_days": (pd.Timestamp(utc.date()) - pd.Timestamp(notice)).days,
        "n_restored": len(restored),
        "void_note": notes.pop(),
    }


def snapback_lists(timeline: pd.DataFrame, resolutions: pd.DataFrame, notice, restored) -> dict[str, str]:
    """The snapback's steps and the restored resolutions as Markdown lists, by glue key."""
    from .text import cited, md_list, precise_date

    steps = snapback_steps(timeline, resolutions, notice, restored)
    steps["title"] = [precise_date(d, p) for d, p in zip(steps["date"], steps["date_precision"])]
    steps["cited"] = cited(steps)
    back = resolutions[resolutions["snapback_status"] == "restored"].sort_values("date").copy()
    back["title"] = [f"Resolution {i} ({precise_date(d, 'day')})" for i, d in zip(back["id"], back["date"])]
    back["cited"] = cited(back)
    fields = {"description": "", "vote": "Members voting", "cited": ""}
    return {
        "snapback-steps": md_list(steps, "title", fields, markup={"cited"}),
        "restored-list": md_list(back, "title", {"provisions": "", "cited": ""}, markup={"cited"}),
    }


def effect_events(regimes: pd.DataFrame) -> pd.DataFrame:
    """The events the effect charts mark (``start``, ``what``, ``sources``): each measure with a
    ``chart_label``, at its start, and Implementation Day ("relief") with the sources of the first
    measure lifted that day."""
    labelled = regimes[regimes["chart_label"].notna()]
    events = labelled[["id", "start", "sources"]].assign(what=labelled["chart_label"].astype(str))
    impl = implementation_day(regimes)
    lifted = regimes[regimes["end"] == impl].sort_values("id").iloc[0]
    relief = pd.DataFrame(
        {"id": [lifted["id"]], "start": [impl], "sources": [lifted["sources"]], "what": ["Implementation Day: relief"]}
    )
    return pd.concat([events, relief], ignore_index=True).sort_values("start").reset_index(drop=True)


def designation_facts(designations: pd.DataFrame, since) -> dict:
    """The designation actions' counts: in all, before and ``since`` NSPM-2 (by focus), the vessels
    named since then, and the largest action (its date, stated size and the sum of its counts)."""
    d = actions(designations)
    after = d[d["date"] >= pd.Timestamp(since)]
    focus = after["focus"].astype(str).value_counts()
    largest = d.loc[d["size"].astype("Float64").idxmax()]
    qualifier = "" if largest["total_qualifier"] == "exact" else f"{largest['total_qualifier']} "
    return {
        "n_actions": len(d),
        "first_action": d["date"].min(),
        "last_action": d["date"].max(),
        "n_baseline": int((d["date"] < pd.Timestamp(since)).sum()),
        "n_since": len(after),
        "n_shipping": int(focus.get("oil shipping", 0)),
        "n_buyers": int(focus.get("oil buyers and terminals", 0)),
        "n_networks": int(focus.get("oil networks and officials", 0)),
        "n_banking": int(focus.get("shadow banking", 0)),
        "n_oil": int(focus.drop("shadow banking", errors="ignore").sum()),
        "vessels_since": int(after["vessels"].sum()),
        "largest_day": largest["date"],
        "largest_n": f"{qualifier}{int(largest['size'])}",
        "largest_components": int(counted(d).loc[largest.name]),
    }


_COUNT_WORDS = [
    ("entities", "entity", "entities"),
    ("individuals", "individual", "individuals"),
    ("persons", "entity or individual", "entities and individuals"),
    ("vessels", "vessel", "vessels"),
]


def targets_text(row) -> str:
    """An action's counts as published: '6 entities; 17 vessels; more than 115 in all', or 'not given'."""
    parts = [f"{int(row[c])} {one if int(row[c]) == 1 else many}" for c, one, many in _COUNT_WORDS if pd.notna(row[c])]
    if pd.notna(row["total_stated"]):
        qualifier = "" if row["total_qualifier"] == "exact" else f"{row['total_qualifier']} "
        parts.append(f"{qualifier}{int(row['total_stated'])} in all")
    return "; ".join(parts) or "not given"


def designations_table(designations: pd.DataFrame) -> str:
    """The designation actions by date, with their authority, focus, counts and sources."""
    from .text import cited, md_table

    d = actions(designations)
    d["authority"] = d["authority"].fillna("not named").astype(str).str.replace(";", ", ")
    d["cited"] = cited(d)
    columns = {"date": "Date", "agency": "Agency", "authority": "Authority", "focus": "Focus", "counts": "Targets"}
    return md_table(
        d,
        columns | {"cited": "Sources"},
        markup={"cited"},
        long=True,
        widths=[12, 11, 13, 14, 26, 24],
        caption="US designations since late 2024, by date",
    )


def period_text(start, end, period: str, style: str = "long") -> str:
    """An estimate's period: 'June 2012' for a month, '2014' for a calendar year, else its two days."""
    if period == "month":
        return f"{start:%B %Y}"
    if style == "short":
        return f"{start:%Y}" if period == "calendar year" else f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def export_facts(exports: pd.DataFrame, war_start) -> dict:
    """The oil-export estimates' figures: their number, the 2011 and mid-2012 levels, the relief years'
    highest estimate, the lowest estimate, the last month estimated before the 2026 war (and whether
    it is within the range of 2011), and the widest same-period disagreement."""
    y2011 = exports[(exports["start"].dt.year == 2011) & (exports["end"] <= pd.Timestamp("2012-03-31"))]
    low = exports.loc[exports["high"].fillna(exports["low"]).idxmin()]
    months = exports[(exports["period"] == "month") & (exports["end"] <= pd.Timestamp(war_start))]
    pre_war = months[months["start"] == months["start"].max()]
    same = same_period(exports)
    widest = same.loc[same["spread"].idxmax()]
    relief = exports[(exports["start"] >= pd.Timestamp("2016-01-16")) & (exports["end"] <= pd.Timestamp("2018-11-05"))]
    top_relief = relief.loc[relief["high"].fillna(relief["low"]).idxmax()]
    last_high = float(pre_war["high"].fillna(pre_war["low"]).max())
    return {
        "x_last_against_2011": "within the range of 2011"
        if last_high >= float(y2011["low"].min())
        else "below the range of 2011",
        "n_relief": len(relief),
        "x_relief_top": f"{top_relief['high'] if pd.notna(top_relief['high']) else top_relief['low']:g}",
        "x_relief_who": str(top_relief["estimator"]),
        "x_relief_when": period_text(top_relief["start"], top_relief["end"], str(top_relief["period"])),
        "n_estimates": len(exports),
        "n_estimators": exports["estimator"].nunique(),
        "x2011_low": f"{y2011['low'].min():g}",
        "x2011_high": f"{y2011['low'].max():g} million barrels a day",
        "x2012": f"{exports.set_index('id').loc['X04', 'low']:g} million barrels a day",
        "x_min": f"{low['low']:g}" + (f"–{low['high']:g}" if pd.notna(low["high"]) else "") + " million barrels a day",
        "x_min_who": str(low["estimator"]),
        "x_min_when": f"{low['start']:%B %Y}",
        "x_last_when": f"{pre_war['start'].iloc[0]:%B %Y}",
        "x_last": f"{pre_war['low'].min():g} to {pre_war['high'].fillna(pre_war['low']).max():g}",
        "n_same": len(same),
        "widest_when": period_text(widest["start"], widest["end"], widest["period"]),
        "widest_spread": float(widest["spread"]),
    }


def same_period_table(exports: pd.DataFrame) -> str:
    """The periods estimated by more than one estimator, with the range and the gap between them."""
    from .text import cited, md_table

    same = same_period(exports)
    same["when"] = [period_text(s, e, p, "short") for s, e, p in zip(same["start"], same["end"], same["period"])]
    same["range"] = [f"{a:g} to {b:g}" for a, b in zip(same["lowest"], same["highest"])]
    same["gap"] = [f"{g:.0%}" for g in same["spread"]]
    same["cited"] = cited(same)
    columns = {"when": "Period", "estimators": "Estimators", "range": "Million b/d", "gap": "Highest over lowest"}
    return md_table(
        same,
        columns | {"cited": "Sources"},
        markup={"cited"},
        caption="Estimates of Iran's oil exports for the same period, by estimator",
    )


def rial_facts(rial: pd.DataFrame, regimes: pd.DataFrame) -> dict:
    """The rial's open-market rates the prose quotes: the two quotes of 3 October 2012, the rate at
    the JCPOA (named ``rial_at_jcpoa``), the last rate and how far the rial fell since, the first rate after NSPM-2 and
    the rate on the day of the snapback."""
    from .story import named_one

    days = named_dates(regimes)
    oct3 = rial[rial["date"] == pd.Timestamp("2012-10-03")]
    jcpoa = int(rial.set_index("id").loc[named_one("rial_rates")["rial_at_jcpoa"], "low"])
    last = rial.sort_values("date").iloc[-1]
    after_nspm2 = rial[rial["date"] > days["nspm2_day"]].sort_values("date").iloc[0]
    snap = rial[rial["date"] == days["snapback_day"]]
    return {
        "n_rates": len(rial),
        "rial_2012_day": oct3["date"].iloc[0],
        "rial_2012_low": f"{int(oct3['low'].min()):,}",
        "rial_2012_high": f"{int(oct3['low'].max()):,}",
        "rial_jcpoa": f"{jcpoa:,}",
        "rial_last_day": last["date"],
        "rial_last": f"{int(last['low']):,}" + (f" to {int(last['high']):,}" if pd.notna(last["high"]) else ""),
        "rial_factor": f"{int(last['low']) / jcpoa:.0f}",
        "rial_lost": 1 - jcpoa / int(last["low"]),
        "rial_nspm2": f"{int(after_nspm2['low']):,}",
        "rial_snapback": f"{int(snap['low'].iloc[0]):,}",
    }


def effect_facts(effects: pd.DataFrame) -> dict:
    """What the effect series show, for the prose: the highest and lowest of the US Energy Information
    Administration's revenue estimates and the fall between them, and the range of the IMF's figures
    for 2019 (its forecasts and its later estimate of that year's growth and inflation)."""
    from .quoted import number

    eia = effects[
        (effects["indicator"] == "net oil export revenue")
        & (effects["provider"] == "US Energy Information Administration")
    ]
    top, low = eia.loc[eia["value"].idxmax()], eia.loc[eia["value"].idxmin()]
    imf_2019 = effects[(effects["provider"] == "IMF") & (effects["period"] == "2019")]
    out = {
        "n_effects": len(effects),
        "n_effect_bodies": effects["provider"].nunique(),
        "rev_top": number(top["value"]),
        "rev_top_year": top["period"],
        "rev_low": number(low["value"]),
        "rev_low_year": low["period"],
        "rev_fall": f"{1 - low['value'] / top['value']:.0%}",
    }
    growth = imf_2019.loc[imf_2019["indicator"] == "real GDP growth", "value"]
    prices = imf_2019.loc[imf_2019["indicator"] == "consumer-price inflation", "value"]
    return out | {
        "g2019_n": len(growth),
        "g2019_least": number(-growth.max()),
        "g2019_most": number(-growth.min()),
        "i2019_n": len(prices),
        "i2019_min": number(prices.min()),
        "i2019_max": number(prices.max()),
    }
