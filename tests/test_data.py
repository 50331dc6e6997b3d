"""Every dataset validates, and each kind of bad input gets an error naming file, row and column."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from iranbook import data

ROOT = Path(__file__).resolve().parents[1]


def test_all_datasets_valid():
    data.validate_all(ROOT)


def test_load_is_typed():
    frame = data.load("iaea_stockpile", ROOT)
    assert pd.api.types.is_datetime64_any_dtype(frame["as_of"])
    assert isinstance(frame["level"].dtype, pd.CategoricalDtype)
    assert frame["kg_u"].dtype == "float64"
    assert frame.attrs["cutoff"] == data.package(ROOT)["cutoff"]


def test_every_row_cites_known_sources():
    keys = data.bib_keys(ROOT)
    for res in data.package(ROOT)["resources"]:
        if not any(f.get("role") == "sources" for f in res["schema"]["fields"]):
            continue
        frame = data.load(res["name"], ROOT)
        cited = data.sources_of(frame)
        assert cited and set(cited) <= keys


@pytest.fixture
def book(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


def _edit_table(book: Path, name: str, row: int, column: str, value: str) -> None:
    """Set one cell of data/<name>.csv (row = line number, header = 1)."""
    path = book / "data" / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")


def _edit(book: Path, row: int, column: str, value: str) -> None:
    _edit_table(book, "iaea_stockpile", row, column, value)


def _error(book: Path) -> str:
    with pytest.raises(data.DataError) as info:
        data.validate_all(book)
    with pytest.raises(data.DataError):
        data.load("iaea_stockpile", book)
    return str(info.value)


@pytest.mark.parametrize(
    "column,value,expected",
    [
        ("as_of", "2025-13-40", "row 3, column as_of: '2025-13-40' is not a date as YYYY-MM-DD"),
        ("as_of", "8 Feb 2025", "row 3, column as_of: '8 Feb 2025' is not a date"),
        ("kg_u", "", "row 3, column kg_u: a value is required but the cell is empty"),
        ("kg_u", "-3", "row 3, column kg_u: -3 is below the minimum 0"),
        ("kg_u", "many", "row 3, column kg_u: 'many' is not a number"),
        ("level", "up to 90%", "row 3, column level: 'up to 90%' is not one of the allowed values"),
        ("sources", "nosuchkey2025", "row 3, column sources: source key 'nosuchkey2025' is not in references.bib"),
        ("sources", "ap2025amassed;", "row 3, column sources: 'ap2025amassed;' has an empty source key"),
        ("id", "2019-08-19-total", "row 3, column id: '2019-08-19-total' repeats row 2"),
        ("as_of", "2030-01-01", "row 3, column as_of: 2030-01-01 is after the data cut-off"),
        (
            "as_of_precision",
            "month",
            "row 3, column as_of: 2019-11-03 is known only to the month (as_of_precision), "
            "so it must be stored as the 1st of the month",
        ),
        ("verification", "checked", "row 3, column verification: 'checked' is not one of the allowed values"),
    ],
)
def test_bad_cell(book, column, value, expected):
    _edit(book, 3, column, value)
    message = _error(book)
    assert f"data/iaea_stockpile.csv {expected}" in message, message


def test_markup_in_a_text_field_is_data_not_an_error(book):
    """HTML in a text field is valid data; the book must show it as text (see test_charts)."""
    _edit(book, 3, "note", '<script>alert(1)</script><img src=x onerror="alert(2)">')
    data.validate_all(book)
    assert data.load("iaea_stockpile", book)["note"].iloc[1].startswith("<script>")


def test_wrong_column_set(book):
    path = book / "data" / "iaea_stockpile.csv"
    lines = path.read_text().splitlines()
    lines[0] = ",".join("kilograms" if c == "kg_u" else c for c in lines[0].split(","))
    path.write_text("\n".join(lines) + "\n")
    message = _error(book)
    assert "data/iaea_stockpile.csv row 1: the columns are" in message
    assert "missing kg_u; unexpected kilograms" in message


def test_short_row(book):
    path = book / "data" / "iaea_stockpile.csv"
    text = path.read_text()
    path.write_text(text + "2025-09-01-60,2025-09-01\n")
    line = len(text.splitlines()) + 1
    assert f"data/iaea_stockpile.csv row {line}: 2 values, expected 9" in _error(book)


def test_non_utf8_bytes(book):
    path = book / "data" / "iaea_stockpile.csv"
    raw = path.read_bytes().replace(b"as reported by AP", b"as reported by \xe9AP", 1)
    path.write_bytes(raw)
    assert "data/iaea_stockpile.csv row 2: byte 0xe9 at character" in _error(book)


def test_missing_file(book):
    (book / "data" / "iaea_stockpile.csv").unlink()
    assert "data/iaea_stockpile.csv: the file is missing" in _error(book)


def test_every_problem_is_listed(book):
    _edit(book, 2, "kg_u", "-1")
    _edit(book, 4, "as_of", "yesterday")
    message = _error(book)
    assert "row 2, column kg_u" in message and "row 4, column as_of" in message


def test_cli_exit_code(book, monkeypatch, capsys):
    monkeypatch.setenv("IRANBOOK_ROOT", str(book))
    assert data.main() == 0
    _edit(book, 2, "kg_u", "-1")
    assert data.main() == 1
    assert "data/iaea_stockpile.csv row 2, column kg_u: -1 is below the minimum 0" in capsys.readouterr().err


# ------------------------------------------------------------------ the other tables


def _table_error(book: Path) -> str:
    with pytest.raises(data.DataError) as info:
        data.validate_all(book)
    return str(info.value)


@pytest.mark.parametrize(
    "name,column,value,expected",
    [
        ("timeline", "actors", "US;Frnace", "row 2, column actors: 'Frnace' is not a known value"),
        ("timeline", "actors", "US;;Iran", "row 2, column actors: 'US;;Iran' has an empty item"),
        ("timeline", "category", "economy", "row 2, column category: 'economy' is not one of the allowed values"),
        ("timeline", "date_precision", "year", "row 2, column date: 1957-03-05 is known only to the year"),
        (
            "timeline",
            "date",
            "2026-12-31",
            "row 2, column date: 2026-12-31 is after the data cut-off " + str(data.cutoff(ROOT)),
        ),
        (
            "timeline",
            "resolution",
            "1999",
            "row 2, column resolution: '1999' is not an id in the dataset 'un_resolutions'",
        ),
        ("timeline", "description", "x" * 5000, "row 2, column description: the text is 5000 characters long"),
        ("un_resolutions", "votes_for", "16", "row 2, column votes_for: 16 is above the maximum 15"),
        ("un_resolutions", "against", "Qatar;Atlantis", "row 2, column against: 'Atlantis' is not a known value"),
        ("un_resolutions", "adopted", "yes", "row 2, column adopted: 'yes' is not true or false"),
        (
            "discrepancies",
            "record",
            "1800-01-01-a",
            "row 2, column record: '1800-01-01-a' is not an id in the dataset 'timeline'",
        ),
        ("discrepancies", "assessment", "maybe", "row 2, column assessment: 'maybe' is not one of the allowed values"),
    ],
)
def test_bad_cell_in_other_tables(book, name, column, value, expected):
    _edit_table(book, name, 2, column, value)
    message = _table_error(book)
    assert f"data/{name}.csv {expected}" in message, message


def test_markup_and_control_characters_in_timeline_are_data(book):
    text = "<script>alert(1)</script> {x} \\ 100% $5 `code`"
    _edit_table(book, "timeline", 2, "description", text)
    data.validate_all(book)
    assert data.load("timeline", book)["description"].iloc[0] == text


def test_timeline_covers_1957_to_cutoff_with_every_category():
    frame = data.load("timeline", ROOT)
    assert len(frame) >= 150
    assert frame["date"].min().year == 1957
    assert frame["date"].max().year == data.cutoff(ROOT).year
    assert set(frame["category"].cat.categories) == set(frame["category"].unique())


def test_un_resolutions_complete_and_votes_add_up():
    frame = data.load("un_resolutions", ROOT)
    adopted = set(frame.loc[frame["kind"] == "resolution", "id"])
    assert adopted == {"1696", "1737", "1747", "1803", "1835", "1929", "2231"}
    assert (frame["kind"] == "draft").sum() == 2 and not frame.loc[frame["kind"] == "draft", "adopted"].any()
    for row in frame.itertuples():
        assert row.votes_for + row.votes_against + row.votes_abstaining == 15, row.id
        for column, count in (("against", row.votes_against), ("abstaining", row.votes_abstaining)):
            listed = getattr(row, column)
            if count and listed is not pd.NA:
                assert len(str(listed).split(";")) == count, (row.id, column)
    assert frame.set_index("id").loc["1803", "abstaining"] == "Indonesia"


def test_stockpile_series_from_2019_by_level_with_limits_and_flags():
    frame = data.load("iaea_stockpile", ROOT)
    assert frame["as_of"].min().year == 2019
    assert {"up to 5%", "up to 20%", "up to 60%", "total"} <= set(frame["level"].unique())
    totals = frame[frame["level"] == "total"]
    assert (totals["jcpoa_limit_kg_u"] == 202.8).all()
    assert (frame.loc[frame["level"].isin(["up to 20%", "up to 60%"]), "jcpoa_limit_kg_u"] == 0).all()
    assert "unverified" in set(frame["verification"])


def test_discrepancies_keep_every_version_with_a_source():
    frame = data.load("discrepancies", ROOT)
    per_topic = frame.groupby("topic_id").size()
    assert (per_topic >= 2).all(), per_topic[per_topic < 2]
    # each topic either adopts one version, or leaves every version unresolved (the book shows the range)
    settled = frame.groupby("topic_id")["assessment"].apply(lambda a: "adopted" in set(a) or set(a) == {"unresolved"})
    assert settled.all(), settled[~settled]


def test_a_register_topic_has_one_chapter_and_one_weight(book):
    """The chapter that shows a topic and its weight describe the topic, not one version: a version that
    differs from the topic's first row is refused, naming file, row and column."""
    frame = pd.read_csv(book / "data" / "discrepancies.csv", dtype=str, keep_default_na=False)
    first = frame.index[frame["topic_id"] == "D25"][0]
    line = int(first) + 3  # the topic's second version (header = line 1)
    _edit_table(book, "discrepancies", line, "weight", "minor")
    with pytest.raises(data.DataError) as info:
        data.validate_all(book)
    assert (
        f"data/discrepancies.csv row {line}, column weight: 'minor' differs from 'major' on row {line - 1}; "
        "every row of topic_id 'D25' must have the same weight"
    ) in str(info.value)


