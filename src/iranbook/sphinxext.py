"""Sphinx extension of the book (listed in ``_config.yml`` under ``sphinx.extra_extensions``).

* a pybtex style, ``iranbook`` (an entry point in pyproject.toml), for web sources: author (organisation), year, title,
  how and by whom it was published, URL and the date we accessed it (``urldate``); and ``iranbook-tip``,
  the short form a citation shows on hover in the HTML (the title of the source);
* the ``{chart}`` directive: a chart glued by :func:`iranbook.charts.show` as a numbered
  figure (label ``fig-<name>``) with the author's caption and, as its legend, the chart's
  source line (citations, data cut-off, CSV download);
* pages without sphinx-thebe's scripts (see :func:`drop_thebe`);
* the data cut-off in a banner on every HTML page (see :func:`announce_cutoff`);
* a PDF without the code of ``hide-input`` cells (see :func:`drop_hidden_code_in_pdf`): the
  HTML folds that code away, and in print it would bury the text; the notebooks keep it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils.statemachine import StringList
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data
from pybtex.richtext import Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as _Unsrt
from pybtex.style.template import field as bib_field
from pybtex.style.template import href, join, node, optional, sentence, words
from sphinx.util import logging as sphinx_logging
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing import basic_author_year as _author_year
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def _accessed(entry) -> str:
    day = _dt.date.fromisoformat(entry.fields["urldate"])
    return f"Accessed {day.day} {day.strftime('%B %Y')}"


class BookStyle(_Unsrt):
    """unsrt, with the access date of every online source shown after its URL."""

    default_sorting_style = "author_year_title"

    def get_misc_template(self, e):
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[optional[bib_field("howpublished")], date_or_year],
            optional[sentence[bib_field("note")]],
            self.format_web_refs(e),
        ]

    def format_web_refs(self, e):
        return sentence[
            optional[join["URL: ", href[bib_field("url", raw=True), bib_field("url", raw=True)]]],
            optional[words[_accessed(e)] if "urldate" in e.fields else ""],
        ]


class TipStyle(BookStyle):
    """The hover text of a citation in the HTML: the title of what is cited (the citation itself
    shows who and when). The rest of the entry is one click away in the bibliography; repeating
    it in every citation's tooltip made a third of a chapter page's weight."""

    def get_misc_template(self, e):
        return toplevel[optional[self.format_title(e, "title")]]


#: Letters that tell apart two entries whose citation would otherwise print the same
#: (same author, same date): key -> "a", "b", ... Filled from references.bib when Sphinx starts.
SUFFIXES: dict[str, str] = {}


def _printed_date(fields) -> str:
    """'26 Feb 2025' for a full date, 'Feb 2026' for a month, else the year ('n.d.' without one)."""
    raw = fields.get("date", "")
    try:
        day = _dt.date.fromisoformat(raw)
        return f"{day.day} {day.strftime('%b %Y')}"
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}", raw):
        return _dt.date.fromisoformat(raw + "-01").strftime("%b %Y")
    return fields.get("year", "") or "n.d."


def _author_label(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(p.last_names) or str(p) for p in people]
    return " and ".join(names[:2]) + (" et al." if len(names) > 2 else "")


def suffixes_of(bib_data) -> dict[str, str]:
    """For each group of entries with the same author label and printed date, the letters a, b, ...
    in the order of their titles (then keys), so that two citations never print the same."""
    groups: dict[tuple, list] = {}
    for key, entry in bib_data.entries.items():
        groups.setdefault((_author_label(entry), _printed_date(entry.fields)), []).append(
            (entry.fields.get("title", ""), key)
        )
    out = {}
    for members in groups.values():
        if len(members) > 1:
            for letter, (_, key) in zip("abcdefghijklmnopqrstuvwxyz", sorted(members)):
                out[key] = letter
    return out


@node
def date_or_year(children, data):
    """The citation's date ('26 Feb 2025', 'Feb 2026' or the year) with its letter when another entry
    of the same author would print the same ('26 Feb 2025a', '26 Feb 2025b').

    Many of the book's sources are wire reports with the same author and year; the date tells
    them apart in the text, the letter when the date does not.
    """
    assert not children
    entry = data["entry"]
    return Text(_printed_date(entry.fields) + SUFFIXES.get(entry.key, ""))


def load_suffixes(app, config):
    """Compute :data:`SUFFIXES` from the book's bibliography files."""
    from pybtex.database import parse_file

    SUFFIXES.clear()
    for name in getattr(config, "bibtex_bibfiles", []) or []:
        path = Path(app.srcdir) / name
        if path.is_file():
            SUFFIXES.update(suffixes_of(parse_file(str(path))))


