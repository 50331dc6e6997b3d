"""The breakout explorer computes in the page what iranbook.breakout computes in Python."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert as vlc

from iranbook import breakout as bo
from iranbook import explorer

FEED, PRODUCT = 0.6, 0.9
SETTINGS = [  # stock kg, capacity SWU/year, tails %, kg U-235 per quantity
    (440.9, 7500, 5, 25),
    (200, 2000, 2, 25),
    (900, 20000, 10, 15),
    (60, 1000, 1, 40),
]


def _read(sentence: str) -> tuple[float, float, float]:
    match = re.search(explorer.SENTENCE_PATTERN, sentence)
    assert match, sentence
    return tuple(float(g.replace(",", "")) for g in match.groups())


def _set(spec: dict, **values) -> dict:
    spec = json.loads(json.dumps(spec))
    for param in spec["params"]:
        if param["name"] in values:
            param["value"] = values[param["name"]]
    return spec


def test_the_model_follows_the_breakout_module():
    m = explorer.model(440.9, 7500, 5, 25, FEED, PRODUCT)
    step = bo.quantities(1, FEED, 0.05, PRODUCT, 25)
    assert m["days_first"] == pytest.approx(step.days(7500))
    assert m["n_stock"] == pytest.approx(bo.quantities_from_stock(440.9, FEED, 0.05, PRODUCT, 25))
    assert m["days_all"] == pytest.approx(m["n_stock"] * m["days_first"])


@pytest.mark.parametrize("stock,capacity,tails,sq", SETTINGS)
def test_the_page_arithmetic_agrees_with_the_module(stock, capacity, tails, sq):
    """The Vega expressions, evaluated by Vega itself (vl-convert), agree with iranbook.breakout to 0.5%."""
    spec = explorer.chart(440.9, 7500, 5, 25, FEED, PRODUCT, "k").to_dict()
    svg = vlc.vegalite_to_svg(json.dumps(_set(spec, stock=stock, capacity=capacity, tails=tails, sq=sq)))
    text = " ".join(re.findall(r"<text[^>]*>([^<]*First quantity[^<]*)</text>", svg))
    shown = _read(text)
    m = explorer.model(stock, capacity, tails, sq, FEED, PRODUCT)
    for got, want in zip(shown, (m["days_first"], m["n_stock"], m["days_all"])):
        assert got == pytest.approx(want, rel=0.005)


def test_scenarios_cover_every_case():
    table = explorer.scenarios(440.9, [7500, 8660], [2, 5, 10], 25, FEED, PRODUCT)
    assert len(table) == 6
    assert table["days_first"].is_monotonic_decreasing is False  # more capacity or less tails: faster
    fast = table.sort_values("days_first").iloc[0]
    assert (fast["capacity"], fast["tails_pct"]) == (8660, 10)
