"""The Oman-channel chapter as a reader gets it: figures computed from the data, and the
positions heat map in chromium."""

from __future__ import annotations

import pytest

from conftest import ROOT, chart_on_page, page_text
from iranbook import data
from iranbook import positions as pos
from iranbook import story

pytestmark = pytest.mark.build


def test_talks_chapter_counts_follow_the_data(built_book):
    page = page_text(built_book / "_build" / "html" / "chapters" / "talks.html")
    rounds = data.load("negotiation_rounds", ROOT)
    rounds = rounds[rounds["date"] < story.milestones(ROOT)["war_start"].date]  # the later rounds: aftermath chapter
    held = rounds[rounds["status"] == "held"]
    assert f"went through {len(rounds)} rounds: {len(held)} held and {len(rounds) - len(held)} cancelled" in page
    positions = data.load("positions", ROOT)
    issues = list(data.load("negotiation_issues", ROOT)["id"])
    blocked = sum(any(v == pos.BLOCKED for v in pos.zones(positions, "US", "Iran", issues, d).values())
                  for d in held["date"])
    assert f"{blocked} of the {len(held)} rounds held met at least one such issue" in page


def test_positions_heat_map_has_every_cell_and_tooltips(built_book, browser):
    site = built_book / "_build" / "html"
    actors = len(data.resource("positions", ROOT)["schema"]["fields"][1]["constraints"]["enum"])
    issues = len(data.load("negotiation_issues", ROOT))
    with chart_on_page(browser, site, "chapters/talks.html", "talks-positions") as (page, _, box, errors):
        cells = box.locator(".iranbook-chart-live path[aria-roledescription='rect mark']")
        assert cells.count() == actors * issues
        cells.nth(6).hover(force=True)  # US on frozen assets: no stated position, no letter on it
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
        tip = page.inner_text("#vg-tooltip-element")
        assert "Stance" in tip and "What was said" in tip
        assert errors == []
