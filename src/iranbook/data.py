"""Load and validate the book's datasets.

The datasets live in ``data/`` as CSV files described by ``data/datapackage.json``
(a Frictionless Data Package). :func:`load` validates a table against its schema and
returns a typed :class:`pandas.DataFrame`; :func:`validate_all` checks every table.
Both read the tables with ``frictionless``, which checks Table Schema; the book's own rules
run as frictionless checks (:class:`CellRules`, :class:`Statements`, :class:`SameWithin`,
:class:`Terms`, :class:`DatasetReferences`).

Every problem is reported as ``<file> row <n>, column <name>: <what is wrong>``, where
``row`` is the line number in the CSV file (the header is row 1), so the message points
at the line an editor shows.

Reads are recorded: when the environment variable ``IRANBOOK_DEPS_FILE`` names a file,
every file this module reads (and every chart CSV :mod:`iranbook.charts` writes) is
appended to it. The book's build uses that record to
re-execute exactly the notebooks whose data changed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from frictionless import Check, Checklist, FrictionlessException, Package, Resource
from frictionless import errors as fl_errors

PACKAGE_FILE = "datapackage.json"
BIB_FILE = "references.bib"
SOURCE_SEPARATOR = ";"
_LINE = "__line__"  # key under which a parsed row keeps its line number in the CSV


class DataError(ValueError):
    """A dataset broke a rule of its schema. ``problems`` lists every message."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more problems" if more > 0 else "")
        super().__init__(text)


# --------------------------------------------------------------------------- locations


