"""The state-of-play page: every figure computed from the data with its date, grade and chapter, in both
editions, and the landing page's key findings drawn from it."""

from __future__ import annotations

import json
import re
import subprocess

import pandas as pd
import pytest
from conftest import ROOT, page_text

from iranbook import data
from iranbook import positions as pos
from iranbook import stateofplay as sp

NOTEBOOK = ROOT / "chapters" / "state-of-play.ipynb"


@pytest.fixture(scope="module")
def figures():
    return sp.figures(ROOT).set_index("key")


def test_every_track_has_figures_with_a_date_a_grade_and_a_chapter(figures):
    assert set(figures["track"]) == set(sp.TRACKS)
    assert figures["as_of"].notna().all()
    assert figures["grade"].str.len().gt(0).all() and "no rows" not in set(figures["grade"])
    labels = {
        ref
        for nb in (ROOT / "chapters").glob("*.ipynb")
        for ref in re.findall(
            r"^\((chapter-[a-z-]+)\)=", "".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"]), re.M
        )
    }
    assert set(figures["chapter"]) <= labels
    assert (figures["as_of"] <= pd.Timestamp(data.cutoff(ROOT)) + pd.Timedelta(days=60)).all()


def test_figures_agree_with_the_datasets(figures):
    stock = data.load("iaea_stockpile", ROOT)
    last = stock[stock["level"] == "up to 60%"].sort_values("as_of").iloc[-1]
    assert figures.loc["stock_60", "number"] == pytest.approx(last["kg_u"])
    assert figures.loc["stock_60", "as_of"] == last["as_of"]
    rounds = data.load("negotiation_rounds", ROOT)
    assert figures.loc["last_round", "as_of"] == rounds.loc[rounds["status"] == "held", "date"].max()
    # the memorandum's 60 days end after the cut-off ("after the cut-off", the page and the landing page say)
    assert figures.loc["mou_deadline", "as_of"] > pd.Timestamp(data.cutoff(ROOT))


def test_what_the_landing_page_says_of_the_talks_and_sanctions_holds():
    _, gaps = sp.talks(ROOT)
    overlap = set(gaps.loc[gaps["gap"] == 0, "issue"])
    blocked = set(gaps.loc[gaps["status"] == pos.BLOCKED, "issue"])
    assert {"enrichment", "stock_60"} <= overlap  # "among them enrichment and the stock"
    assert {"missiles", "hormuz"} <= blocked  # "among them the missiles and the strait"
    layers = {f.key.removeprefix("in_force_") for f in sp.sanctions_layers(ROOT)}
    assert layers == {"UN Security Council", "United States", "European Union"}


def test_a_panel_row_cites_a_few_sources_and_names_its_chapter_briefly(figures):
    rows = sp.panel(figures, "sanctions")
    widest = max(rows["sources"], key=lambda k: k.count(";"))
    n = widest.count(";") + 1
    assert n > sp.PANEL_SOURCES
    cell = rows.loc[rows["sources"] == widest, "cited"].iloc[0]
    assert cell.endswith(f" and {n - sp.PANEL_SOURCES} more in the chapter") and cell.count(",") == sp.PANEL_SOURCES - 1
    assert set(rows["where"]) <= {f"{{ref}}`{name} <{label}>`" for label, name in sp.CHAPTER_NAMES.items()}
    with pytest.raises(ValueError, match="no figure on the track"):
        sp.panel(figures, "weather")


def test_grade_of_summarises_several_rows():
    positions = data.load("positions", ROOT)
    one = positions[positions["id"] == "P01"]
    assert sp.grade_of(one) in {"primary source", "two independent sources", "single source"}
    many = positions.head(5)
    assert re.fullmatch(r"every row meets the sourcing rule|\d+ of 5 rows meet the sourcing rule", sp.grade_of(many))


def test_no_number_on_the_page_is_typed():
    nb = json.loads(NOTEBOOK.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"\{[a-z:-]+\}`[^`]*`|```.*?```|^\(.*\)=$", "", "".join(cell["source"]), flags=re.S | re.M)
        text = re.sub(
            r"\b(?:19|20)\d\d\b|\b60(?: days|-day|%)", "", text
        )  # years, the memorandum's 60 days, 60% material
        assert not re.search(r"\d", text), (cell["id"], re.findall(r".{20}\d.{20}", text))


@pytest.mark.build
def test_page_in_both_editions_and_linked_from_the_landing_page(built_book, figures):
    html = page_text(built_book / "_build" / "html" / "chapters" / "state-of-play.html")
    assert "Where things stand at the data cut-off" in html
    for key in ["stock_60", "mou_deadline", "issues_overlap", "brent"]:
        assert figures.loc[key, "value"] in html
    for title in sp.TRACKS.values():
        assert title in html
    intro = (built_book / "_build" / "html" / "intro.html").read_text()
    assert 'href="chapters/state-of-play.html' in intro
    assert figures.loc["issues_blocked", "value"] in page_text(built_book / "_build" / "html" / "intro.html")
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(built_book / "_build" / "pdf" / "book.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Where things stand at the data cut-off" in pdf
    assert figures.loc["mou_deadline", "value"] in pdf


def test_the_pages_facts_glue_every_figure_and_every_panel():
    from iranbook import stateofplay as sp

    figs = sp.figures(ROOT)
    facts = sp.figure_facts(figs)
    assert {f"fig_{k}" for k in figs["key"]} | {f"panel-{t}" for t in sp.TRACKS} <= set(facts)
    assert all("-" not in k for k in facts if k.startswith(("fig_", "asof_")))  # glued as text, not Markdown
    standing = sp.standing_facts(ROOT)
    assert standing["mou-table"].count("{cite:p}") == standing["n_mou_terms"]
    headline = sp.headline_facts(ROOT)
    assert set(sp.HEADLINES) == {k.removeprefix("fig_") for k in headline if k.startswith("fig_")}
    assert headline["n_layers"] == 3
