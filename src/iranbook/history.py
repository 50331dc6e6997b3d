"""The history chapter's figures: the eras of the file, the Security Council's resolutions, the
enrichment levels and the stock against the JCPOA's cap, each a function of the data.

Which events open an era is an editorial choice kept in ``data/eras.csv``; where the chapter ends
is the milestone ``talks_2025`` (``data/milestones.csv``).
"""

from __future__ import annotations

import pandas as pd

from .data import sources_of
from .text import cited, long_date, md_escape, md_table


def periodise(timeline: pd.DataFrame, eras: pd.DataFrame, end) -> pd.DataFrame:
    """The timeline's records before ``end``, each with its ``era``: the last era opened on or before
    its date (eras open at their ``opens`` record's date, in the file's order)."""
    dates = timeline.set_index("id")["date"]
    starts = [dates[e] for e in eras["opens"]]
    if starts != sorted(starts):
        raise ValueError("data/eras.csv: the eras must be listed in the order they open")
    history = timeline[timeline["date"] < pd.Timestamp(end)].copy()
    history["era"] = pd.cut(history["date"], bins=[*starts, pd.Timestamp(end)], right=False, labels=list(eras["name"]))
    return history


def era_facts(history: pd.DataFrame, eras: pd.DataFrame, end) -> dict:
    """How many events, eras and sources the chapter's timeline holds, its first event, where it
    ends, and the table of the eras (first and last year, events)."""
    table = (
        history.groupby("era", observed=True)
        .agg(first=("date", "min"), last=("date", "max"), events=("id", "size"))
        .reset_index()
    )
    table["from"], table["to"] = table["first"].dt.year, table["last"].dt.year
    return {
        "n_events": len(history),
        "n_eras": len(eras),
        "n_sources": len(sources_of(history)),
        "first_event": history["date"].min(),
        "end_month": pd.Timestamp(end).strftime("%B %Y"),
        "era-table": md_table(
            table,
            {"era": "Era", "from": "From", "to": "To", "events": "Events"},
            caption="The eras of the file and the timeline events in each",
        ),
    }


def _members(value) -> str:
    return "" if pd.isna(value) else str(value).replace(";", ", ")


def resolution_rows(resolutions: pd.DataFrame) -> pd.DataFrame:
    """The resolutions and failed drafts in date order, with their names, votes and citations in words."""
    res = resolutions.sort_values("date").copy()
    res["vote"] = [f"{r.votes_for}-{r.votes_against}-{r.votes_abstaining}" for r in res.itertuples()]
    res["against_or_abstaining"] = [
        "; ".join(
            part
            for part in (
                f"against: {_members(r.against)}" if _members(r.against) else "",
                f"abstaining: {_members(r.abstaining)}" if _members(r.abstaining) else "",
            )
            if part
        )
        or "none"
        for r in res.itertuples()
    ]
    names = [("Resolution " + r.id) if r.kind == "resolution" else "Draft (not adopted)" for r in res.itertuples()]
    res["name"] = [n + (f" ({b})" if b else "") for n, b in zip(names, res["charter_basis"].fillna(""))]
    res["cited"] = cited(res)
    res["vote_cell"] = [
        f"{long_date(r.date)}: {r.vote}"
        + ("" if r.against_or_abstaining == "none" else f" ({r.against_or_abstaining})")
        for r in res.itertuples()
    ]
    return res


def resolution_facts(resolutions: pd.DataFrame) -> dict:
    """The resolutions adopted, unanimously, and the failed drafts; the table of votes and the list of
    provisions (a list, which breaks across printed pages, rather than long table cells)."""
    res = resolution_rows(resolutions)
    columns = {
        "name": "Resolution (Charter basis where stated)",
        "vote_cell": "Vote: for-against-abstaining",
        "snapback_status": "After the snapback",
        "cited": "Sources",
    }
    table = md_table(res, columns, markup={"cited"})
    caption = "The Security Council resolutions on Iran's nuclear programme and the failed drafts on continuing relief"
    adopted = res[res["kind"] == "resolution"]
    return {
        "history-provisions": "\n".join(
            f"- **{md_escape(name)}**: {md_escape(text)} {c}"
            for name, text, c in zip(res["name"], res["provisions"], res["cited"])
        ),
        "history-resolutions": f"```{{table}} {caption}\n:name: tab-history-resolutions\n:widths: 25 35 15 25\n\n"
        + table
        + "\n```",
        "n_resolutions": len(adopted),
        "n_unanimous": int((adopted["votes_for"] == 15).sum()),
        "n_drafts": int((res["kind"] == "draft").sum()),
    }


