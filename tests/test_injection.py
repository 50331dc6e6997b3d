"""Hostile text in the data is shown as text: nothing runs in the HTML, the PDF still compiles.

The suite's stress build (``stress_book`` in conftest.py) has markup and control characters in
fields the history chapter shows (a UN resolution's provisions in a table, with a 5 KB string,
and a timeline description in the interactive chart); it is read in Debian's chromium and with
pdftotext.
"""

from __future__ import annotations

import pytest
from conftest import pdf_text, serve

pytestmark = pytest.mark.build

# The chapters that print resolution 1696's provisions: history's resolutions table and the
# sanctions chapter's list of the resolutions restored by the snapback.
SHOWN_IN = {"history": "history-timeline", "sanctions": "sanctions-layers"}


@pytest.mark.parametrize("chapter", sorted(SHOWN_IN))
def test_hostile_text_is_shown_and_runs_nothing_in_chromium(stress_book, browser, chapter):
    with serve(stress_book / "_build" / "html") as base:
        page = browser.new_page()
        dialogs, errors = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + f"chapters/{chapter}.html", wait_until="networkidle")
        page.locator(f"#chart-{SHOWN_IN[chapter]} .iranbook-chart-live svg.marks").wait_for()
        assert page.evaluate("window.__pwned") is None
        assert dialogs == [] and errors == []
        text = page.inner_text("main")
        assert "<script>window.__pwned = 1; alert(1)</script>" in text
        assert "{cite:p}`nosuchkey`" in text and "\\textbf{bold}" in text and "100% $5 & a_b" in text
        assert " ".join(text.replace("-\n", "").split()).count("pwnedfiller") == 430
        assert page.locator("main script:not([type='application/json']):has-text('__pwned')").count() == 0
        assert page.locator("main img[src='x']").count() == 0
        page.close()


def test_hostile_text_compiles_into_the_pdf(stress_book):
    text = pdf_text(stress_book, fold=False)
    assert "window.__pwned" in text and "\\textbf{bold}" in text
    # the whole text, unclipped, in each chapter that prints it
    assert " ".join(text.replace("-\n", "").split()).count("pwnedfiller") == 430 * len(SHOWN_IN)
