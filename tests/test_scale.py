"""The book at ten times its data: the timeline and the stock series multiplied by 10.

The suite's stress build (``stress_book`` in conftest.py: a copy of the built book, so only the
notebooks that read the changed tables execute again) has them. Charts still draw and no HTML
page passes the size budget stated in the README; how long a build of ten times the data takes
is measured by ``make bench BENCH_ARGS=--with-scale``, not asserted here.
"""

from __future__ import annotations

import pytest
from conftest import serve

pytestmark = pytest.mark.build

PAGE_BUDGET_BYTES = 4_000_000  # per HTML page, at ten times the data (see README)


def test_pages_stay_within_the_size_budget(stress_book):
    sizes = {p.name: p.stat().st_size for p in (stress_book / "_build" / "html").rglob("*.html")}
    print("largest pages:", sorted(sizes.items(), key=lambda kv: -kv[1])[:3])
    assert max(sizes.values()) <= PAGE_BUDGET_BYTES, sizes


def test_charts_still_draw(stress_book, browser):
    with serve(stress_book / "_build" / "html") as base:
        for rel in ("chapters/history.html", "chapters/stockpile.html"):
            page = browser.new_page()
            page.goto(base + rel, wait_until="networkidle")
            for box in page.locator(".iranbook-chart").all():
                box.locator(".iranbook-chart-live svg.marks").wait_for(timeout=30_000)
            points = page.locator("#chart-history-timeline path[aria-roledescription='point']")
            if rel.endswith("history.html"):
                assert points.count() > 1000
            page.close()
