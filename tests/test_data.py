"""Every dataset validates, and each kind of bad input gets an error naming file, row and column."""

from __future__ import annotations

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
        frame = data.load(res["name"], ROOT)
        cited = data.sources_of(frame)
        assert cited and set(cited) <= keys


@pytest.fixture
def book(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


def _edit(book: Path, row: int, column: str, value: str) -> None:
    """Set one cell of data/iaea_stockpile.csv (row = line number, header = 1)."""
    path = book / "data" / "iaea_stockpile.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")


def _error(book: Path) -> str:
    with pytest.raises(data.DataError) as info:
        data.validate_all(book)
    with pytest.raises(data.DataError):
        data.load("iaea_stockpile", book)
    return str(info.value)


@pytest.mark.parametrize("column,value,expected", [
    ("as_of", "2025-13-40", "row 3, column as_of: '2025-13-40' is not a date as YYYY-MM-DD"),
    ("as_of", "8 Feb 2025", "row 3, column as_of: '8 Feb 2025' is not a date"),
    ("kg_u", "", "row 3, column kg_u: a value is required but the cell is empty"),
    ("kg_u", "-3", "row 3, column kg_u: -3 is below the minimum 0"),
    ("kg_u", "many", "row 3, column kg_u: 'many' is not a number"),
    ("level", "up to 90%", "row 3, column level: 'up to 90%' is not one of the allowed values"),
    ("sources", "nosuchkey2025", "row 3, column sources: source key 'nosuchkey2025' is not in references.bib"),
    ("sources", "ap2025amassed;", "row 3, column sources: 'ap2025amassed;' has an empty source key"),
    ("id", "2025-02-08-60", "row 3, column id: '2025-02-08-60' repeats row 2"),
])
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
    lines[0] = lines[0].replace("kg_u", "kilograms")
    path.write_text("\n".join(lines) + "\n")
    message = _error(book)
    assert "data/iaea_stockpile.csv row 1: the columns are" in message
    assert "missing kg_u; unexpected kilograms" in message


def test_short_row(book):
    path = book / "data" / "iaea_stockpile.csv"
    path.write_text(path.read_text() + "2025-09-01-60,2025-09-01\n")
    assert "data/iaea_stockpile.csv row 5: 2 values, expected 6" in _error(book)


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
