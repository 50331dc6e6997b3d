"""The book's house style for Altair charts and the way charts are shown.

Importing this module registers and enables the ``iranbook`` Altair theme and renderer.

One chart, three readers:

* the HTML book: the chart is drawn by vega-embed, served from the site's own
  ``_static`` folder (no CDN), with tooltips;
* JupyterLab (which has no Vega-Lite 6 renderer): the same output shows a static SVG
  of the chart, drawn by vl-convert when the cell ran;
* the PDF: a vector PDF of the chart from vl-convert.

:func:`show` also writes exactly the table the chart draws to a CSV beside the notebook and
puts a source line under the chart: citations of the rows' sources (all of them up to six;
beyond, the four carrying most rows and the count of the rest), the data cut-off and a download
link for that CSV.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import json
import os
import re
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc
from IPython.display import Markdown

from . import data as _data
from .text import long_date

#: Okabe & Ito's palette, distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: One font for the browser, vl-convert's SVG and PDF (Debian's fonts-dejavu-core).
FONT = "DejaVu Sans"
WIDTH = 560
HEIGHT = 300
#: Where :func:`show` writes each chart's CSV, relative to the notebook's folder.
CHART_DATA_DIR = "_chart_data"

_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def theme() -> alt.theme.ThemeConfig:
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": 11,
        "titleFontSize": 12,
        "gridColor": "#e6e6e6",
        "domainColor": "#888888",
        "tickColor": "#888888",
    }
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "range": {"category": PALETTE},
            "axis": axis,
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12},
            "title": {"font": FONT, "fontSize": 14, "anchor": "start", "subtitleFont": FONT},
            "line": {"strokeWidth": 2},
            "point": {"size": 50, "filled": True},
            "bar": {"color": PALETTE[0]},
            "mark": {"color": PALETTE[0]},
        }
    }


alt.theme.register("iranbook", enable=True)(theme)


def _safe_json(obj) -> str:
    """JSON that can sit inside an HTML <script> element without ending it."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_id(spec: dict) -> str:
    """A deterministic element id for a spec (the same chart gets the same id on every build)."""
    import hashlib

    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    return f"chart-{digest}"


#: A chart's table view lists at most this many rows; a longer table shows its first rows and
#: says where the whole data is (the CSV linked in the source line under the chart).
TABLE_ROWS = 12


def data_table_html(frame: pd.DataFrame, caption: str, csv_name: str | None = None) -> str:
    """The chart's data as an HTML table (every cell escaped) in a closed <details> element.

    A frame of more than :data:`TABLE_ROWS` rows shows its first rows and a note with the row
    count; with ``csv_name`` the note links to that CSV (the book's build points the link at the
    download the page offers)."""
    shown = frame if len(frame) <= TABLE_ROWS else frame.head(TABLE_ROWS)
    table = shown.to_html(index=False, escape=True, border=0, na_rep="", classes="iranbook-chart-table")
    labelled = table.replace("<table", '<table aria-label="' + html.escape(caption, quote=True) + '"', 1)
    summary = "Show the data as a table"
    note = ""
    if len(shown) < len(frame):
        summary = f"Show the first {len(shown)} of {len(frame)} rows of the data as a table"
        whole = (
            f'<a class="iranbook-chart-csv" href="{html.escape(CHART_DATA_DIR + "/" + csv_name, quote=True)}">'
            "the CSV of the data shown</a>"
            if csv_name
            else "the CSV linked under the chart"
        )
        note = (
            f'<p class="iranbook-chart-more">The first {len(shown)} of {len(frame)} rows; '
            f"all {len(frame)} are in {whole}.</p>"
        )
    return f'<details class="iranbook-chart-data"><summary>{summary}</summary>' + labelled + note + "</details>"


