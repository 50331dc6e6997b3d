"""Iran's nuclear material and capability: the figures of the nuclear chapter, each a function of the data.

* :func:`stock_levels` and :func:`stock_facts`: the IAEA's figures for the enriched stock by level;
* :func:`production_rates` and :func:`rate_facts`: how fast the stock enriched up to 60% grew between
  two IAEA figures, in kg of uranium a month, and the acceleration of late 2024;
* :func:`capacity_record`: every capacity figure, stated by its estimator or implied (by the book's
  model) by a published breakout estimate, on one time axis;
* :func:`scenarios` and :func:`scenario_facts`: the breakout model run on explicit, labelled scenarios
  (the capacity before the wars, and a covert plant of stated size after them).

The figures are the IAEA's as the sources quote them (its reports are confidential) and the
scenarios are the book's assumptions, each stated; neither is a prediction.
"""

from __future__ import annotations

import pandas as pd

from . import breakout as bo
from . import explorer
from .text import md_table

#: Days in an average month, for rates per month.
DAYS_PER_MONTH = bo.DAYS_PER_YEAR / 12
#: The levels the IAEA reports, lowest first; 'total' is all enriched uranium.
LEVELS = ["up to 2%", "up to 5%", "up to 20%", "up to 60%", "total"]


def stock_levels(stock: pd.DataFrame) -> pd.DataFrame:
    """The IAEA's figures by level, in date order, with the level and verification as text."""
    out = stock.sort_values(["as_of", "level"]).copy()
    out["level"] = out["level"].astype(str)
    out["verification"] = out["verification"].astype(str)
    out.attrs.update(stock.attrs)
    return out


def stock_facts(stock: pd.DataFrame) -> dict:
    """How many IAEA figures the book holds by level, the first and last 60% figures, and the last
    figures for 20% and for the total, with their dates."""
    s = stock_levels(stock)
    out = {"n_figures": len(s), "n_report_dates": s["as_of"].nunique()}
    for level, key in (("up to 60%", "60"), ("up to 20%", "20"), ("total", "total")):
        rows = s[s["level"] == level]
        out[f"n_{key}"] = len(rows)
        out[f"first_{key}_kg"], out[f"first_{key}_date"] = float(rows["kg_u"].iloc[0]), rows["as_of"].iloc[0]
        out[f"last_{key}_kg"], out[f"last_{key}_date"] = float(rows["kg_u"].iloc[-1]), rows["as_of"].iloc[-1]
    out["growth_60_x"] = out["last_60_kg"] / out["first_60_kg"]
    out["n_unverified"] = int((s["verification"] != "verified").sum())
    return out


