"""The June 2025 war: the figures of the war chapter, each a function of the data.

* :func:`war_facts` and :func:`iran_time`: the war's span, its strikes on facilities, and the first
  US strike in US and Iran time;
* :func:`facility_facts`, :func:`casualty_facts`, :func:`verification_facts`: the facilities and the
  IAEA's access, the counts of the dead by who counted them, the days without a verified figure;
* :func:`breakout_feeds`, :func:`breakout_facts`, :func:`explorer_facts`: the breakout model's
  figures for one significant quantity by feed, and for the whole 60% stock;
* :func:`implied_capacities`: the enrichment capacity each published breakout estimate implies in
  the book's model, and :func:`estimate_facts`, what the chapter says of them.

Functions named ``*_table`` or ``*_list`` return the MyST Markdown the chapter glues.
"""

from __future__ import annotations

import pandas as pd

from . import breakout as bo
from . import explorer
from .data import corroboration
from .text import cited, long_date, md_list, md_table, precise_date


def facility_strikes(events: pd.DataFrame) -> pd.DataFrame:
    """The strikes on Iran that the events table ties to a facility."""
    return events[(events["kind"] == "strike on Iran") & events["facility"].notna()]


def iran_time(row) -> pd.Timestamp:
    """The moment of an event in Iran time. The source gives a clock time in its own zone and the
    row's date is the Iran date: of the two possible source dates (the same day or the day before),
    exactly one must land on it, or the row is refused."""
    found = []
    for shift in (-1, 0):
        day = (row["date"] + pd.Timedelta(days=shift)).date()
        moment = pd.Timestamp(f"{day} {row['reported_time']}", tz=row["reported_time_zone"]).tz_convert("Asia/Tehran")
        if moment.date() == row["date"].date():
            found.append(moment)
    if len(found) != 1:
        raise ValueError(f"war_events row {row['id']}: its reported time falls on {len(found)} Iran dates, not one")
    return found[0]


def war_facts(events: pd.DataFrame) -> dict:
    """The war's first and last days, its length, its events and strikes on facilities, and the first
    timed US strike in US and Iran time."""
    first, last = events["date"].min(), events["date"].max()
    strikes = facility_strikes(events)
    timed = events[events["reported_time"].notna()].iloc[0]
    in_iran = iran_time(timed)
    at_source = in_iran.tz_convert(timed["reported_time_zone"])
    return {
        "war_first": first,
        "war_last": last,
        "war_days": (last - first).days + 1,
        "n_war_events": len(events),
        "n_facility_strikes": len(strikes),
        "n_facilities_struck": strikes["facility"].nunique(),
        "us_strike_us_time": f"{at_source:%H:%M} on {long_date(at_source.date())}",
        "us_strike_iran_time": f"{in_iran:%H:%M} on {long_date(in_iran.date())}",
    }


def events_table(events: pd.DataFrame) -> str:
    """The war's events day by day."""
    table = events.assign(cited=cited(events))
    columns = {"date": "Date (Iran)", "place": "Place", "description": "What happened", "cited": "Sources"}
    caption = "The events of the June 2025 war, day by day"
    return md_table(table, columns, markup={"cited"}, long=True, widths=[14, 12, 44, 30], caption=caption)


def facility_facts(facilities: pd.DataFrame) -> dict:
    """How many facilities the chapter lists, were attacked, and had each kind of IAEA access after the war."""
    access = facilities["iaea_access_after"].astype(str).value_counts()
    return {
        "n_facilities": len(facilities),
        "n_attacked": int(facilities["attacked_by"].notna().sum()),
        "n_no_access": int(access.get("no access", 0)),
        "n_inspected": int(access.get("inspected", 0)),
        "n_not_known": int(access.get("not known", 0)),
    }


