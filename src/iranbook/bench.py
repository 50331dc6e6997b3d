"""``make bench``: build timings on a temporary copy of the book.

Prints the cold build (HTML + PDF, empty caches), a rebuild with nothing changed, a rebuild
after one edited value in one CSV, and for comparison the bare execution of every notebook
with ``jupyter nbconvert --execute`` (no Sphinx, no cache).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .build import copy_sources


def _timed(cmd: list[str], cwd: Path) -> float:
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return time.monotonic() - started


def _edit_one_value(root: Path) -> str:
    """Change the last digit of the first number in the first data row of the first CSV."""
    package = json.loads((root / "data" / "datapackage.json").read_text())
    path = root / "data" / package["resources"][0]["path"]
    lines = path.read_text().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    for i, cell in enumerate(row):
        try:
            float(cell)
        except ValueError:
            continue
        row[i] = cell[:-1] + str((int(cell[-1]) + 1) % 10)
        lines[1] = ",".join(row)
        path.write_text("\n".join(lines) + "\n")
        return f"{path.name} row 2, column {header[i]}: {cell} -> {row[i]}"
    raise SystemExit("bench: no numeric cell to edit")


def main() -> int:
    root = Path.cwd()
    build = [sys.executable, "-m", "iranbook.build", "--root"]
    with tempfile.TemporaryDirectory(prefix="iranbook-bench-") as tmp:
        book = Path(tmp) / "book"
        copy_sources(root, book)
        results = [("cold build (HTML + PDF, empty cache)", _timed(build + [str(book)], book))]
        results.append(("rebuild, nothing changed", _timed(build + [str(book)], book)))
        edited = _edit_one_value(book)
        results.append((f"rebuild after editing one CSV value ({edited})", _timed(build + [str(book)], book)))
        report = json.loads((book / "_build" / "build-report.json").read_text())
        notebooks = sorted((book / "chapters").rglob("*.ipynb"))
        jupyter = str(Path(sys.executable).with_name("jupyter"))
        bare = _timed([jupyter, "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(Path(tmp) / "nbconvert"),
                       *map(str, notebooks)], book / "chapters")
        results.append((f"bare execution of all {len(notebooks)} notebooks (jupyter nbconvert --execute)", bare))
    width = max(len(name) for name, _ in results)
    print("\nmake bench (2 cores; times in seconds)")
    for name, seconds in results:
        print(f"  {name:<{width}}  {seconds:6.1f}")
    print(f"  notebooks re-executed by the CSV edit: {', '.join(report['executed']) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
