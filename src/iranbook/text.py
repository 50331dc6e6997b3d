"""Numbers for prose: glue values so that the text shows what the data computes."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd


def plain(value):
    """A value as a plain Python object (numpy scalars print as ``np.float64(...)`` otherwise)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def long_date(value) -> str:
    """A date as '8 February 2025'."""
    day = plain(value)
    if isinstance(day, _dt.datetime):
        day = day.date()
    return f"{day.day} {day.strftime('%B %Y')}"


def precise_date(value, precision: str) -> str:
    """A date in the precision the data knows it: '8 February 2025' for a day, 'February 2025'
    for a month, '2025' for a year (the datasets' ``*_precision`` columns)."""
    day = plain(value)
    if precision == "day":
        return long_date(day)
    return f"{day:%B %Y}" if precision == "month" else f"{day:%Y}"


def glue(name: str, value, display: bool = False) -> None:
    """Glue ``value`` for ``{glue:text}`name``` in the prose.

    Dates are glued as long dates ('8 February 2025'); numbers as plain Python numbers, so
    that format specs such as ``:.1f`` apply.
    """
    from myst_nb import glue as _glue

    value = plain(value)
    if isinstance(value, _dt.date):
        value = long_date(value)
    _glue(name, value, display=display)


#: ASCII punctuation that can start markup in MyST (roles, links, emphasis, raw HTML, math,
#: table cells); each is escaped with a backslash so a data value is always shown as text.
_MD_SPECIAL = set("\\`*_{}[]<>#|$~&!^=+-@")