def test_every_bib_entry_has_url_urldate_publisher_origin():
    from pybtex.database import parse_file

    bib = parse_file(str(ROOT / "references.bib"))
    urls = {}
    for key, entry in bib.entries.items():
        f = entry.fields
        assert re.fullmatch(r"https?://[!-~]+", f.get("url", "")), f"{key}: the URL must be printable ASCII"
        assert f["url"] not in urls, f"{key} repeats the URL of {urls.get(f['url'])}"
        urls[f["url"]] = key
        assert "file" not in f, f"{key}: the repository must not point at files outside it"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.get("urldate", "")), key
        assert f.get("publisher") or f.get("organization"), key
        assert "tier" not in f, f"{key}: tiers live on the publishers (data/publishers.csv), not on entries"
        assert f.get("origin"), key


def test_catalogue_is_up_to_date(monkeypatch):
    from iranbook import catalogue

    monkeypatch.setenv("IRANBOOK_ROOT", str(ROOT))
    assert catalogue.main(["--check"]) == 0, "run: python -m iranbook.catalogue"


def test_catalogue_check_fails_when_data_changes(book, monkeypatch):
    from iranbook import catalogue

    monkeypatch.setenv("IRANBOOK_ROOT", str(book))
    shutil.copyfile(ROOT / "data" / "README.md", book / "data" / "README.md")
    assert catalogue.main(["--check"]) == 0
    path = book / "data" / "timeline.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")
    assert catalogue.main(["--check"]) == 1


