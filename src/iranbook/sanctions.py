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


def in_force(regimes: pd.DataFrame, day, cutoff) -> pd.DataFrame:
    """The measures in force on ``day``: started on or before it and not ended before it."""
    day = pd.Timestamp(day)
    p = periods(regimes, cutoff)
    return p[(p["start"] <= day) & (p["until"] >= day)]


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
