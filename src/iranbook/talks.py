"""The talks chapters' tables, chart frames and sentences, built on :mod:`iranbook.positions`.

Both talks chapters (the Oman channel and the aftermath of the 2026 war) measure the distance
between the sides with the same functions, so a figure means the same wherever it appears.
"""

from __future__ import annotations

import pandas as pd

from . import positions as pos
from .text import and_list, cite, cited, precise_date


def round_label(row) -> str:
    """'12 April 2025, Muscat'."""
    return f"{precise_date(row['date'], row['date_precision'])}, {row['city']}"


def rounds_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """One line per round: when and where, the mediator and format, the heads of delegation, the outcome as
    stated, and its citations (as MyST)."""
    shown = rounds.sort_values("date").copy()
    shown["when"] = [round_label(r) for _, r in shown.iterrows()]
    fmt = shown["format"].astype("string").fillna("")
    shown["how"] = [
        f"{m.replace(';', ' and ')}; {f}" if f else f"{m.replace(';', ' and ')}"
        for m, f in zip(shown["mediator"].astype(str), fmt)
    ]
    shown["heads"] = shown["us_lead"].astype(str) + " (US); " + shown["iran_lead"].astype(str) + " (Iran)"
    shown["result"] = [
        o if s == "held" else f"{s.capitalize()}. {o}"
        for s, o in zip(shown["status"].astype(str), shown["outcome"].astype(str))
    ]
    shown["cited"] = cited(shown)
    return shown


def terms_frame(positions: pd.DataFrame, scale: dict[str, list[str]], labels: dict[str, str]) -> pd.DataFrame:
    """The coded positions as a chart frame: dates, ranges, the terms in words and the tooltip fields."""
    rows = pos.coded(positions).copy()
    rows["actor"] = rows["actor"].astype(str)
    rows["issue"] = rows["issue"].astype(str)
    rows["kind"] = rows["kind"].astype(str)
    rows["issue_label"] = rows["issue"].map(labels)
    rows["when"] = [precise_date(d, p) for d, p in zip(rows["stated_on"], rows["stated_on_precision"])]
    rows["terms"] = [
        pos.term_label(scale, i, lo, hi) + (" (firm)" if f else "")
        for i, lo, hi, f in zip(rows["issue"], rows["term_low"], rows["term_high"], rows["firm"])
    ]
    cols = [
        "id",
        "actor",
        "issue",
        "issue_label",
        "stated_on",
        "when",
        "term_low",
        "term_high",
        "firm",
        "kind",
        "proposal",
        "speaker",
        "terms",
        "words",
        "sources",
    ]
    return rows[cols].reset_index(drop=True)


def with_terms(table: pd.DataFrame, scale: dict[str, list[str]]) -> pd.DataFrame:
    """A :func:`iranbook.positions.compare` or ``by_round`` table with both sides' standing terms in words
    (``us_terms`` for side ``a``, ``iran_terms`` for side ``b``)."""
    words = lambda side: [
        pos.term_label(scale, i, lo, hi)
        for i, lo, hi in zip(table["issue"], table[f"{side}_low"], table[f"{side}_high"])
    ]
    return table.assign(us_terms=words("a"), iran_terms=words("b"))


def gap_frame(
    table: pd.DataFrame,
    positions: pd.DataFrame,
    rounds: pd.DataFrame,
    scale: dict[str, list[str]],
    labels: dict[str, str],
) -> pd.DataFrame:
    """A :func:`iranbook.positions.by_round` table as a chart frame: round and issue labels, both sides'
    terms in words, the gap as text and the sources of the two positions compared."""
    src = positions.set_index("id")["sources"].astype(str)
    names = {r["id"]: round_label(r) for _, r in rounds.iterrows()}
    f = table.copy()
    f["round_label"] = f["round"].map(names)
    f["issue_label"] = f["issue"].map(labels)
    f = with_terms(f, scale)
    f["gap_text"] = ["" if g is None or pd.isna(g) else str(int(g)) for g in f["gap"]]
    f["sources"] = [
        ";".join(dict.fromkeys(k for i in (a, b) if isinstance(i, str) for k in src[i].split(";")))
        for a, b in zip(f["a_id"], f["b_id"])
    ]
    return f


