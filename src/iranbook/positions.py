"""Coded negotiating positions: each actor's latest stance as of a date, and zones of agreement.

A stance in the ``positions`` dataset is coded against its issue's proposition: ``demand``
(insists on it), ``acceptable`` (could accept it) or ``red line`` (refuses it outright). Two
sides have **no zone of agreement** on an issue when one demands what the other refuses.
"""

from __future__ import annotations

import pandas as pd

NO_POSITION = "no stated position"
BLOCKED = "no zone of agreement"
OPEN = "not blocked"
UNKNOWN = "unknown"


def latest(positions: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Each actor's most recent stance on each issue stated on or before ``as_of`` (all rows if None)."""
    rows = positions if as_of is None else positions[positions["stated_on"] <= pd.Timestamp(as_of)]
    return (rows.sort_values(["stated_on", "id"]).groupby(["actor", "issue"], observed=True).tail(1)
            .reset_index(drop=True))


def stance(positions: pd.DataFrame, actor: str, issue: str, as_of=None) -> str:
    """The code of ``actor``'s latest stance on ``issue`` by ``as_of``, or ``no stated position``."""
    rows = latest(positions, as_of)
    hit = rows[(rows["actor"].astype(str) == actor) & (rows["issue"].astype(str) == issue)]
    return str(hit["code"].iloc[0]) if len(hit) else NO_POSITION


def zone(code_a: str, code_b: str) -> str:
    """Whether two coded stances leave a zone of agreement."""
    if NO_POSITION in (code_a, code_b):
        return UNKNOWN
    return BLOCKED if {code_a, code_b} == {"demand", "red line"} else OPEN


def zones(positions: pd.DataFrame, a: str, b: str, issues: list[str], as_of) -> dict[str, str]:
    """For each issue, the zone between actors ``a`` and ``b`` given what each had said by ``as_of``."""
    return {i: zone(stance(positions, a, i, as_of), stance(positions, b, i, as_of)) for i in issues}
