"""Chain of custody: the publishers registry, the origin/via fields of references.bib and the
sourcing rule computed from origins (reprints of one story count once)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from iranbook import data, sources

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def book(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


def _set_field(book: Path, key: str, field: str, value: str | None) -> None:
    """Set (or, with None, remove) one field of one entry of the copy's references.bib."""
    path = book / "references.bib"
    text = path.read_text(encoding="utf-8")
    start = text.index("@misc{" + key + ",")
    end = text.index("\n}\n", start)
    block = text[start:end]
    block = re.sub(rf"(?m)^\s*{field}\s*=.*\n?", "", block)
    if value is not None:
        block = block.rstrip(",\n") + f",\n  {field:<12} = {{{value}}},"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


def _problems(book: Path) -> str:
    with pytest.raises(data.DataError) as err:
        data.validate_all(book)
    return str(err.value)


def test_the_book_bibliography_and_registry_are_clean():
    assert sources.check_registry(ROOT) == []
    assert sources.check_bibliography(ROOT) == []


def test_unknown_origin_is_named(book):
    _set_field(book, "ap2025amassed", "origin", "nosuchwire")
    assert (
        "references.bib entry ap2025amassed, field origin: 'nosuchwire' is not a publisher id in data/publishers.csv"
    ) in _problems(book)


def test_unknown_via_is_named(book):
    _set_field(book, "ap2025amassed", "via", "nosuchsite")
    assert "references.bib entry ap2025amassed, field via: 'nosuchsite' is not a publisher id" in _problems(book)


def test_missing_origin_is_named(book):
    _set_field(book, "ap2025amassed", "origin", None)
    assert "references.bib entry ap2025amassed: no origin" in _problems(book)


def test_domain_matching_neither_via_nor_origin_is_named(book):
    # read on a reprinting site, but entered as if read on AP's own site
    _set_field(book, "ap2025amassed", "via", None)
    msg = _problems(book)
    assert (
        "references.bib entry ap2025amassed, field url: the domain www.tricityrecordnm.com does not "
        "belong to origin 'ap'"
    ) in msg


def test_excluded_source_cannot_be_cited(book):
    _set_field(book, "ap2025amassed", "via", "bravennow")
    _set_field(book, "ap2025amassed", "url", "https://bravennow.com/news/US/some-story")
    msg = _problems(book)
    assert (
        "references.bib entry ap2025amassed, field via: BraveNNow (bravennow) is excluded and may not be cited" in msg
    )


def test_url_on_an_excluded_site_is_refused_whatever_the_entry_claims(book):
    _set_field(book, "ap2025amassed", "url", "https://www.tricityrecordnm.com.hanna-ai.net/x")
    assert "is on hanna-ai, which is excluded" in _problems(book)


def test_a_domain_belongs_to_one_publisher(book):
    path = book / "data" / "publishers.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "ap,Associated Press,wire agency,apnews.com,", "ap,Associated Press,wire agency,apnews.com;reuters.com,"
        ),
        encoding="utf-8",
    )
    assert "publisher reuters, column domains: reuters.com is also a domain of ap" in _problems(
        book
    ) or "publisher ap, column domains: reuters.com is also a domain of reuters" in _problems(book)


def test_registry_schema_errors_name_file_row_and_column(book):
    path = book / "data" / "publishers.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("ap,"))
    lines[n] = lines[n].replace(",established,", ",trusted,")
    path.write_text("".join(lines), encoding="utf-8")
    assert f"data/publishers.csv row {n + 1}, column tier: 'trusted' is not one of the allowed values" in _problems(
        book
    )


def test_publisher_domains():
    pubs = sources.registry(ROOT)
    assert pubs["ap"].owns("https://apnews.com/article/x")
    assert pubs["bbc"].owns("http://news.bbc.co.uk/2/hi/x.stm")
    assert not pubs["ap"].owns("https://notapnews.com/x")
    assert pubs["hanna-ai"].owns("https://hanna-ai.com/a") and pubs["hanna-ai"].owns("https://news.hanna-ai.co.uk/a")
    assert pubs["evrimagaci-gpt"].owns("https://evrimagaci.org/gpt/abc")
    assert not pubs["evrimagaci-gpt"].owns("https://evrimagaci.org/science/abc")


