"""The authoring checks: .pre-commit-config.yaml runs the pinned tools locally, and `make test` runs it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_hook_is_local_and_runs_a_pinned_tool():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    pinned = {
        line.split("==")[0].lower() for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line
    }
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])  # nothing to fetch: the tests run offline
    tools = {hook["entry"].split()[0].removeprefix(".venv/bin/") for hook in hooks}
    assert {"ruff", "nbstripout", "codespell"} <= tools <= pinned
    assert {"ruff check", "ruff format"} <= {
        " ".join(hook["entry"].split()[:2]).removeprefix(".venv/bin/") for hook in hooks
    }
    assert any("--keep-id" in hook["entry"] for hook in hooks if hook["id"] == "nbstripout")


def test_make_test_runs_the_authoring_checks():
    makefile = (ROOT / "Makefile").read_text()
    test_rule = re.search(r"^test:(.*)$", makefile, re.M).group(1)
    assert "lint" in test_rule.split()
    assert re.search(r"^lint:.*\n\t.*pre-commit run --all-files", makefile, re.M)