def test_frictionless_validates_the_package(tmp_path):
    """The package is a valid Frictionless Data Package, checked by frictionless itself."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("frictionless")
    run = subprocess.run(
        [str(exe), "validate", "--json", "data/datapackage.json"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_frictionless_catches_a_bad_foreign_key(book):
    import subprocess
    import sys

    _edit_table(book, "timeline", 2, "resolution", "1999")
    exe = Path(sys.executable).with_name("frictionless")
    run = subprocess.run(
        [str(exe), "validate", "data/datapackage.json"], cwd=book, capture_output=True, text=True, timeout=300
    )
    assert run.returncode != 0 and "foreign" in run.stdout.lower(), run.stdout[-2000:]


#: The commissioning articles as text, where the project keeps a copy beside the repository
#: (``../shared/seeds``, or ``$IRANBOOK_SEEDS``). The book itself cites them by their public URLs.
SEED_TEXTS = {"seed2026amargi": "000_28cfe997c1b6acc5.txt", "seed2026oman": "004_f58198bc26e9fe59.txt"}
SEEDS_DIR = Path(os.environ.get("IRANBOOK_SEEDS", ROOT.parent / "shared" / "seeds"))


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"no copy of the commissioning articles in {SEEDS_DIR}")
def test_seed_claims_are_quoted_verbatim_from_the_seed_articles():
    """Quotes only as they appear in the sources: every claim is a passage of its seed article."""
    frame = data.load("seed_claims", ROOT)
    assert len(frame) >= 10
    assert set(frame["seed"]) <= set(SEED_TEXTS)
    for row in frame.itertuples():
        text = (SEEDS_DIR / SEED_TEXTS[row.seed]).read_text(encoding="utf-8")
        assert " ".join(row.claim.split()) in " ".join(text.split()), row.id
        assert row.sources.split(";")[0] == row.seed, row.id


def test_enrichment_levels_have_the_limit_and_the_particle_finding():
    frame = data.load("enrichment_levels", ROOT).set_index("measure", drop=False)
    assert frame.loc["JCPOA limit", "level_pct"] == 3.67
    assert frame.loc["highest particles found", "level_pct"] == 83.7
    produced = frame[frame["measure"] == "highest level produced"].sort_values("date")
    assert produced["level_pct"].max() == 60


def test_war_events_agree_with_the_facilities_they_name():
    events = data.load("war_events", ROOT)
    facilities = data.load("facilities", ROOT).set_index("id")
    strikes = events[(events["kind"] == "strike on Iran") & events["facility"].notna()]
    assert len(strikes) >= 5
    for row in strikes.itertuples():
        attackers = str(facilities.loc[row.facility, "attacked_by"]).split(";")
        assert row.actor in attackers, (row.id, row.facility, attackers)
    # the war is dated in Iran time: 13 to 24 June 2025, the US strikes on 22 June
    assert events["date"].min() == pd.Timestamp("2025-06-13") and events["date"].max() == pd.Timestamp("2025-06-24")
    assert set(events.loc[events["actor"] == "US", "date"]) >= {pd.Timestamp("2025-06-22")}


def test_casualty_counts_are_kept_per_counter_not_merged():
    frame = data.load("casualties", ROOT)
    iran = frame[frame["country"] == "Iran"]
    assert {"official", "independent"} <= set(iran["counter_type"])
    assert iran["counter"].nunique() >= 3


def test_citation_file_matches_the_data_package():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == data.package(ROOT)["version"]
    assert cff["title"] and cff["authors"]


def test_bib_has_no_unescaped_percent():
    """A bare % starts a comment in BibTeX and broke the bibliography's parse ('unbalanced braces')."""
    import re as _re

    lines = (ROOT / "references.bib").read_text(encoding="utf-8").splitlines()
    bad = [
        n
        for n, line in enumerate(lines, 1)
        if not line.lstrip().startswith("%")  # comment lines
        and _re.search(r"(?<!\\)%", line)
        and "url" not in line.split("=")[0]
    ]
    assert bad == [], f"references.bib lines with an unescaped %: {bad}"


