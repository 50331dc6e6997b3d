"""The book at ten times its data: the timeline and the stock series multiplied by 10 in a copy.

Charts still draw, no HTML page passes the size budget stated in the README, and the build
takes at most twice as long as the normal book's (both built from scratch).
"""

from __future__ import annotations

import json
import string

import pandas as pd
import pytest

from conftest import copy_book, run_build, serve

pytestmark = pytest.mark.build

FACTOR = 10
PAGE_BUDGET_BYTES = 4_000_000  # per HTML page, at ten times the data (see README)


def _shift(day: pd.Timestamp, precision: str, k: int) -> pd.Timestamp:
    if precision == "day":
        return day - pd.Timedelta(days=k)
    if precision == "month":
        return day - pd.DateOffset(months=k)
    return day + pd.DateOffset(years=k)  # year precision: forward, to stay after 1957


def _shifted(frame: pd.DataFrame, date_col: str, precision_col: str, k: int) -> pd.DataFrame:
    """A copy of ``frame`` with every date moved by ``k`` steps of its precision."""
    copy = frame.copy()
    copy[date_col] = [_shift(pd.Timestamp(d), p, k).strftime("%Y-%m-%d")
                      for d, p in zip(copy[date_col], copy[precision_col])]
    return copy


def _letter_ids(dates, used: set) -> list[str]:
    """Timeline ids: the date and a letter not yet used on that date."""
    ids = []
    for d in dates:
        letter = next(c for c in string.ascii_lowercase if f"{d}-{c}" not in used)
        used.add(f"{d}-{letter}")
        ids.append(f"{d}-{letter}")
    return ids


def _level_ids(copy: pd.DataFrame, used: set) -> pd.DataFrame:
    """Stock ids: the as-of date and the level; rows whose id is taken are dropped."""
    copy = copy.assign(id=[f"{d}-{i.rsplit('-', 1)[1]}" for d, i in zip(copy["as_of"], copy["id"])])
    copy = copy[~copy["id"].isin(used)]
    used.update(copy["id"])
    return copy


def _multiply(path, date_col: str, precision_col: str, renumber) -> None:
    """Add FACTOR - 1 date-shifted copies of every row of a CSV, with fresh ids from ``renumber``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    used = set(frame["id"])
    rows = [frame]
    for k in range(1, FACTOR):
        rows.append(renumber(_shifted(frame, date_col, precision_col, k), used))
    pd.concat(rows).to_csv(path, index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def big_book(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp("scale"))
    _multiply(root / "data" / "timeline.csv", "date", "date_precision",
              lambda copy, used: copy.assign(id=_letter_ids(copy["date"], used)))
    _multiply(root / "data" / "iaea_stockpile.csv", "as_of", "as_of_precision", _level_ids)
    proc = run_build(root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root


def _report(root):
    return json.loads((root / "_build" / "build-report.json").read_text())


def test_ten_times_the_data_builds_within_twice_the_time(built_book, big_book):
    normal, big = _report(built_book)["seconds"], _report(big_book)["seconds"]
    print(f"build: normal {normal} s, ten times the data {big} s")
    assert big <= 2 * normal


def test_pages_stay_within_the_size_budget(big_book):
    sizes = {p.name: p.stat().st_size for p in (big_book / "_build" / "html").rglob("*.html")}
    print("largest pages:", sorted(sizes.items(), key=lambda kv: -kv[1])[:3])
    assert max(sizes.values()) <= PAGE_BUDGET_BYTES, sizes


def test_charts_still_draw(big_book, browser):
    with serve(big_book / "_build" / "html") as base:
        for rel in ("chapters/history.html", "chapters/stockpile.html"):
            page = browser.new_page()
            page.goto(base + rel, wait_until="networkidle")
            for box in page.locator(".iranbook-chart").all():
                box.locator(".iranbook-chart-live svg.marks").wait_for(timeout=30_000)
            points = page.locator("#chart-history-timeline path[aria-roledescription='point']")
            if rel.endswith("history.html"):
                assert points.count() > 1000
            page.close()
