"""A transparent breakout model: standard separative-work arithmetic, nothing more.

"Breakout time" here is the time an enrichment plant of a given capacity needs to turn a feed
(natural uranium, or uranium already enriched to 20% or 60%) into enough weapon-grade uranium
for one or more weapons. The model is the textbook ideal-cascade calculation:

* the *value function* :math:`V(x) = (2x - 1)\\ln\\frac{x}{1 - x}` of an assay :math:`x`
  (the U-235 mass fraction);
* the mass balance of an enrichment step with feed :math:`F` at assay :math:`x_F`, product
  :math:`P` at :math:`x_P` and tails :math:`T` at :math:`x_T`:
  :math:`F = P + T` and :math:`F x_F = P x_P + T x_T`, so
  :math:`F/P = (x_P - x_T)/(x_F - x_T)`;
* the separative work :math:`W = P\\,V(x_P) + T\\,V(x_T) - F\\,V(x_F)`, in kg-SWU.

Time is separative work divided by the plant's capacity in SWU per year. The model ignores what
real plants need on top of this (re-piping cascades, the time for a cascade to reach
equilibrium, losses, downtime), so its times are lower bounds for a plant of the stated
capacity, not predictions. All assays are fractions (0.9, not 90).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAYS_PER_YEAR = 365.25


def _check_assays(product: float, feed: float, tails: float) -> None:
    for name, value in (("product", product), ("feed", feed), ("tails", tails)):
        if not 0 < value < 1:
            raise ValueError(f"{name} assay must be a fraction between 0 and 1 (got {value!r}); write 0.9 for 90%")
    if not tails < feed < product:
        raise ValueError(
            f"assays must satisfy tails < feed < product (got tails={tails}, feed={feed}, product={product})"
        )


def value(x: float) -> float:
    """The value function V(x) = (2x - 1) ln(x / (1 - x)) of an assay 0 < x < 1."""
    if not 0 < x < 1:
        raise ValueError(f"assay must be a fraction between 0 and 1 (got {x!r})")
    return (2 * x - 1) * math.log(x / (1 - x))


def feed_per_product(product: float, feed: float, tails: float) -> float:
    """kg of feed per kg of product: (x_P - x_T) / (x_F - x_T)."""
    _check_assays(product, feed, tails)
    return (product - tails) / (feed - tails)


def swu_per_product(product: float, feed: float, tails: float) -> float:
    """Separative work (kg-SWU) per kg of product."""
    f = feed_per_product(product, feed, tails)
    t = f - 1
    return value(product) + t * value(tails) - f * value(feed)


@dataclass(frozen=True)
class Step:
    """One enrichment step: how much feed and separative work a product needs."""

    product_kg: float
    feed_kg: float
    tails_kg: float
    swu: float

    def days(self, capacity_swu_per_year: float) -> float:
        """Days the step takes at a capacity in SWU per year (a lower bound, see the module docs)."""
        if capacity_swu_per_year <= 0:
            raise ValueError(f"capacity must be positive (got {capacity_swu_per_year!r} SWU/year)")
        return self.swu / capacity_swu_per_year * DAYS_PER_YEAR


def enrich(product_kg: float, product: float, feed: float, tails: float) -> Step:
    """The feed, tails and separative work to make ``product_kg`` of uranium at assay ``product``."""
    if product_kg < 0:
        raise ValueError(f"product mass must not be negative (got {product_kg!r})")
    f = feed_per_product(product, feed, tails)
    return Step(product_kg, product_kg * f, product_kg * (f - 1), product_kg * swu_per_product(product, feed, tails))


def product_for_quantities(n: float, sq_u235_kg: float, product: float) -> float:
    """kg of uranium at assay ``product`` that contain ``n`` significant quantities of U-235."""
    if n < 0 or sq_u235_kg <= 0:
        raise ValueError("the number of quantities must not be negative and a quantity must be positive")
    return n * sq_u235_kg / product


def quantities(n: float, feed: float, tails: float, product: float, sq_u235_kg: float) -> Step:
    """The step that makes ``n`` significant quantities from ``feed`` (feed assumed unlimited)."""
    return enrich(product_for_quantities(n, sq_u235_kg, product), product, feed, tails)


def quantities_from_stock(stock_kg: float, feed: float, tails: float, product: float, sq_u235_kg: float) -> float:
    """How many significant quantities a stock of ``stock_kg`` at assay ``feed`` can yield."""
    if stock_kg < 0:
        raise ValueError(f"stock must not be negative (got {stock_kg!r})")
    product_kg = stock_kg / feed_per_product(product, feed, tails)
    return product_kg * product / sq_u235_kg


def implied_capacity(swu: float, days: float) -> float:
    """The capacity (SWU per year) that does ``swu`` of work in ``days``."""
    if days <= 0:
        raise ValueError(f"days must be positive (got {days!r})")
    return swu / days * DAYS_PER_YEAR


def parameters(frame) -> dict[str, float]:
    """The model's parameters from the ``breakout_parameters`` table, with percentages as fractions."""
    out = {}
    for row in frame.itertuples():
        out[row.id] = float(row.value) / 100 if row.unit == "%" else float(row.value)
    return out


def assay_of(level: str) -> float:
    """The nominal assay of a stock level of the ``iaea_stockpile`` table: 'up to 60%' is 0.6."""
    return float(level.replace("up to", "").replace("%", "").strip()) / 100
