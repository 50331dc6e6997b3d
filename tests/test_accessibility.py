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
from test_build_output import html_pages

from iranbook.charts import TABLE_ROWS

pytestmark = pytest.mark.build

AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def pages(root: Path) -> list[str]:
    """The site's pages, but the root index.html, which only redirects to intro.html (checking it raced
    the redirect: the page navigated away while axe was being injected)."""
    site = root / "_build" / "html"
    return [p.relative_to(site).as_posix() for p in html_pages(root) if p != site / "index.html"]


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


#: What the text-alternative test reads of each chart, in one round trip per page.
CHART_FACTS = """() => Array.from(document.querySelectorAll('.iranbook-chart')).map(box => {
  const name = box.id.replace(/^chart-/, '');
  const description = document.getElementById(box.getAttribute('aria-describedby'));
  const table = box.querySelector('details.iranbook-chart-data table');
  const more = box.querySelector('details.iranbook-chart-data .iranbook-chart-more');
  const csv = Array.from(document.querySelectorAll('a')).find(a => (a.getAttribute('href') || '').endsWith(name + '.csv'));
  return {name, role: box.getAttribute('role'), label: box.getAttribute('aria-label'),
          description: description ? description.textContent.trim() : '',
          tableLabel: table ? table.getAttribute('aria-label') : null,
          rows: table ? table.querySelectorAll('tbody tr').length : 0,
          more: more ? more.textContent : '', moreHref: more && more.querySelector('a') ? more.querySelector('a').getAttribute('href') : null,
          csv: csv ? csv.getAttribute('href') : null};
})"""


def test_every_chart_has_a_text_alternative_and_a_table_view(built_book, browser):
    site = built_book / "_build" / "html"
    charts = 0
    with serve(site) as base:
        for rel in pages(built_book):
            page = browser.new_page()
            page.goto(base + rel, wait_until="domcontentloaded")  # the markup, not the drawing, is checked
            try:
                facts = page.evaluate(CHART_FACTS)
            except Exception:  # the landing page redirects once it has loaded: read where it lands
                page.wait_for_load_state("load")
                facts = page.evaluate(CHART_FACTS)
            page.close()
            for chart in facts:
                charts += 1
                name = chart["name"]
                assert chart["role"] == "figure" and chart["label"], (rel, name)
                assert len(chart["description"]) > 40, (rel, name)
                assert (chart["tableLabel"] or "").startswith("Data of the chart:"), (rel, name)
                assert chart["csv"], (rel, name)
                url = base + str(Path(rel).parent / chart["csv"]) if "/" in rel else base + chart["csv"]
                rows = list(csv.reader(io.StringIO(urlopen(url).read().decode("utf-8"))))
                shown = min(len(rows) - 1, TABLE_ROWS)
                assert chart["rows"] == shown, name
                if shown < len(rows) - 1:  # a long table shows its first rows and links the whole data
                    assert f"all {len(rows) - 1} are in" in chart["more"], name
                    assert chart["moreHref"] == chart["csv"], name
    assert charts >= 4