def md_escape(value) -> str:
    """``value`` as MyST Markdown text that renders exactly as the characters it contains."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(plain(value))
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def md_table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    markup: set[str] | frozenset = frozenset(),
    long: bool = False,
    widths: list[int] | None = None,
    caption: str | None = None,
) -> str:
    """A MyST pipe table of ``frame``: ``columns`` maps column names to headers.

    Cells are escaped with :func:`md_escape`, except in the columns named in ``markup``,
    whose values the caller has built as MyST (citations, for instance) from trusted parts.
    Dates are shown as long dates. ``long`` marks the table as a LaTeX ``longtable``, which
    may break across pages in the PDF instead of leaving a page half empty before it; its
    ``widths`` (relative, one per column; equal by default) let LaTeX wrap the cells. A
    ``caption`` (MyST) numbers the table and names it in both editions (in print, a long table
    that breaks is otherwise only "continued from previous page").
    """

    def cell(col, value):
        if col in markup:
            return " ".join(str(value).split()).replace("|", "\\|")
        if isinstance(plain(value), (_dt.date, _dt.datetime)) and not pd.isna(value):
            return md_escape(long_date(value))
        return md_escape(value)

    head = "| " + " | ".join(md_escape(h) for h in columns.values()) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    rows = ["| " + " | ".join(cell(c, row[c]) for c in columns) + " |" for _, row in frame.iterrows()]
    table = "\n".join([head, rule, *rows])
    if not long and caption is None:
        return table
    options = ""
    if long:
        widths = widths or [1] * len(columns)
        if len(widths) != len(columns):
            raise ValueError(f"{len(widths)} widths for {len(columns)} columns")
        options = f":class: longtable\n:widths: {' '.join(str(w) for w in widths)}\n"
    title = " " + " ".join(caption.split()) if caption else ""
    return f"```{{table}}{title}\n{options}\n{table}\n```"


def md_list(frame: pd.DataFrame, title: str, fields: dict[str, str], markup: set[str] | frozenset = frozenset()) -> str:
    """A MyST bullet list with one item per row, for records too wordy for a table's cells.

    Each item starts with the row's ``title`` column in bold, then each column of ``fields``
    that has a value, as ``*Label:* value.`` (an empty label shows the value alone). Values are
    escaped with :func:`md_escape` except in the ``markup`` columns; dates are long dates.
    """

    def text(col, value):
        if col in markup:
            return " ".join(str(value).split())
        if isinstance(plain(value), (_dt.date, _dt.datetime)):
            return md_escape(long_date(value))
        return md_escape(value)

    def sentence(t):
        return t if t.endswith((".", "!", "?", "]", "`")) else t + "."

    items = []
    for _, row in frame.iterrows():
        parts = [f"**{sentence(md_escape(row[title]))}**"]
        for col, label in fields.items():
            value = row[col]
            if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
                continue
            body = sentence(text(col, value))
            parts.append(f"*{md_escape(label)}:* {body}" if label else body)
        items.append("- " + " ".join(parts))
    return "\n".join(items)


def md_register(frame: pd.DataFrame) -> str:
    """The discrepancy register as a MyST list: one item per topic, one sub-item per version.

    ``frame`` has the columns of the ``discrepancies`` dataset; each version shows its
    assessment, its note and the citation of its sources. The topics whose ``weight`` is
    ``major`` (the versions differ on what the book's findings rest on) come first, tagged.
    """
    from . import sources

    frame = frame.assign(_grade=sources.grades(frame, dataset="discrepancies"))
    major = set(frame.loc[frame["weight"].astype(str) == "major", "topic_id"]) if "weight" in frame else set()
    groups = sorted(frame.groupby("topic_id", sort=True, observed=True), key=lambda g: g[0] not in major)
    items = []
    for topic_id, group in groups:
        tag = f" *({MAJOR_TAG})*" if topic_id in major else ""
        items.append(f"- **{md_escape(topic_id)}: {md_escape(group['topic'].iloc[0])}**{tag}")
        for _, row in group.iterrows():
            line = f"  - {md_escape(row['version'])} (*{md_escape(row['assessment'])}*)"
            note = row.get("note")
            if isinstance(note, str) and note.strip():
                line += f". {md_escape(note)}"
            items.append(line + " " + cite_graded(row["sources"], row["_grade"]))
    return "\n".join(items)


#: The tag of a register topic on which the book's findings rest.
MAJOR_TAG = "bears on the book's findings"


def md_chapter_register(frame: pd.DataFrame, chapter: str) -> str:
    """The register topics a chapter's "Where the sources disagree" section shows (the
    ``chapter`` column of ``discrepancies``), as :func:`md_register` lists them."""
    mine = frame[frame["chapter"].astype(str) == chapter]
    if mine.empty:
        raise ValueError(f"no discrepancy topic is shown in chapter {chapter!r}")
    return md_register(mine)


def cited(frame: pd.DataFrame, column: str = "sources", dataset: str | None = None) -> list[str]:
    """Each row's citation, followed by its sourcing grade where the row does not meet the book's rule
    (*single source*, *lower-tier sources only*): what a table or list shows in its sources column."""
    from . import sources

    grades = sources.grades(frame, column=column, dataset=dataset)
    return [cite_graded(keys, grade) for keys, grade in zip(frame[column], grades)]


def cite_graded(keys: str | list[str], grade: str) -> str:
    """The citation of ``keys`` followed, when ``grade`` falls short of the sourcing rule, by the grade
    in words: ``{cite:p}`a` *(single source)*``."""
    from . import sources

    mark = sources.label(grade)
    return cite(keys) + (f" *({mark})*" if mark else "")


def cite(keys: str | list[str]) -> str:
    """The MyST citation for one or more keys of references.bib (``a;b`` or a list)."""
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(";") if k.strip()]
    if not keys or any(not k.replace("_", "").replace("-", "").isalnum() for k in keys):
        raise ValueError(f"not citation keys: {keys!r}")
    return "{cite:p}`" + ",".join(keys) + "`"


def glue_md(name: str, text: str) -> None:
    """Glue MyST Markdown (a table, for instance) for a ``{glue:md}`` directive with ``:format: myst``."""
    from IPython.display import Markdown
    from myst_nb import glue as _glue

    _glue(name, Markdown(text), display=False)


def glue_all(values: dict) -> None:
    """Glue every value of ``values`` under its key: text values with :func:`glue`, and Markdown
    (a key naming a table or a list, with a hyphen: ``"regimes-table"``) with :func:`glue_md`."""
    for name, value in values.items():
        if "-" in name:
            glue_md(name, value)
        else:
            glue(name, value)


def and_list(names: list[str]) -> str:
    """Names as prose: 'a, b and c' (one name alone as it is)."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
