"""``make bench``: the book's speed and size targets, measured on temporary copies of the book.

``python -m iranbook.bench [--runs N] [--with-tests]`` prints, as medians of ``N`` runs:

* the bare execution of every notebook, one after another (``jupyter nbconvert --execute``: no
  Sphinx, no cache), and the cold build (HTML + PDF, empty caches) beside it, with their
  difference and ratio;
* a rebuild with nothing changed;
* a rebuild after one edited value in ``data/rial_rates.csv``, and the notebooks it re-executed;
* the weight of every chapter page (the HTML file; the shared vega bundle aside);
* ``make check``; with ``--with-tests``, ``make test``; with ``--with-scale``, the cold build of a
  copy with ten times the data (the timeline and the stock series) beside the normal cold build.

Targets (issue 19) are printed beside each figure; nothing here is asserted in the tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from .build import copy_sources

#: The targets, in seconds or bytes.
TARGETS = {"cold_minus_bare": 20.0, "no_change": 3.0, "csv_edit": 25.0, "page": 300_000, "check": 60.0, "test": 360.0}
EDITED = "data/rial_rates.csv"


def _timed(cmd: list[str], cwd: Path) -> float:
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return time.monotonic() - started


def edit_one_rate(root: Path, run: int) -> str:
    """Add ``run + 1`` to the low rate of the third row of ``data/rial_rates.csv`` (a value the
    sanctions chapter draws); return what was changed."""
    path = root / EDITED
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    column = header.index("low")
    cells = lines[3].split(",")
    before = cells[column]
    cells[column] = str(int(before) + run + 1)
    lines[3] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")
    return f"{EDITED} row 4, column low: {before} -> {cells[column]}"


# --------------------------------------------------------------------------- ten times the data


def _shift(day: pd.Timestamp, precision: str, k: int) -> pd.Timestamp:
    if precision == "day":
        return day - pd.Timedelta(days=k)
    if precision == "month":
        return day - pd.DateOffset(months=k)
    return day + pd.DateOffset(years=k)  # year precision: forward, to stay after 1957


def _shifted(frame: pd.DataFrame, date_col: str, precision_col: str, k: int) -> pd.DataFrame:
    """A copy of ``frame`` with every date moved by ``k`` steps of its precision."""
    copy = frame.copy()
    copy[date_col] = [
        _shift(pd.Timestamp(d), p, k).strftime("%Y-%m-%d") for d, p in zip(copy[date_col], copy[precision_col])
    ]
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


def _multiply(path, date_col: str, precision_col: str, renumber, factor: int) -> None:
    """Add ``factor`` - 1 date-shifted copies of every row of a CSV, with fresh ids from ``renumber``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    used = set(frame["id"])
    rows = [frame]
    for k in range(1, factor):
        rows.append(renumber(_shifted(frame, date_col, precision_col, k), used))
    pd.concat(rows).to_csv(path, index=False, lineterminator="\n")


def multiply_data(root: Path, factor: int = 10) -> None:
    """Multiply the timeline and the stock series of the book at ``root`` by ``factor``: date-shifted
    copies of every row with fresh ids (``tests/test_scale.py`` and ``--with-scale`` use it)."""
    _multiply(
        root / "data" / "timeline.csv",
        "date",
        "date_precision",
        lambda copy, used: copy.assign(id=_letter_ids(copy["date"], used)),
        factor,
    )
    _multiply(root / "data" / "iaea_stockpile.csv", "as_of", "as_of_precision", _level_ids, factor)


def page_weights(site: Path) -> dict[str, int]:
    """Bytes of every chapter page of a built site (the HTML files under ``chapters/``)."""
    return {p.relative_to(site).as_posix(): p.stat().st_size for p in sorted((site / "chapters").glob("*.html"))}


def _median(values: list[float]) -> float:
    return statistics.median(values)


