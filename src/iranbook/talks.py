"""The talks chapters' tables, chart frames and sentences, built on :mod:`iranbook.positions`.

Both talks chapters (the Oman channel and the aftermath of the 2026 war) measure the distance
between the sides with the same functions, so a figure means the same wherever it appears.
"""

from __future__ import annotations

import pandas as pd

from . import positions as pos
from .text import cited, precise_date


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
