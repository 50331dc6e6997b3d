"""The talks on their terms: how far apart the sides' stated terms were, issue by issue and round by round.

Each issue has a **scale of terms** (``data/term_scales.csv``), ordered from the outcome Iran argued
for (step 0) to the furthest US or Israeli demand. A stated position (``data/positions.csv``) is
coded as the range of steps its words leave open (``term_low`` to ``term_high``): "enrichment is
not negotiable, though its level can be adjusted" leaves open "no new cap" and "capped", steps 0
to 1. Rows whose words state no term are kept as statements and left out of the arithmetic.

The rules (also printed in the Methods appendix):

- A side's **standing terms** on an issue at a date are those of its latest coded row on or before
  that date. On a day when a side both spoke and tabled terms, the tabled terms count: a proposal
  before a response, a response before a statement, and a later row id last.
- The **gap** between two sides is the number of steps between their ranges: zero when the ranges
  share a step, otherwise the steps from the top of the lower range to the bottom of the
  higher one. It is the smallest move that would have closed the distance on the stated terms.
- The **share** is the gap over the length of the scale (its steps minus one): 1 when one side
  stands at one end and the other at the other.
- The **status**: *terms overlap* when the gap is zero; *no zone of agreement* when there is a gap
  and either side called its terms firm (non-negotiable, a red line, a must, a precondition);
  *apart* when there is a gap and neither did; *not comparable* when a side has no coded terms.
- Between two rounds the gap **narrowed**, **widened** or was **unchanged**; a side **moved
  toward** the other when its range's midpoint moved toward the other side's midpoint.
"""

from __future__ import annotations

import pandas as pd

OVERLAP = "terms overlap"
APART = "apart"
BLOCKED = "no zone of agreement"
UNKNOWN = "not comparable"
STATUSES = [BLOCKED, APART, OVERLAP, UNKNOWN]

NARROWED, WIDENED, UNCHANGED, FIRST = "narrowed", "widened", "unchanged", "first comparable"

_KIND_RANK = {"statement": 0, "response": 1, "proposal": 2}


def scales(term_scales: pd.DataFrame) -> dict[str, list[str]]:
    """Each issue's terms, in the order of their steps."""
    out: dict[str, list[str]] = {}
    for row in term_scales.sort_values(["issue", "step"]).itertuples():
        out.setdefault(str(row.issue), []).append(str(row.term))
    return out


def coded(positions: pd.DataFrame) -> pd.DataFrame:
    """The rows whose words state a term, ordered as the standing-terms rule reads them."""
    rows = positions[positions["term_low"].notna()].copy()
    rows["_rank"] = rows["kind"].astype(str).map(_KIND_RANK).fillna(0)
    return rows.sort_values(["stated_on", "_rank", "id"]).drop(columns="_rank")


def standing(positions: pd.DataFrame, actor: str, issue: str, as_of=None, since=None):
    """``actor``'s latest coded row on ``issue`` stated on or before ``as_of`` (and on or after
    ``since``), as a pandas row, or None when it had stated no term."""
    rows = coded(positions)
    rows = rows[(rows["actor"].astype(str) == actor) & (rows["issue"].astype(str) == issue)]
    if as_of is not None:
        rows = rows[rows["stated_on"] <= pd.Timestamp(as_of)]
    if since is not None:
        rows = rows[rows["stated_on"] >= pd.Timestamp(since)]
    return rows.iloc[-1] if len(rows) else None


def gap(a, b) -> int | None:
    """Steps between two ranges ``(low, high)``; 0 when they share a step, None when one is missing."""
    if a is None or b is None:
        return None
    (a_low, a_high), (b_low, b_high) = a, b
    return int(max(0, a_low - b_high, b_low - a_high))


def status(steps: int | None, firm_a: bool = False, firm_b: bool = False) -> str:
    """The status of a gap of ``steps`` (see the module's rules)."""
    if steps is None:
        return UNKNOWN
    if steps == 0:
        return OVERLAP
    return BLOCKED if (firm_a or firm_b) else APART


def _range(row) -> tuple[int, int] | None:
    return None if row is None else (int(row["term_low"]), int(row["term_high"]))


def _mid(r: tuple[int, int] | None) -> float | None:
    return None if r is None else (r[0] + r[1]) / 2


def compare(
    positions: pd.DataFrame, a: str, b: str, issues: list[str], scale: dict[str, list[str]], as_of=None, since=None
) -> pd.DataFrame:
    """For each issue, ``a``'s and ``b``'s standing terms by ``as_of`` (from ``since``), the gap, its share
    of the scale and the status."""
    rows = []
    for issue in issues:
        ra, rb = standing(positions, a, issue, as_of, since), standing(positions, b, issue, as_of, since)
        steps = gap(_range(ra), _range(rb))
        length = max(len(scale[issue]) - 1, 1)
        rows.append(
            {
                "issue": issue,
                "a_id": None if ra is None else ra["id"],
                "a_low": None if ra is None else int(ra["term_low"]),
                "a_high": None if ra is None else int(ra["term_high"]),
                "a_firm": bool(ra is not None and ra["firm"]),
                "b_id": None if rb is None else rb["id"],
                "b_low": None if rb is None else int(rb["term_low"]),
                "b_high": None if rb is None else int(rb["term_high"]),
                "b_firm": bool(rb is not None and rb["firm"]),
                "gap": steps,
                "share": None if steps is None else steps / length,
                "status": status(steps, ra is not None and bool(ra["firm"]), rb is not None and bool(rb["firm"])),
            }
        )
    return pd.DataFrame(rows)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _toward(before, after, other) -> str:
    """Whether a side's range moved toward the other side's (midpoints), away from it, or not at all."""
    m0, m1, mo = _mid(before), _mid(after), _mid(other)
    if m0 is None or m1 is None or m1 == m0:
        return ""
    if mo is None:
        return "moved"
    return "toward" if abs(mo - m1) < abs(mo - m0) else "away"