def measure(root: Path, runs: int, with_tests: bool, with_scale: bool = False) -> dict:
    build = [sys.executable, "-m", "iranbook.build", "--root"]
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    out: dict = {"bare": [], "cold": [], "no_change": [], "csv_edit": [], "check": [], "test": [], "scale": []}
    with tempfile.TemporaryDirectory(prefix="iranbook-bench-") as tmp:
        for run in range(runs):
            book = copy_sources(root, Path(tmp) / f"book{run}")
            notebooks = sorted(p for p in book.rglob("*.ipynb") if "_build" not in p.parts)
            out["bare"].append(
                _timed(
                    [
                        jupyter,
                        "nbconvert",
                        "--to",
                        "notebook",
                        "--execute",
                        "--output-dir",
                        str(Path(tmp) / f"nbconvert{run}"),
                        *map(str, notebooks),
                    ],
                    book,
                )
            )
            out["cold"].append(_timed(build + [str(book)], book))
            out["no_change"].append(_timed(build + [str(book)], book))
            out["edited"] = edit_one_rate(book, run)
            out["csv_edit"].append(_timed(build + [str(book)], book))
            out["reexecuted"] = json.loads((book / "_build" / "build-report.json").read_text())["executed"]
            out["pages"] = page_weights(book / "_build" / "html")
            out["notebooks"] = len(notebooks)
            if with_scale:
                big = copy_sources(root, Path(tmp) / f"big{run}")
                multiply_data(big, 10)
                out["scale"].append(_timed(build + [str(big)], big))
                out["scale_pages"] = page_weights(big / "_build" / "html")
        for _ in range(runs):
            out["check"].append(_timed(["make", "check"], root))
            if with_tests:
                out["test"].append(_timed(["make", "test"], root))
    return out


def report(m: dict, runs: int) -> str:
    bare, cold = _median(m["bare"]), _median(m["cold"])
    rows = [
        (f"bare execution of the {m['notebooks']} notebooks (nbconvert --execute, one after another)", bare, ""),
        ("cold build, HTML + PDF, empty caches", cold, f"target: at most bare + {TARGETS['cold_minus_bare']:.0f} s"),
        (
            "  cold build minus bare execution",
            cold - bare,
            f"{'met' if cold - bare <= TARGETS['cold_minus_bare'] else 'NOT met'}",
        ),
        ("  cold build over bare execution (ratio)", cold / bare, ""),
        ("rebuild, nothing changed", _median(m["no_change"]), _verdict(_median(m["no_change"]), "no_change")),
        (
            f"rebuild after one edit ({m['edited']})",
            _median(m["csv_edit"]),
            _verdict(_median(m["csv_edit"]), "csv_edit"),
        ),
        ("make check (data validation + unit tests)", _median(m["check"]), _verdict(_median(m["check"]), "check")),
    ]
    if m["test"]:
        rows.append(("make test (after set-up)", _median(m["test"]), _verdict(_median(m["test"]), "test")))
    if m["scale"]:
        big = _median(m["scale"])
        rows.append(("cold build with ten times the data", big, f"{big / cold:.2f} times the normal cold build"))
    width = max(len(name) for name, _, _ in rows)
    lines = [f"\nmake bench: medians of {runs} run(s), 2 cores; seconds unless stated"]
    lines += [f"  {name:<{width}}  {value:7.1f}  {note}" for name, value, note in rows]
    lines.append(f"  notebooks re-executed by the edit: {', '.join(m['reexecuted']) or 'none'}")
    heaviest = max(m["pages"].values())
    lines.append(
        f"  chapter pages (KB; target at most {TARGETS['page'] // 1000}; heaviest {heaviest / 1000:.0f}: "
        f"{'met' if heaviest <= TARGETS['page'] else 'NOT met'}):"
    )
    lines += [f"    {name:<36} {size / 1000:6.0f}" for name, size in sorted(m["pages"].items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)


def _verdict(value: float, target: str) -> str:
    limit = TARGETS[target]
    return f"target: at most {limit:.0f} s, {'met' if value <= limit else 'NOT met'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each measure; medians are printed")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test` (minutes)")
    parser.add_argument("--with-scale", action="store_true", help="also build a copy with ten times the data")
    args = parser.parse_args(argv)
    m = measure(Path.cwd(), args.runs, args.with_tests, args.with_scale)
    print(report(m, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
