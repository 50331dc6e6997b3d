"""Caching that is never stale, and failed builds that leave the last good book in place.

The tests run in order on one copy of the book, each building on the state the one before left.
Every build here is HTML-only (``--no-pdf``): the PDF is rendered by the shared build, the stress
build (whose edited data must reach the PDF, tests/test_injection.py) and the reproducibility
build, and these tests are about what is executed and what is published.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import run_build

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def book(tmp_path_factory, built_book):
    """A copy of the already built book, outputs and caches included."""
    dest = tmp_path_factory.mktemp("changes") / "book"
    shutil.copytree(built_book, dest, symlinks=True)
    # a second notebook that reads no data: it must never be re-executed by a data edit
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from iranbook.text import long_date\nlong_date(__import__('datetime').date(2025, 6, 13))"
        )
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, dest / "chapters" / "probe.ipynb")
    return dest


def report(book: Path) -> dict:
    return json.loads((book / "_build" / "build-report.json").read_text())


def published_digest(book: Path) -> str:
    h = hashlib.sha256()
    for folder in ("html", "pdf"):
        for p in sorted((book / "_build" / folder).rglob("*")):
            if p.is_file():
                h.update(p.relative_to(book).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def chapters(book: Path) -> list[str]:
    """The book's notebooks (the probe included once it exists), as the build report names them."""
    return sorted(
        p.relative_to(book).as_posix()
        for p in book.rglob("*.ipynb")
        if not any(part.startswith(("_build", ".")) for part in p.relative_to(book).parts)
    )


def notebooks_reading(book: Path, data_file: str) -> list[str]:
    """The notebooks whose last execution read ``data_file``, from the build's cache records."""
    found = []
    for record in sorted((book / "_build" / ".cache" / "notebooks").glob("*/record.json")):
        if data_file in json.loads(record.read_text())["reads"]:
            found.append(record.parent.name.replace("__", "/"))
    return sorted(found)


def build_ok(book: Path, *extra: str) -> dict:
    proc = run_build(book, *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return report(book)


def test_a_new_notebook_is_executed_once(book):
    r = build_ok(book, "--no-pdf")
    assert r["executed"] == ["chapters/probe.ipynb"]
    assert sorted(r["cached"]) == [c for c in chapters(book) if c != "chapters/probe.ipynb"]


def test_no_change_rebuild_executes_nothing(book):
    before = published_digest(book)
    r = build_ok(book, "--no-pdf")
    assert r["executed"] == []
    assert sorted(r["cached"]) == chapters(book)
    assert r["rendered"] is False
    assert published_digest(book) == before


def test_csv_edits_reexecute_exactly_the_notebooks_that_read_them(book):
    """The build validates the whole package once; a notebook then depends on the tables it loads
    (and on the sourcing summary, which an edit that changes no grade leaves unchanged), not on
    every table. One rial rate is read by the sanctions chapter and the state-of-play page and
    summarised by the data appendix; the UN resolutions are read by the history and sanctions chapters and the appendix.
    Both edits go into one build: it re-executes those notebooks and no other (the stockpile
    chapter and the probe stay cached), and the edited text reaches the page."""
    rial_readers = notebooks_reading(book, "data/rial_rates.csv")  # as recorded by the last build
    un_readers = notebooks_reading(book, "data/un_resolutions.csv")
    # the state-of-play page shows the latest rate; the landing page draws on it but not on the economy
    assert rial_readers == ["chapters/appendix-data.ipynb", "chapters/sanctions.ipynb", "chapters/state-of-play.ipynb"]
    assert "chapters/history.ipynb" in un_readers and "chapters/appendix-sources.ipynb" not in un_readers
    rates = book / "data" / "rial_rates.csv"
    lines = rates.read_text().splitlines(keepends=True)
    cells = lines[3].split(",")  # the third rate: a value the sanctions chapter draws
    cells[3] = str(int(cells[3]) + 1)
    lines[3] = ",".join(cells)
    rates.write_text("".join(lines))
    resolutions = book / "data" / "un_resolutions.csv"
    resolutions.write_text(
        resolutions.read_text().replace(
            "endorses the six powers' proposals.", "endorses the six powers' proposals 987.6."
        )
    )
    r = build_ok(book, "--no-pdf")
    readers = sorted(set(rial_readers) | set(un_readers))
    assert r["executed"] == readers
    assert sorted(r["cached"]) == [c for c in chapters(book) if c not in readers]
    assert r["rendered"] is True
    page = (book / "_build" / "html" / "chapters" / "history.html").read_text()
    assert "987.6" in page


def test_a_failing_notebook_fails_the_build_and_keeps_the_last_good_book(book):
    before = published_digest(book)
    path = book / "chapters" / "stockpile.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('raise RuntimeError("deliberately broken")'))
    nbformat.write(nb, path)
    proc = run_build(book)
    assert proc.returncode != 0
    assert "chapters/stockpile.ipynb: code cell 3 of the notebook raised an error" in proc.stderr
    assert "deliberately broken" in proc.stderr
    assert "last good book" in proc.stderr
    assert published_digest(book) == before
    nb.cells.pop(2)
    nbformat.write(nb, path)


def test_invalid_data_stops_the_build_before_anything_is_published(book):
    before = published_digest(book)
    csv = book / "data" / "iaea_stockpile.csv"
    good = csv.read_text()
    csv.write_text(good.replace(",440.9,", ",-3,"))
    line = next(n for n, text in enumerate(good.splitlines(), start=1) if ",440.9," in text)
    proc = run_build(book)
    assert proc.returncode != 0
    assert f"data/iaea_stockpile.csv row {line}, column kg_u: -3 is below the minimum 0" in proc.stderr
    assert published_digest(book) == before
    csv.write_text(good)


def test_a_sphinx_warning_fails_the_build(book):
    before = published_digest(book)
    page = book / "changelog.md"
    good = page.read_text()
    page.write_text(good + "\nSee {cite:p}`no_such_source_2099`.\n")
    proc = run_build(book, "--no-pdf")
    assert proc.returncode != 0
    assert "no_such_source_2099" in proc.stderr
    assert published_digest(book) == before
    page.write_text(good)
    r = build_ok(book, "--no-pdf")  # and it recovers: the published book is that of these sources
    assert r["rendered"] is False and published_digest(book) == before


def test_a_malformed_toc_fails_the_build_and_keeps_the_last_good_book(book):
    before = published_digest(book)
    toc = book / "_toc.yml"
    good = toc.read_text()
    toc.write_text(good.replace("chapters:", "chapters: [", 1))
    proc = run_build(book)
    assert proc.returncode != 0
    assert "_toc.yml" in proc.stderr, proc.stderr[-2000:]
    assert "last good book" in proc.stderr
    assert published_digest(book) == before
    toc.write_text(good)


def test_a_deleted_csv_fails_the_build_and_keeps_the_last_good_book(book):
    before = published_digest(book)
    csv = book / "data" / "enrichment_levels.csv"
    good = csv.read_bytes()
    csv.unlink()
    proc = run_build(book)
    assert proc.returncode != 0
    assert "data/enrichment_levels.csv: the file is missing" in proc.stderr
    assert published_digest(book) == before
    csv.write_bytes(good)
    r = build_ok(book, "--no-pdf")
    assert r["rendered"] is False and published_digest(book) == before
