"""The sanctions chapter as a reader gets it: computed figures in the HTML and PDF, and the
layers chart drawing one bar per measure in chromium."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, chart_on_page, page_text, pdf_text

from iranbook import data
from iranbook import sanctions as sx

pytestmark = pytest.mark.build


def test_sanctions_chapter_figures_follow_the_data(built_book):
    page = page_text(built_book / "_build" / "html" / "chapters" / "sanctions.html")
    regimes = data.load("sanctions_regimes", ROOT)
    cutoff = data.cutoff(ROOT)
    measures = regimes[(regimes["kind"] == "sanction") & (regimes["status"] == "in force")]
    waived = regimes[regimes["status"].isin(["waived", "suspended"])]
    assert f"sanctions data hold {len(measures)} measures" in page
    assert f"the data hold {len(waived)} periods in which a US" in page
    # a year after Implementation Day: the laws the JCPOA waived are counted as waived, not as ended
    year_after = sx.implementation_day(regimes) + pd.DateOffset(years=1)
    n_waived = len(sx.in_force(regimes, year_after, cutoff, statuses=("waived", "suspended")))
    assert f"{n_waived} more US laws were waived or suspended, not repealed" in page
    assert f"At the data cut-off {len(sx.in_force(regimes, cutoff, cutoff))} were in force" in page
    # the snapback's clock time, converted from US Eastern to GMT
    assert "20:00 on 27 September 2025 US Eastern time, which was 00:00 on 28 September 2025 GMT" in page
    designations = data.load("designations", ROOT)
    assert f"holds {len(designations)} designation actions" in page
    # the largest action: its stated total and the sum of its counts as reported
    # Treasury's own words: "over 115"; the counts as reported add up to 117, consistent with that
    assert (
        "named more than 115 targets in the Treasury" in page
        and "add up to 117" in page
        and "which is consistent" in page
    )
    rial = data.load("rial_rates", ROOT)
    assert f"{int(rial.sort_values('date').iloc[-1]['low']):,}" in page


def test_sanctions_chapter_in_the_pdf(built_book):
    text = pdf_text(built_book)
    assert "THE SANCTIONS REGIME, LAYER BY LAYER" in text.upper()
    assert "00:00 on 28 September 2025 GMT" in text
    assert "Rials per US dollar" in text  # the rial chart's axis title: the chart is vector text
    assert "sx.periods(" not in text  # hide-input code is left out of the PDF


def test_layers_chart_draws_one_bar_per_measure(built_book, browser):
    site = built_book / "_build" / "html"
    regimes = data.load("sanctions_regimes", ROOT)
    with chart_on_page(browser, site, "chapters/sanctions.html", "sanctions-layers") as (page, _, box, errors):
        bars = box.locator(".iranbook-chart-live path[aria-roledescription='bar']")
        assert bars.count() == len(regimes)
        bars.first.hover()
        page.wait_for_timeout(300)
        assert page.locator("#vg-tooltip-element").inner_text().strip() != ""
        assert errors == []