def facilities_list(facilities: pd.DataFrame, events: pd.DataFrame) -> str:
    """Each facility with what it did, who attacked it, the days it was struck, the damage, the IAEA's access."""
    struck_on = (
        facility_strikes(events)
        .groupby("facility", observed=True)["date"]
        .apply(lambda days: ", ".join(f"{d.day} {d:%B}" for d in sorted(days.unique())))
    )
    fac = facilities.copy()
    fac["strike_dates"] = fac["id"].map(struck_on).fillna("")
    fac["attacked_by"] = fac["attacked_by"].fillna("").astype(str).str.replace(";", ", ")
    fac["cited"] = cited(fac)
    fac["title"] = fac["name"].astype(str) + ", " + fac["site"].astype(str)
    fac["last_visit"] = fac["last_iaea_visit_before"]
    fields = {
        "function": "What it did",
        "attacked_by": "Attacked by",
        "strike_dates": "Strikes in the events table",
        "damage_reported": "Damage reported",
        "iaea_access_after": "IAEA access after the war",
        "last_visit": "Last IAEA visit before the war",
        "note": "Note",
        "cited": "",
    }
    return md_list(fac, "title", fields, markup={"cited"})


def ceasefire_day(events: pd.DataFrame) -> pd.Timestamp:
    """The day the June 2025 ceasefire took hold, from the events table."""
    return events.loc[events["kind"] == "ceasefire", "date"].min()


def casualty_frame(casualties: pd.DataFrame) -> pd.DataFrame:
    """The June 2025 war's counts of the dead (the 2026 war's are the aftermath chapter's), with their
    sourcing ``grade``, publication date in words, who counted, and the counts as text, by country."""
    cas = casualties[casualties["war"] == "June 2025"].copy()
    cas["grade"] = corroboration(cas).astype(str)
    cas["reported"] = [precise_date(d, p) for d, p in zip(cas["reported_on"], cas["reported_on_precision"])]
    cas["cited"] = cited(cas)
    cas = cas.sort_values(["country", "reported_on"])
    cas["who"] = (
        "In "
        + cas["country"].astype(str)
        + ": "
        + cas["counter"].astype(str)
        + " ("
        + cas["counter_type"].astype(str)
        + ")"
    )
    for column in ["killed", "injured", "civilians_killed"]:
        cas[column + "_shown"] = cas[column].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    cas["item"] = cas["who"] + ", " + cas["reported"]
    return cas


def casualty_facts(cas: pd.DataFrame, ceasefire) -> dict:
    """The range of Iran's death counts published after the ``ceasefire`` (who counted, when), the
    official counts' range, and Israel's count."""
    after = cas[(cas["country"] == "Iran") & (cas["reported_on"] >= pd.Timestamp(ceasefire))]
    top, low = after.loc[after["killed"].idxmax()], after.loc[after["killed"].idxmin()]
    official = after[after["counter_type"] == "official"]
    return {
        "ceasefire_date": ceasefire,
        "iran_min": int(after["killed"].min()),
        "iran_max": int(top["killed"]),
        "iran_max_counter": str(top["counter"]),
        "iran_max_grade": str(top["grade"]),
        "iran_min_counter": str(low["counter"]),
        "iran_min_when": precise_date(low["reported_on"], low["reported_on_precision"]),
        "iran_max_when": precise_date(top["reported_on"], top["reported_on_precision"]),
        "iran_official_min": int(official["killed"].min()),
        "iran_official_max": int(official["killed"].max()),
        "israel_killed": int(cas.loc[cas["country"] == "Israel", "killed"].max()),
    }


def casualty_tables(cas: pd.DataFrame) -> dict[str, str]:
    """The counts by who published them, and the notes on each, by glue key."""
    columns = {
        "who": "Counted by",
        "reported": "Published",
        "killed_shown": "Killed",
        "injured_shown": "Injured",
        "grade": "Sourcing",
        "cited": "Sources",
    }
    caption = "Counts of the dead and injured of the June 2025 war, by the body that published them"
    return {
        "casualties-table": md_table(
            cas, columns, markup={"cited"}, long=True, widths=[27, 16, 10, 11, 14, 22], caption=caption
        ),
        "casualties-notes": md_list(cas, "item", {"civilians_killed_shown": "Civilians among the dead", "note": ""}),
    }


def last_sixty(stock: pd.DataFrame) -> pd.Series:
    """The IAEA's last figure for the stock enriched up to 60%."""
    return stock[stock["level"] == "up to 60%"].sort_values("as_of").iloc[-1]


def verification_window(timeline: pd.DataFrame, first, cutoff) -> pd.DataFrame:
    """The IAEA events of the timeline from the eve of the war's ``first`` day to the ``cutoff``."""
    start = pd.Timestamp(first) - pd.Timedelta(days=1)
    window = timeline[(timeline["category"] == "IAEA") & (timeline["date"] >= start) & (timeline["date"] <= cutoff)]
    return window.copy()