def _entries(*triples):
    """A toy bibliography: (key, origin, via)."""
    return {k: sources.Entry(k, o, v, "https://x", {}) for k, o, v in triples}


@pytest.fixture
def toy(monkeypatch):
    pubs = {
        "ap": sources.Publisher("ap", "Associated Press", "wire agency", ("apnews.com",), "established", (), ""),
        "reuters": sources.Publisher("reuters", "Reuters", "wire agency", ("reuters.com",), "established", (), ""),
        "irna": sources.Publisher("irna", "IRNA", "state or party media", ("irna.ir",), "other", ("Iran",), ""),
        "un": sources.Publisher("un", "United Nations", "intergovernmental body", ("un.org",), "primary", (), ""),
        "blog": sources.Publisher("blog", "A blog", "magazine", ("blog.example",), "other", (), ""),
    }
    bib = _entries(
        ("ap1", "ap", "citynews"),
        ("ap2", "ap", "kurv"),
        ("r1", "reuters", None),
        ("i1", "irna", None),
        ("u1", "un", None),
        ("b1", "blog", None),
    )
    monkeypatch.setattr(sources, "registry", lambda root=None: pubs)
    monkeypatch.setattr(sources, "entries", lambda root=None: bib)
    return ROOT


def test_reprints_of_one_wire_story_count_once(toy):
    assert sources.grade("ap1;ap2", toy) == "single"
    assert sources.grade("ap1;r1", toy) == "two independent"
    assert sources.grade("ap1;ap2;b1", toy) == "single"
    assert sources.grade("b1", toy) == "other only"
    assert sources.grade("u1", toy) == "primary"


def test_a_party_is_primary_for_its_own_stated_position_only(toy):
    assert sources.grade("i1", toy) == "other only"
    assert sources.grade("i1", toy, stated_by="Iran") == "primary"
    assert sources.grade("i1", toy, stated_by="Iran Ministry of Health") == "primary"
    assert sources.grade("i1", toy, stated_by="US") == "other only"
    assert sources.grade("i1", toy, stated_by="Iranian Red Crescent") == "other only"


def test_grades_follow_the_dataset_sourcing_metadata():
    pos = data.load("positions", ROOT)
    g = sources.grades(pos, ROOT)
    assert set(g.astype(str)) <= set(sources.GRADES)
    params = data.load("breakout_parameters", ROOT)
    assert set(sources.grades(params, ROOT).astype(str)) == {"not applicable"}
    reg = data.load("discrepancies", ROOT)
    rg = sources.grades(reg, ROOT).astype(str)
    assert (rg[reg["assessment"].astype(str).isin(["alternative", "erroneous", "equivalent"])] == "attributed").all()
    assert (rg[reg["assessment"].astype(str) == "adopted"] != "attributed").all()


def test_a_timeline_statement_is_primary_from_its_party_and_only_a_statement_may_be_marked(book):
    tl = data.load("timeline", ROOT)
    row = tl[tl["id"] == "2026-02-04-a"]  # Russia's foreign ministry says ...; read on Reuters and RIA Novosti
    assert sources.grades(row, ROOT).astype(str).tolist() == ["primary"]
    assert sources.grades(row.assign(stated_by=None), ROOT).astype(str).tolist() == ["single"]
    # marking an event (no 'says') as a party's statement is refused, naming file, row and column
    path = book / "data" / "timeline.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("1957-03-05-a,"))
    cells = next(csv.reader([lines[n]]))
    cells[-2] = "Iran"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    lines[n] = buf.getvalue()
    path.write_text("".join(lines), encoding="utf-8")
    assert (
        f"data/timeline.csv row {n + 1}, column stated_by: 'Iran' marks the row as that party's statement, "
        "but its description does not attribute it"
    ) in _problems(book)


def test_rule_summary_counts_every_row_once():
    summary = sources.rule_summary(ROOT)
    assert (summary[sources.GRADES].sum(axis=1) == summary["rows"]).all()
    assert (summary["met"] == summary[sorted(sources.MEETS)].sum(axis=1)).all()
    met, applicable, share = sources.overall(summary)
    assert 0 < met <= applicable and share == pytest.approx(met / applicable)


