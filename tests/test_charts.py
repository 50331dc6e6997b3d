"""The chart layer: offline HTML, vector PDF, deterministic ids, safe embedding, CSV of the data drawn."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from iranbook import charts

ROOT = Path(__file__).resolve().parents[1]


def _frame(note="a note"):
    frame = pd.DataFrame(
        {
            "x": pd.to_datetime(["2025-01-01", "2025-06-01"]),
            "y": [1.5, 2.5],
            "note": [note, note],
            "sources": ["ap2025amassed", "ap2025amassed;reuters2025overdue"],
        }
    )
    frame.attrs["cutoff"] = "2025-11-12"
    return frame


def _chart(frame, **props):
    props = {"title": "A title", "description": "A description", **props}
    return alt.Chart(frame).mark_line().encode(x="x:T", y="y:Q", tooltip=["note:N"]).properties(**props)


def test_bundle_has_html_pdf_text():
    spec = _chart(_frame()).to_dict()
    bundle = charts.mimebundle(spec, "chart-test")
    assert base64.b64decode(bundle["application/pdf"]).startswith(b"%PDF")
    html = bundle["text/html"]
    assert 'id="chart-test"' in html and 'class="marks"' in html  # static SVG fallback
    assert "cdn" not in html.lower() and "https://cdn" not in html
    assert "window.vegaEmbed" in html


def test_renderer_ids_are_deterministic():
    spec = _chart(_frame()).to_dict()
    assert charts.chart_id(spec) == charts.chart_id(json.loads(json.dumps(spec)))
    assert charts.chart_id(spec) != charts.chart_id(_chart(_frame(), title="Other").to_dict())


def test_script_in_data_cannot_end_the_script_element():
    spec = _chart(_frame(note="</script><script>alert(1)</script>")).to_dict()
    html = charts.mimebundle(spec, "chart-x")["text/html"]
    spec_json = html.split('type="application/json" id="chart-x-spec">', 1)[1].split("</script>", 1)[0]
    assert "<" not in spec_json
    assert json.loads(spec_json)["datasets"]  # still valid JSON with the data


def test_theme_is_colour_blind_safe_palette():
    config = charts.theme()["config"]
    assert config["range"]["category"] == charts.PALETTE
    assert config["font"] == charts.FONT


def test_show_writes_exactly_the_data_drawn(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IRANBOOK_ROOT", str(ROOT))
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display=True: glued.setdefault(name, value))
    frame = _frame()
    charts.show(_chart(frame), name="unit-test")
    written = pd.read_csv(tmp_path / "_chart_data" / "unit-test.csv", parse_dates=["x"])
    # the data drawn, plus each row's sourcing grade in words (AP alone; AP and Reuters: two origins)
    graded = frame.assign(sourcing=["single source", "two independent sources"])
    pd.testing.assert_frame_equal(written, graded, check_dtype=False)
    line = glued["unit-test-source"].data
    assert "{cite:p}`ap2025amassed,reuters2025overdue`" in line
    assert "Data cut-off: 12 November 2025" in line
    assert "{download}`Download the data shown (CSV) <_chart_data/unit-test.csv>`" in line
    assert 'id="chart-unit-test"' in glued["unit-test"]._repr_mimebundle_()["text/html"]


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"name": "Bad Name"}, "lowercase"),
        ({"name": "ok", "no_description": True}, "description"),
    ],
)
def test_show_refuses_incomplete_charts(tmp_path, monkeypatch, kwargs, error):
    monkeypatch.chdir(tmp_path)
    chart = _chart(_frame())
    if kwargs.pop("no_description", False):
        chart = alt.Chart(_frame()).mark_line().encode(x="x:T", y="y:Q").properties(title="t")
    with pytest.raises(ValueError, match=error):
        charts.show(chart, **kwargs)


def test_every_tooltip_gets_the_sourcing_grade():
    spec = {
        "layer": [
            {"mark": "point", "encoding": {"tooltip": [{"field": "x"}]}},
            {"mark": "rule", "encoding": {"tooltip": {"field": "y"}}},
            {"mark": "text", "encoding": {"text": {"field": "y"}}},
        ]
    }
    out = charts.add_sourcing_tooltip(spec)
    assert out["layer"][0]["encoding"]["tooltip"][-1]["field"] == "sourcing"
    assert [t["field"] for t in out["layer"][1]["encoding"]["tooltip"]] == ["y", "sourcing"]
    assert "tooltip" not in out["layer"][2]["encoding"]
    again = charts.add_sourcing_tooltip(out)
    assert len(again["layer"][0]["encoding"]["tooltip"]) == 2


def test_rows_without_sources_get_no_grade(monkeypatch):
    monkeypatch.setenv("IRANBOOK_ROOT", str(ROOT))
    frame = pd.DataFrame({"y": [1, 2], "sources": ["ap2025amassed", None]})
    assert charts.with_sourcing(frame)["sourcing"].tolist() == ["single source", ""]


def test_the_page_ships_only_the_columns_a_chart_uses():
    frame = _frame()
    chart = _chart(charts.with_sourcing(frame), description="The note and the sources of each point")
    spec = charts.prune_data(charts.add_sourcing_tooltip(chart.to_dict()))
    (rows,) = spec["datasets"].values()
    # x, y and the tooltip's note and sourcing are drawn; the citation keys travel in the CSV only
    # (the description's words for readers do not count as a use)
    assert set(rows[0]) == {"x", "y", "note", "sourcing"}
    expression = (
        alt.Chart(frame)
        .mark_point()
        .encode(x="x:T")
        .transform_filter("datum.y > 1")
        .properties(title="t", description="d")
    )
    (kept,) = charts.prune_data(expression.to_dict())["datasets"].values()
    assert set(kept[0]) == {"x", "y"}  # a column read only by an expression stays


def test_a_long_table_view_shows_its_first_rows_and_links_the_whole_data():
    frame = pd.DataFrame({"n": range(charts.TABLE_ROWS + 5)})
    html = charts.data_table_html(frame, "Data of the chart: t", "t.csv")
    assert html.count("<td>") == charts.TABLE_ROWS  # the first rows only
    assert f"The first {charts.TABLE_ROWS} of {charts.TABLE_ROWS + 5} rows" in html
    assert 'href="_chart_data/t.csv"' in html
    short = charts.data_table_html(frame.head(3), "Data of the chart: t", "t.csv")
    assert short.count("<td>") == 3 and "iranbook-chart-more" not in short


def test_a_long_source_line_names_the_sources_that_carry_most_rows():
    keys = [f"k{i}" for i in range(10)]
    rows = {"k7": 9, "k2": 5, "k9": 5, "k0": 3, "k1": 1}
    line = charts.source_line(keys, "_chart_data/x.csv", dt.date(2026, 6, 26), rows)
    # the four with most rows, in the order given, then the count of the rest
    assert "{cite:p}`k0,k2,k7,k9` and 6 more sources (each row's sources are in the chart's data, its CSV)" in line
    short = charts.source_line(keys[:3], "_chart_data/x.csv", dt.date(2026, 6, 26))
    assert "{cite:p}`k0,k1,k2`." in short and "more sources" not in short
    frame = pd.DataFrame({"sources": ["a;b", "a", None, "b;a"]})
    assert charts.rows_per_source(frame) == {"a": 3, "b": 2}


def test_static_renders_are_cached_by_spec(tmp_path, monkeypatch):
    """A chart whose spec did not change is not rendered again: its SVG and PDF come from the cache."""
    import json as _json

    from iranbook import charts as ch

    monkeypatch.setenv("IRANBOOK_CHART_CACHE", str(tmp_path))
    spec = _json.dumps(
        {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "mark": "point",
            "data": {"values": [{"a": 1}]},
            "encoding": {"x": {"field": "a", "type": "quantitative"}},
        },
        sort_keys=True,
    )
    svg, pdf = ch.static_renders(spec)
    assert svg.startswith("<svg") and pdf.startswith(b"%PDF")
    assert len(list(tmp_path.glob("*.svg"))) == 1 and len(list(tmp_path.glob("*.pdf"))) == 1

    def boom(_):
        raise AssertionError("rendered again")

    monkeypatch.setattr(ch.vlc, "vegalite_to_svg", boom)
    monkeypatch.setattr(ch.vlc, "vegalite_to_pdf", boom)
    assert ch.static_renders(spec) == (svg, pdf)
    with pytest.raises(AssertionError, match="rendered again"):  # another spec is rendered
        ch.static_renders(spec.replace('"a": 1', '"a": 2'))


def test_category_colour_keeps_the_order_and_the_house_palette():
    from iranbook.charts import PALETTE, category_colour

    spec = category_colour("measure", "Figure", ["estimate", "forecast"], columns=4).to_dict()
    assert spec["field"] == "measure" and spec["sort"] == ["estimate", "forecast"]
    assert spec["scale"] == {"domain": ["estimate", "forecast"], "range": PALETTE[:2]}
    assert spec["legend"]["columns"] == 4
