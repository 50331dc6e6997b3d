"""The breakout model against published worked values and the physics it must respect."""

import math

import pytest
from conftest import ROOT

from iranbook import breakout as bo
from iranbook import data


def test_value_function_is_zero_at_half_and_symmetric():
    assert bo.value(0.5) == 0
    for x in (0.003, 0.00711, 0.2, 0.6, 0.9):
        assert bo.value(x) == pytest.approx(bo.value(1 - x))
        assert bo.value(x) > 0


def test_worked_example_leu_35_percent():
    # rizgarmella2025swu: 1 kg of 3.5% from natural uranium (0.711%) with 0.3% tails
    # needs 7.785 kg of feed, leaves 6.785 kg of tails and takes about 4.34 kg-SWU.
    step = bo.enrich(1, 0.035, 0.00711, 0.003)
    assert step.feed_kg == pytest.approx(7.785, abs=0.001)
    assert step.tails_kg == pytest.approx(6.785, abs=0.001)
    assert step.swu == pytest.approx(4.34, rel=0.005)


def test_worked_example_leu_45_percent():
    # citizendium2024swu: from about 102 kg of natural uranium it takes about 62 SWU to make
    # 10 kg of 4.5% uranium with 0.3% tails.
    step = bo.enrich(10, 0.045, 0.00711, 0.003)
    assert step.feed_kg == pytest.approx(102, rel=0.01)
    assert step.swu == pytest.approx(62, rel=0.02)


def test_work_rises_with_product_assay_and_falls_with_feed_assay():
    assert bo.swu_per_product(0.9, 0.6, 0.05) < bo.swu_per_product(0.9, 0.2, 0.05)
    assert bo.swu_per_product(0.9, 0.2, 0.01) < bo.swu_per_product(0.9, 0.00711, 0.003)
    assert bo.swu_per_product(0.2, 0.00711, 0.003) < bo.swu_per_product(0.9, 0.00711, 0.003)


def test_mass_balance_holds():
    step = bo.enrich(27.8, 0.9, 0.6, 0.05)
    assert step.feed_kg == pytest.approx(step.product_kg + step.tails_kg)
    assert step.feed_kg * 0.6 == pytest.approx(step.product_kg * 0.9 + step.tails_kg * 0.05)


def test_most_of_the_work_to_weapon_grade_is_done_below_20_percent():
    # The point analysts make about stocks at 20% and 60%: from natural uranium to 90%, the
    # part above 20% is a small share of the separative work.
    whole = bo.swu_per_product(0.9, 0.00711, 0.003)
    top = bo.swu_per_product(0.9, 0.2, 0.003)
    assert top / whole < 0.25


def test_one_significant_quantity_and_time():
    p = bo.parameters(data.load("breakout_parameters", ROOT))
    assert p["sq_u235_kg"] == 25 and p["weapon_grade_assay"] == pytest.approx(0.9)
    step = bo.quantities(1, 0.6, p["tails_from_60"], p["weapon_grade_assay"], p["sq_u235_kg"])
    assert step.product_kg == pytest.approx(25 / 0.9)
    # time is work over capacity
    assert step.days(step.swu * 365.25 / 10) == pytest.approx(10)
    assert bo.implied_capacity(step.swu, 10) == pytest.approx(step.swu * 365.25 / 10)


def test_stock_of_60_percent_yields_about_ten_quantities():
    # The IAEA's yardstick (reported by Reuters, reuters2025sevensites): the 440.9 kg of 60%
    # uranium would be enough for about ten weapons if enriched further.
    n = bo.quantities_from_stock(440.9, 0.6, 0.05, 0.9, 25)
    assert 9.5 < n < 11


def test_bad_inputs_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="write 0.9 for 90%"):
        bo.swu_per_product(90, 60, 5)
    with pytest.raises(ValueError, match="tails < feed < product"):
        bo.swu_per_product(0.9, 0.6, 0.7)
    with pytest.raises(ValueError, match="capacity must be positive"):
        bo.enrich(1, 0.9, 0.6, 0.05).days(0)
    with pytest.raises(ValueError):
        bo.value(0)
    assert math.isfinite(bo.value(1e-9))
