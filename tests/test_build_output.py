"""Tests on a real build (HTML and PDF) of a fresh copy of the book."""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
import yaml
from conftest import ROOT, chart_on_page, page_text, pdf_text, serve

from iranbook import charts, data
from iranbook.build import book_sources
from iranbook.text import long_date

pytestmark = pytest.mark.build


def html_pages(root: Path) -> list[Path]:
    site = root / "_build" / "html"
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def chapter_title(file: str) -> str:
    path = next(ROOT.glob(file + ".*"))
    if path.suffix == ".ipynb":
        text = "\n".join(
            "".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"
        )
    else:
        text = path.read_text()
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def executed_charts(root: Path) -> dict[str, dict]:
    """Chart name -> Vega-Lite spec, from the executed notebooks' glued outputs."""
    found = {}
    for nb_path in (root / "_build" / ".work" / "src").rglob("*.ipynb"):
        for cell in json.loads(nb_path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                name = out.get("metadata", {}).get("scrapbook", {}).get("name")
                html_out = out.get("data", {}).get("text/html", "")
                if name and "iranbook-chart" in "".join(html_out):
                    text = "".join(html_out)
                    spec = text.split('type="application/json"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
                    found[name] = json.loads(spec)
    return found


# ------------------------------------------------------------------------------ HTML


def test_site_and_pdf_exist(built_book):
    assert (built_book / "_build" / "html" / "index.html").is_file()
    assert (built_book / "_build" / "pdf" / "book.pdf").stat().st_size > 10_000
    for file in toc_files():
        assert (built_book / "_build" / "html" / (file + ".html")).is_file(), file


def test_every_chart_draws_and_nothing_leaves_the_site(built_book, browser):
    site = built_book / "_build" / "html"
    charts_seen = 0
    with serve(site) as base:
        for page_path in html_pages(built_book):
            page = browser.new_page()
            outside, errors = [], []
            page.on(
                "request",
                lambda r, outside=outside: (
                    outside.append(r.url)
                    if not (r.url.startswith(base) or r.url.startswith("data:") or r.url.startswith("blob:"))
                    else None
                ),
            )
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            url = base + page_path.relative_to(site).as_posix()
            page.goto(url, wait_until="networkidle")
            boxes = page.locator(".iranbook-chart")
            for i in range(boxes.count()):
                box = boxes.nth(i)
                box.locator(".iranbook-chart-live svg.marks").wait_for(timeout=15_000)
                assert box.locator(".iranbook-chart-static").count() == 0, f"{url}: static fallback left in place"
                charts_seen += 1
            assert outside == [], f"{url} requested outside the site: {outside}"
            assert errors == [], f"{url}: JavaScript errors {errors}"
            page.close()
    assert charts_seen >= 1


def test_each_chart_ships_its_data_once_and_reads_without_javascript(built_book, browser):
    """The page carries each chart's data once (the spec vega draws, cut to the columns it uses);
    the static copy is a file shown only to a reader without JavaScript, and it is there."""
    site = built_book / "_build" / "html"
    charts_seen = 0
    for page in html_pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert '<div class="iranbook-chart-static"' not in text, f"{page}: inline static copy of a chart"
        for spec in re.findall(
            r'<script type="application/json" id="chart-[a-z0-9-]+-spec">(.*?)</script>', text, re.S
        ):
            spec = json.loads(spec)
            # every column shipped is one the chart reads (cutting again removes nothing)
            assert charts.prune_data(spec) == spec, f"{page}: a chart ships columns it does not use"
            charts_seen += 1
    assert charts_seen >= 10
    context = browser.new_context(java_script_enabled=False)
    with serve(site) as base:
        page = context.new_page()
        page.goto(base + "chapters/war.html", wait_until="networkidle")
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('.iranbook-chart img.iranbook-chart-static'))"
            ".map(i => i.naturalWidth)"
        )
        assert len(widths) == page.locator(".iranbook-chart").count() >= 3
        assert all(w > 300 for w in widths), widths
    context.close()


def test_chart_tooltip_shows_values(built_book, browser):
    site = built_book / "_build" / "html"
    with serve(site) as base:
        page = browser.new_page()
        page.goto(base + "chapters/stockpile.html", wait_until="networkidle")
        live = page.locator("#chart-nuclear-stocks .iranbook-chart-live svg.marks")
        live.wait_for()
        point = page.locator("#chart-nuclear-stocks .iranbook-chart-live path[aria-roledescription='point']").last
        point.hover(force=True)
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
        assert "kg of uranium" in page.inner_text("#vg-tooltip-element")
        page.close()