def level_frame(levels: pd.DataFrame) -> pd.DataFrame:
    """The enrichment levels with their measure as text (for the chart)."""
    lv = levels.copy()
    lv["measure"] = lv["measure"].astype(str)
    lv.attrs.update(levels.attrs)
    return lv


def level_facts(levels: pd.DataFrame) -> dict:
    """The JCPOA's limit, the highest level produced (and when), the highest particles found (and when),
    and the weapons-grade reference."""
    lv = level_frame(levels)
    produced = lv[lv["measure"] == "highest level produced"]
    top = produced.loc[produced["level_pct"].idxmax()]
    particles = lv[lv["measure"] == "highest particles found"].iloc[0]
    return {
        "jcpoa_limit_pct": float(lv.loc[lv["measure"] == "JCPOA limit", "level_pct"].iloc[0]),
        "top_level_pct": float(top["level_pct"]),
        "top_level_date": top["date"],
        "particles_pct": float(particles["level_pct"]),
        "particles_date": particles["date"],
        "weapons_pct": float(lv.loc[lv["measure"] == "weapons-grade reference", "level_pct"].iloc[0]),
    }


def level_values(levels: pd.DataFrame) -> dict:
    """Each enrichment level in percent, by glue key ``lv-<id>``."""
    return {f"lv-{row.id}": float(row.level_pct) for row in levels.itertuples()}


def stock_totals(stock: pd.DataFrame) -> pd.DataFrame:
    """The IAEA's total enriched stock in date order, with its multiple of the JCPOA cap (``times_cap``)."""
    totals = stock[stock["level"] == "total"].sort_values("as_of").copy()
    totals["level"] = totals["level"].astype(str)
    totals["verification"] = totals["verification"].astype(str)
    totals["times_cap"] = totals["kg_u"] / totals["jcpoa_limit_kg_u"]
    totals.attrs.update(stock.attrs)
    return totals


def stock_facts(stock: pd.DataFrame) -> dict:
    """The JCPOA cap, the first and last total stocks (and their multiples of the cap), and how many
    totals there are and how many were estimates rather than verified figures."""
    totals = stock_totals(stock)
    first, last = totals.iloc[0], totals.iloc[-1]
    return {
        "cap_kg": float(totals["jcpoa_limit_kg_u"].iloc[0]),
        "first_total_kg": first["kg_u"],
        "first_total_date": first["as_of"],
        "first_times_cap": first["times_cap"],
        "last_total_kg": last["kg_u"],
        "last_total_date": last["as_of"],
        "last_times_cap": last["times_cap"],
        "n_totals": len(totals),
        "n_total_estimates": int((totals["verification"] != "verified").sum()),
    }


def limits_table(limits: pd.DataFrame) -> str:
    """The JCPOA's limits and verification provisions, with how long each was to last, as a long table."""
    shown = limits.copy()
    shown["lasts"] = [
        ("permanent" if str(p).startswith("Commitment") else "not stated") if pd.isna(y) else f"{y:g} years"
        for p, y in zip(shown["provision"], shown["years"])
    ]
    shown["cited"] = cited(shown)
    columns = {"provision": "Provision", "limit": "What the deal set", "lasts": "For", "cited": "Sources"}
    return md_table(
        shown,
        columns,
        markup={"cited"},
        long=True,
        widths=[16, 48, 11, 25],
        caption="The JCPOA's limits and verification provisions beyond the enrichment level and the stock",
    )


def seed_facts(claims: pd.DataFrame, resolutions: pd.DataFrame) -> dict:
    """How many of the first commissioning article's claims other chapters check, and which of the
    resolutions the snapback restored its list of resolutions leaves out."""
    from .claims import for_chapter
    from .story import named

    restored = set(resolutions.loc[resolutions["snapback_status"] == "restored", "id"])
    return {
        "seed_claims_elsewhere": int((claims["seed"] == "seed2026amargi").sum()) - len(for_chapter(claims, "history")),
        "seed_missing_resolutions": ", ".join(
            sorted(restored - set(named("un_resolutions")["seed_listed_resolutions"]))
        ),
    }
