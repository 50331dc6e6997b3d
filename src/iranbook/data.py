"""Load and validate the book's datasets.

The datasets live in ``data/`` as CSV files described by ``data/datapackage.json``
(a Frictionless Data Package). :func:`load` validates a table against its schema and
returns a typed :class:`pandas.DataFrame`; :func:`validate_all` checks every table.

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


def _parse_cell(field: _Field, raw: str):
    """Return (value, error). ``value`` is None for an empty cell."""
    if raw == "":
        return None, None
    t = field.type
    try:
        if t == "string":
            return raw, None
        if t == "integer":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise ValueError
            return int(raw), None
        if t == "number":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value, None
        if t == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError
            return _dt.date.fromisoformat(raw), None
        if t == "boolean":
            if raw not in ("true", "false"):
                raise ValueError
            return raw == "true", None
    except ValueError:
        pass
    expected = {
        "integer": "a whole number",
        "number": "a number",
        "date": "a date as YYYY-MM-DD",
        "boolean": "true or false",
    }.get(t, t)
    return None, f"{raw!r} is not {expected}"


def _check_cell(field: _Field, raw: str, value, keys: set[str] | None) -> list[str]:
    c = field.constraints
    errors = []
    if value is None:
        if c.get("required"):
            errors.append("a value is required but the cell is empty")
        return errors
    if "minimum" in c and value < _coerce(field, c["minimum"]):
        errors.append(f"{raw} is below the minimum {c['minimum']}")
    if "maximum" in c and value > _coerce(field, c["maximum"]):
        errors.append(f"{raw} is above the maximum {c['maximum']}")
    if "enum" in c and raw not in c["enum"]:
        errors.append(f"{raw!r} is not one of the allowed values: {', '.join(map(str, c['enum']))}")
    if field.list_of:
        sep = field.list_of.get("delimiter", SOURCE_SEPARATOR)
        allowed = field.list_of.get("enum", [])
        items = raw.split(sep)
        if any(not i.strip() for i in items):
            errors.append(f"{raw!r} has an empty item (items are separated by '{sep}')")
        errors += [
            f"{i!r} is not a known value (allowed: {', '.join(allowed)})"
            for i in items
            if i.strip() and allowed and i not in allowed
        ]
    elif "pattern" in c and not re.fullmatch(c["pattern"], raw):
        errors.append(f"{raw!r} does not match the pattern {c['pattern']}")
    if "maxLength" in c and len(raw) > c["maxLength"]:
        errors.append(f"the text is {len(raw)} characters long, more than the maximum {c['maxLength']}")
    if field.role == "sources" and keys is not None:
        cited = [k.strip() for k in raw.split(SOURCE_SEPARATOR)]
        if any(not k for k in cited):
            errors.append(f"{raw!r} has an empty source key (keys are separated by '{SOURCE_SEPARATOR}')")
        for key in cited:
            if key and key not in keys:
                errors.append(f"source key {key!r} is not in {BIB_FILE}")
    return errors


def _coerce(field: _Field, bound):
    return _dt.date.fromisoformat(bound) if field.type == "date" else bound


_PRECISION_FIRST = {"month": lambda d: d.day == 1, "year": lambda d: (d.month, d.day) == (1, 1)}


def _check_date(field: _Field, value: _dt.date, row: dict, limit: _dt.date | None) -> list[str]:
    """A date may not lie after the data cut-off, and must be stored as the first day of its month or year
    when its precision column says it is known only to the month or year."""
    errors = []
    if limit is not None and value > limit:
        errors.append(
            f"{value.isoformat()} is after the data cut-off {limit.isoformat()} "
            f"(data/{PACKAGE_FILE}, 'cutoff'); nothing past the cut-off may be asserted"
        )
    precision = row.get(field.precision_field) if field.precision_field else None
    if precision in _PRECISION_FIRST and not _PRECISION_FIRST[precision](value):
        first = "1st of the month" if precision == "month" else "1 January"
        errors.append(
            f"{value.isoformat()} is known only to the {precision} ({field.precision_field}), "
            f"so it must be stored as the {first}"
        )
    return errors


def _validate_resource(
    res: dict, root: Path, keys: set[str] | None, limit: _dt.date | None = None
) -> tuple[list[dict], list[str]]:
    """Parse and check one table; return (typed rows, problems)."""
    path = root / "data" / res["path"]
    shown = _display(path, root)
    if not path.is_file():
        return [], [f"{shown}: the file is missing (listed in data/{PACKAGE_FILE} as {res['name']!r})"]
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return [], [
            f"{shown} row {line}: byte 0x{raw[exc.start]:02x} at character {col} is not UTF-8 (save the file as UTF-8)"
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    fields = [_Field.of(f) for f in res["schema"]["fields"]]
    names = [f.name for f in fields]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [f"{shown}: the file is empty; expected the header {','.join(names)}"]
    if header != names:
        missing = [n for n in names if n not in header]
        extra = [n for n in header if n not in names]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if extra:
            detail.append("unexpected " + ", ".join(extra))
        if not detail:
            detail.append("columns in the wrong order")
        return [], [
            f"{shown} row 1: the columns are {','.join(header)}; expected {','.join(names)} ({'; '.join(detail)})"
        ]

    problems: list[str] = []
    rows: list[dict] = []
    pk = res["schema"].get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else pk
    seen_keys: dict[tuple, int] = {}
    unique_seen: dict[str, dict] = {f.name: {} for f in fields if f.constraints.get("unique")}
    for cells in reader:
        line = reader.line_num
        if not cells or cells == [""]:
            continue
        if len(cells) != len(names):
            problems.append(f"{shown} row {line}: {len(cells)} values, expected {len(names)} ({','.join(names)})")
            continue
        row = {_LINE: line}
        for field, cell in zip(fields, cells):
            value, err = _parse_cell(field, cell)
            errs = [err] if err else _check_cell(field, cell, value, keys)
            problems.extend(f"{shown} row {line}, column {field.name}: {e}" for e in errs)
            row[field.name] = value
            if field.name in unique_seen and value is not None:
                first = unique_seen[field.name].setdefault(value, line)
                if first != line:
                    problems.append(
                        f"{shown} row {line}, column {field.name}: {cell!r} repeats row {first}; values must be unique"
                    )
        for field in fields:
            value = row[field.name]
            if field.type == "date" and value is not None:
                problems.extend(
                    f"{shown} row {line}, column {field.name}: {e}" for e in _check_date(field, value, row, limit)
                )
        if pk:
            key = tuple(row[k] for k in pk)
            first = seen_keys.setdefault(key, line)
            if first != line:
                problems.append(
                    f"{shown} row {line}, column {','.join(pk)}: the key "
                    f"{', '.join(map(str, key))} repeats row {first}; the primary key must be unique"
                )
        rows.append(row)
    return rows, problems


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
    dataset reads, and depends on, just those files).
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
    tables: dict[str, list[dict]] = {}
    problems: list[str] = []
    for res in resources:
        rows, errs = _validate_resource(res, root, keys, limit)
        tables[res["name"]] = rows
        problems += errs
    for res in resources:
        if only is None or res["name"] == only:
            problems += (
                _check_links(res, tables, root)
                + _check_statements(res, tables, root)
                + _check_terms(res, tables, root)
                + _check_same_within(res, tables, root)
            )
    return tables, problems


def _check_statements(res: dict, tables: dict[str, list[dict]], root: Path) -> list[str]:
    """A row marked as one party's statement (``sourcing.statedBy``) must read as one (``sourcing.statement``):
    a source speaking for the party is primary only for what the party said, so the row must attribute it."""
    rules = res.get("sourcing", {})
    stated, statement = rules.get("statedBy"), rules.get("statement")
    if not (stated and statement):
        return []
    shown = _display(root / "data" / res["path"], root)
    pattern = re.compile(statement["pattern"])
    return [
        f"{shown} row {row[_LINE]}, column {stated}: {row[stated]!r} marks the row as that party's statement, "
        f"but its {statement['field']} does not attribute it (expected one of {statement['pattern']}); "
        f"clear {stated} or word the row as what the party said"
        for row in tables.get(res["name"], [])
        if row.get(stated) and not pattern.search(str(row.get(statement["field"]) or ""))
    ]


def _check_same_within(res: dict, tables: dict[str, list[dict]], root: Path) -> list[str]:
    """Columns that describe a group of rows, not one row (``sameWithin``: ``{"group": column, "fields": [...]}``),
    hold one value per group: the first row of a group sets it, and a row that differs is named."""
    rule = res.get("sameWithin")
    if not rule:
        return []
    shown = _display(root / "data" / res["path"], root)
    first: dict = {}
    problems = []
    for row in tables.get(res["name"], []):
        group = row.get(rule["group"])
        if group is None:
            continue
        seen = first.setdefault(group, row)
        for col in rule["fields"]:
            if row.get(col) != seen.get(col):
                problems.append(
                    f"{shown} row {row[_LINE]}, column {col}: {row.get(col)!r} differs from "
                    f"{seen.get(col)!r} on row {seen[_LINE]}; every row of {rule['group']} {group!r} "
                    f"must have the same {col}"
                )
    return problems


def _check_terms(res: dict, tables: dict[str, list[dict]], root: Path) -> list[str]:
    """Coded terms (``terms``): a row's range of steps exists on its issue's scale, runs low to high, is not
    dated before the issue exists (``applies_from``), and a proposal's term or a response names its proposal."""
    rule = res.get("terms")
    if not rule:
        return []
    shown = _display(root / "data" / res["path"], root)
    scale = tables.get(rule["scale"], [])
    steps: dict[str, set] = {}
    for s in scale:
        steps.setdefault(s["issue"], set()).add(s["step"])
    # the issue column's foreign key names the table that says when each issue begins to apply
    (ref,) = [fk["reference"] for fk in res["schema"].get("foreignKeys", []) if fk["fields"] == [rule["issue"]]]
    issues = {i[ref["fields"][0]]: i for i in tables.get(ref["resource"], [])}
    problems = []
    for issue, known in steps.items():
        if known != set(range(len(known))):
            problems.append(
                f"data/{rule['scale']}.csv: the steps of {issue!r} are {sorted(known)}; "
                "they must run 0, 1, 2 ... without a gap"
            )
    for row in tables.get(res["name"], []):
        where = f"{shown} row {row[_LINE]}"
        issue, low, high = row.get(rule["issue"]), row.get(rule["low"]), row.get(rule["high"])
        if (low is None) != (high is None):
            problems.append(
                f"{where}, column {rule['high'] if high is None else rule['low']}: give both "
                f"{rule['low']} and {rule['high']} (equal for a single term), or neither"
            )
        elif low is not None:
            known = steps.get(issue, set())
            if low > high:
                problems.append(f"{where}, column {rule['low']}: {low} is above {rule['high']} {high}")
            for col, value in ((rule["low"], low), (rule["high"], high)):
                if value not in known:
                    problems.append(
                        f"{where}, column {col}: step {value} is not on the scale of {issue!r} "
                        f"in data/{rule['scale']}.csv (steps {', '.join(map(str, sorted(known)))})"
                    )
        since = (issues.get(issue) or {}).get("applies_from")
        date = row.get(rule["date"])
        if since and date and date < since:
            problems.append(
                f"{where}, column {rule['date']}: {date.isoformat()} is before {since.isoformat()}, "
                f"when the issue {issue!r} begins to apply ({ref['resource']}, applies_from)"
            )
        if row.get(rule["kind"]) in ("proposal", "response") and not row.get(rule["link"]):
            problems.append(
                f"{where}, column {rule['link']}: a {row[rule['kind']]} must name the proposal (a row of proposals)"
            )
    return problems