def production_rates(stock: pd.DataFrame, level: str = "up to 60%") -> pd.DataFrame:
    """The growth of the stock at ``level`` between consecutive IAEA figures: ``start`` and ``end``
    (as-of dates), ``added`` (kg of uranium; negative where material was diluted or used), ``days`` and
    ``per_month`` (kg a month, over the days between the two figures), with both figures' sources."""
    s = stock_levels(stock)
    s = s[s["level"] == level].reset_index(drop=True)
    rows = []
    for before, after in zip(s.iloc[:-1].itertuples(), s.iloc[1:].itertuples()):
        days = (after.as_of - before.as_of).days
        if days <= 0:
            raise ValueError(f"iaea_stockpile: two {level} figures share the date {after.as_of:%Y-%m-%d}")
        added = float(after.kg_u) - float(before.kg_u)
        rows.append(
            {
                "start": before.as_of,
                "end": after.as_of,
                "from_kg": float(before.kg_u),
                "to_kg": float(after.kg_u),
                "added": added,
                "days": days,
                "per_month": added / days * DAYS_PER_MONTH,
                "mid": before.as_of + (after.as_of - before.as_of) / 2,
                "sources": ";".join(dict.fromkeys(f"{before.sources};{after.sources}".split(";"))),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs.update(stock.attrs)
    return out


def rate_facts(stock: pd.DataFrame, pivot="2024-12-01") -> dict:
    """The 60% stock's production rate: the mean monthly rate before and after ``pivot`` (the IAEA's
    report of the acceleration at Fordow), weighted by days, and the fastest interval."""
    rates = production_rates(stock)
    pivot = pd.Timestamp(pivot)
    before, after = rates[rates["end"] <= pivot], rates[rates["start"] >= pivot]

    def mean(r):
        return float(r["added"].sum() / r["days"].sum() * DAYS_PER_MONTH)

    top = rates.loc[rates["per_month"].idxmax()]
    return {
        "n_intervals": len(rates),
        "rate_before": mean(before),
        "rate_after": mean(after),
        "rate_ratio": mean(after) / mean(before),
        "rate_top": float(top["per_month"]),
        "rate_top_from": top["start"],
        "rate_top_to": top["end"],
        "rate_pivot": pivot,
    }


def capacity_record(capacity: pd.DataFrame, implied: pd.DataFrame) -> pd.DataFrame:
    """Every enrichment-capacity figure on one axis: those stated (``kind`` 'stated', with the
    estimator's figure) and those the book's model infers from a published breakout estimate
    (``kind`` 'implied by an estimate', a range from its ``low`` to its ``high``)."""
    stated = pd.DataFrame(
        {
            "date": capacity["as_of"],
            "estimator": capacity["estimator"].astype(str),
            "kind": "stated",
            "low": capacity["swu_per_year"].astype(float),
            "high": capacity["swu_per_year"].astype(float),
            "what": capacity["note"].astype(str),
            "sources": capacity["sources"],
        }
    )
    modelled = implied[implied["implied_low"].notna()]
    inferred = pd.DataFrame(
        {
            "date": modelled["published"],
            "estimator": modelled["estimator"].astype(str),
            "kind": "implied by an estimate",
            "low": modelled[["implied_low", "implied_high"]].min(axis=1).astype(float),
            "high": modelled[["implied_low", "implied_high"]].max(axis=1).astype(float),
            "what": modelled["scenario"].astype(str) + " (" + modelled["published_time"].astype(str) + ")",
            "sources": modelled["sources"],
        }
    )
    out = pd.concat([stated, inferred], ignore_index=True).sort_values(["date", "kind"]).reset_index(drop=True)
    out.attrs.update(capacity.attrs)
    return out


#: The book's breakout scenarios: (label, share of the last 60% stock assumed available, capacity in SWU a
#: year, or a key: "prewar" for the highest capacity the published estimates imply). Assumptions, not findings.
SCENARIOS = [
    ("Before the wars: the whole stock, the capacity the estimates imply", 1.0, "prewar"),
    ("Before the wars: the whole stock, the 2020 capacity figure", 1.0, "stated"),
    ("After the wars: half the stock recovered, a covert plant of 1,000 SWU a year", 0.5, 1000.0),
    ("After the wars: a quarter of the stock, a covert plant of 500 SWU a year", 0.25, 500.0),
]


def scenarios(params: dict, stock: pd.DataFrame, capacity: pd.DataFrame, implied: pd.DataFrame) -> pd.DataFrame:
    """The breakout model on each of :data:`SCENARIOS`, at the central tails assay: the stock and the
    capacity assumed, the days to the first significant quantity, the quantities the stock assumed
    yields and the days for all of them."""
    from .war import explorer_inputs

    x = explorer_inputs(params, capacity, stock)  # the last 60% stock, the newest capacity, the central tails
    prewar = float(implied["implied_high"].max())
    rows = []
    for label, share, cap in SCENARIOS:
        swu = {"prewar": prewar, "stated": float(x["swu_per_year"])}.get(cap, cap)
        kg = float(x["stock_kg"]) * share
        result = explorer.model(kg, float(swu), x["tails_pct"], x["sq_kg"], x["feed"], x["product"])
        rows.append({"scenario": label, "stock_kg": kg, "capacity": float(swu), **result})
    return pd.DataFrame(rows)


def scenario_facts(params: dict, stock: pd.DataFrame, capacity: pd.DataFrame, implied: pd.DataFrame) -> dict:
    """The scenarios' table and the figures the prose quotes (the fastest and slowest first quantity)."""
    table = scenarios(params, stock, capacity, implied)
    shown = table.assign(
        stock=table["stock_kg"].map(lambda v: f"{v:,.0f} kg"),
        swu=table["capacity"].map(lambda v: f"{v:,.0f}"),
        first=table["days_first"].map(lambda v: f"{v:,.1f}"),
        n=table["n_stock"].map(lambda v: f"{v:,.1f}"),
        all_=table["days_all"].map(lambda v: f"{v:,.0f}"),
    )
    columns = {
        "scenario": "Scenario (the book's assumptions)",
        "stock": "60% stock assumed",
        "swu": "Capacity (SWU a year)",
        "first": "Days to the first quantity",
        "n": "Quantities",
        "all_": "Days for all",
    }
    return {
        "scenarios-table": md_table(
            shown, columns, long=True, widths=[36, 12, 12, 14, 12, 14], caption="The breakout model on four scenarios"
        ),
        "scenario_fast": float(table["days_first"].min()),
        "scenario_slow": float(table["days_first"].max()),
        "scenario_prewar_swu": float(table["capacity"].iloc[0]),
        "scenario_covert_swu": float(table["capacity"].iloc[2]),
        "scenario_covert_days": float(table["days_first"].iloc[2]),
        "n_scenarios": len(table),
    }


#: How the safeguards record sorts the timeline's IAEA events: the first kind whose words the event's
#: description contains (a reading aid for the chart, not a finding).
SAFEGUARDS_KINDS = [
    ("Board of Governors", ("Board",)),
    ("Access and inspections", ("inspect", "access", "Additional Protocol", "cameras", "monitoring")),
    ("Findings and reports", ("report", "particles", "found", "assessment", "says", "said")),
]


def safeguards_kind(description: str) -> str:
    """The kind of a timeline IAEA event for the safeguards chart (see :data:`SAFEGUARDS_KINDS`)."""
    for kind, words in SAFEGUARDS_KINDS:
        if any(w.lower() in description.lower() for w in words):
            return kind
    return "Other"


def safeguards_record(timeline: pd.DataFrame, cutoff) -> pd.DataFrame:
    """The timeline's IAEA events to the ``cutoff``, each with its ``kind`` (:func:`safeguards_kind`)."""
    events = timeline[(timeline["category"].astype(str) == "IAEA") & (timeline["date"] <= pd.Timestamp(cutoff))]
    out = events[["id", "date", "date_precision", "description", "sources"]].copy()
    out["kind"] = [safeguards_kind(d) for d in out["description"]]
    out.attrs.update(timeline.attrs)
    return out.reset_index(drop=True)