def verification_facts(stock: pd.DataFrame, timeline: pd.DataFrame, first, cutoff) -> dict:
    """The last verified 60% figure, the days from it to the ``cutoff``, and the IAEA events since the war's eve."""
    last = last_sixty(stock)
    window = verification_window(timeline, first, cutoff)
    return {
        "last_kg": last["kg_u"],
        "last_as_of": last["as_of"],
        "gap_days": int((pd.Timestamp(cutoff) - last["as_of"]).days),
        "n_iaea_events": len(window),
        "window_start": window["date"].min(),
    }


def verification_table(timeline: pd.DataFrame, first, cutoff) -> str:
    """The IAEA events of the verification gap."""
    window = verification_window(timeline, first, cutoff)
    window["when"] = [precise_date(d, p) for d, p in zip(window["date"], window["date_precision"])]
    window["cited"] = cited(window)
    columns = {"when": "Date", "description": "Event", "cited": "Sources"}
    caption = "Events of the verification gap"
    return md_table(window, columns, markup={"cited"}, long=True, widths=[15, 50, 35], caption=caption)


def breakout_feeds(params: dict) -> list[tuple[str, float, str]]:
    """The three feeds the chapter models: (label, feed assay, tails parameter)."""
    return [
        ("natural uranium", params["natural_assay"], "tails_from_natural"),
        ("uranium enriched up to 20%", bo.assay_of("up to 20%"), "tails_from_20"),
        ("uranium enriched up to 60%", bo.assay_of("up to 60%"), "tails_from_60"),
    ]


def per_feed(params: dict, capacity_swu: float) -> pd.DataFrame:
    """Feed, separative work and days at ``capacity_swu`` for one significant quantity, by feed."""
    rows = []
    for label, feed, tails_key in breakout_feeds(params):
        step = bo.quantities(1, feed, params[tails_key], params["weapon_grade_assay"], params["sq_u235_kg"])
        rows.append(
            {
                "feed": label,
                "tails_pct": params[tails_key] * 100,
                "feed_kg": step.feed_kg,
                "swu": step.swu,
                "days": step.days(capacity_swu),
            }
        )
    return pd.DataFrame(rows)


def breakout_facts(params: dict, capacity: pd.DataFrame, stock: pd.DataFrame) -> dict:
    """The model's figures for one significant quantity by feed at the newest published capacity, and
    how many quantities the last 60% stock holds."""
    wg, sq = params["weapon_grade_assay"], params["sq_u235_kg"]
    ref = capacity.sort_values("as_of").iloc[-1]
    feeds = per_feed(params, ref["swu_per_year"])
    last = last_sixty(stock)
    return {
        "sq_kg": sq,
        "wg_pct": wg * 100,
        "sq_product_kg": bo.product_for_quantities(1, sq, wg),
        "swu_natural": feeds["swu"].iloc[0],
        "swu_20": feeds["swu"].iloc[1],
        "swu_60": feeds["swu"].iloc[2],
        "ref_capacity": float(ref["swu_per_year"]),
        "ref_capacity_date": f"{ref['as_of']:%B %Y}",
        "ref_capacity_by": str(ref["estimator"]),
        "days_60_ref": feeds["days"].iloc[2],
        "days_natural_ref": feeds["days"].iloc[0],
        "stock_quantities": bo.quantities_from_stock(
            last["kg_u"], bo.assay_of(last["level"]), params["tails_from_60"], wg, sq
        ),
        "stock_kg": last["kg_u"],
    } | work_shares(params)


