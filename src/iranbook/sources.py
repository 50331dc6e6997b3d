"""Chain of custody of the book's sources: the publishers registry and the sourcing rule.

Every entry of ``references.bib`` names who wrote the text (``origin``, a publisher id of
``data/publishers.csv``) and, when the page read is a reprint, mirror or aggregator copy, where
it was read (``via``). Tiers (``primary``, ``established``, ``other``, ``excluded``) live on the
publishers, so an AP story counts as AP's wherever it was read, and one newspaper under two
names is one publisher.

:func:`check_bibliography` enforces that: every entry has an ``origin``, ``origin`` and ``via``
exist in the registry, the URL's domain belongs to ``via`` (or to ``origin`` when there is no
``via``), and no entry rests on an ``excluded`` publisher. :func:`grades` computes, row by row,
how a dataset meets the book's rule (one primary source, or two independent reputable ones),
counting distinct origins, never pages.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from . import data as _data

REGISTRY_FILE = "publishers.csv"

#: The grades of a row, best first. ``primary``, ``two independent`` and ``attributed`` meet the rule.
GRADES = ["primary", "two independent", "attributed", "single", "other only", "not applicable"]
MEETS = {"primary", "two independent", "attributed"}
#: The book's sourcing rule in words, as every page that states it glues it.
RULE = "one primary source, or established sources from two independent origins"
#: What the book prints beside a row that does not meet the rule.
GRADE_LABELS = {"single": "single source", "other only": "lower-tier sources only"}
#: How a grade reads in a chart's tooltip and data table.
GRADE_TEXT = {
    "primary": "primary source",
    "two independent": "two independent sources",
    "attributed": "attributed to its own source",
    "single": "single source",
    "other only": "lower-tier sources only",
    "not applicable": "rule not applicable",
}


@dataclass(frozen=True)
class Publisher:
    id: str
    name: str
    kind: str
    domains: tuple[str, ...]
    tier: str
    speaks_for: tuple[str, ...]
    reason: str

    def owns(self, url: str) -> bool:
        """Whether ``url`` is on one of this publisher's domains (subdomains included)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        path = parts.path
        for pattern in self.domains:
            domain, _, prefix = pattern.partition("/")
            if domain.endswith(".*"):
                stem = domain[:-2]
                hit = re.search(rf"(^|\.){re.escape(stem)}\.[a-z.]+$", host) is not None
            else:
                hit = host == domain or host.endswith("." + domain)
            if hit and (not prefix or path.lstrip("/").startswith(prefix)):
                return True
        return False

    def speaks_for_party(self, party: str) -> bool:
        """Whether this publisher carries ``party``'s own statements (``US`` covers ``US Secretary of State ...``)."""
        party = party.strip()
        return any(party == name or party.startswith(name + " ") for name in self.speaks_for)


@dataclass(frozen=True)
class Entry:
    key: str
    origin: str | None
    via: str | None
    url: str | None
    fields: dict


def _split(cell: str) -> tuple[str, ...]:
    return tuple(i.strip() for i in cell.split(";") if i.strip())


@lru_cache(maxsize=4)
def _registry_of(text: bytes) -> dict[str, Publisher]:
    rows = csv.DictReader(io.StringIO(text.decode("utf-8-sig"), newline=""))
    return {
        r["id"]: Publisher(
            r["id"],
            r["name"],
            r["kind"],
            _split(r["domains"] or ""),
            r["tier"],
            _split(r["speaks_for"] or ""),
            r["reason"],
        )
        for r in rows
    }


def registry(root: Path | None = None) -> dict[str, Publisher]:
    """The publishers registry (``data/publishers.csv``), by id."""
    root = root or _data.book_root()
    return _registry_of(_data._read_bytes(root / "data" / REGISTRY_FILE))


@lru_cache(maxsize=4)
def _entries_of(text: bytes) -> dict[str, Entry]:
    from pybtex.database import parse_string
    from pybtex.exceptions import PybtexError

    try:
        bib = parse_string(text.decode("utf-8"), "bibtex")
    except PybtexError as exc:  # a syntax error names its line; a repeated key names the key
        line = getattr(exc, "lineno", None)
        raise _data.DataError([f"{_data.BIB_FILE}{f' line {line}' if line else ''}: {exc}"]) from None
    out = {}
    for key, entry in bib.entries.items():
        f = {k.lower(): v for k, v in entry.fields.items()}
        out[key] = Entry(key, f.get("origin") or None, f.get("via") or None, f.get("url") or None, f)
    return out


def entries(root: Path | None = None) -> dict[str, Entry]:
    """Every entry of ``references.bib`` (read with pybtex), by key."""
    root = root or _data.book_root()
    return _entries_of(_data._read_bytes(root / _data.BIB_FILE))


def check_registry(root: Path | None = None) -> list[str]:
    """Problems of the registry beyond its schema: a domain claimed by two publishers."""
    root = root or _data.book_root()
    seen: dict[str, str] = {}
    problems = []
    for pub in registry(root).values():
        for domain in pub.domains:
            if domain in seen:
                problems.append(
                    f"data/{REGISTRY_FILE}, publisher {pub.id}, column domains: {domain} is also a "
                    f"domain of {seen[domain]}; a domain belongs to one publisher"
                )
            seen.setdefault(domain, pub.id)
    return problems