def _ids(table: list[dict], field: str) -> set:
    return {row[field] for row in table if row.get(field) is not None}


def _check_links(res: dict, tables: dict[str, list[dict]], root: Path) -> list[str]:
    """Foreign keys (``foreignKeys``) and rows naming the dataset they concern (``referencesDatasetIn``)."""
    shown = _display(root / "data" / res["path"], root)
    rows = tables.get(res["name"], [])
    problems = []
    schema = res["schema"]
    for fk in schema.get("foreignKeys", []):
        (local,), ref = fk["fields"], fk["reference"]
        target, (target_field,) = ref["resource"], ref["fields"]
        known = _ids(tables.get(target, []), target_field)
        for row in rows:
            value = row.get(local)
            if value is not None and value not in known:
                problems.append(
                    f"{shown} row {row[_LINE]}, column {local}: {value!r} is not an id in "
                    f"the dataset {target!r} (column {target_field})"
                )
    primary = {r["name"]: (r["schema"].get("primaryKey") or ["id"])[0] for r in package(root)["resources"]}
    for spec in schema["fields"]:
        via = spec.get("referencesDatasetIn")
        if not via:
            continue
        for row in rows:
            value, dataset = row.get(spec["name"]), row.get(via)
            if value is None or dataset not in tables:
                continue
            if value not in _ids(tables[dataset], primary[dataset]):
                problems.append(
                    f"{shown} row {row[_LINE]}, column {spec['name']}: {value!r} is not an id "
                    f"in the dataset {dataset!r} named in column {via}"
                )
    return problems


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