def _mentions(text: str, name: str) -> bool:
    return re.search(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", text) is not None


def prune_data(spec: dict) -> dict:
    """``spec`` with its inline datasets cut to the columns the chart uses.

    A column is kept when its name appears anywhere in the spec outside the data and the words
    written for readers (titles and descriptions): as an encoded field, a tooltip, a filter or
    calculate expression, a sort or a selection; a superset of what vega reads. The CSV beside
    the chart keeps every column; the page ships each value once.
    """
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    used: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "datasets" or key in ("title", "description") and not isinstance(value, (list, bool)):
                    continue
                used.append(str(key))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        else:
            used.append(str(node))

    walk(spec)
    rest = "\n".join(used)
    out = dict(spec)
    out["datasets"] = {}
    for name, rows in datasets.items():
        columns = {c for row in rows for c in row}
        keep = {c for c in columns if _mentions(rest, c)}
        out["datasets"][name] = [{c: v for c, v in row.items() if c in keep} for row in rows]
    return out


STATIC_CACHE = Path("_build") / ".cache" / "charts"


def static_renders(spec_json: str) -> tuple[str, bytes]:
    """The chart's SVG and PDF as vl-convert renders them, kept in ``_build/.cache/charts`` under a hash
    of the spec and the vl-convert version (the build keeps them in its own ``.cache``, through
    ``$IRANBOOK_CHART_CACHE``): a chart whose spec did not change is not rendered again when
    its notebook re-executes (the first render in a process costs about a second), and its PDF bytes,
    which vl-convert does not reproduce exactly from run to run, stay the same."""
    key = hashlib.sha256(f"{vlc.__version__}\n{spec_json}".encode()).hexdigest()[:32]
    cache = os.environ.get("IRANBOOK_CHART_CACHE")  # the build's (_build/.cache/charts)
    if cache:
        cache = Path(cache)
    else:
        try:
            cache = _data.book_root() / STATIC_CACHE
        except FileNotFoundError:  # not inside a book: render without a cache
            cache = None
    if cache is not None and (cache / f"{key}.svg").is_file() and (cache / f"{key}.pdf").is_file():
        return (cache / f"{key}.svg").read_text(encoding="utf-8"), (cache / f"{key}.pdf").read_bytes()
    svg, pdf = vlc.vegalite_to_svg(spec_json), vlc.vegalite_to_pdf(spec_json)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"{key}.tmp{os.getpid()}"
        tmp.write_bytes(pdf)
        tmp.replace(cache / f"{key}.pdf")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(cache / f"{key}.svg")
    return svg, pdf


def mimebundle(spec: dict, element_id: str, table_html: str = "") -> dict:
    """The output of one chart: text/html (interactive + static fallback), application/pdf, text/plain.

    In the HTML the chart is a figure whose accessible name is its title and whose description
    is the chart's ``description`` (the text alternative); ``table_html`` (see
    :func:`data_table_html`) adds a table view of the data under it.
    """
    spec_json = json.dumps(spec, sort_keys=True)
    svg, pdf = static_renders(spec_json)
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = html.escape(str(title or spec.get("description") or "Chart"), quote=True)
    description = html.escape(str(spec.get("description") or ""), quote=False)
    html_out = f"""<div class="iranbook-chart" id="{element_id}" role="figure" aria-label="{label}" aria-describedby="{element_id}-description">
<p class="iranbook-chart-description" id="{element_id}-description">{description}</p>
<div class="iranbook-chart-static" aria-hidden="true">{svg}</div>
<div class="iranbook-chart-live"></div>
{table_html}
</div>
<script type="application/json" id="{element_id}-spec">{_safe_json(spec)}</script>
<script>
(function () {{
  function draw() {{
    var box = document.getElementById("{element_id}");
    if (!box || !window.vegaEmbed) return;
    var spec = JSON.parse(document.getElementById("{element_id}-spec").textContent);
    window.vegaEmbed(box.querySelector(".iranbook-chart-live"), spec,
                     {{actions: false, renderer: "svg", tooltip: {{theme: "light"}}}})
      .then(function () {{
        var s = box.querySelector(".iranbook-chart-static"); if (s) s.remove();
        // marks vega draws without a label (selection brushes, for instance) are decoration
        box.querySelectorAll('.iranbook-chart-live svg [role="img"]:not([aria-label]), ' +
                             '.iranbook-chart-live svg [role="graphics-symbol"]:not([aria-label])')
          .forEach(function (e) {{ e.setAttribute("aria-hidden", "true"); }});
      }});
  }}
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
}})();
</script>"""
    return {
        "text/html": html_out,
        "application/pdf": base64.b64encode(pdf).decode("ascii"),
        "text/plain": f"<chart {element_id}: {title or 'untitled'}>",
    }


def _renderer(spec: dict, **_kwargs) -> dict:
    return mimebundle(spec, chart_id(spec))


alt.renderers.register("iranbook", _renderer)
alt.renderers.enable("iranbook")


#: A source line cites every source up to this many; beyond, the ones carrying the most rows.
SOURCE_LINE_MAX = 6
SOURCE_LINE_SHOWN = 4


def source_line(keys: list[str], csv_path: str, cutoff: _dt.date, rows: dict[str, int] | None = None) -> str:
    """The MyST line printed under a chart: its sources, the data cut-off and the CSV download.

    With more than :data:`SOURCE_LINE_MAX` sources the line names the
    :data:`SOURCE_LINE_SHOWN` that carry most rows (``rows``: key -> rows citing it; ties in the
    order given) and counts the rest: every row's sources stay in the table view and the CSV,
    and every source is in the bibliography."""
    if not keys:
        raise ValueError("a chart must cite at least one source")
    cited, more = list(keys), ""
    if len(keys) > SOURCE_LINE_MAX:
        rows = rows or {}
        order = sorted(range(len(keys)), key=lambda i: (-rows.get(keys[i], 0), i))
        cited = [keys[i] for i in sorted(order[:SOURCE_LINE_SHOWN])]
        more = f" and {len(keys) - len(cited)} more sources (each row's sources are in the chart's data, its CSV)"
    return (
        f"**Source:** {{cite:p}}`{','.join(cited)}`{more}. Data cut-off: {long_date(cutoff)}. "
        f"{{download}}`Download the data shown (CSV) <{csv_path}>`"
    )


def rows_per_source(frame: pd.DataFrame, sources_column: str = "sources") -> dict[str, int]:
    """How many rows of ``frame`` cite each source key."""
    counts: dict[str, int] = {}
    for cell in frame[sources_column].dropna():
        for key in {k.strip() for k in str(cell).split(_data.SOURCE_SEPARATOR) if k.strip()}:
            counts[key] = counts.get(key, 0) + 1
    return counts


class _Output:
    """A ready-made display bundle (what glue stores for a chart)."""

    def __init__(self, bundle: dict):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle


#: The column every chart's data gets: how its row meets the sourcing rule, in words.
SOURCING = "sourcing"


def with_sourcing(frame: pd.DataFrame, sources_column: str = "sources") -> pd.DataFrame:
    """``frame`` with a :data:`SOURCING` column: each row's grade in words ('single source', ...).
    Rows with no sources (annotations such as event markers) get an empty value."""
    from . import sources

    has = frame[sources_column].notna() & (frame[sources_column].astype("string").str.strip() != "")
    grades = sources.grades(frame.loc[has], column=sources_column)
    out = frame.copy()
    out[SOURCING] = ""
    out.loc[has, SOURCING] = [sources.GRADE_TEXT[str(g)] for g in grades]
    out.attrs = dict(frame.attrs)
    return out


def add_sourcing_tooltip(spec: dict) -> dict:
    """Add the :data:`SOURCING` field to every tooltip of a Vega-Lite spec (so a reader hovering a
    mark sees whether it rests on a single source)."""
    entry = {"field": SOURCING, "type": "nominal", "title": "Sourcing"}

    def walk(node):
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict) and "tooltip" in enc:
                tip = enc["tooltip"]
                tips = tip if isinstance(tip, list) else [tip]
                if not any(
                    isinstance(t, dict) and (t.get("field") == SOURCING or t.get("title") == "Sourcing") for t in tips
                ):
                    enc["tooltip"] = [*tips, entry]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return spec