def test_printed_bib_fields_are_in_scripts_the_pdf_can_set():
    """pdflatex sets Latin scripts only: a title in Greek, Cyrillic, Arabic, Hebrew or Chinese stops
    the PDF ('Unicode character ... not set up'). Such titles are given in translation, marked so."""
    from pybtex.database import parse_file

    allowed = set("‘’“”–—…′″€•·")
    for key, entry in parse_file(str(ROOT / "references.bib")).entries.items():
        for name in ("title", "howpublished", "publisher", "note"):
            text = entry.fields.get(name, "")
            bad = {ch for ch in text if ord(ch) > 0x24F and ch not in allowed}
            assert not bad, f"{key}, field {name}: characters the PDF cannot set: {''.join(sorted(bad))}"
        for person in entry.persons.get("author", []):
            assert all(ord(ch) <= 0x24F or ch in allowed for ch in str(person)), key


def test_notes_speak_to_readers_not_to_editors():
    """Research working notes ('editor should ...', 'within budget') must not reach the printed book."""
    pattern = re.compile(r"(?i)\beditor (should|may)\b|\bwithin budget\b|\bSINGLE SOURCE\b|\bround [0-9]+\b|\bR[0-9]: ")
    hits = []
    for res in data.package(ROOT)["resources"]:
        frame = data.load(res["name"], ROOT)
        for column in frame.columns:
            if frame[column].dtype == object:
                for i, value in frame[column].items():
                    if isinstance(value, str) and pattern.search(value):
                        hits.append(f"{res['name']} row {i}, {column}: {value[:80]}")
    assert hits == []


