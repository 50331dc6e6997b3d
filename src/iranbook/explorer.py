"""The breakout explorer: the model of :mod:`iranbook.breakout`, computed in the reader's browser.

The reader sets the stock of 60% uranium, the plant's capacity, the tails assay and the quantity
of U-235 that counts as one weapon's worth (the IAEA's significant quantity); Vega-Lite
parameters bound to inputs carry the values, and ``calculate`` transforms repeat the
value-function arithmetic of :mod:`iranbook.breakout` (:data:`EXPRESSIONS`, checked against it
in the tests), so the chart and the sentence it prints change as the reader moves an input, with
no server and no network. The defaults are the book's: the last IAEA figure for the stock, the
newest capacity figure and the model's parameters, from the data. The PDF shows the default
case; :func:`scenarios` gives the table of other cases printed beside it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import breakout as bo

#: Vega expressions of the model, over the parameters ``stock`` (kg of uranium at the feed assay),
#: ``capacity`` (SWU per year), ``tails`` (percent) and ``sq`` (kg of U-235), the feed assay
#: ``feed`` and the product assay ``product`` (fractions). They follow :mod:`iranbook.breakout`.
EXPRESSIONS = {
    "xt": "tails / 100",
    "v_p": "(2 * {product} - 1) * log({product} / (1 - {product}))",
    "v_f": "(2 * {feed} - 1) * log({feed} / (1 - {feed}))",
    "v_t": "(2 * datum.xt - 1) * log(datum.xt / (1 - datum.xt))",
    "f_per_p": "({product} - datum.xt) / ({feed} - datum.xt)",
    "swu_per_kg": "datum.v_p + (datum.f_per_p - 1) * datum.v_t - datum.f_per_p * datum.v_f",
    "days_first": f"sq / {{product}} * datum.swu_per_kg / capacity * {bo.DAYS_PER_YEAR}",
    "n_stock": "stock / datum.f_per_p * {product} / sq",
    "days_all": "datum.n_stock * datum.days_first",
    "day": "datum.share * datum.days_all",
    "made": "datum.share * datum.n_stock",
}
#: The sentence printed under the chart, as a Vega expression.
SENTENCE = (
    "'First quantity: ' + format(datum.days_first, ',.3r') + ' days. The stock yields ' + "
    "format(datum.n_stock, ',.3r') + ' quantities, all of them in ' + format(datum.days_all, ',.3r') + ' days.'"
)
#: What a reader (or a test) reads back from the sentence.
SENTENCE_PATTERN = (
    r"First quantity: ([\d,.]+) days\. The stock yields ([\d,.]+) quantities, "
    r"all of them in ([\d,.]+) days\."
)


def model(
    stock_kg: float, capacity: float, tails_pct: float, sq_u235_kg: float, feed: float, product: float
) -> dict[str, float]:
    """What the explorer shows for one setting, computed with :mod:`iranbook.breakout`."""
    tails = tails_pct / 100
    first = bo.quantities(1, feed, tails, product, sq_u235_kg).days(capacity)
    n = bo.quantities_from_stock(stock_kg, feed, tails, product, sq_u235_kg)
    return {"days_first": first, "n_stock": n, "days_all": n * first}


def scenarios(
    stock_kg: float, capacities: list[float], tails: list[float], sq_u235_kg: float, feed: float, product: float
) -> pd.DataFrame:
    """The explorer's figures for each capacity and tails assay (the table printed with the PDF)."""
    rows = [
        {"capacity": c, "tails_pct": t, **model(stock_kg, c, t, sq_u235_kg, feed, product)}
        for c in capacities
        for t in tails
    ]
    return pd.DataFrame(rows)


def chart(
    stock_kg: float,
    capacity: float,
    tails_pct: float,
    sq_u235_kg: float,
    feed: float,
    product: float,
    sources: str,
    steps: int = 10,
) -> alt.LayerChart:
    """The explorer: quantities of weapon-grade uranium made against days, for the reader's inputs.

    ``sources`` (citation keys, ';'-separated) goes on every row, so the chart's source line and
    table view name what the defaults come from."""
    defaults = model(stock_kg, capacity, tails_pct, sq_u235_kg, feed, product)
    share = [i / steps for i in range(steps + 1)]
    # the table view and the CSV give the line at the defaults; the page recomputes it from the inputs
    frame = pd.DataFrame(
        {
            "share": share,
            "days_at_defaults": [round(s * defaults["days_all"], 2) for s in share],
            "quantities_at_defaults": [round(s * defaults["n_stock"], 3) for s in share],
            "sources": sources,
        }
    )
    params = [
        alt.param(
            name="stock",
            value=round(stock_kg, 1),
            bind=alt.binding_range(min=0, max=1000, step=0.1, name="Stock of 60% uranium (kg) "),
        ),
        alt.param(
            name="capacity",
            value=float(capacity),
            bind=alt.binding_range(min=500, max=30000, step=100, name="Capacity (SWU per year) "),
        ),
        alt.param(
            name="tails",
            value=float(tails_pct),
            bind=alt.binding_range(min=0.5, max=20, step=0.1, name="Tails assay (%) "),
        ),
        alt.param(
            name="sq",
            value=float(sq_u235_kg),
            bind=alt.binding_range(min=5, max=50, step=0.5, name="One weapon's worth (kg of U-235) "),
        ),
    ]
    base = alt.Chart(frame)
    for name, expression in EXPRESSIONS.items():
        base = base.transform_calculate(**{name: expression.format(feed=feed, product=product)})
    line = base.mark_line(point=True).encode(
        x=alt.X("day:Q", title="Days at the set capacity (lower bound)"),
        y=alt.Y("made:Q", title="Significant quantities made"),
        tooltip=[
            alt.Tooltip("day:Q", title="Days", format=",.1f"),
            alt.Tooltip("made:Q", title="Quantities made", format=",.2f"),
        ],
    )
    # the line rises from the bottom left, so the sentence sits in the empty top left of the plot
    sentence = (
        base.transform_filter("datum.share == 1")
        .transform_calculate(sentence=SENTENCE)
        .mark_text(align="left", baseline="top", fontSize=12)
        .encode(x=alt.value(8), y=alt.value(8), text=alt.Text("sentence:N"))
    )
    return (
        alt.layer(line, sentence)
        .add_params(*params)
        .properties(
            width=560,
            height=300,
            title="Breakout explorer: weapon-grade uranium from the 60% stock",
            description=(
                "An explorer of the book's breakout model. Inputs set the stock of 60% uranium, the "
                "enrichment capacity, the tails assay and the amount of U-235 in one significant "
                "quantity; the line shows significant quantities made against days, and a sentence "
                "gives the days to the first quantity, the quantities the stock yields and the days "
                "for all of them. Lower bounds under the model's assumptions, not predictions."
            ),
        )
    )