def test_nothing_in_the_data_cites_an_excluded_publisher():
    pubs, bib = sources.registry(ROOT), sources.entries(ROOT)
    for res in data.package(ROOT)["resources"]:
        if not any(f.get("role") == "sources" for f in res["schema"]["fields"]):
            continue
        for key in data.sources_of(data.load(res["name"], ROOT)):
            e = bib[key]
            assert pubs[e.origin].tier != "excluded" and (e.via is None or pubs[e.via].tier != "excluded"), key


def test_one_publisher_one_printed_name():
    """An organisation author prints as its registry name: no 'AFP' beside 'Agence France-Presse'."""
    from pybtex.database import parse_file

    pubs = sources.registry(ROOT)
    names = {p.name for p in pubs.values()} | {"AFP", "Dawn Media Group", "TASS Russian News Agency"}
    checked = 0
    for key, entry in parse_file(str(ROOT / "references.bib")).entries.items():
        origin = pubs[entry.fields["origin"]]
        assert entry.fields["publisher"] == origin.name, key
        for person in entry.persons.get("author", []):
            text = str(person).strip("{}")
            if text in names:
                checked += 1
                assert text == origin.name, key
    assert checked > 100


def test_citations_of_one_author_on_one_day_print_distinctly():
    from pybtex.database import parse_file, parse_string

    from iranbook import sphinxext

    toy = parse_string(
        """
@misc{b, author = {{Reuters}}, title = {Second}, date = {2025-02-26}}
@misc{a, author = {{Reuters}}, title = {First}, date = {2025-02-26}}
@misc{c, author = {{Reuters}}, title = {Other day}, date = {2025-02-27}}
@misc{d, author = {{Associated Press}}, title = {Month}, date = {2026-02}}
""",
        "bibtex",
    )
    assert sphinxext.suffixes_of(toy) == {"a": "a", "b": "b"}
    assert sphinxext._printed_date(toy.entries["d"].fields) == "Feb 2026"
    bib = parse_file(str(ROOT / "references.bib"))
    suffixes = sphinxext.suffixes_of(bib)
    labels = [
        (sphinxext._author_label(e), sphinxext._printed_date(e.fields) + suffixes.get(k, ""))
        for k, e in bib.entries.items()
    ]
    assert len(labels) == len(set(labels))
    assert suffixes, "the book has same-author, same-day sources: they must get letters"


def test_no_dataset_is_under_the_floor_without_a_reason():
    """No dataset is under 60% without a note in data/datapackage.json saying why its kind of data
    cannot meet the rule."""
    assert sources.below_floor(sources.rule_summary(ROOT))["dataset"].tolist() == []


def test_the_book_meets_its_overall_sourcing_target():
    met, applicable, share = sources.overall(sources.rule_summary(ROOT))
    assert share >= sources.TARGET_OVERALL, f"{met} of {applicable} rows ({share:.1%}) meet the sourcing rule"


def test_a_dataset_under_the_floor_needs_a_reason():
    summary = pd.DataFrame({"dataset": ["a", "b", "c"], "share": [0.5, 0.5, 0.9], "below_floor": ["", "why", ""]})
    assert sources.below_floor(summary)["dataset"].tolist() == ["a"]


def test_rule_facts_agree_with_the_rule_summary():
    facts = sources.rule_facts(ROOT)
    met, applicable, share = sources.overall(sources.rule_summary(ROOT))
    assert (facts["rule_met"], facts["rule_applicable"], facts["rule_share"]) == (met, applicable, share)
    assert facts["n_via"] <= facts["n_entries"] and facts["rule_words"] == sources.RULE


def test_registry_facts_count_every_publisher_once():
    pubs = data.load("publishers", ROOT)
    facts = sources.registry_facts(pubs)
    assert facts["n_publishers"] == len(pubs)
    assert facts["n_excluded"] == int((pubs["tier"] == "excluded").sum())
    assert facts["excluded-list"].count("\n- ") + 1 == facts["n_excluded"]