# ------------------------------------------------------------------ frictionless underneath


@pytest.mark.parametrize(
    "column,value,expected",
    [
        ("as_of", "2019-8-19", "row 2, column as_of: '2019-8-19' is not a date as YYYY-MM-DD"),
        ("kg_u", "NaN", "row 2, column kg_u: 'NaN' is not a number"),
        ("kg_u", "5%", "row 2, column kg_u: '5%' is not a number"),
    ],
)
def test_frictionless_leniencies_are_refused(book, column, value, expected):
    """frictionless reads '2019-8-19' as a date and 'NaN' as a number; the book's checks refuse both."""
    _edit(book, 2, column, value)
    assert f"data/iaea_stockpile.csv {expected}" in _error(book)


def test_a_boolean_is_written_true_or_false(book):
    _edit_table(book, "un_resolutions", 2, "adopted", "True")
    assert "data/un_resolutions.csv row 2, column adopted: 'True' is not true or false" in _table_error(book)


def test_rows_are_named_by_the_line_they_start_on(book):
    """frictionless numbers records; a quoted cell over two lines shifts every later line by one."""
    path = book / "data" / "iaea_stockpile.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "note"] = "first line\nsecond line"
    frame.loc[1, "kg_u"] = "-2"
    frame.to_csv(path, index=False, lineterminator="\n")
    assert path.read_text().splitlines()[3].startswith(frame.loc[1, "id"])  # record 3 starts on line 4
    assert "data/iaea_stockpile.csv row 4, column kg_u: -2 is below the minimum 0" in _error(book)


def test_a_byte_order_mark_is_not_part_of_the_header(book):
    path = book / "data" / "iaea_stockpile.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data.validate_all(book)
    assert list(data.load("iaea_stockpile", book).columns)[0] == "id"


def test_the_book_rules_are_frictionless_checks(book):
    """Anyone with frictionless can run the book's cell rules: they report as frictionless errors."""
    from frictionless import Checklist, Resource

    _edit(book, 3, "sources", "nosuchkey2025")
    res = data.resource("iaea_stockpile", book)
    fields = [data._Field.of(f) for f in res["schema"]["fields"]]
    rules = data.CellRules(fields, data.bib_keys(book), data.cutoff(book))
    report = Resource.from_descriptor(res, basepath=str(book / "data")).validate(Checklist(checks=[rules]))
    (error,) = report.tasks[0].errors
    assert (error.type, error.row_number, error.field_name) == ("book-rule", 3, "sources")
    assert "'nosuchkey2025' is not in references.bib" in error.note


def test_a_descriptor_frictionless_cannot_read_is_a_data_error(book):
    path = book / "data" / "datapackage.json"
    path.write_text(path.read_text().replace('"type": "string"', '"type": "text-ish"', 1))
    message = _table_error(book)
    assert message.startswith("data/datapackage.json: ") and "text-ish" in message, message