def test_timeline_era_menu_filters_the_events(built_book, browser):
    """The history timeline's era menu shows exactly the events of the chosen era, in chromium."""
    import csv
    import io
    from urllib.request import urlopen

    site = built_book / "_build" / "html"
    with chart_on_page(browser, site, "chapters/history.html", "history-timeline") as (page, base, box, errors):
        href = page.locator("a[href$='history-timeline.csv']").first.get_attribute("href")
        rows = list(csv.DictReader(io.StringIO(urlopen(base + "chapters/" + href).read().decode("utf-8"))))
        points = box.locator(".iranbook-chart-live path[aria-roledescription='point']")
        assert points.count() == len(rows)
        menu = box.locator("select")
        era = menu.locator("option").nth(4).inner_text()
        menu.select_option(label=era)
        page.wait_for_timeout(500)
        assert points.count() == sum(r["era"] == era for r in rows) > 0
        menu.select_option(index=0)
        page.wait_for_timeout(500)
        assert points.count() == len(rows)
        assert errors == []


def test_every_glued_chart_is_placed_with_source_line_and_csv(built_book):
    specs = executed_charts(built_book)
    assert specs
    all_html = {p: p.read_text() for p in html_pages(built_book)}
    for name in specs:
        pages = [p for p, text in all_html.items() if f'id="chart-{name}"' in text]
        assert len(pages) == 1, f"chart {name} appears on {len(pages)} pages (place it with ```{{chart}} {name}```)"
        text = all_html[pages[0]]
        figure = text.split(f'id="chart-{name}"', 1)[1].split("</figure>", 1)[0]
        assert "Source:" in figure and "Data cut-off:" in figure
        link = re.search(r'href="([^"]*_downloads/[^"]*/' + re.escape(name) + r'\.csv)"', figure)
        assert link, f"chart {name}: no CSV download link"
        served = (pages[0].parent / unquote(link.group(1))).resolve()
        executed = next((built_book / "_build" / ".work" / "src").rglob(f"_chart_data/{name}.csv"))
        assert served.read_bytes() == executed.read_bytes()


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def test_internal_links_and_anchors_resolve(built_book):
    site = built_book / "_build" / "html"
    parsed = {}
    for page in site.rglob("*.html"):  # _static holds the theme's templates, not pages
        if "_static" in page.relative_to(site).parts:
            continue
        p = _Links()
        p.feed(page.read_text())
        parsed[page.resolve()] = p
    broken = []
    for page, p in parsed.items():
        for link in p.links:
            if urlparse(link).scheme or link.startswith("//"):
                continue
            target, fragment = urldefrag(link)
            path = (page.parent / unquote(target.split("?")[0])).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site.resolve())}: {link}")
            elif fragment and path in parsed and unquote(fragment) not in parsed[path].ids:
                broken.append(f"{page.relative_to(site.resolve())}: #{fragment} not in {path.name}")
    assert broken == []


def test_citations_resolve_in_html(built_book):
    """Every cited source is listed on the bibliography page, with its URL."""
    from pybtex.database import parse_file

    bib = parse_file(str(ROOT / "references.bib"))
    page = (built_book / "_build" / "html" / "bibliography.html").read_text()
    for key in cite_keys_in_sources():
        fields = bib.entries[key].fields
        if "url" in fields:
            assert f'href="{fields["url"].replace("&", "&amp;")}"' in page, key
        else:  # the seed articles: a file in ../shared/seeds, listed by title
            assert fields["title"].strip("{}").split("{")[0][:30] in page.replace("&#8217;", "'"), key


# ------------------------------------------------------------------------------ PDF