def gap_path(table: pd.DataFrame, issue: str, rounds: pd.DataFrame) -> str:
    """How the gap on ``issue`` ran over the rounds, in words: '3 steps at the rounds of 11 and 23 May 2025;
    1 at ...'. Consecutive rounds with the same gap are grouped."""
    names = {r["id"]: round_label(r) for _, r in rounds.iterrows()}
    rows = table[(table["issue"] == issue) & table["gap"].notna()]
    runs: list[list] = []
    for r in rows.itertuples():
        if runs and runs[-1][0] == r.gap:
            runs[-1][1].append(names[r.round])
        else:
            runs.append([r.gap, [names[r.round]]])
    parts = []
    for n, (g, where) in enumerate(runs):
        unit = ("step" if g == 1 else "steps") if n == 0 else ""
        at = where[0] if len(where) == 1 else f"{where[0]} to {where[-1]}"
        parts.append(
            f"{int(g)}{' ' + unit if unit else ''} at {'the round of ' if len(where) == 1 else 'the rounds from '}{at}"
        )
    return "; ".join(parts)


def move_path(positions: pd.DataFrame, actor: str, issue: str, scale: dict[str, list[str]]) -> str:
    """Each change in ``actor``'s terms on ``issue``, in words: 'capped (14 April 2025), then ...'."""
    m = pos.moves(positions, actor, issue)
    rows = positions.set_index("id")
    steps = [
        f"{pos.lower_first(pos.term_label(scale, issue, *after))} ({precise_date(rows.loc[i, 'stated_on'], rows.loc[i, 'stated_on_precision'])})"
        for i, after in zip(m["id"], m["after"])
    ]
    return ", then ".join(steps)