def by_round(
    positions: pd.DataFrame, rounds: pd.DataFrame, a: str, b: str, issues: list[str], scale: dict[str, list[str]]
) -> pd.DataFrame:
    """:func:`compare` at the date of every round (in date order), with how each gap changed since the
    previous round at which it could be compared and which side's terms moved, in which direction."""
    out = []
    last: dict[str, dict] = {}
    for rnd in rounds.sort_values("date").itertuples():
        table = compare(positions, a, b, issues, scale, rnd.date)
        for row in table.to_dict("records"):
            row = {k: (None if _missing(v) else v) for k, v in row.items()}
            row.update(round=rnd.id, date=rnd.date)
            prev = last.get(row["issue"])
            if row["gap"] is None:
                row["change"] = ""
            elif prev is None:
                row["change"] = FIRST
            else:
                row["change"] = (
                    NARROWED if row["gap"] < prev["gap"] else WIDENED if row["gap"] > prev["gap"] else UNCHANGED
                )
            for side, other in (("a", "b"), ("b", "a")):
                now = None if row[f"{side}_low"] is None else (row[f"{side}_low"], row[f"{side}_high"])
                then = (
                    None if prev is None or prev[f"{side}_low"] is None else (prev[f"{side}_low"], prev[f"{side}_high"])
                )
                there = None if row[f"{other}_low"] is None else (row[f"{other}_low"], row[f"{other}_high"])
                row[f"{side}_moved"] = _toward(then, now, there)
            out.append(row)
            if row["gap"] is not None:
                last[row["issue"]] = row
    cols = [
        "round",
        "date",
        "issue",
        "a_id",
        "a_low",
        "a_high",
        "a_firm",
        "b_id",
        "b_low",
        "b_high",
        "b_firm",
        "gap",
        "share",
        "status",
        "change",
        "a_moved",
        "b_moved",
    ]
    return pd.DataFrame(out, columns=cols)


def moves(positions: pd.DataFrame, actor: str, issue: str, other: str | None = None) -> pd.DataFrame:
    """Every change in ``actor``'s standing terms on ``issue`` (one per day at most: the terms standing at
    the day's end): the row it changed at, the range before
    and after, and (given ``other``) whether it moved toward ``other``'s standing terms of that day."""
    rows = coded(positions)
    mine = rows[(rows["actor"].astype(str) == actor) & (rows["issue"].astype(str) == issue)]
    mine = mine.groupby("stated_on", sort=False).tail(1)  # a day's terms are those standing at its end
    out, before = [], None
    for row in mine.itertuples():
        now = (int(row.term_low), int(row.term_high))
        if now != before:
            there = _range(standing(positions, other, issue, row.stated_on)) if other else None
            out.append(
                {
                    "id": row.id,
                    "date": row.stated_on,
                    "before": before,
                    "after": now,
                    "direction": _toward(before, now, there) if before else "",
                }
            )
            before = now
    return pd.DataFrame(out, columns=["id", "date", "before", "after", "direction"])


def before_after(
    positions: pd.DataFrame, a: str, b: str, issues: list[str], scale: dict[str, list[str]], split
) -> pd.DataFrame:
    """Each issue's gap on the terms standing the day before ``split`` and on the terms stated since
    ``split`` alone, with a verdict: narrowed, widened, unchanged or not comparable."""
    eve = pd.Timestamp(split) - pd.Timedelta(days=1)
    before = compare(positions, a, b, issues, scale, as_of=eve).set_index("issue")
    after = compare(positions, a, b, issues, scale, since=split).set_index("issue")
    rows = []
    for issue in issues:
        g0, g1 = before.loc[issue, "gap"], after.loc[issue, "gap"]
        g0 = None if _missing(g0) else int(g0)
        g1 = None if _missing(g1) else int(g1)
        verdict = UNKNOWN if g0 is None or g1 is None else NARROWED if g1 < g0 else WIDENED if g1 > g0 else UNCHANGED
        rows.append(
            {
                "issue": issue,
                "gap_before": g0,
                "status_before": before.loc[issue, "status"],
                "gap_after": g1,
                "status_after": after.loc[issue, "status"],
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def blocked_issues(table: pd.DataFrame) -> list[str]:
    """The issues of a :func:`compare` or :func:`by_round` table with no zone of agreement."""
    return list(table.loc[table["status"] == BLOCKED, "issue"])


def term_label(scale: dict[str, list[str]], issue: str, low, high) -> str:
    """A coded range in words: one term, or 'from X to Y'."""
    if low is None or pd.isna(low):
        return "no term stated"
    low, high = int(low), int(high)
    terms = scale[issue]
    return terms[low] if low == high else f"{terms[low]} to {lower_first(terms[high])}"


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, for a term inside a sentence ('No enrichment in Iran'
    becomes 'no enrichment in Iran')."""
    return text[:1].lower() + text[1:]