def _plain_quotes(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def test_pdf_has_every_chapter_title(built_book):
    from iranbook.sphinxext import WEB_ONLY_PAGES

    text = _plain_quotes(pdf_text(built_book, "-layout")).upper()
    for file in toc_files():
        if file not in WEB_ONLY_PAGES:
            assert _plain_quotes(chapter_title(file)).upper() in text, file


def _pdf_pages(root: Path, first: int, last: int) -> str:
    return pdf_text(root, "-f", str(first), "-l", str(last), fold=False)


@pytest.mark.build
def test_the_printed_front_and_back_matter(built_book):
    """The contents page is headed "Contents" and lists an unnumbered Introduction, whose pages are
    headed with its name; the abbreviations are listed; the changelog (release notes) stays on the
    web; the bibliography is listed once, after the register, and prints no numeric labels that no
    citation uses."""
    # the contents run from page 2 to the page before the Introduction's first page
    first_intro = next(n for n in range(3, 12) if _pdf_pages(built_book, n, n).strip().startswith("INTRODUCTION"))
    contents = " ".join(_pdf_pages(built_book, 2, first_intro - 1).split())
    assert contents.startswith("CONTENTS") and "CHAPTERS" not in contents and "WHERE THINGS STAND 1" not in contents
    assert re.search(r"Introduction \d+ 1 Where things stand", contents)
    assert contents.count("Bibliography") == 1 and "Changelog" not in contents
    text = pdf_text(built_book)
    assert "INTRODUCTION" in _pdf_pages(built_book, first_intro + 1, first_intro + 1)  # its page footer
    for term in ("SWU", "SQ", "E3", "HEU", "NSPM-2", "CISADA", "IFCA", "FFEP"):
        assert re.search(rf"Abbreviations .*\b{re.escape(term)}\b", text), term
    assert "0.1.0 The book's foundation" not in _plain_quotes(text)
    bibliography = text[text.rindex("BIBLIOGRAPHY") :]
    assert not re.search(r"\[\d+\] ", bibliography)


def test_pdf_has_resolved_citations_and_bibliography(built_book):
    text = pdf_text(built_book, "-layout")
    assert re.search(r"\[Associated Press, \d{1,2} \w{3} \d{4}", text)
    assert "[?]" not in text
    assert "Accessed 23 November 2026" in text


def _axis_titles(spec: dict) -> list:
    """Axis titles of a chart, also in layered and concatenated charts."""
    titles = [
        enc.get("title")
        for name, enc in spec.get("encoding", {}).items()
        if isinstance(enc, dict) and name in ("x", "y")
    ]
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for part in spec.get(key, []):
            titles += _axis_titles(part)
    return titles


def test_pdf_charts_are_vector_with_text(built_book):
    text = pdf_text(built_book, "-layout")
    for name, spec in executed_charts(built_book).items():
        axis_titles = [t for t in _axis_titles(spec) if isinstance(t, str)]
        assert axis_titles, name
        for title in axis_titles:
            assert title in text, f"chart {name}: axis title {title!r} not found as text in the PDF"


def test_pdf_pages_render(built_book, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(built_book / "_build" / "pdf" / "book.pdf"), str(tmp_path / "page")],
        check=True,
    )
    assert len(list(tmp_path.glob("page-*.png"))) >= 4


# ------------------------------------------------------------------------------ sources


def cite_keys_in_sources() -> set[str]:
    keys = set()
    texts = []
    for rel in book_sources(ROOT):  # what the build reads (README.md is not part of the book)
        if rel.suffix == ".md":
            texts.append((ROOT / rel).read_text())
        elif rel.suffix == ".ipynb":
            texts += ["".join(c["source"]) for c in json.loads((ROOT / rel).read_text())["cells"]]
    for text in texts:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            keys.update(k.strip() for k in group.split(","))
    return keys


def test_every_cite_key_is_in_references_bib():
    keys = cite_keys_in_sources()
    assert keys, "no citations found"
    assert keys <= data.bib_keys(ROOT), sorted(keys - data.bib_keys(ROOT))


def test_every_page_shows_the_data_cutoff(built_book):
    from iranbook.text import long_date

    banner = f"Data cut-off: {long_date(data.cutoff(ROOT))}"
    pages = [p for p in html_pages(built_book) if p.name != "index.html" or p.parent.name != "html"]
    assert len(pages) >= 10  # every page but the root index.html, which only redirects to intro.html
    for page in pages:
        assert banner in page.read_text(encoding="utf-8"), page


@pytest.mark.build
def test_the_printed_edition_never_asks_the_reader_to_hover_click_or_drag(built_book):
    """Captions, charts and passages shared by both editions speak to a reader of either; the web
    edition's instructions for its interactive charts are in `{only} html` blocks."""
    text = pdf_text(built_book)
    found = [
        m.group(0)
        for m in re.finditer(r".{40}\b(?:[Hh]over|[Cc]lick|[Dd]rag|[Bb]uttons?|[Tt]able view)\w*\b.{40}", text)
        if "URL:" not in text[m.start() : m.end() + 200]
    ]  # the bibliography quotes titles as published
    assert not found, found