def round_summary(table: pd.DataFrame, rounds: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Per round: issues compared, their mean share of the scale apart, and the issues with no zone of
    agreement, that narrowed and that widened since the round before."""
    out = []
    for r in rounds.sort_values("date").itertuples():
        t = table[(table["round"] == r.id) & table["gap"].notna()]
        pick = lambda mask, t=t: ", ".join(labels[i] for i in t.loc[mask, "issue"]) or "none"
        out.append(
            {
                "round": r.id,
                "when": f"{precise_date(r.date, r.date_precision)}, {r.city}",
                "compared": len(t),
                "mean_share": float(t["share"].mean()) if len(t) else float("nan"),
                "blocked": pick(t["status"] == pos.BLOCKED),
                "narrowed": pick(t["change"] == pos.NARROWED),
                "widened": pick(t["change"] == pos.WIDENED),
            }
        )
    return pd.DataFrame(out)


def responses(positions: pd.DataFrame, proposals: pd.DataFrame) -> dict[str, list[str]]:
    """For each proposal, the ids of the coded responses that name it."""
    r = positions[positions["kind"].astype(str) == "response"]
    return {p: list(r.loc[r["proposal"] == p, "id"]) for p in proposals["id"]}


def moves_table(
    positions: pd.DataFrame,
    scale: dict[str, list[str]],
    labels: dict[str, str],
    issues: list[str],
    a: str = "US",
    b: str = "Iran",
) -> pd.DataFrame:
    """Every change in the two sides' terms on ``issues``, in date order: when, who, the new terms in words,
    who said them, and whether they moved toward the other side's terms of that day."""
    rows = positions.set_index("id")
    out = []
    for issue in issues:
        for side, other in ((a, b), (b, a)):
            m = pos.moves(positions, side, issue, other)
            for r in m.itertuples():
                row = rows.loc[r.id]
                out.append(
                    {
                        "date": r.date,
                        "when": precise_date(r.date, row["stated_on_precision"]),
                        "side": side,
                        "issue": labels[issue],
                        "terms": pos.term_label(scale, issue, *r.after),
                        "speaker": row["speaker"],
                        "direction": {"toward": f"toward {other}", "away": f"away from {other}"}.get(r.direction, ""),
                        "sources": row["sources"],
                    }
                )
    frame = pd.DataFrame(out, columns=["date", "when", "side", "issue", "terms", "speaker", "direction", "sources"])
    frame = frame.sort_values(["issue", "date", "side"], kind="stable").reset_index(drop=True)
    frame["cited"] = cited(frame)
    return frame


def gap_at(table: pd.DataFrame, round_id: str, issue: str) -> int | None:
    """The gap on ``issue`` at the round ``round_id`` of a :func:`iranbook.positions.by_round` table."""
    hit = table.loc[(table["round"] == round_id) & (table["issue"] == issue), "gap"]
    return None if hit.empty or pd.isna(hit.iloc[0]) else int(hit.iloc[0])


# --- The Oman-channel chapter's figures, by glue key. ---


def before(rounds: pd.DataFrame, war_start) -> pd.DataFrame:
    """The rounds before the 2026 war, in date order."""
    return rounds[rounds["date"] < pd.Timestamp(war_start)].sort_values("date").reset_index(drop=True)


def round_facts(rounds: pd.DataFrame, war_start) -> dict:
    """The rounds before the war: how many, held and cancelled, mediated by Oman and where, by year,
    in mixed format; with the rounds table."""
    from .text import md_table

    b = before(rounds, war_start)
    oman = b[b["mediator"].str.split(";").map(lambda m: "Oman" in m)]
    columns = {
        "when": "Round",
        "how": "Mediator and format",
        "heads": "Heads of delegation",
        "result": "Outcome as stated",
        "cited": "Sources",
    }
    return {
        "first_round": b["date"].iloc[0],
        "n_rounds": len(b),
        "n_held": int((b["status"] == "held").sum()),
        "n_cancelled": int((b["status"] == "cancelled").sum()),
        "n_oman": len(oman),
        "oman_cities": and_list(list(dict.fromkeys(oman["city"]))),
        "n_2025": int((b["date"].dt.year == 2025).sum()),
        "n_2026": int((b["date"].dt.year == 2026).sum()),
        "cancelled_date": b.loc[b["status"] == "cancelled", "date"].iloc[0],
        "n_mixed": int((b["format"] == "mixed").sum()),
        "war_2026": pd.Timestamp(war_start),
        "rounds-table": md_table(
            rounds_table(b),
            columns,
            markup={"cited"},
            long=True,
            widths=[14, 14, 20, 30, 22],
            caption="The rounds of talks before the 2026 war",
        ),
    }


def coding_facts(issues: pd.DataFrame, positions: pd.DataFrame, scale: dict[str, list[str]]) -> dict:
    """The coding of the talks: the scale of each issue (a table), and how many positions, actors,
    coded terms and tabled texts the data holds."""
    from .text import md_table

    labels = dict(zip(issues["id"], issues["label"]))
    rows = pd.DataFrame(
        {
            "issue": [labels[i] for i in issues["id"]],
            "question": issues["question"],
            "terms": [" · ".join(f"{n} {t}" for n, t in enumerate(scale[i])) for i in issues["id"]],
        }
    )
    return {
        "scales-table": md_table(
            rows,
            {"issue": "Issue", "question": "Question", "terms": "Terms, from step 0"},
            long=True,
            widths=[16, 34, 50],
            caption="The scale of terms of each issue",
        ),
        "n_issues": len(issues),
        "n_positions": len(positions),
        "n_actors": positions["actor"].nunique(),
        "n_coded": len(terms_frame(positions, scale, labels)),
        "n_tabled": int((positions["kind"].astype(str) != "statement").sum()),
    }


def both_sides(coded: pd.DataFrame, issues: list[str], a: str = "US", b: str = "Iran") -> list[str]:
    """The issues on which both sides stated terms."""
    return [i for i in issues if {a, b} <= set(coded.loc[coded["issue"] == i, "actor"])]


def others_frame(positions: pd.DataFrame, scale: dict[str, list[str]], labels: dict[str, str]) -> pd.DataFrame:
    """The positions of actors other than the US and Iran, in date order, with their terms in words."""
    others = positions[~positions["actor"].isin(["US", "Iran"])].sort_values(["stated_on", "id"]).copy()
    others["when"] = [precise_date(d, p) for d, p in zip(others["stated_on"], others["stated_on_precision"])]
    others["issue_label"] = others["issue"].astype(str).map(labels)
    others["terms"] = [
        pos.term_label(scale, str(i), lo, hi)
        for i, lo, hi in zip(others["issue"], others["term_low"], others["term_high"])
    ]
    others["cited"] = [cite(k) for k in others["sources"]]
    return others


def moves_facts(positions: pd.DataFrame, proposals: pd.DataFrame, issues: pd.DataFrame, scale) -> dict:
    """How the terms moved: the issues both sides stated terms on, each side's changes of terms on
    enrichment and the 60% stock (tables) and how many moved toward the other side, and the other
    actors' positions (a table)."""
    from .story import named_one
    from .text import md_table

    labels = dict(zip(issues["id"], issues["label"]))
    coded = terms_frame(positions, scale, labels)
    moves = moves_table(positions, scale, labels, ["enrichment", "stock_60"])
    others = others_frame(positions, scale, labels)
    dated = proposals.set_index("id")["date"]
    out = {
        "n_both": len(both_sides(coded, list(issues["id"]))),
        "n_us_moves": int((moves["side"] == "US").sum()),
        "n_iran_moves": int((moves["side"] == "Iran").sum()),
        "n_toward": int(moves["direction"].str.startswith("toward").sum()),
        "n_others": len(others),
        "n_other_actors": others["actor"].nunique(),
        "others-table": md_table(
            others,
            {"actor": "Actor", "when": "Date", "issue_label": "Issue", "terms": "Terms", "words": "Words"}
            | {"cited": "Sources"},
            markup={"cited"},
            long=True,
            widths=[8, 10, 11, 17, 36, 18],
            caption="The positions of the other actors, coded on the same scales",
        ),
    } | {key: dated[row_id] for key, row_id in named_one("proposals").items()}
    columns = {"when": "Date", "side": "Side", "terms": "New terms", "speaker": "Said by", "direction": "Moved"}
    for key, issue in [("moves-enrichment", "enrichment"), ("moves-stock", "stock_60")]:
        out[key] = md_table(
            moves[moves["issue"] == labels[issue]],
            columns | {"cited": "Sources"},
            markup={"cited"},
            long=True,
            widths=[12, 6, 24, 28, 10, 20],
            caption=f"Each change of terms on {labels[issue].lower()}",
        )
    return out


def gap_facts(table: pd.DataFrame, held: pd.DataFrame, summary: pd.DataFrame, war_start) -> dict:
    """The gap on enrichment (and the 60% stock) at the rounds the prose names: the last of 2025, the
    first Muscat round of 2026, the last before the war, Islamabad and the last (Bürgenstock); how many
    rounds had an issue with no zone of agreement; and the issues compared, overlapping and apart at
    the last round; with the round-by-round summary table."""
    from .text import md_table

    order = held.sort_values("date")
    last_2025 = order[order["date"].dt.year == 2025]["id"].iloc[-1]
    last_geneva = order[order["date"] < pd.Timestamp(war_start)]["id"].iloc[-1]
    islamabad = order[order["city"] == "Islamabad"]["id"].iloc[0]
    muscat_2026 = order[(order["city"] == "Muscat") & (order["date"].dt.year == 2026)]["id"].iloc[0]
    last = order["id"].iloc[-1]
    at_last = table[(table["round"] == last) & table["gap"].notna()]
    shown = summary.assign(share=summary["mean_share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}"))
    columns = {
        "when": "Round",
        "compared": "Issues compared",
        "share": "Mean gap (share of scale)",
        "blocked": "No zone of agreement",
        "narrowed": "Narrowed",
        "widened": "Widened",
    }
    return {
        "gap_muscat": gap_at(table, muscat_2026, "enrichment"),
        "gap_2025": gap_at(table, last_2025, "enrichment"),
        "gap_feb": gap_at(table, last_geneva, "enrichment"),
        "gap_feb_stock": gap_at(table, last_geneva, "stock_60"),
        "gap_isl": gap_at(table, islamabad, "enrichment"),
        "gap_burg": gap_at(table, last, "enrichment"),
        "n_held_all": len(held),
        "n_rounds_blocked": int((summary["blocked"] != "none").sum()),
        "burgenstock": order["date"].iloc[-1],
        "burgenstock_compared": len(at_last),
        "burgenstock_overlap": int((at_last["gap"] == 0).sum()),
        "burgenstock_apart": int((at_last["gap"] > 0).sum()),
        "round-summary": md_table(
            shown,
            columns,
            long=True,
            widths=[20, 10, 12, 22, 18, 18],
            caption="How far apart the sides were, round by round",
        ),
    }


def proposal_facts(proposals: pd.DataFrame, coded: pd.DataFrame) -> dict:
    """The proposals: how many, on enrichment and on the stock, and the table of each with its coded
    terms and the replies coded to it."""
    from .text import md_table

    has = proposals["issues"].fillna("").astype(str)
    shown = proposals.sort_values("date").copy()
    shown["by"] = [
        f"{p}, {precise_date(d, q)}"
        for p, d, q in zip(shown["proposer"].astype(str), shown["date"], shown["date_precision"])
    ]
    terms = coded[coded["kind"] == "proposal"].groupby("proposal")["terms"].apply(lambda t: "; ".join(t))
    shown["coded"] = shown["id"].map(terms).fillna("")
    replies = coded[coded["kind"] == "response"]
    replies = replies.assign(
        said=replies["actor"] + ", " + replies["when"] + ": " + replies["terms"].map(pos.lower_first)
    )
    shown["replies"] = shown["id"].map(replies.groupby("proposal")["said"].apply(lambda t: "; ".join(t))).fillna("")
    shown["cited"] = [cite(k) for k in shown["sources"]]
    columns = {"by": "Proposed by", "proposal": "Proposal", "coded": "Terms coded", "response": "Reply reported"}
    return {
        "n_proposals": len(proposals),
        "n_proposals_enrichment": int(has.str.contains("enrichment").sum()),
        "n_proposals_stock": int(has.str.contains("stock_60").sum()),
        "proposals-table": md_table(
            shown,
            columns | {"replies": "Replies coded", "cited": "Sources"},
            markup={"cited"},
            long=True,
            widths=[10, 26, 12, 20, 12, 20],
            caption="The proposals and the replies they got",
        ),
    }


def space_sentence(positions: pd.DataFrame, issues: pd.DataFrame, scale, war_start) -> str:
    """How the gap moved on each issue from before the war to since: 'the gap narrowed on …; widened on
    …, and on the other N of the M issues one side or both stated no terms before the war or none since.'"""
    labels = dict(zip(issues["id"], issues["label"]))
    ids = list(issues["id"])
    since = pos.before_after(positions, "US", "Iran", ids, scale, war_start)

    def said(verdict):
        return [pos.lower_first(labels[i]) for i in since.loc[since["verdict"] == verdict, "issue"]]

    parts = [f"the gap {v} on {and_list(said(v))}" for v in [pos.NARROWED, pos.WIDENED, pos.UNCHANGED] if said(v)]
    rest = f"on the other {len(said(pos.UNKNOWN))} of the {len(ids)} issues one side or both stated no terms before the war or none since."
    return ("; ".join(parts) + ", and " if parts else "") + rest
