"""Two builds of the same sources give the same HTML, byte for byte, and the same PDF text.

The book declares no build timestamp (``html_last_updated_fmt`` is empty and the PDF date is the
last commit's, via SOURCE_DATE_EPOCH), so nothing is excluded from the comparison.

The second build starts from a fresh copy of the sources with the first build's notebook cache,
less two chart notebooks: it renders everything anew and executes those two again, so the
comparison covers execution as well as rendering without executing the whole book twice.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_book, pdf_text, run_build

pytestmark = pytest.mark.build


def _tree(root):
    site = root / "_build" / "html"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_identical(built_book, tmp_path):
    second = copy_book(tmp_path / "second")
    cache = Path("_build") / ".cache" / "notebooks"
    shutil.copytree(built_book / cache, second / cache)
    for again in ("chapters__stockpile.ipynb", "chapters__aftermath.ipynb"):
        shutil.rmtree(second / cache / again)
    proc = run_build(second)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((second / "_build" / "build-report.json").read_text())
    assert report["executed"] == ["chapters/aftermath.ipynb", "chapters/stockpile.ipynb"]
    first_tree, second_tree = _tree(built_book), _tree(second)
    assert sorted(first_tree) == sorted(second_tree)
    differing = [name for name in first_tree if first_tree[name] != second_tree[name]]
    assert differing == [], f"files that differ between two builds: {differing}"
    texts = [pdf_text(root, fold=False) for root in (built_book, second)]
    assert texts[0] == texts[1]


def test_the_build_subprocesses_skip_jsonschemas_slow_optional_import(monkeypatch):
    """The kernels and Sphinx run with iranbook/_buildpath first on their path: jsonschema (imported by
    altair, nbformat and Jupyter Book) then skips compiling rfc3987_syntax's grammars, 1.3 s a process;
    everything else imports as usual."""
    import subprocess
    import sys

    from iranbook.build import build_env

    probe = (
        "import sys, jsonschema, altair; print('rfc3987_syntax' in sys.modules, "
        "jsonschema.FormatChecker().checkers.get('iri') is None)"
    )
    monkeypatch.delenv("PYTHONPATH", raising=False)  # `make test` sets it too; the build must set it itself
    env = build_env(ROOT)
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