@pytest.mark.build
def test_figure_numbers_are_the_same_in_both_editions(built_book):
    """A reader citing "Fig. 9" sends readers of the other edition to the same chart: the web edition
    numbers figures straight through the book, and so does the PDF."""
    site = built_book / "_build" / "html"
    web = []
    for page in toc_files():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        for number, caption in re.findall(
            r'<span class="caption-number">Fig\. (\d+) </span>'
            r'<span class="caption-text">(.*?)</span>',
            html,
            re.S,
        ):
            web.append((int(number), " ".join(re.sub(r"<[^>]+>", "", caption).split()[:4])))
    web.sort()
    printed = re.findall(r"Fig\. (\S+?): (\S+ \S+ \S+ \S+)", pdf_text(built_book))
    assert [n for n, _ in web] == list(range(1, len(web) + 1))
    assert [(int(n), words) for n, words in printed] == web


@pytest.mark.build
def test_the_bibliography_count_agrees_in_every_place(built_book):
    """The Methods appendix states how many entries the bibliography holds; the web bibliography and the
    printed one list exactly that many."""
    from iranbook import sources

    n = len(sources.entries(ROOT))
    methods = (built_book / "_build" / "html" / "chapters" / "appendix-methods.html").read_text()
    assert re.search(rf"The bibliography holds\s+(?:<[^>]+>)*(?:{n}|{n:,})(?:<[^>]+>)*\s+entries", methods)
    web = (built_book / "_build" / "html" / "bibliography.html").read_text()
    assert web.count('class="citation"') == n
    assert pdf_text(built_book).count("URL:") == n


@pytest.mark.build
def test_no_code_is_printed(built_book):
    text = pdf_text(built_book)
    for code in ("import iranbook", "iranbook.load(", "glue(", "alt.Chart("):
        assert code not in text, code


