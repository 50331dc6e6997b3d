"""The book's configuration and bibliography are read by the libraries that own their formats:
Jupyter Book's schema for _config.yml, sphinx-external-toc for _toc.yml, pybtex for references.bib;
a fault stops the build with a message naming the file."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from iranbook import data
from iranbook.build import BuildError, check_book_config


@pytest.fixture
def book(tmp_path):
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters", ignore=shutil.ignore_patterns("_chart_data"))
    for name in ("intro.ipynb", "bibliography.md", "changelog.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_books_own_configuration_passes(book):
    check_book_config(book)


def test_a_setting_of_the_wrong_type_is_refused_with_its_key(book):
    config = book / "_config.yml"
    config.write_text(config.read_text() + "\nbibtex_bibfiles: 3\n")
    with pytest.raises(BuildError, match=r"_config.yml: 3 is not of type 'array' \(key bibtex_bibfiles\)"):
        check_book_config(book)


def test_a_toc_that_sphinx_external_toc_refuses_stops_the_build(book):
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text().replace("format: jb-book", "format: no-such-format"))
    with pytest.raises(BuildError, match="_toc.yml: "):
        check_book_config(book)


def test_a_toc_entry_without_its_page_is_named(book):
    (book / "chapters" / "war.ipynb").unlink()
    with pytest.raises(BuildError, match="_toc.yml lists files that do not exist: chapters/war"):
        check_book_config(book)


def test_a_broken_bibliography_is_refused_with_its_line(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "references.bib").write_text("@misc{good,\n  title = {A},\n}\n\n@misc{broken,\n  title = {B\n")
    with pytest.raises(data.DataError, match=r"references.bib line \d+"):
        data.bib_keys(tmp_path)
    (tmp_path / "references.bib").write_text("@misc{twice,\n  title = {A},\n}\n@misc{twice,\n  title = {B},\n}\n")
    with pytest.raises(data.DataError, match="repeated bibliography entry: twice"):
        data.bib_keys(tmp_path)
