"""Every page of the built site passes axe-core with no serious or critical violation, and every
chart has a text alternative (name and description) and a table view of its data.

axe-core comes from npm (tools/axe, installed by `make test`) and is injected into Debian's
chromium; the theme's template fragments under _static/ are not pages and are skipped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.request import urlopen

import pytest

from conftest import ROOT, serve
from iranbook.charts import TABLE_ROWS
from test_build_output import html_pages

pytestmark = pytest.mark.build

AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def pages(root: Path) -> list[str]:
    site = root / "_build" / "html"
    return [p.relative_to(site).as_posix() for p in html_pages(root)]


def test_axe_finds_no_serious_or_critical_violation(built_book, browser):
    assert AXE.is_file(), "axe-core is missing: run `make test` (it runs npm ci in tools/axe)"
    site = built_book / "_build" / "html"
    found = {}
    counted = {}
    with serve(site) as base:
        for rel in pages(built_book):
            page = browser.new_page()
            page.goto(base + rel, wait_until="load")
            for box in page.locator(".iranbook-chart").all():  # axe checks the charts as drawn
                box.locator(".iranbook-chart-live svg.marks").wait_for()
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(RUN_AXE)
            page.close()
            counted[rel] = len(violations)
            bad = [v for v in violations if v["impact"] in ("serious", "critical")]
            if bad:
                found[rel] = bad
    assert len(counted) >= 6
    assert found == {}, found


def test_every_chart_has_a_text_alternative_and_a_table_view(built_book, browser):
    site = built_book / "_build" / "html"
    charts = 0
    with serve(site) as base:
        for rel in pages(built_book):
            page = browser.new_page()
            page.goto(base + rel, wait_until="domcontentloaded")  # the markup, not the drawing, is checked
            for box in page.locator(".iranbook-chart").all():
                charts += 1
                assert box.get_attribute("role") == "figure"
                assert box.get_attribute("aria-label"), rel
                description = page.locator("#" + box.get_attribute("aria-describedby"))
                assert len(description.inner_text().strip()) > 40, rel
                table = box.locator("details.iranbook-chart-data table")
                assert table.get_attribute("aria-label").startswith("Data of the chart:")
                name = box.get_attribute("id").removeprefix("chart-")
                href = page.locator(f"a[href$='{name}.csv']").first.get_attribute("href")
                url = base + str(Path(rel).parent / href) if "/" in rel else base + href
                rows = list(csv.reader(io.StringIO(urlopen(url).read().decode("utf-8"))))
                shown = min(len(rows) - 1, TABLE_ROWS)
                assert table.locator("tbody tr").count() == shown, name
                if shown < len(rows) - 1:  # a long table shows its first rows and links the whole data
                    more = box.locator("details.iranbook-chart-data .iranbook-chart-more")
                    assert f"all {len(rows) - 1} are in" in more.text_content(), name
                    assert more.locator("a").get_attribute("href") == href, name
            page.close()
    assert charts >= 4
