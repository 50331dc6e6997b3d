"""Re-running a chapter in JupyterLab (its own execution path, in a real browser) shows its chart."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import copy_book

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp("lab"))
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".jupyter"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabServerApp.extension_manager=readonly",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.5)
    yield base, token
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.parametrize("notebook", ["chapters/stockpile.ipynb"])
def test_run_all_in_jupyterlab_shows_the_chart(lab, browser, notebook):
    base, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/lab/tree/{notebook}?token={token}")
    page.locator(".jp-Notebook").wait_for(timeout=60_000)
    # the kernel must be connected before Run All does anything
    page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for(timeout=90_000)
    chart = page.locator(".jp-OutputArea-output .iranbook-chart svg.marks")
    for attempt in range(3):  # a click that lands while JupyterLab is still settling is retried
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.get_by_role("menuitem", name="Run").click()
        page.locator("li[data-command='runmenu:run-all']").click()
        try:
            chart.first.wait_for(timeout=60_000)
            break
        except Exception:
            if attempt == 2:
                raise
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert tracebacks == []
    # JupyterLab skips rendering cells outside the viewport (innerText is then empty): read the DOM's text
    chart.first.scroll_into_view_if_needed()
    assert "Source:" in " ".join(page.locator(".jp-OutputArea-output").all_text_contents())
    page.screenshot(path=str(Path(os.environ.get("IRANBOOK_SCREENSHOTS", "/tmp")) / "jupyterlab-stockpile.png"))
    page.close()