def book_root(start: Path | None = None) -> Path:
    """The book's root: ``$IRANBOOK_ROOT``, or the nearest folder upwards with data/datapackage.json."""
    env = os.environ.get("IRANBOOK_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / PACKAGE_FILE).is_file():
            return folder
    raise FileNotFoundError(
        f"no data/{PACKAGE_FILE} found in {here} or any folder above it; run from inside the book or set IRANBOOK_ROOT"
    )


#: Set by the build, to the book folder it validated, for the notebooks it executes.
VALIDATED_ENV = "IRANBOOK_VALIDATED"


def validated_by_build(root: Path) -> bool:
    """Whether the running build has already validated every dataset of ``root`` (and its links)."""
    done = os.environ.get(VALIDATED_ENV)
    return bool(done) and Path(done).resolve() == Path(root).resolve()


@contextlib.contextmanager
def validated(root: Path):
    """Within this block, loading from ``root`` trusts that its package was validated whole."""
    before = os.environ.get(VALIDATED_ENV)
    os.environ[VALIDATED_ENV] = str(Path(root).resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VALIDATED_ENV, None)
        else:
            os.environ[VALIDATED_ENV] = before


def record(kind: str, path: Path) -> None:
    """Note in ``$IRANBOOK_DEPS_FILE`` that the running notebook read (``r``) or wrote (``w``) a file."""
    deps = os.environ.get("IRANBOOK_DEPS_FILE")
    if deps:
        with open(deps, "a", encoding="utf-8") as fh:
            fh.write(f"{kind} {path.resolve()}\n")


def _read_bytes(path: Path) -> bytes:
    record("r", path)
    return path.read_bytes()


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- metadata


def package(root: Path | None = None) -> dict:
    """The data package descriptor (``data/datapackage.json``) as a dict."""
    root = root or book_root()
    path = root / "data" / PACKAGE_FILE
    try:
        return json.loads(_read_bytes(path).decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError([f"data/{PACKAGE_FILE} line {exc.lineno}: not valid JSON ({exc.msg})"]) from None


def cutoff(root: Path | None = None) -> _dt.date:
    """The data cut-off date: the newest date the book's sources support."""
    return _dt.date.fromisoformat(package(root)["cutoff"])


def resource(name: str, root: Path | None = None) -> dict:
    for res in package(root)["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(sorted(r["name"] for r in package(root)["resources"]))
    raise KeyError(f"no dataset named {name!r} in data/{PACKAGE_FILE} (known: {known})")


def bib_keys(root: Path | None = None) -> set[str]:
    """The citation keys defined in references.bib."""
    root = root or book_root()
    from .sources import entries

    return set(entries(root))


def corroboration(
    frame: pd.DataFrame, root: Path | None = None, column: str = "sources", dataset: str | None = None
) -> pd.Series:
    """How each row meets the book's sourcing rule (one primary source, or two independent reputable ones).

    Computed from the origins of the rows' sources (see :mod:`iranbook.sources`): ``primary``,
    ``two independent`` (established sources from two distinct origins), ``attributed`` (a row
    recorded only as what its own source says), ``single``, ``other only``, ``not applicable``.
    """
    from . import sources

    return sources.grades(frame, root, column, dataset)


# --------------------------------------------------------------------------- validation
#
# frictionless reads every table and checks what Table Schema defines: the header, the types,
# the constraints (required, minimum, maximum, enum, pattern, maxLength, unique), the primary
# key and the foreign keys. The book's own rules are frictionless checks, the ``Check``
# subclasses below. Each error frictionless reports is then worded for an editor, as
# ``<file> row <line>, column <name>: <what is wrong>``, by :func:`_worded`.


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    constraints: dict
    role: str | None  # "sources" for the column of citation keys
    list_of: dict | None  # {"delimiter": ";", "enum": [...]}: a list of known items in one cell
    precision_field: str | None  # for a date: the column saying whether it is known to the day, month or year

    @classmethod
    def of(cls, spec: dict) -> _Field:
        return cls(
            spec["name"],
            spec.get("type", "string"),
            spec.get("constraints", {}),
            spec.get("role"),
            spec.get("listOf"),
            spec.get("precisionField"),
        )


class BookRuleError(fl_errors.CellError):
    """A cell breaks one of the book's own rules; the note says which and how."""

    type = "book-rule"
    title = "Book rule"
    description = "A cell breaks a rule of the book's data package (see data/README.md)."
    template = "{note}"


class BookTableError(fl_errors.TableError):
    """A table breaks one of the book's rules as a whole; the note is the whole message."""

    type = "book-table-rule"
    title = "Book table rule"
    description = "A table breaks a rule of the book's data package (see data/README.md)."
    template = "{note}"


_EXPECTED = {
    "integer": "a whole number",
    "number": "a number",
    "date": "a date as YYYY-MM-DD",
    "boolean": "true or false",
}
_PRECISION_FIRST = {"month": lambda d: d.day == 1, "year": lambda d: (d.month, d.day) == (1, 1)}


class CellRules(Check):
    """The book's rules for single cells, beyond Table Schema's constraints: a date is written
    YYYY-MM-DD, lies on or before the data cut-off and, when its precision column says it is known
    only to the month or year, is stored as the first day of it; a number is finite; a list cell
    (``listOf``) holds known items; a sources cell (``role: sources``) holds keys of references.bib."""

    type = "book-cells"
    Errors = [BookRuleError]

    def __init__(self, fields: list[_Field], keys: set[str] | None, limit: _dt.date | None):
        super().__init__()
        self.fields, self.keys, self.limit = fields, keys, limit

    def validate_row(self, row):
        for i, field in enumerate(self.fields):
            value = row.get(field.name)
            if value is None:
                continue
            raw = row.cells[i] if i < len(row.cells) else ""
            for note in self._problems(field, raw, value, row):
                yield BookRuleError.from_row(row, note=note, field_name=field.name)

    def _problems(self, field: _Field, raw: str, value, row) -> list[str]:
        if field.type == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return [f"{raw!r} is not {_EXPECTED['date']}"]
        if field.type == "number" and not value.is_finite():
            return [f"{raw!r} is not {_EXPECTED['number']}"]
        problems = []
        if field.type == "date":
            if self.limit is not None and value > self.limit:
                problems.append(
                    f"{value.isoformat()} is after the data cut-off {self.limit.isoformat()} "
                    f"(data/{PACKAGE_FILE}, 'cutoff'); nothing past the cut-off may be asserted"
                )
            precision = row.get(field.precision_field) if field.precision_field else None
            if precision in _PRECISION_FIRST and not _PRECISION_FIRST[precision](value):
                first = "1st of the month" if precision == "month" else "1 January"
                problems.append(
                    f"{value.isoformat()} is known only to the {precision} ({field.precision_field}), "
                    f"so it must be stored as the {first}"
                )
        if field.list_of:
            sep = field.list_of.get("delimiter", SOURCE_SEPARATOR)
            allowed = field.list_of.get("enum", [])
            items = raw.split(sep)
            if any(not i.strip() for i in items):
                problems.append(f"{raw!r} has an empty item (items are separated by '{sep}')")
            problems += [
                f"{i!r} is not a known value (allowed: {', '.join(allowed)})"
                for i in items
                if i.strip() and allowed and i not in allowed
            ]
        if field.role == "sources" and self.keys is not None:
            cited = [k.strip() for k in raw.split(SOURCE_SEPARATOR)]
            if any(not k for k in cited):
                problems.append(f"{raw!r} has an empty source key (keys are separated by '{SOURCE_SEPARATOR}')")
            problems += [f"source key {k!r} is not in {BIB_FILE}" for k in cited if k and k not in self.keys]
        return problems


class Statements(Check):
    """A row marked as one party's statement (``sourcing.statedBy``) must read as one
    (``sourcing.statement``): a source speaking for the party is primary only for what the party
    said, so the row must attribute it."""

    type = "book-statements"
    Errors = [BookRuleError]

    def __init__(self, rules: dict):
        super().__init__()
        self.stated, self.statement = rules["statedBy"], rules["statement"]
        self.pattern = re.compile(self.statement["pattern"])

    def validate_row(self, row):
        if row.get(self.stated) and not self.pattern.search(str(row.get(self.statement["field"]) or "")):
            yield BookRuleError.from_row(
                row,
                field_name=self.stated,
                note=f"{row[self.stated]!r} marks the row as that party's statement, "
                f"but its {self.statement['field']} does not attribute it (expected one of "
                f"{self.statement['pattern']}); clear {self.stated} or word the row as what the party said",
            )


class SameWithin(Check):
    """Columns that describe a group of rows, not one row (``sameWithin``: ``{"group": column,
    "fields": [...]}``), hold one value per group: the first row of a group sets it, and a row
    that differs is named."""

    type = "book-same-within"
    Errors = [BookRuleError]

    def __init__(self, rule: dict):
        super().__init__()
        self.rule, self.first = rule, {}

    def validate_row(self, row):
        group = row.get(self.rule["group"])
        if group is None:
            return
        seen = self.first.setdefault(group, (row.row_number, row.to_dict()))
        for col in self.rule["fields"]:
            if row.get(col) != seen[1].get(col):
                yield BookRuleError.from_row(
                    row,
                    field_name=col,
                    note=f"{row.get(col)!r} differs from {seen[1].get(col)!r} on row {{row:{seen[0]}}}; "
                    f"every row of {self.rule['group']} {group!r} must have the same {col}",
                )


class Terms(Check):
    """Coded terms (``terms``): a row's range of steps exists on its issue's scale, runs low to high,
    is not dated before the issue exists (``applies_from``), and a proposal's term or a response
    names its proposal. ``steps`` are the scale's steps by issue, ``since`` each issue's first day."""

    type = "book-terms"
    Errors = [BookRuleError, BookTableError]

    def __init__(self, rule: dict, steps: dict[str, set], since: dict, issues_table: str):
        super().__init__()
        self.rule, self.steps, self.since, self.issues_table = rule, steps, since, issues_table

    def validate_start(self):
        for issue, known in self.steps.items():
            if known != set(range(len(known))):
                yield BookTableError(
                    note=f"data/{self.rule['scale']}.csv: the steps of {issue!r} are {sorted(known)}; "
                    "they must run 0, 1, 2 ... without a gap"
                )

    def validate_row(self, row):
        rule = self.rule
        issue, low, high = row.get(rule["issue"]), row.get(rule["low"]), row.get(rule["high"])
        problems = []
        if (low is None) != (high is None):
            problems.append(
                (
                    rule["high"] if high is None else rule["low"],
                    f"give both {rule['low']} and {rule['high']} (equal for a single term), or neither",
                )
            )
        elif low is not None:
            known = self.steps.get(issue, set())
            if low > high:
                problems.append((rule["low"], f"{low} is above {rule['high']} {high}"))
            for col, value in ((rule["low"], low), (rule["high"], high)):
                if value not in known:
                    problems.append(
                        (
                            col,
                            f"step {value} is not on the scale of {issue!r} in data/{rule['scale']}.csv "
                            f"(steps {', '.join(map(str, sorted(known)))})",
                        )
                    )
        since, date = self.since.get(issue), row.get(rule["date"])
        if since and date and date < since:
            problems.append(
                (
                    rule["date"],
                    f"{date.isoformat()} is before {since.isoformat()}, when the issue {issue!r} "
                    f"begins to apply ({self.issues_table}, applies_from)",
                )
            )
        if row.get(rule["kind"]) in ("proposal", "response") and not row.get(rule["link"]):
            problems.append((rule["link"], f"a {row[rule['kind']]} must name the proposal (a row of proposals)"))
        for col, note in problems:
            yield BookRuleError.from_row(row, note=note, field_name=col)


class DatasetReferences(Check):
    """A column marked ``referencesDatasetIn`` holds an id of the dataset named in another column of
    the same row (``ids``: each dataset's primary-key values)."""

    type = "book-dataset-references"
    Errors = [BookRuleError]

    def __init__(self, columns: dict[str, str], ids: dict[str, set]):
        super().__init__()
        self.columns, self.ids = columns, ids

    def validate_row(self, row):
        for column, via in self.columns.items():
            value, dataset = row.get(column), row.get(via)
            if value is None or dataset not in self.ids:
                continue
            if value not in self.ids[dataset]:
                yield BookRuleError.from_row(
                    row,
                    field_name=column,
                    note=f"{value!r} is not an id in the dataset {dataset!r} named in column {via}",
                )


def _scan(text: str) -> tuple[list[str] | None, list[int]]:
    """The header, and the line each CSV record starts on by record number (the header is record 1):
    frictionless numbers rows by record, an editor by line, and a quoted cell may run over several
    lines. The header is None for an empty file."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    starts = [0, 1, reader.line_num + 1]
    for _ in reader:
        starts.append(reader.line_num + 1)
    return header, starts


def _read_text(path: Path, shown: str, name: str) -> tuple[str | None, list[str]]:
    """The file's text, or the problem that stops frictionless from reading it usefully: a missing
    file, bytes that are not UTF-8 (frictionless names no position for those), or no header."""
    if not path.is_file():
        return None, [f"{shown}: the file is missing (listed in data/{PACKAGE_FILE} as {name!r})"]
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            f"{shown} row {line}: byte 0x{raw[exc.start]:02x} at character {col} is not UTF-8 (save the file as UTF-8)"
        ]
    return text, []


_LABEL_ERRORS = {"blank-header", "blank-label", "duplicate-label", "extra-label", "incorrect-label", "missing-label"}
_CELL_COUNT_ERRORS = {"missing-cell", "extra-cell"}


def _header_problem(shown: str, header: list[str], names: list[str]) -> str:
    missing = [n for n in names if n not in header]
    extra = [n for n in header if n not in names]
    detail = (["missing " + ", ".join(missing)] if missing else []) + (
        ["unexpected " + ", ".join(extra)] if extra else []
    )
    return (
        f"{shown} row 1: the columns are {','.join(header)}; expected {','.join(names)} "
        f"({'; '.join(detail or ['columns in the wrong order'])})"
    )


def _worded(err, shown: str, starts: list[int], res: dict) -> str:
    """One frictionless error as ``<file> row <line>, column <name>: <what is wrong>``."""

    def line(number: int) -> int:
        return starts[number] if 0 < number < len(starts) else number

    if err.type == BookTableError.type:
        return err.note
    number = getattr(err, "row_number", None)
    if number is None:
        return f"{shown}: {err.message}"
    where = f"{shown} row {line(number)}"
    schema = res["schema"]
    column = getattr(err, "field_name", None)
    cell = getattr(err, "cell", None)
    spec = next((f for f in schema["fields"] if f["name"] == column), {})
    if err.type == BookRuleError.type:
        note = re.sub(r"\{row:(\d+)\}", lambda m: str(line(int(m.group(1)))), err.note)
        return f"{where}, column {column}: {note}"
    if err.type == "type-error":
        kind = spec.get("type", "string")
        return f"{where}, column {column}: {cell!r} is not {_EXPECTED.get(kind, kind)}"
    if err.type == "constraint-error":
        c = spec.get("constraints", {})
        name = re.match(r'constraint "(\w+)"', err.note)
        what = {
            "required": lambda: "a value is required but the cell is empty",
            "minimum": lambda: f"{cell} is below the minimum {c['minimum']}",
            "maximum": lambda: f"{cell} is above the maximum {c['maximum']}",
            "enum": lambda: f"{cell!r} is not one of the allowed values: {', '.join(map(str, c['enum']))}",
            "pattern": lambda: f"{cell!r} does not match the pattern {c['pattern']}",
            "maxLength": lambda: f"the text is {len(cell)} characters long, more than the maximum {c['maxLength']}",
        }.get(name.group(1) if name else "", lambda: err.note)
        return f"{where}, column {column}: {what()}"
    first = re.search(r"position (\d+)", err.note or "")
    if err.type == "unique-error" and first:
        return f"{where}, column {column}: {cell!r} repeats row {line(int(first.group(1)))}; values must be unique"
    if err.type == "primary-key":
        pk = schema.get("primaryKey", [])
        pk = [pk] if isinstance(pk, str) else pk
        if not first:
            return f"{where}, column {','.join(pk)}: the primary key is empty"
        names = [f["name"] for f in schema["fields"]]
        key = ", ".join(err.cells[names.index(k)] for k in pk)
        return (
            f"{where}, column {','.join(pk)}: the key {key} repeats row {line(int(first.group(1)))}; "
            "the primary key must be unique"
        )
    if err.type == "foreign-key":
        local = re.search(r'for "([^"]+)"', err.note or "")
        for fk in schema.get("foreignKeys", []):
            if local and fk["fields"] == [local.group(1)]:
                names = [f["name"] for f in schema["fields"]]
                value = err.cells[names.index(local.group(1))]
                ref = fk["reference"]
                return (
                    f"{where}, column {local.group(1)}: {value!r} is not an id in the dataset "
                    f"{ref['resource']!r} (column {ref['fields'][0]})"
                )
    if err.type in _CELL_COUNT_ERRORS:
        names = [f["name"] for f in schema["fields"]]
        return f"{where}: {len(err.cells)} values, expected {len(names)} ({','.join(names)})"
    return f"{where}{', column ' + column if column else ''}: {err.message}"


def _typed(row, fields: list[_Field], line: int) -> dict:
    out = {_LINE: line}
    for field in fields:
        value = row.get(field.name)
        out[field.name] = float(value) if field.type == "number" and value is not None else value
    return out


def _order(resources: list[dict]) -> list[dict]:
    """The resources with every table a resource's rules read before it (foreign-key targets, a
    term scale and its issues, and every table for a column naming the dataset it refers to)."""
    names = {r["name"] for r in resources}

    def needs(res: dict) -> set[str]:
        deps = {fk["reference"]["resource"] for fk in res["schema"].get("foreignKeys", [])}
        if "terms" in res:
            deps.add(res["terms"]["scale"])
        if any(f.get("referencesDatasetIn") for f in res["schema"]["fields"]):
            deps |= names
        return (deps & names) - {res["name"]}

    done: list[dict] = []
    pending = list(resources)
    while pending:
        ready = [r for r in pending if needs(r) <= {d["name"] for d in done}] or pending[:1]
        done.append(ready[0])
        pending.remove(ready[0])
    return done


def _checks(res: dict, fields: list[_Field], keys, limit, tables: dict | None, primary: dict) -> list[Check]:
    """The book's rules for one table, as frictionless checks. Without ``tables`` (the typed rows
    of the tables read before it) the rules that read other tables are left out."""
    checks: list[Check] = [CellRules(fields, keys, limit)]
    rules = res.get("sourcing", {})
    if rules.get("statedBy") and rules.get("statement"):
        checks.append(Statements(rules))
    if res.get("sameWithin"):
        checks.append(SameWithin(res["sameWithin"]))
    if tables is None:
        return checks
    if "terms" in res:
        rule = res["terms"]
        steps: dict[str, set] = {}
        for s in tables.get(rule["scale"], []):
            steps.setdefault(s["issue"], set()).add(s["step"])
        # the issue column's foreign key names the table that says when each issue begins to apply
        (ref,) = [fk["reference"] for fk in res["schema"].get("foreignKeys", []) if fk["fields"] == [rule["issue"]]]
        since = {i[ref["fields"][0]]: i.get("applies_from") for i in tables.get(ref["resource"], [])}
        checks.append(Terms(rule, steps, since, ref["resource"]))
    columns = {f["name"]: f["referencesDatasetIn"] for f in res["schema"]["fields"] if f.get("referencesDatasetIn")}
    if columns:
        ids = {name: _ids(rows, primary[name]) for name, rows in tables.items()}
        checks.append(DatasetReferences(columns, ids))
    return checks


def _validate_resource(
    res: dict,
    root: Path,
    keys: set[str] | None,
    limit: _dt.date | None = None,
    package: Package | None = None,
    tables: dict[str, list[dict]] | None = None,
    primary: dict[str, str] | None = None,
) -> tuple[list[dict], list[str]]:
    """Read and check one table with frictionless; return (typed rows, problems).

    In ``package`` (a frictionless Package holding the tables its foreign keys name) the foreign
    keys are checked too; with ``tables`` (and ``primary``, each table's primary-key column) so
    are the book's rules that read other tables.
    """
    path = root / "data" / res["path"]
    shown = _display(path, root)
    text, problems = _read_text(path, shown, res["name"])
    if text is None:
        return [], problems
    fields = [_Field.of(f) for f in res["schema"]["fields"]]
    names = [f.name for f in fields]
    header, starts = _scan(text)
    if header is None:
        return [], [f"{shown}: the file is empty; expected the header {','.join(names)}"]
    if package is not None:
        resource = package.get_resource(res["name"])
    else:
        resource = Resource.from_descriptor(_descriptor(res, links=False), basepath=str(root / "data"))
    rows: list = []
    report = resource.validate(
        Checklist(checks=_checks(res, fields, keys, limit, tables, primary)),
        on_row=rows.append,
        limit_errors=100_000,
    )
    errors = [*(report.tasks[0].errors if report.tasks else []), *report.errors]
    if any(e.type in _LABEL_ERRORS for e in errors):
        return [], [_header_problem(shown, header, names)]
    blank = {r.row_number for r in rows if all(v is None for v in r.to_dict().values())}
    short = {e.row_number for e in errors if e.type in _CELL_COUNT_ERRORS}
    messages: dict[str, None] = {}
    for err in errors:
        number = getattr(err, "row_number", None)
        if err.type == "blank-row" or number in blank or (number in short and err.type not in _CELL_COUNT_ERRORS):
            continue
        messages[_worded(err, shown, starts, res)] = None
    typed = [_typed(r, fields, starts[r.row_number]) for r in rows if r.row_number not in blank | short]
    return typed, list(messages)


def _descriptor(res: dict, links: bool) -> dict:
    """A copy of a resource's descriptor for frictionless: read as UTF-8 (a byte-order mark is
    dropped) and, without ``links``, with no foreign keys (their targets may not be loaded)."""
    out = json.loads(json.dumps(res))
    out["encoding"] = "utf-8-sig"
    if not links:
        out["schema"].pop("foreignKeys", None)
    return out


def _primary_keys(pkg: dict) -> dict[str, str]:
    """Each resource's (first) primary-key column, by name."""
    return {r["name"]: (r["schema"].get("primaryKey") or ["id"])[0] for r in pkg["resources"]}


def _ids(table: list[dict], field: str) -> set:
    return {row[field] for row in table if row.get(field) is not None}


def validate_all(root: Path | None = None) -> None:
    """Check every table of the data package; raise :class:`DataError` listing every problem."""
    from . import sources

    root = root or book_root()
    problems = _validate_package(root)[1]
    problems += sources.check_registry(root) + sources.check_bibliography(root)
    if problems:
        raise DataError(problems)


def _validate_package(root: Path, only: str | None = None) -> tuple[dict[str, list[dict]], list[str]]:
    """Check the tables and the links between them; return (rows by table, problems).

    With ``only``, check that table and the tables it links to (so a notebook loading one
    dataset reads, and depends on, just those files); the links of only that table are checked.
    """
    pkg = package(root)
    keys = bib_keys(root)
    limit = _dt.date.fromisoformat(pkg["cutoff"])
    resources = pkg["resources"]
    if only is not None:
        res = resource(only, root)
        linked = {fk["reference"]["resource"] for fk in res["schema"].get("foreignKeys", [])}
        if "terms" in res:
            linked.add(res["terms"]["scale"])
        if any(f.get("referencesDatasetIn") for f in res["schema"]["fields"]):
            linked = {r["name"] for r in resources}
        resources = [r for r in resources if r["name"] == only or r["name"] in linked]
    linking = {r["name"] for r in resources if only is None or r["name"] == only}
    tables: dict[str, list[dict]] = {}
    problems: dict[str, None] = {}
    primary = _primary_keys(pkg)
    with _descriptor_errors():
        book = Package.from_descriptor(
            {"name": pkg["name"], "resources": [_descriptor(r, r["name"] in linking) for r in resources]},
            basepath=str(root / "data"),
        )
        for res in _order(resources):
            rows, errs = _validate_resource(
                res,
                root,
                keys,
                limit,
                package=book,
                tables=tables if res["name"] in linking else None,
                primary=primary,
            )
            tables[res["name"]] = rows
            problems.update(dict.fromkeys(errs))
    return tables, list(problems)


@contextlib.contextmanager
def _descriptor_errors():
    """A descriptor frictionless cannot use (an unknown type, a malformed schema) as a DataError."""
    try:
        yield
    except FrictionlessException as exc:
        raise DataError([f"data/{PACKAGE_FILE}: {exc.error.message}"]) from None


def load(name: str, root: Path | None = None) -> pd.DataFrame:
    """Validate the dataset ``name`` and return it as a typed DataFrame.

    Dates become ``datetime64`` columns, integers nullable ``Int64``, fields with an ``enum``
    constraint categoricals (in the order the schema lists them), booleans ``boolean``.
    The frame's ``attrs`` carry the dataset's name, title and the data cut-off.
    """
    root = root or book_root()
    res = resource(name, root)
    if validated_by_build(root):
        # The build validated the whole package before executing any notebook: parse this table
        # alone, so that a notebook reads (and depends on) only the files it uses.
        with _descriptor_errors():
            rows, problems = _validate_resource(res, root, None, cutoff(root))
    else:
        tables, problems = _validate_package(root, only=name)
        rows = tables.get(name, [])
    if problems:
        raise DataError(problems)
    fields = [_Field.of(f) for f in res["schema"]["fields"]]
    frame = pd.DataFrame(rows, columns=[f.name for f in fields])
    for f in fields:
        col = frame[f.name]
        if "enum" in f.constraints:
            frame[f.name] = pd.Categorical(col, categories=f.constraints["enum"], ordered=True)
        elif f.type == "date":
            frame[f.name] = pd.to_datetime(col)
        elif f.type == "integer":
            frame[f.name] = col.astype("Int64")
        elif f.type == "number":
            frame[f.name] = col.astype("float64")
        elif f.type == "boolean":
            frame[f.name] = col.astype("boolean")
        else:
            frame[f.name] = col.astype("string")
    frame.attrs.update(
        dataset=name, title=res.get("title", name), cutoff=package(root)["cutoff"], path=f"data/{res['path']}"
    )
    return frame


def sources_of(frame: pd.DataFrame, column: str = "sources") -> list[str]:
    """The distinct citation keys of a frame's rows, in order of first appearance."""
    keys: list[str] = []
    for cell in frame[column].dropna():
        for key in str(cell).split(SOURCE_SEPARATOR):
            key = key.strip()
            if key and key not in keys:
                keys.append(key)
    return keys


def main(argv: list[str] | None = None) -> int:
    """``python -m iranbook.data``: validate every dataset; exit 1 with the problems listed."""
    import sys

    try:
        validate_all()
    except (DataError, FileNotFoundError, KeyError) as exc:
        print(f"data validation failed:\n{exc}", file=sys.stderr)
        return 1
    print("data: all datasets valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
