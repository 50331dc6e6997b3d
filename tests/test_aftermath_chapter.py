"""The 2026 chapter: its prose and figures follow the data, every event it names exists, its
three charts draw in chromium, and rows short of the sourcing rule say so where they are cited."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, chart_on_page, page_text, pdf_text

from iranbook import data, sources, story

NOTEBOOK = ROOT / "chapters" / "aftermath.ipynb"


def _markdown() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_prose_is_an_analysis_not_a_list():
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", " ", _markdown())
    text = re.sub(r"```.*?```|:::.*?:::", " ", text, flags=re.S)
    assert len(re.findall(r"[A-Za-z][A-Za-z'-]+", text)) >= 1200
    assert len(re.findall(r"```\{chart\}", _markdown())) >= 3


def test_every_event_the_prose_names_exists_and_is_in_the_period():
    timeline = data.load("timeline", ROOT).set_index("id")
    named = re.findall(r"\{event\}`([^`]+)`", _markdown())
    assert len(named) >= 40
    start = story.milestones(ROOT)["geneva_last"].date
    for event in named:
        assert event in timeline.index, event
        assert timeline.loc[event, "date"] >= start, event


@pytest.mark.build
def test_chapter_figures_and_grades_in_html_and_pdf(built_book):
    page = page_text(built_book / "_build" / "html" / "chapters" / "aftermath.html")
    marks = story.milestones(ROOT)
    war_days = story.days_between(marks["war_start"].date, marks["ceasefire"].date)
    assert f"The war lasted {war_days} days" in page
    flows = story.exports_and_traffic(data.load("economic_indicators", ROOT))
    assert f"about {flows['exports_per_day']:.1f} million barrels a day" in page
    timeline = data.load("timeline", ROOT)
    grades = dict(zip(timeline["id"], sources.grades(timeline, ROOT).astype(str)))
    named = re.findall(r"\{event\}`([^`]+)`", _markdown())
    assert any(grades[e] == "single" for e in named) and "(single source)" in page
    assert "{event}" not in page and "{cite:p}" not in page
    pdf = pdf_text(built_book)
    assert "The 2026 war, the ceasefire and the memorandum" in pdf
    assert f"The war lasted {war_days} days" in pdf


@pytest.mark.build
@pytest.mark.parametrize("chart", ["after-sequence", "after-oil", "after-dead"])
def test_charts_draw_with_their_sourcing(built_book, browser, chart):
    site = built_book / "_build" / "html"
    with chart_on_page(browser, site, "chapters/aftermath.html", chart) as (page, _, box, errors):
        assert box.locator(".iranbook-chart-live svg.marks").count() == 1
        assert errors == []