def check_bibliography(root: Path | None = None) -> list[str]:
    """Problems of chain of custody in references.bib, each naming the entry's key and field."""
    root = root or _data.book_root()
    pubs = registry(root)
    problems = []
    where = f"{_data.BIB_FILE} entry"
    for key, e in entries(root).items():
        if not e.origin:
            problems.append(
                f"{where} {key}: no origin (the id, in data/{REGISTRY_FILE}, of the publisher that wrote it)"
            )
            continue
        for name, value in (("origin", e.origin), ("via", e.via)):
            if value is None:
                continue
            if value not in pubs:
                problems.append(f"{where} {key}, field {name}: {value!r} is not a publisher id in data/{REGISTRY_FILE}")
            elif pubs[value].tier == "excluded":
                problems.append(
                    f"{where} {key}, field {name}: {pubs[value].name} ({value}) is excluded "
                    f"and may not be cited ({pubs[value].reason})"
                )
        if not e.url:
            problems.append(f"{where} {key}, field url: no URL (the page that was read)")
            continue
        site = e.via or e.origin
        if site in pubs and not pubs[site].owns(e.url):
            host = urlsplit(e.url).hostname
            field = "via" if e.via else "origin"
            problems.append(
                f"{where} {key}, field url: the domain {host} does not belong to {field} {site!r} "
                f"({', '.join(pubs[site].domains) or 'no domains'}); name the site read in 'via', "
                f"or add the domain to data/{REGISTRY_FILE}"
            )
        for pub in pubs.values():
            if pub.tier == "excluded" and pub.id not in (e.origin, e.via) and pub.owns(e.url):
                problems.append(f"{where} {key}, field url: {e.url} is on {pub.name}, which is excluded ({pub.reason})")
    return problems


def _sourcing(dataset: str | None, root: Path) -> dict:
    if not dataset:
        return {}
    try:
        return _data.resource(dataset, root).get("sourcing", {})
    except KeyError:
        return {}


def grade(keys, root: Path | None = None, stated_by: str | None = None) -> str:
    """The grade of one row from its citation keys (``a;b`` or a list) and, for a stated position or
    figure, the party that stated it."""
    root = root or _data.book_root()
    return _grade(keys, registry(root), entries(root), stated_by)


def _grade(keys, pubs: dict[str, Publisher], bib: dict[str, Entry], stated_by: str | None) -> str:
    if isinstance(keys, str):
        keys = _split(keys)
    keys = [k for k in (keys or []) if k]
    origins = {bib[k].origin for k in keys if k in bib and bib[k].origin in pubs}
    tiers = {o: pubs[o].tier for o in origins}
    if "primary" in tiers.values():
        return "primary"
    if stated_by and any(pubs[o].speaks_for_party(stated_by) for o in origins):
        return "primary"
    reputable = [o for o, t in tiers.items() if t == "established"]
    if len(reputable) >= 2:
        return "two independent"
    return "single" if reputable else "other only"


def grades(
    frame: pd.DataFrame, root: Path | None = None, column: str = "sources", dataset: str | None = None
) -> pd.Series:
    """How each row of ``frame`` meets the sourcing rule, as an ordered categorical (see :data:`GRADES`).

    ``dataset`` (default: the frame's ``attrs['dataset']``) brings in the dataset's ``sourcing``
    metadata in data/datapackage.json: ``statedBy`` (a column naming who stated the row: a source
    speaking for that party is primary), ``attributed`` (rows recorded only as what their source
    says) or ``exempt`` (the rule does not apply; the reason is given there).
    """
    root = root or _data.book_root()
    rules = _sourcing(dataset or frame.attrs.get("dataset"), root)
    stated = rules.get("statedBy")
    attributed = rules.get("attributed")
    pubs, bib = registry(root), entries(root)

    def one(row) -> str:
        if "exempt" in rules:
            return "not applicable"
        if attributed and str(row.get(attributed["field"])) in attributed["values"]:
            return "attributed"
        party = row.get(stated) if stated else None
        party = str(party) if party is not None and not pd.isna(party) else None
        return _grade(row[column] if not pd.isna(row[column]) else "", pubs, bib, party)

    values = [one(row) for _, row in frame.iterrows()]
    return pd.Series(pd.Categorical(values, categories=GRADES, ordered=True), index=frame.index, name="corroboration")


def label(grade_: str) -> str:
    """What the book prints beside a row of this grade: '' when it meets the rule."""
    return GRADE_LABELS.get(str(grade_), "")


#: Where the build writes the sourcing summary it computed once, before executing the notebooks.
SUMMARY_FILE = Path("_derived") / "sourcing-summary.json"