# sphinxcontrib-bibtex's author-year styles look the name ``year`` up in this module at render time.
_author_year.year = date_or_year


def _semicolons() -> BracketStyle:
    return BracketStyle(sep="; ", sep2="; ", last_sep="; ")


@dataclass
class BookReferenceStyle(AuthorYearReferenceStyle):
    """Author-date citations (entry point ``iranbook``), several separated by semicolons: [AP, 12 Nov 2025; Reuters, 12 Nov 2025]."""

    bracket_parenthetical: BracketStyle = field(default_factory=_semicolons)
    bracket_textual: BracketStyle = field(default_factory=_semicolons)


class ChartDirective(PasteFigureDirective):
    """```{chart} name`` + caption: the glued chart ``name`` with its glued source line."""

    def run(self):
        name = self.arguments[0].strip()
        self.options.setdefault("name", f"fig-{name}")
        try:
            source = retrieve_glue_data(self.document, f"{name}-source").data["text/markdown"]
        except (RetrievalError, KeyError):
            return [
                self.state.document.reporter.warning(
                    f"chart {name!r}: no glued source line {name + '-source'!r}; "
                    "was the chart shown with iranbook.charts.show()?",
                    line=self.lineno,
                )
            ]
        if not self.content:
            return [
                self.state.document.reporter.warning(f"chart {name!r}: give the figure a caption", line=self.lineno)
            ]
        extra = StringList(["", *source.splitlines()], source=self.content.source(0))
        self.content = StringList(list(self.content), source=self.content.source(0)) + extra
        return super().run()


def drop_thebe(app, pagename, templatename, context, doctree):
    """Jupyter Book 1 always loads sphinx-thebe and includes its inline script twice, which throws
    ("Identifier 'THEBE_JS_URL' has already been declared") and names a CDN. The book has no live
    code cells, so thebe's scripts are left out of every page."""
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [
            js
            for js in scripts
            if "sphinx-thebe" not in str(getattr(js, "filename", js) or "")
            and "THEBE_JS_URL" not in str(getattr(js, "attributes", {}).get("body", ""))
        ]


