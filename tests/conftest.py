"""Shared fixtures: copies of the book, builds of them, a local web server and a browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from iranbook.build import copy_sources  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def copy_book(dest: Path) -> Path:
    """A copy of the book's sources, without outputs."""
    return copy_sources(ROOT, dest)


def copy_built(built: Path, dest: Path) -> Path:
    """A copy of an already built book, its caches included: a build of the copy re-executes only
    the notebooks that a change to it affects (the suite executes the book's notebooks once)."""
    shutil.copytree(built, dest, symlinks=True)
    return dest


def run_build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iranbook.build", "--root", str(root), *extra],
        capture_output=True,
        text=True,
        timeout=1800,
    )


#: Markup and control characters the stress build puts into fields the history and sanctions
#: chapters show (tests/test_injection.py reads them back).
HOSTILE = (
    '<script>window.__pwned = 1; alert(1)</script><img src=x onerror="window.__pwned = 2"> '
    "{cite:p}`nosuchkey` \\textbf{bold} 100% $5 & a_b ~ ^ # `code` [link](javascript:alert(3)) "
)
LONG = " ".join(["pwnedfiller"] * 430)  # about 5 KB
HOSTILE_TIMELINE = '<img src=x onerror="window.__pwned = 4"> {x} \\ % $ `c`'
SCALE_FACTOR = 10


def _once_in(shared: Path, name: str, make) -> Path:
    """A book made once in ``shared`` (``make(dest)``) under a file lock: whoever comes first makes
    it, the others wait and reuse it."""
    from filelock import FileLock

    dest, done = shared / name, shared / f"{name}.done"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.is_file():
            if dest.exists():
                shutil.rmtree(dest)
            make(dest)
            done.write_text("built\n")
    return dest


def _shared(tmp_path_factory) -> Path:
    """The run's temporary folder that every pytest-xdist worker (and the controller) shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def make_built(root: Path) -> None:
    """One full build (HTML and PDF) of a fresh copy of the book."""
    copy_book(root)
    proc = run_build(root)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout}\n{proc.stderr}"


def make_stress(built: Path):
    """A copy of the built book with hostile text in the data (a UN resolution's provisions, 5 KB
    long, and a timeline description), then ten times the timeline and the stock series, built."""

    def make(root: Path) -> None:
        import pandas as pd

        from iranbook.bench import multiply_data

        copy_built(built, root)
        res = root / "data" / "un_resolutions.csv"
        frame = pd.read_csv(res, dtype=str, keep_default_na=False)
        frame.loc[frame["id"] == "1696", "provisions"] = HOSTILE + LONG
        frame.to_csv(res, index=False, lineterminator="\n")
        tl = root / "data" / "timeline.csv"
        frame = pd.read_csv(tl, dtype=str, keep_default_na=False)
        frame.loc[frame["id"] == "1957-03-05-a", "description"] = HOSTILE_TIMELINE
        frame.to_csv(tl, index=False, lineterminator="\n")
        multiply_data(root, SCALE_FACTOR)
        proc = run_build(root)
        assert proc.returncode == 0, proc.stderr[-3000:]

    return make


def pytest_sessionstart(session):
    """Under pytest-xdist, on a whole run (no selection), the controller starts the shared builds
    at once, in the background: the workers run the tests that need no build meanwhile, and a
    worker that needs a build waits on its lock instead of finding nobody has begun it."""
    config = session.config
    if os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None):
        return
    if config.args or config.option.markexpr or config.option.keyword or config.option.collectonly:
        return
    shared = config._tmp_path_factory.getbasetemp()

    def prebuild():
        try:
            built = _once_in(shared, "book", make_built)
            _once_in(shared, "stress", make_stress(built))
        except AssertionError:
            pass  # the worker that needs the build builds it again and reports the failure

    threading.Thread(target=prebuild, daemon=True).start()


def pytest_collection_modifyitems(session, config, items):
    """Tests that need no build come first (the notebooks under nbval, the unit tests): under
    pytest-xdist the workers run them while the shared builds are being made."""
    items.sort(key=lambda item: bool(item.get_closest_marker("build") or item.get_closest_marker("browser")))


@pytest.fixture(scope="session")
def stress_book(tmp_path_factory, built_book):
    """The stress build (see :func:`make_stress`): the injection and scale tests read it (one
    build, not two)."""
    return _once_in(_shared(tmp_path_factory), "stress", make_stress(built_book))


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """One full build (HTML and PDF) of a fresh copy of the book, shared by every test of the run
    (and by every pytest-xdist worker): tests that change it work on copies."""
    return _once_in(_shared(tmp_path_factory), "book", make_built)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def page_text(path: Path) -> str:
    """A built HTML page as plain text: tags dropped, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def pdf_text(root: Path, *options: str, fold: bool = True) -> str:
    """The text of a built book's PDF by pdftotext (``options`` such as ``-layout``); with ``fold``,
    whitespace folded to single spaces (as :func:`page_text` does), else exactly as pdftotext prints it."""
    out = subprocess.run(
        ["pdftotext", *options, str(root / "_build" / "pdf" / "book.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.sub(r"\s+", " ", out) if fold else out


@contextlib.contextmanager
def chart_on_page(browser, site: Path, page_path: str, chart: str):
    """Open ``page_path`` of the served ``site`` in chromium once chart ``chart`` has drawn.

    Yields (page, base URL, the chart's box, the list of JavaScript errors so far); the page
    is closed afterwards.
    """
    with serve(site) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + page_path, wait_until="networkidle")
        box = page.locator(f"#chart-{chart}")
        box.locator(".iranbook-chart-live svg.marks").wait_for()
        try:
            yield page, base, box, errors
        finally:
            page.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