def rule_summary(root: Path | None = None, frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Per dataset with a sources column: its rows, the count of each grade, the rows meeting the rule,
    the rows the rule applies to and their share (``None`` for an exempt dataset), and the dataset's
    sourcing note. ``frames`` are datasets the caller has already loaded, by name.

    In a build, a notebook reads the summary the build computed (:func:`summary_json`) instead of
    every dataset and the bibliography: it then depends on the summary, which an edited value that
    changes no grade leaves byte for byte the same, so such an edit does not re-execute it.
    """
    root = root or _data.book_root()
    derived = root / SUMMARY_FILE
    if frames is None and _data.validated_by_build(root) and derived.is_file():
        return pd.DataFrame(json.loads(_data._read_bytes(derived).decode("utf-8")))
    out = []
    for res in _data.package(root)["resources"]:
        if not any(f.get("role") == "sources" for f in res["schema"]["fields"]):
            continue
        frame = frames[res["name"]] if frames and res["name"] in frames else _data.load(res["name"], root)
        counts = grades(frame, root, dataset=res["name"]).value_counts()
        applicable = len(frame) - int(counts.get("not applicable", 0))
        met = sum(int(counts.get(g, 0)) for g in MEETS)
        rules = res.get("sourcing", {})
        out.append(
            {
                "dataset": res["name"],
                "rows": len(frame),
                **{g: int(counts.get(g, 0)) for g in GRADES},
                "met": met,
                "applicable": applicable,
                "share": met / applicable if applicable else None,
                "note": rules.get("exempt") or rules.get("note", ""),
                "below_floor": rules.get("belowFloor", ""),
            }
        )
    return pd.DataFrame(out)


#: The book's targets for the sourcing rule: the share of rows meeting it overall, and the floor for
#: each dataset (a dataset may sit below the floor only with a ``belowFloor`` note saying why).
TARGET_OVERALL = 0.85
TARGET_FLOOR = 0.60


def summary_json(root: Path) -> bytes:
    """The sourcing summary of ``root`` as the JSON bytes the build stores in :data:`SUMMARY_FILE`
    (the same bytes while nothing it reports changes)."""
    records = rule_summary(root).astype(object).where(lambda f: f.notna(), None).to_dict(orient="records")
    return (json.dumps(records, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def below_floor(summary: pd.DataFrame) -> pd.DataFrame:
    """Datasets under :data:`TARGET_FLOOR` that give no reason for it."""
    share = summary["share"].astype("Float64")
    return summary[(share < TARGET_FLOOR).fillna(False) & (summary["below_floor"] == "")]


def overall(summary: pd.DataFrame) -> tuple[int, int, float]:
    """(rows meeting the rule, rows the rule applies to, share) over every dataset of ``summary``."""
    met, applicable = int(summary["met"].sum()), int(summary["applicable"].sum())
    return met, applicable, met / applicable if applicable else 0.0


def rule_facts(root: Path | None = None) -> dict:
    """The methods appendix's figures: publishers in the registry, bibliography entries (and those read
    on a site other than the origin's), the rows meeting the sourcing rule, and the table by dataset."""
    from .text import md_table

    summary = rule_summary(root)
    known = entries(root)
    met, applicable, share = overall(summary)
    table = summary.assign(
        share=summary["share"].map(lambda v: "not applicable" if v is None or v != v else f"{v:.0%}")
    )
    columns = {
        "dataset": "Dataset",
        "rows": "Rows",
        "primary": "Primary",
        "two independent": "Two independent",
        "attributed": "Attributed",
        "single": "Single source",
        "other only": "Lower-tier only",
        "share": "Meeting the rule",
    }
    return {
        "n_publishers": len(registry(root)),
        "rule_words": RULE,
        "n_entries": len(known),
        "n_via": sum(1 for e in known.values() if e.via),
        "rule_met": met,
        "rule_applicable": applicable,
        "rule_share": share,
        "rule-table": md_table(table, columns, caption="Rows meeting the sourcing rule, dataset by dataset"),
    }


def registry_facts(pubs: pd.DataFrame) -> dict:
    """The sources appendix's figures: the publishers by kind and tier (a table), and the excluded ones
    with their domains and the reason (a list)."""
    from .text import md_list, md_table

    by_kind = pubs.pivot_table(index="kind", columns="tier", values="id", aggfunc="count", fill_value=0, observed=True)
    by_kind = by_kind.reindex(columns=["primary", "established", "other", "excluded"], fill_value=0)
    by_kind = by_kind[by_kind.sum(axis=1) > 0].reset_index()
    excluded = pubs[pubs["tier"] == "excluded"].sort_values("name", key=lambda s: s.str.lower())
    columns = {
        "kind": "Kind",
        "primary": "Primary",
        "established": "Established",
        "other": "Other",
        "excluded": "Excluded",
    }
    return {
        "n_publishers": len(pubs),
        "kinds-table": md_table(by_kind, columns, caption="Publishers in the registry by kind and tier"),
        "n_excluded": len(excluded),
        "excluded-list": md_list(
            excluded.assign(where=excluded["domains"].str.replace(";", ", ")),
            "name",
            {"kind": "Kind", "where": "Domains", "reason": "Why"},
        ),
    }