#: Fixes for accessibility faults that axe-core finds in markup the book does not write itself:
#: docutils' bibliography (a role="list" whose items carry the deprecated doc-biblioentry role)
#: the theme's search buttons (an aria-label that leaves out the visible "Ctrl + K") and the
#: toggle buttons of hidden code cells.
_A11Y_FIXES = [
    (re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry"'), r'\1 role="listitem"'),
    (
        re.compile(
            r'(<button class="btn search-button-field search-button__button[^"]*" title="Search") aria-label="Search"'
        ),
        r"\1",
    ),
    # sphinx-togglebutton's summaries show "Show code cell source" but are named otherwise
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # the theme's "download source file" entry points into _sources/, which the book does not
    # publish (html_copy_source is off, see _config.yml): a dead link otherwise
    (re.compile(r'<li><a href="[^"]*_sources/[^"]*"[^>]*btn-download-source-button.*?</li>', re.S), ""),
]


def fix_accessibility(text: str) -> str:
    """A page with :data:`_A11Y_FIXES` applied."""
    for pattern, replacement in _A11Y_FIXES:
        text = pattern.sub(replacement, text)
    return text


#: A chart's static copy in an executed notebook (what JupyterLab shows); see iranbook.charts.
_STATIC_CHART = re.compile(
    r'(<div class="iranbook-chart" id="(chart-[a-z0-9-]+)"[^>]*>\s*<p class="iranbook-chart-description"[^>]*>.*?</p>\s*)'
    r'<div class="iranbook-chart-static" aria-hidden="true">(<svg.*?</svg>)\s*</div>',
    re.S,
)
_TABLE_CSV = re.compile(r'<a class="iranbook-chart-csv" href="_chart_data/([a-z0-9-]+\.csv)">')
STATIC_CHART_DIR = "_chart_static"


def slim_chart_page(page: Path, text: str) -> str:
    """A page that ships each chart's data once.

    The page draws each chart from its inline spec. The static SVG copy of the chart (which the
    executed notebook carries for JupyterLab) moves to a file beside the page, shown from a
    ``<noscript>`` image: a reader without JavaScript sees it, a browser that draws the chart
    never loads it. A table view's link to the whole data points at the CSV the page offers."""
    if "iranbook-chart" not in text:
        return text

    def move(match):
        head, element_id, svg = match.groups()
        target = page.parent / STATIC_CHART_DIR / f"{element_id}.svg"
        target.parent.mkdir(exist_ok=True)
        target.write_text(svg, encoding="utf-8")
        return (
            f'{head}<noscript><img class="iranbook-chart-static" src="{STATIC_CHART_DIR}/{element_id}.svg" '
            'alt=""></noscript>'
        )

    fixed = _STATIC_CHART.sub(move, text)

    def link(match):
        name = match.group(1)
        download = re.search(r'href="([^"]*_downloads/[^"]*/' + re.escape(name) + ')"', fixed)
        return f'<a class="iranbook-chart-csv" href="{download.group(1)}">' if download else match.group(0)

    return _TABLE_CSV.sub(link, fixed)


def finish_pages(app, exception):
    """After an HTML build, one pass over every page: :func:`fix_accessibility`, then
    :func:`slim_chart_page`."""
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(Path(app.outdir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        fixed = slim_chart_page(page, fix_accessibility(text))
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _hidden_input_cells(doctree):
    """The notebook cells tagged ``hide-input`` of a doctree."""
    from docutils import nodes

    for cell in list(doctree.findall(nodes.container)):
        classes = cell.get("classes", [])
        if "cell" in classes and "tag_hide-input" in classes:
            yield cell


def plain_folded_code(app, doctree, docname):
    """In the HTML, the source of ``hide-input`` cells (folded away under "Show code cell source")
    is shown as plain text, not syntax-highlighted: highlighting multiplied the code's bytes by six
    and made it the largest part of a chapter page, for code most readers never unfold."""
    if app.builder.format != "html":
        return
    from docutils import nodes

    for cell in _hidden_input_cells(doctree):
        for block in cell.findall(nodes.literal_block):
            block["language"] = "none"


def drop_hidden_code_in_pdf(app, doctree, docname):
    """In the LaTeX build, remove the source of cells tagged ``hide-input`` (their outputs stay)."""
    if app.builder.format != "latex":
        return
    from docutils import nodes

    for cell in _hidden_input_cells(doctree):
        for child in list(cell.children):
            if isinstance(child, nodes.container) and "cell_input" in child.get("classes", []):
                cell.remove(child)


def announce_cutoff(app, config):
    """Show the data cut-off, read from data/datapackage.json, in a banner on every HTML page."""
    from . import data
    from .text import long_date

    try:
        day = data.cutoff(Path(app.srcdir))
    except (OSError, ValueError, KeyError):
        return
    options = dict(config.html_theme_options or {})
    options["announcement"] = f"Data cut-off: {long_date(day)}. Later events are not covered."
    config.html_theme_options = options
    # the printed title page names the version (the data package's) and, beside the build date, the
    # cut-off; the release alone goes into the running header, so it stays short
    from sphinx.util.i18n import format_date

    config.release = data.package(Path(app.srcdir))["version"]
    built = format_date(config.today_fmt or "%b %d, %Y", language=config.language)
    config.today = f"{built}; data cut-off {long_date(day)}"


def csv_path_in_print(app, doctree, docname):
    """In the PDF a chart's "Download the data shown (CSV)" cannot be a download: print where the file
    is instead (the chapter's notebook writes it when it runs; the web edition links it)."""
    if app.builder.format != "latex":
        return
    from docutils import nodes
    from sphinx import addnodes

    for ref in list(doctree.findall(addnodes.download_reference)):
        source = ref.get("refdoc") or docname  # the page the chart was placed on (the notebook's folder)
        target = (Path(source).parent / ref["reftarget"].lstrip("/")).as_posix()
        ref.replace_self(nodes.inline("", f"Data shown: {target}, written when the chapter's notebook runs."))


#: Pages of the web edition left out of the printed report: the changelog is release notes (the
#: repository keeps it as changelog.md), and the bibliography page's own chapter would print empty
#: (LaTeX gathers every citation into the bibliography at the end of the book).
WEB_ONLY_PAGES = ("changelog", "bibliography")


def print_edition(app, doctree, docname):
    """Shape the assembled LaTeX document as a printed report.

    The introduction opens with an unnumbered "Introduction" chapter in the contents and the
    running head (without it the pages under the contents page carried the first part's name);
    the web-only pages are dropped; each chapter title ties its last two words, so that a title
    that breaks never leaves one word on its last line.
    """
    if app.builder.format != "latex":
        return
    from docutils import nodes
    from sphinx import addnodes

    for part in list(doctree.findall(addnodes.start_of_file)):
        if part.get("docname") in WEB_ONLY_PAGES:
            part.parent.remove(part)
    first = next(iter(doctree.findall(nodes.section)), None)
    if first is not None:
        opening = (
            r"\chapter*{Introduction}\addcontentsline{toc}{chapter}{Introduction}\markboth{INTRODUCTION}{INTRODUCTION}"
        )
        first.insert(
            1 if first.children and isinstance(first[0], nodes.title) else 0, nodes.raw("", opening, format="latex")
        )
    for part in doctree.findall(addnodes.start_of_file):
        section = next((c for c in part.children if isinstance(c, nodes.section)), None)
        if section is None or not section.children or not isinstance(section[0], nodes.title):
            continue
        texts = list(section[0].findall(nodes.Text))
        if texts and " " in texts[-1].astext().strip():
            last = texts[-1]
            head, _, tail = last.astext().rstrip().rpartition(" ")
            last.parent.replace(last, nodes.Text(f"{head}\u00a0{tail}"))


LOG = sphinx_logging.getLogger(__name__)

#: ``{event}`2026-03-09-b``` in a chapter's prose: the citation of that timeline record's sources,
#: with its sourcing grade where the record does not meet the book's rule. The prose names the
#: record; its sources and grade come from the data at build time.
_EVENT_ROLE = re.compile(r"\{event\}`([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z])`")


#: ``{event-date}`id```, ``{event-on}`id``` and ``{event-On}`id```: the date of a timeline record in the
#: precision the data knows it ("25 September 2009", "August 2002"), and with the preposition that
#: precision takes ("on 25 September 2009", "in August 2002"; capitalised to open a sentence).
_DATE_ROLE = re.compile(r"\{event-(date|on|On)\}`([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z])`")

#: ``{event-days}`first second```: the whole days from one timeline record's date to another's.
_DAYS_ROLE = re.compile(r"\{event-days\}`([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z]) ([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z])`")


def event_date(day, precision: str, form: str) -> str:
    """The text of a date role: ``form`` is ``date``, ``on`` or ``On``."""
    from .text import precise_date

    text = precise_date(day, precision)
    if form == "date":
        return text
    word = "on" if precision == "day" else "in"
    return f"{word.title() if form == 'On' else word} {text}"


def expand_event_roles(app, docname, source):
    """Replace each ``{event}`id``` (the record's citation), each date role (``{event-date}``,
    ``{event-on}``, ``{event-On}``) and each ``{event-days}`first second``` (days between two records) of a page, notebook JSON or Markdown, before it is parsed. The page
    then depends on data/timeline.csv: Sphinx reads it again when the timeline changes."""
    text = source[0]
    if "{event}`" not in text and "{event-" not in text:
        return
    from . import data, sources
    from .text import cite_graded

    root = Path(app.srcdir)
    env = getattr(app, "env", None)
    if env is not None:
        env.note_dependency(str(root / "data" / "timeline.csv"))
    timeline = data.load("timeline", root)
    keys = dict(zip(timeline["id"], timeline["sources"]))
    dates = {i: (d, p) for i, d, p in zip(timeline["id"], timeline["date"], timeline["date_precision"])}
    # the grades (every row's sources against the registry) only where a citation role needs them
    grades = dict(zip(timeline["id"], sources.grades(timeline, root))) if "{event}`" in text else {}

    def replace(match):
        event = match.group(1)
        if event not in keys:
            LOG.warning(f"{{event}}`{event}`: no such record in data/timeline.csv", location=docname)
            return match.group(0)
        return cite_graded(keys[event], grades[event])

    def replace_date(match):
        form, event = match.groups()
        if event not in dates:
            LOG.warning(f"{{event-{form}}}`{event}`: no such record in data/timeline.csv", location=docname)
            return match.group(0)
        return event_date(*dates[event], form)

    def replace_days(match):
        first, second = match.groups()
        unknown = [e for e in (first, second) if e not in dates]
        if unknown:
            LOG.warning(
                f"{{event-days}}`{first} {second}`: no record {unknown[0]} in data/timeline.csv", location=docname
            )
            return match.group(0)
        return str(int((dates[second][0] - dates[first][0]).days))

    source[0] = _DAYS_ROLE.sub(replace_days, _DATE_ROLE.sub(replace_date, _EVENT_ROLE.sub(replace, text)))


def register_pybtex_plugins() -> None:
    """sphinxcontrib-bibtex asks pybtex for a backend class once per citation, and pybtex scans
    the entry points of every installed package for it each time: nine of the LaTeX build's 19
    seconds. The same classes, registered as pybtex runtime plugins, are found in a dictionary."""
    from pybtex.plugin import find_plugin, register_plugin

    for group, name in (
        ("pybtex.backends", "plaintext"),
        ("pybtex.backends", "docutils"),
        ("pybtex.backends", "latex"),
        ("pybtex.style.formatting", "iranbook"),
        ("pybtex.style.formatting", "iranbook-tip"),
    ):
        register_plugin(group, name, find_plugin(group, name), force=True)


def no_tooltips_in_print(app):
    """Citation tooltips (the full reference on hover) exist only in HTML; formatting them doubles the
    work sphinxcontrib-bibtex does on every build (each of the bibliography's entries formatted twice,
    about 1.7 s), so the LaTeX build, which cannot show them, does not make them."""
    if app.builder.format == "latex":
        app.config.bibtex_tooltips = False


def setup(app):
    register_pybtex_plugins()
    app.connect("builder-inited", no_tooltips_in_print)
    app.connect("config-inited", announce_cutoff)
    app.connect("config-inited", load_suffixes)
    app.connect("source-read", expand_event_roles)
    app.add_directive("chart", ChartDirective)
    app.connect("doctree-resolved", drop_hidden_code_in_pdf)
    app.connect("doctree-resolved", csv_path_in_print)
    app.connect("doctree-resolved", plain_folded_code)
    app.connect("doctree-resolved", print_edition)
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("build-finished", finish_pages)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