def breakout_tables(parameter_table: pd.DataFrame, params: dict, capacity: pd.DataFrame) -> dict[str, str]:
    """The model's parameters with their sources, and its figures by feed, by glue key."""
    shown = parameter_table.copy()
    shown["cited"] = cited(shown)
    shown["shown_value"] = shown["value"].map(lambda v: f"{v:g}") + " " + shown["unit"].astype(str)
    fields = {"shown_value": "Value", "kind": "Kind", "note": "", "cited": ""}
    ref = capacity.sort_values("as_of").iloc[-1]
    feeds = per_feed(params, ref["swu_per_year"])
    feeds = feeds.assign(
        tails_pct=feeds["tails_pct"].map(lambda v: f"{v:g}%"),
        feed_kg=feeds["feed_kg"].map(lambda v: f"{v:,.1f}"),
        swu=feeds["swu"].map(lambda v: f"{v:,.0f}"),
        days=feeds["days"].map(lambda v: f"{v:,.1f}"),
    )
    columns = {
        "feed": "Starting from",
        "tails_pct": "Tails assay (assumed)",
        "feed_kg": "Feed needed (kg U)",
        "swu": "Separative work (SWU)",
        "days": f"Days at {ref['swu_per_year']:,.0f} SWU/year",
    }
    caption = "Separative work and time for one significant quantity, by the material fed"
    return {
        "parameters-table": md_list(shown, "label", fields, markup={"cited"}),
        "per-feed-table": md_table(feeds, columns, caption=caption),
    }


def explorer_inputs(params: dict, capacity: pd.DataFrame, stock: pd.DataFrame) -> dict:
    """The explorer's starting values: the last 60% stock, the newest capacity, the central tails
    assay (in %), the significant quantity, and the feed and product assays."""
    newest = capacity.sort_values("as_of").iloc[-1]
    return {
        "stock_kg": last_sixty(stock)["kg_u"],
        "swu_per_year": newest["swu_per_year"],
        "tails_pct": params["tails_from_60"] * 100,
        "sq_kg": params["sq_u235_kg"],
        "feed": bo.assay_of("up to 60%"),
        "product": params["weapon_grade_assay"],
    }


def explorer_facts(params: dict, capacity: pd.DataFrame, stock: pd.DataFrame) -> dict:
    """The explorer's default case and the table of its cases (every published capacity, three tails assays)."""
    x = explorer_inputs(params, capacity, stock)
    default = explorer.model(x["stock_kg"], x["swu_per_year"], x["tails_pct"], x["sq_kg"], x["feed"], x["product"])
    newest = capacity.sort_values("as_of").iloc[-1]
    cases = explorer.scenarios(
        x["stock_kg"],
        sorted(capacity["swu_per_year"].astype(float).unique()),
        [params[k] * 100 for k in ("tails_from_60_low", "tails_from_60", "tails_from_60_high")],
        x["sq_kg"],
        x["feed"],
        x["product"],
    )
    cases["capacity_shown"] = cases["capacity"].map(lambda c: f"{c:,.0f}")
    cases["tails_shown"] = cases["tails_pct"].map(lambda t: f"{t:g}%")
    for column, fmt in (("days_first", "{:,.1f}"), ("n_stock", "{:,.1f}"), ("days_all", "{:,.0f}")):
        cases[column + "_shown"] = cases[column].map(fmt.format)
    columns = {
        "capacity_shown": "Capacity (SWU per year)",
        "tails_shown": "Tails assay",
        "days_first_shown": "Days to the first quantity",
        "n_stock_shown": "Quantities from the stock",
        "days_all_shown": "Days for all of them",
    }
    return {
        "explorer_stock": x["stock_kg"],
        "explorer_capacity": x["swu_per_year"],
        "explorer_capacity_by": f"{newest['estimator'].split(' (')[0]}, {newest['as_of']:%B %Y}",
        "explorer_tails": x["tails_pct"],
        "explorer_days_first": default["days_first"],
        "explorer_n": default["n_stock"],
        "explorer_days_all": default["days_all"],
        "explorer-table": md_table(cases, columns, caption="The breakout model under the cases shown"),
    }


#: Days in each unit a published breakout time is given in.
UNIT_DAYS = {"days": 1, "weeks": 7, "months": bo.DAYS_PER_YEAR / 12, "years": bo.DAYS_PER_YEAR}


def published_time(row) -> str:
    """A published breakout time as its publisher gave it: 'under 1 week', '3 to 4 months'."""
    unit = str(row.time_unit)
    one = unit[:-1]  # "weeks" -> "week"
    if pd.isna(row.time_high):
        return f"{unit}, no number given"
    if pd.isna(row.time_low):
        return f"under {row.time_high:g} {one if row.time_high == 1 else unit}"
    if row.time_low == row.time_high:
        return f"about {row.time_high:g} {one if row.time_high == 1 else unit}"
    return f"{row.time_low:g} to {row.time_high:g} {unit}"


