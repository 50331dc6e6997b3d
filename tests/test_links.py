"""A real link checker (LinkChecker, Debian's package) over the built site, offline: every
internal link and anchor resolves. External links are not followed (no network at test time);
their form is checked in tests/test_data.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.build


def test_linkchecker_finds_no_broken_link_or_anchor(built_book):
    # LinkChecker drops root privileges to "nobody": give it a world-readable copy of the site.
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(built_book / "_build" / "html", site)
        for folder, dirs, files in os.walk(tmp):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(Path(folder) / name, 0o644)
        proc = subprocess.run(["linkchecker", "-f", str(ROOT / "tools" / "linkcheckerrc"), "--no-status",
                               "--output=text", str(site / "index.html")],
                              capture_output=True, text=True, timeout=600)
    summary = re.search(r"(\d+) links in \d+ URLs checked\. (\d+) warnings? found\. (\d+) errors? found", proc.stdout)
    assert summary, proc.stdout[-3000:] + proc.stderr[-2000:]
    links, warnings, errors = map(int, summary.groups())
    assert links > 100
    assert (warnings, errors) == (0, 0), proc.stdout[-6000:]
    assert proc.returncode == 0