def show(chart: alt.TopLevelMixin, name: str, sources_column: str = "sources") -> None:
    """Show ``chart`` in the house style with its source line and a CSV of the data it draws.

    In a notebook the chart and its source line appear as the cell's output. For the book
    they are also glued as ``name`` and ``name-source``: a markdown cell places them, as a
    numbered figure with ``{chart}`` (figure label ``fig-<name>``)::

        ```{chart} nuclear-stocks
        Caption of the figure.
        ```

    ``name`` (lowercase words joined by hyphens) names the glue keys, the chart's element id
    and its CSV file; it must be unique in the book. The chart must carry its data as one
    DataFrame (``alt.Chart(frame)`` or ``alt.layer(..., data=frame)``) with a column of
    citation keys, and a ``title`` and ``description`` (the text alternative).
    """
    from myst_nb import glue

    if not _NAME.fullmatch(name):
        raise ValueError(f"chart name {name!r}: use lowercase letters, digits and hyphens")
    frame = chart.data
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"chart {name!r}: give the chart its data as one DataFrame, not {type(frame).__name__}")
    spec = chart.to_dict()
    if not spec.get("title") or not spec.get("description"):
        raise ValueError(f"chart {name!r}: set both a title and a description (the text alternative)")
    if sources_column not in frame.columns:
        raise ValueError(f"chart {name!r}: the data has no {sources_column!r} column of citation keys")
    if SOURCING not in frame.columns:
        frame = with_sourcing(frame, sources_column)
        chart = chart.properties(data=frame)
    spec = prune_data(add_sourcing_tooltip(chart.to_dict()))

    out_dir = Path(CHART_DATA_DIR)
    out_dir.mkdir(exist_ok=True)
    csv_path = out_dir / f"{name}.csv"
    frame.to_csv(csv_path, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    _data.record("w", csv_path)

    cutoff = _dt.date.fromisoformat(frame.attrs["cutoff"]) if "cutoff" in frame.attrs else _data.cutoff()
    caption = str(spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"])
    table = data_table_html(frame, f"Data of the chart: {caption}", csv_path.name)
    glue(name, _Output(mimebundle(spec, f"chart-{name}", table)))
    keys = _data.sources_of(frame, sources_column)
    glue(
        f"{name}-source",
        Markdown(source_line(keys, csv_path.as_posix(), cutoff, rows_per_source(frame, sources_column))),
    )


def terms_over_time(
    frame: pd.DataFrame,
    scale: dict[str, list[str]],
    issues: list[tuple[str, str]],
    actors: list[str],
    title: str,
    description: str,
    rules: pd.DataFrame | None = None,
    width: int = 400,
) -> alt.VConcatChart:
    """Stated terms over time: one panel per issue, its scale of terms on the vertical axis (step 0 at
    the bottom), each coded position a bar from its lowest to its highest step at the date it was
    stated, coloured by actor, its mark's shape telling a statement from a proposal's term or a response.

    ``frame`` has a row per coded position with ``actor``, ``issue``, ``stated_on``, ``term_low``,
    ``term_high``, ``kind`` and the tooltip columns ``when``, ``speaker``, ``words``, ``sources``;
    ``issues`` gives (id, label) pairs in panel order; ``rules`` (``date``, ``label``) marks dates
    such as the rounds on every panel.
    """
    kinds = ["statement", "proposal", "response", "agreement"]
    frame = frame.assign(
        lo=frame["term_low"].astype(float) - 0.28,
        hi=frame["term_high"].astype(float) + 0.28,
        mid=(frame["term_low"].astype(float) + frame["term_high"].astype(float)) / 2,
        layer="term",
    )
    if rules is not None:
        frame = pd.concat([frame, rules.assign(layer="rule")], ignore_index=True)
    dates = pd.to_datetime(
        pd.concat([frame["stated_on"].dropna(), frame.get("date", pd.Series(dtype="datetime64[ns]")).dropna()])
    )
    domain = [
        (dates.min() - pd.Timedelta(days=20)).strftime("%Y-%m-%d"),
        (dates.max() + pd.Timedelta(days=20)).strftime("%Y-%m-%d"),
    ]
    colours = alt.Scale(domain=actors, range=PALETTE[: len(actors)])
    tooltip = [
        alt.Tooltip("actor:N", title="Actor"),
        alt.Tooltip("when:N", title="Stated"),
        alt.Tooltip("speaker:N", title="Said by"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("terms:N", title="Terms"),
        alt.Tooltip("words:N", title="Words"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    panels = []
    for n, (issue, label) in enumerate(issues):
        terms = scale[issue]
        names = "{" + ", ".join(f'"{i}": {_safe_json(t)}' for i, t in enumerate(terms)) + "}"
        x = alt.X(
            "stated_on:T",
            title="Date stated" if n == len(issues) - 1 else None,
            scale=alt.Scale(domain=domain),
            axis=alt.Axis(format="%b %Y", labelAngle=-40, labels=n == len(issues) - 1),
        )
        axis = alt.Axis(
            values=list(range(len(terms))),
            labelExpr=f"{names}[datum.value]",
            labelLimit=210,
            labelOverlap=False,
            grid=True,
        )
        steps = alt.Scale(domain=[-0.5, len(terms) - 0.5], nice=False)
        y = alt.Y("lo:Q", title=None, scale=steps, axis=axis)
        base = alt.Chart().transform_filter((alt.datum.layer == "term") & (alt.datum.issue == issue))
        bars = base.mark_bar(width=6, opacity=0.75).encode(
            x=x, y=y, y2="hi:Q", color=alt.Color("actor:N", title="Actor", sort=actors, scale=colours), tooltip=tooltip
        )
        marks = base.mark_point(filled=True, size=70, stroke="#ffffff", strokeWidth=1).encode(
            x=x,
            y=alt.Y("mid:Q", title=None, scale=steps, axis=axis),
            color=alt.Color("actor:N", sort=actors, scale=colours),
            shape=alt.Shape("kind:N", title="Kind", sort=kinds, scale=alt.Scale(domain=kinds)),
            tooltip=tooltip,
        )
        layers = [bars, marks]
        if rules is not None:
            layers.insert(
                0,
                alt.Chart()
                .transform_filter(alt.datum.layer == "rule")
                .mark_rule(color="#bbbbbb", strokeDash=[2, 3])
                .encode(
                    x=alt.X("date:T", scale=alt.Scale(domain=domain)),
                    tooltip=[
                        alt.Tooltip("label:N", title="Round"),
                        alt.Tooltip("date:T", title="Date", format="%-d %B %Y"),
                    ],
                ),
            )
        panels.append(
            alt.layer(*layers).properties(
                title=alt.Title(label, anchor="start", fontSize=12), width=width, height=24 * len(terms)
            )
        )
    return alt.vconcat(*panels, data=frame, spacing=14).properties(title=title, description=description)


# --------------------------------------------------------------------------- builders
# The shapes the book repeats. Each takes frames and a few words and returns Altair layers or a
# frame in the house style; :func:`show` then adds the sourcing tooltip, the text alternative's
# check, the data-table view and the CSV.

#: How an event is marked on a time axis: a dashed rule and an upright label. ``sanctions`` is the
#: style of the sanctions chapter's effect charts, ``milestone`` that of the 2026 charts.
EVENT_STYLES = {
    "sanctions": {
        "rule": {"color": "#888888", "strokeDash": [4, 3]},
        "text": {
            "angle": 270,
            "align": "right",
            "baseline": "bottom",
            "dx": -4,
            "dy": -2,
            "fontSize": 9,
            "color": "#555555",
        },
    },
    "milestone": {
        "rule": {"color": "#777777", "strokeDash": [3, 3]},
        "text": {"angle": 270, "align": "left", "dx": 4, "dy": -4, "fontSize": 10, "color": "#333333"},
    },
}


def category_colour(field: str, title: str, categories: list[str], columns: int = 3) -> alt.Color:
    """A colour for each of ``categories`` (in the house palette, in their order), with the legend
    under the chart in ``columns`` columns."""
    return alt.Color(
        f"{field}:N",
        title=title,
        sort=categories,
        legend=alt.Legend(orient="bottom", columns=columns),
        scale=alt.Scale(domain=categories, range=PALETTE[: len(categories)]),
    )


def event_layers(base: alt.Chart, where, label: str, title: str, date: str, style: str = "milestone"):
    """The (rules, labels) layers that mark events on ``base``'s time axis: the rows ``where`` selects
    (a Vega predicate such as ``alt.datum.layer == "milestone"``), at the field ``date`` already encoded
    on ``base``'s x axis, labelled by the field ``label``; the rule's tooltip names the event (``title``)
    and its date. ``style`` is a key of :data:`EVENT_STYLES`."""
    look = EVENT_STYLES[style]
    rules = (
        base.mark_rule(**look["rule"])
        .transform_filter(where)
        .encode(
            tooltip=[alt.Tooltip(f"{label}:N", title=title), alt.Tooltip(f"{date}:T", title="Date", format="%-d %B %Y")]
        )
    )
    labels = base.mark_text(**look["text"]).transform_filter(where).encode(y=alt.value(0), text=f"{label}:N")
    return rules, labels


def with_events(values: pd.DataFrame, events: pd.DataFrame, kind: str = "event") -> pd.DataFrame:
    """One frame for a series chart: the ``values`` and the ``events`` (``start``, ``what``,
    ``sources``) as rows whose ``kind`` is ``kind``, each a moment (``from`` = ``until``)."""
    marks = pd.DataFrame(
        {
            "kind": kind,
            "from": events["start"],
            "until": events["start"],
            "what": events["what"],
            "sources": events["sources"],
        }
    )
    return pd.concat([values, marks], ignore_index=True)


def events_text(events: pd.DataFrame) -> str:
    """The events a chart marks, for its text description: 'EU oil embargo (1 July 2012); …'."""
    return "; ".join(f"{w} ({s:%-d %B %Y})" for w, s in zip(events["what"], events["start"]))


def ranges_by_source(base: alt.Chart, where, y: alt.Y, colour: alt.Color, tooltip: list):
    """Estimates drawn over the period each covers, by source: a thick rule from ``from`` to ``until``
    at the low value, a thin rule from ``low`` to ``high`` at the period's middle (``mid``) and a dot at
    the high value, coloured by ``colour``; the rows ``where`` selects. Returns the three layers."""
    periods = (
        base.mark_rule(strokeWidth=3).transform_filter(where).encode(x2="until:T", y=y, color=colour, tooltip=tooltip)
    )
    spans = (
        alt.Chart()
        .mark_rule(strokeWidth=1.5)
        .transform_filter(where)
        .encode(x="mid:T", y="low:Q", y2="high:Q", color=colour, tooltip=tooltip)
    )
    dots = (
        alt.Chart()
        .mark_point(filled=True, size=40)
        .transform_filter(where)
        .encode(x="mid:T", y="high:Q", color=colour, tooltip=tooltip)
    )
    return periods, spans, dots
