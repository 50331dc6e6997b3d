"""iranbook.figures: one function per chart, called by the chapter that shows it, under the chart's name."""

import inspect
import json
import re
from pathlib import Path

from iranbook import figures

ROOT = Path(__file__).resolve().parents[1]


def _calls() -> dict[str, tuple[str, str]]:
    """function name -> (notebook, chart name) of every ``show(figures.f(...), name="...")`` in the chapters."""
    found = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            for fn, name in re.findall(r"show\(\s*figures\.(\w+)\(.*?\),\s*name=\"([a-z0-9-]+)\"", text, re.S):
                assert fn not in found, f"figures.{fn} is shown twice"
                found[fn] = (path.name, name)
    return found


def test_every_chart_function_is_shown_once_under_its_own_name():
    functions = {
        n
        for n, f in inspect.getmembers(figures, inspect.isfunction)
        if f.__module__ == figures.__name__ and not n.startswith("_")  # private helpers the charts share
    }
    calls = _calls()
    assert functions and set(calls) == functions
    for fn, (notebook, name) in calls.items():
        assert name.replace("-", "_") == fn, (notebook, fn, name)
        assert figures.__dict__[fn].__doc__, fn


def test_a_chart_function_takes_what_its_chapter_passes_and_returns_a_chart():
    import iranbook
    from iranbook import nuclear

    levels = nuclear.stock_levels(iranbook.load("iaea_stockpile"))
    chart = figures.nuclear_stocks(levels)
    spec = chart.to_dict()
    assert spec["title"] and spec["description"].startswith("Line chart, log scale, of the IAEA's figures")
    shown = levels[levels["level"].isin(["up to 20%", "up to 60%", "total"])]
    assert len(chart.data) == len(shown) and "sources" in chart.data
