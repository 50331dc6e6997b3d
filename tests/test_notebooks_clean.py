"""Notebooks are stored without outputs and read data only through the shared loader."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*(ROOT / "chapters").rglob("*.ipynb"), ROOT / "intro.ipynb"])
NOTEBOOKS = [nb for nb in NOTEBOOKS if ".ipynb_checkpoints" not in nb.parts]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i}: has outputs; strip them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {i}: has an execution count"
        assert "execution" not in cell.get("metadata", {}), f"{path.name} cell {i}: has execution timings"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_data_read_only_through_the_loader(path):
    """The build's cache follows what iranbook.load reads; a direct read would go stale."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not re.search(r"read_csv|read_json|open\(|data/", code), (
        f"{path.name}: read data with iranbook.load(), not directly"
    )


def test_cells_that_show_a_chart_are_removed_from_the_page():
    """A chart is placed by its {chart} figure; if the cell that shows it also displays it, the page has
    two elements with the chart's id and the figure's chart never draws."""
    import json
    import re

    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.glob("chapters/*.ipynb")) + [root / "intro.ipynb"]:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code" and re.search(r"^\s*show\(", "".join(cell["source"]), re.M):
                assert "remove-cell" in cell["metadata"].get("tags", []), f"{path.name}: cell {cell.get('id')}"


def test_every_code_cell_is_folded_or_removed():
    """The PDF leaves code out and the web edition folds it: every code cell is tagged hide-input (or
    remove-cell), so none is printed (the first-look chapter's first cell once was)."""
    import json

    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                tags = set(cell["metadata"].get("tags", []))
                assert tags & {"hide-input", "remove-cell"}, f"{path.name}: cell {cell.get('id')}"


#: The pages about the data itself, where naming a dataset is the point.
DATA_PAGES = {"appendix-data.ipynb", "appendix-methods.ipynb", "appendix-sources.ipynb", "register.ipynb"}


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name not in DATA_PAGES], ids=lambda p: p.name)
def test_chapter_prose_names_no_dataset(path):
    """A chapter's text speaks of timelines, estimates and measures, not of `war_events` or
    `sanctions_regimes`: dataset identifiers belong to the Data appendix, the code and the repository."""
    names = {res["name"] for res in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]}
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = [
        (i, name)
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown"
        for name in re.findall(r"`([a-z_]+)`", "".join(cell["source"]))
        if name in names
    ]
    assert not found, f"{path.name}: dataset identifiers in the prose: {found}"