def implied_capacities(estimates: pd.DataFrame, params: dict) -> pd.DataFrame:
    """For each published breakout estimate whose feed and quantity are stated, the enrichment
    capacity (SWU per year) at which the book's model reproduces it: ``implied_low`` from its
    shortest time, ``implied_high`` from its longest (the same for an 'under' estimate), with
    ``implied``, the capacity in words, and ``published_time`` for every estimate."""
    wg = params["weapon_grade_assay"]
    feeds = {
        "60%": (bo.assay_of("up to 60%"), "tails_from_60"),
        "below 5%": (params["assay_below_5"], "tails_from_5"),
        "natural": (params["natural_assay"], "tails_from_natural"),
    }
    out = estimates.copy()
    out["published_time"] = [published_time(r) for r in estimates.itertuples()]
    out["implied"], out["implied_low"], out["implied_high"] = "", float("nan"), float("nan")
    for row in estimates.itertuples():
        if row.measure != "breakout time":
            out.loc[out["id"] == row.id, "implied"] = "not a breakout estimate"
            continue
        if row.feed not in feeds or pd.isna(row.quantity_kg) or pd.isna(row.time_high):
            out.loc[out["id"] == row.id, "implied"] = "not modelled: feed or quantity not stated"
            continue
        feed, tails_key = feeds[row.feed]
        product = row.quantity * row.quantity_kg / (wg if row.quantity_basis == "U-235" else 1)
        swu = bo.enrich(product, wg, feed, params[tails_key]).swu
        fast = bo.implied_capacity(swu, row.time_high * UNIT_DAYS[row.time_unit])
        if pd.isna(row.time_low):
            text, slow = f"at least {fast:,.0f}", fast
        else:
            slow = bo.implied_capacity(swu, row.time_low * UNIT_DAYS[row.time_unit]) if row.time_low else fast
            text = f"{fast:,.0f}" if abs(slow - fast) < 1 else f"{fast:,.0f} to {slow:,.0f}"
        out.loc[out["id"] == row.id, ["implied", "implied_low", "implied_high"]] = [text, fast, slow]
    return out


def estimate_facts(implied: pd.DataFrame, capacity: pd.DataFrame, params: dict) -> dict:
    """What the chapter says of the published estimates: the range of capacities the Institute's
    estimates imply against its own 2020 figure, how far its two August 2024 estimates from low
    enriched and natural uranium agree, and how much more uranium than U-235 weapon grade holds."""
    isis = implied[implied["estimator"].str.startswith("Institute") & implied["implied_low"].notna()]
    cap_2020 = float(capacity.loc[capacity["estimator"].str.startswith("Institute"), "swu_per_year"].iloc[0])
    aug = implied[
        (implied["published"] == pd.Timestamp("2024-08-29"))
        & implied["feed"].isin(["below 5%", "natural"])
        & implied["implied_low"].notna()
    ]
    return {
        "cap_2020": cap_2020,
        "implied_min": isis["implied_low"].min(),
        "implied_max": isis["implied_high"].max(),
        "implied_ratio_min": isis["implied_low"].min() / cap_2020,
        "implied_ratio_max": isis["implied_high"].max() / cap_2020,
        "consistency_pct": (aug["implied_low"].max() / aug["implied_low"].min() - 1) * 100,
        "def_ratio": (1 / params["weapon_grade_assay"] - 1) * 100,
    }


def estimates_list(implied: pd.DataFrame) -> str:
    """The published estimates, each with what it estimates, its scenario, its time and the capacity it implies."""
    shown = implied.copy()
    shown["when"] = [long_date(d) for d in shown["published"]]
    shown["cited"] = cited(shown)
    shown["title"] = shown["estimator"].astype(str) + ", " + shown["when"]
    fields = {
        "measure": "Estimate of",
        "scenario": "Scenario",
        "published_time": "Published time",
        "implied": "Capacity the model says it implies (SWU per year)",
        "note": "Note",
        "cited": "",
    }
    return md_list(shown, "title", fields, markup={"cited"})


def work_shares(params: dict) -> dict:
    """The separative work left for one significant quantity from 60% and from 20% feed, in percent of
    the work from natural uranium."""
    swu = per_feed(params, 1.0)["swu"]
    return {"share_60": swu.iloc[2] / swu.iloc[0] * 100, "share_20": swu.iloc[1] / swu.iloc[0] * 100}
