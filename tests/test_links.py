"""A real link checker (LinkChecker, Debian's package) over the built site, offline: every
internal link and anchor resolves. External links are not followed (no network at test time);
their form is checked in tests/test_data.py.

LinkChecker parses a page once for every anchor linked on it; the bibliography, the target of
every citation (some 900 anchors in one 1 MB page), took it seven minutes. Those anchors are
checked here from one parse of the page, and LinkChecker checks every other link and anchor."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_build_output import _Links

pytestmark = pytest.mark.build

BIBLIOGRAPHY_LINK = re.compile(r'(href="(?:\.\./)*bibliography\.html)#([^"]*)"')


def check_bibliography_anchors(site: Path) -> list[str]:
    """Check every link to an anchor of bibliography.html against one parse of it; drop the anchor
    from the link in ``site`` (a copy), so that LinkChecker fetches the page once."""
    parser = _Links()  # the anchors of a page, as the build-output link test reads them
    parser.feed((site / "bibliography.html").read_text(encoding="utf-8"))
    missing = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        missing += [
            f"{page.relative_to(site)}: bibliography.html#{m.group(2)}"
            for m in BIBLIOGRAPHY_LINK.finditer(text)
            if m.group(2) not in parser.ids
        ]
        stripped = BIBLIOGRAPHY_LINK.sub(r'\1"', text)
        if stripped != text:
            page.write_text(stripped, encoding="utf-8")
    return missing


def test_linkchecker_finds_no_broken_link_or_anchor(built_book):
    # LinkChecker drops root privileges to "nobody": give it a world-readable copy of the site.
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(built_book / "_build" / "html", site)
        assert check_bibliography_anchors(site) == []
        for folder, _dirs, files in os.walk(tmp):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(Path(folder) / name, 0o644)
        proc = subprocess.run(
            [
                "linkchecker",
                "-f",
                str(ROOT / "tools" / "linkcheckerrc"),
                "--no-status",
                "--output=text",
                str(site / "index.html"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    summary = re.search(r"(\d+) links in \d+ URLs checked\. (\d+) warnings? found\. (\d+) errors? found", proc.stdout)
    assert summary, proc.stdout[-3000:] + proc.stderr[-2000:]
    links, warnings, errors = map(int, summary.groups())
    assert links > 100
    assert (warnings, errors) == (0, 0), proc.stdout[-6000:]
    assert proc.returncode == 0


def test_a_citation_to_a_missing_bibliography_anchor_is_found(tmp_path):
    (tmp_path / "bibliography.html").write_text('<div id="id1"></div>', encoding="utf-8")
    page = tmp_path / "chapters" / "a.html"
    page.parent.mkdir()
    page.write_text(
        '<a href="../bibliography.html#id1">ok</a> <a href="../bibliography.html#id9">gone</a>', encoding="utf-8"
    )
    assert check_bibliography_anchors(tmp_path) == ["chapters/a.html: bibliography.html#id9"]
    assert "#" not in page.read_text(encoding="utf-8")
