"""Two builds of the same sources give the same HTML, byte for byte, and the same PDF text.

The book declares no build timestamp (``html_last_updated_fmt`` is empty and the PDF date is the
last commit's, via SOURCE_DATE_EPOCH), so nothing is excluded from the comparison.
"""

from __future__ import annotations


import pytest

from conftest import copy_book, pdf_text, run_build

pytestmark = pytest.mark.build


def _tree(root):
    site = root / "_build" / "html"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_identical(built_book, tmp_path):
    second = copy_book(tmp_path / "second")
    proc = run_build(second)
    assert proc.returncode == 0, proc.stderr[-3000:]
    first_tree, second_tree = _tree(built_book), _tree(second)
    assert sorted(first_tree) == sorted(second_tree)
    differing = [name for name in first_tree if first_tree[name] != second_tree[name]]
    assert differing == [], f"files that differ between two builds: {differing}"
    texts = [pdf_text(root, fold=False) for root in (built_book, second)]
    assert texts[0] == texts[1]
