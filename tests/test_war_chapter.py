"""The June 2025 war chapter as a reader gets it (computed figures in the HTML and PDF), and the
breakout model the nuclear chapter took over from it: its tails buttons and its explorer in chromium."""

from __future__ import annotations

import pytest
from conftest import ROOT, chart_on_page, page_text, pdf_text

from iranbook import breakout as bo
from iranbook import data

pytestmark = pytest.mark.build


def test_war_chapter_figures_follow_the_data(built_book):
    page = page_text(built_book / "_build" / "html" / "chapters" / "war.html")
    stock = data.load("iaea_stockpile", ROOT)
    last = stock[stock["level"] == "up to 60%"].sort_values("as_of").iloc[-1]
    gap = (data.cutoff(ROOT) - last["as_of"].date()).days
    assert f" {gap} days, if it is dated to the first day of the strikes" in page
    # the US strike: 18:40 US Eastern on 21 June is 02:10 on 22 June in Iran
    assert "18:40 on 21 June 2025" in page and "02:10 on 22 June 2025" in page
    casualties = data.load("casualties", ROOT)
    assert f"{int(casualties['killed'].max()):,}".replace(",", "") in page.replace(",", "")


def test_the_breakout_model_is_in_the_nuclear_chapter_not_the_war_chapter(built_book):
    html = built_book / "_build" / "html" / "chapters"
    war, nuclear = page_text(html / "war.html"), page_text(html / "stockpile.html")
    # the model's headline number, recomputed here from the parameters table
    p = bo.parameters(data.load("breakout_parameters", ROOT))
    swu = bo.quantities(1, 0.6, p["tails_from_60"], p["weapon_grade_assay"], p["sq_u235_kg"]).swu
    assert f"{swu:,.0f} SWU from uranium enriched to 60%" in nuclear
    assert "A transparent breakout model" in nuclear and "A transparent breakout model" not in war


def test_war_chapter_in_the_pdf_without_hidden_code(built_book):
    text = pdf_text(built_book)
    assert "THE JUNE 2025 WAR AND ITS AFTERMATH" in text.upper()
    assert "02:10 on 22 June 2025" in text
    # the code of hide-input cells is left out of the PDF (the HTML folds it, the notebooks keep it)
    assert "glue(" not in text and "per_feed" not in text and "md_list(" not in text


def test_breakout_chart_tails_buttons_redraw_the_lines(built_book, browser):
    site = built_book / "_build" / "html"
    with chart_on_page(browser, site, "chapters/stockpile.html", "nuclear-breakout-sensitivity") as (
        page,
        _,
        box,
        errors,
    ):
        lines = box.locator(".iranbook-chart-live path[aria-roledescription='line mark']")

        def shapes():
            return sorted(lines.nth(i).get_attribute("d") for i in range(lines.count()))

        before = shapes()
        assert len(before) == 3
        box.locator("input[type='radio'][value='high tails']").check()
        page.wait_for_timeout(500)
        after = shapes()
        assert len(after) == 3 and after != before
        box.locator("input[type='radio'][value=\"book's tails\"]").check()
        page.wait_for_timeout(500)
        assert shapes() == before
        assert errors == []


def test_the_breakout_explorer_follows_its_inputs_in_chromium(built_book, browser):
    """Moving an input changes the chart, and the sentence it prints agrees with iranbook.breakout
    to 0.5% at several settings."""
    import re

    from iranbook import explorer

    site = built_book / "_build" / "html"
    with chart_on_page(browser, site, "chapters/stockpile.html", "nuclear-breakout-explorer") as (page, _, box, errors):
        sentence = box.locator(".iranbook-chart-live svg text", has_text="First quantity")
        line = box.locator(".iranbook-chart-live path[aria-roledescription='line mark']")

        def read():
            return tuple(
                float(g.replace(",", ""))
                for g in re.search(explorer.SENTENCE_PATTERN, sentence.first.text_content()).groups()
            )

        def set_input(name, value):
            box.locator(f"input[name='{name}']").first.evaluate(
                "(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }", str(value)
            )

        stock = float(box.locator("input[name='stock']").first.input_value())
        sq = float(box.locator("input[name='sq']").first.input_value())
        drawn = line.first.get_attribute("d")
        for capacity, tails in ((7500, 5), (20000, 10), (1500, 2.5)):
            set_input("capacity", capacity)
            set_input("tails", tails)
            page.wait_for_timeout(300)
            m = explorer.model(stock, capacity, tails, sq, 0.6, 0.9)
            for got, want in zip(read(), (m["days_first"], m["n_stock"], m["days_all"])):
                assert abs(got - want) <= 0.005 * want, (capacity, tails, got, want)
        assert line.first.get_attribute("d") != drawn  # the line moved with the inputs
        set_input("stock", 100)
        page.wait_for_timeout(300)
        assert read()[1] == pytest.approx(explorer.model(100, 1500, 2.5, sq, 0.6, 0.9)["n_stock"], rel=0.005)
        assert errors == []