@pytest.mark.build
def test_the_printed_edition_says_where_each_charts_data_is_and_names_version_and_cut_off(built_book):
    """A download link cannot work on paper: each chart's source line prints the CSV's path instead;
    the title page names the version of the data package and the cut-off."""
    text = pdf_text(built_book)
    assert "Download the data shown" not in text
    site = built_book / "_build" / "html"
    charts = sum(page_text(site / f"{page}.html").count("Download the data shown (CSV)") for page in toc_files())
    paths = re.findall(r"Data shown: (chapters/_chart_data/[a-z0-9-]+\.csv)", text)
    stage = built_book / "_build" / ".work" / "src"  # where the build ran the notebooks
    assert len(paths) == charts and all((stage / p).is_file() for p in paths)
    first_page = subprocess.run(
        ["pdftotext", "-l", "1", str(built_book / "_build" / "pdf" / "book.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    version = json.loads((ROOT / "data" / "datapackage.json").read_text())["version"]
    assert f"Release {version}" in first_page
    assert f"data cut-off {long_date(data.cutoff(ROOT))}" in first_page


def _letters(text: str) -> str:
    """Only the letters and digits of ``text``, lower-cased: what survives line breaks, hyphenation and
    the two editions' different quotes."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _html_tables(page: Path) -> list[tuple[str, list[str]]]:
    """(caption, the text of each body row's first cell) of every table of a page that both editions
    print: not the web edition's own (class ``web-only``), nor a chart's table view of its data (the PDF
    prints the chart and gives the path of its CSV)."""
    html = page.read_text(encoding="utf-8")
    tables = []
    for m in re.finditer(r"<table([^>]*)>(.*?)</table>", html, re.S):
        if "web-only" in m.group(1) or "iranbook-chart-table" in m.group(1):
            continue
        caption = re.search(r'<span class="caption-text">(.*?)</span>', m.group(2), re.S)
        body = re.search(r"<tbody>(.*?)</tbody>", m.group(2), re.S)
        cells = [
            re.sub(r"<[^>]+>", " ", c)
            for c in re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", body.group(1) if body else "", re.S)
        ]
        tables.append((re.sub(r"<[^>]+>", "", caption.group(1)) if caption else "", cells))
    return tables


@pytest.mark.build
def test_every_printed_table_holds_every_row_of_its_web_twin(built_book):
    """Each table the PDF prints holds all the rows of the same table in the web edition: the first cell of
    every row is in the PDF's text (read in content order, where a cell's lines stay together), and every
    table has a caption in both editions."""
    raw = _letters(pdf_text(built_book, "-raw"))
    site = built_book / "_build" / "html"
    missing, uncaptioned, checked = [], [], 0
    for page in toc_files():
        for caption, cells in _html_tables(site / f"{page}.html"):
            if not caption:
                uncaptioned.append(page)
            for cell in cells:
                checked += 1
                if _letters(cell) not in raw:
                    missing.append((page, caption[:40], " ".join(cell.split())[:60]))
    assert checked > 200
    assert not missing, missing[:10]
    assert not uncaptioned, uncaptioned


def _glued(root: Path, notebook: str) -> dict[str, str]:
    """What an executed notebook of the build glued: name -> text (a number's digits, a table's MyST)."""
    found = {}
    nb = json.loads((root / "_build" / ".work" / "src" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            data = out.get("data", {})
            prefix = meta.get("mime_prefix", "")
            value = data.get(prefix + "text/markdown", data.get(prefix + "text/plain"))
            if meta.get("name") and value is not None:
                found[meta["name"]] = "".join(value)
    return found


def _rows(table: str) -> int:
    """The body rows of a MyST pipe table."""
    lines = [line for line in table.splitlines() if line.startswith("|")]
    return len(lines) - 2  # the header and the rule


#: (notebook, the count its prose states, the table the count describes)
COUNTED_TABLES = [
    ("chapters/history", "seed_claims_n", "history-seed-claims"),
    ("chapters/sanctions", "n_seed", "sanctions-seed-claims"),
    ("chapters/talks", "n_claims", "talks-seed-claims"),
    ("chapters/war", "n_iaea_events", "verification-table"),
    ("chapters/war", "n_war_events", "war-events-table"),
    ("chapters/state-of-play", "n_mou_terms", "mou-table"),
    ("chapters/talks", "n_others", "others-table"),
    ("chapters/history", "n_eras", "era-table"),
    ("chapters/sanctions", "n_same", "same-period-table"),
]


@pytest.mark.build
def test_every_count_the_prose_states_about_a_table_is_its_rows(built_book):
    """A count the text gives for a table ("Of its 9 claims...", "the 12 events in that period") is
    computed from the rows the table shows, so the two cannot disagree."""
    wrong = []
    for notebook, count, table in COUNTED_TABLES:
        glued = _glued(built_book, notebook)
        if int(glued[count]) != _rows(glued[table]):
            wrong.append((notebook, count, glued[count], table, _rows(glued[table])))
    assert not wrong, wrong


@pytest.mark.build
def test_every_printed_figure_stays_in_its_section(built_book):
    """A figure is printed in the section whose text places it (LaTeX's floats had moved charts into the
    next section): in the PDF, each figure's caption comes after the heading of the section the web
    edition shows it in, and before the next heading."""
    lines = pdf_text(built_book, "-raw", fold=False).splitlines()
    site = built_book / "_build" / "html"
    titles = {
        _letters(re.sub(r"<[^>]+>", "", t).replace("#", ""))
        for page in toc_files()
        for t in re.findall(r"<h2>(.*?)</h2>", (site / f"{page}.html").read_text(), re.S)
    }
    headings = [
        (i, _letters(re.sub(r"^\d+\.\d+ ", "", line)))
        for i, line in enumerate(lines)
        if re.match(r"^\d+\.\d+ \S", line)
        and ". . ." not in line
        and _letters(re.sub(r"^\d+\.\d+ ", "", line)) in titles
    ]
    figures = {int(m.group(1)): i for i, line in enumerate(lines) if (m := re.match(r"^Fig\. (\d+): ", line))}
    misplaced, checked = [], 0
    for page in toc_files():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        marks = [
            (m.start(), "h2", _letters(re.sub(r"<[^>]+>", "", m.group(1)).replace("#", "")))
            for m in re.finditer(r"<h2>(.*?)</h2>", html, re.S)
        ]
        marks += [
            (m.start(), "fig", int(m.group(1))) for m in re.finditer(r'<span class="caption-number">Fig\. (\d+) ', html)
        ]
        section = None
        for _, kind, value in sorted(marks):
            if kind == "h2":
                section = value
                continue
            if section is None:
                continue
            starts = [i for i, title in headings if title == section]
            at = figures.get(value)
            if not starts or at is None:
                misplaced.append((page, value, "heading or caption not found in the PDF"))
                continue
            checked += 1
            start = max(i for i in starts if i < at) if any(i < at for i in starts) else None
            following = [i for i, _ in headings if start is not None and i > start]
            if start is None or (following and following[0] < at):
                misplaced.append((page, value, section))
    assert checked >= 15
    assert not misplaced, misplaced
