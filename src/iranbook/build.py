"""Build the book: ``python -m iranbook.build [--root DIR] [--no-pdf]``.

Steps, each of which stops the build on failure before anything is published:

1. validate every dataset in ``data/`` (errors name file, row and column);
2. mirror the book's sources into a work folder (``_build/.work/src``);
3. execute the notebooks, reusing a cached execution only when the notebook, the shared
   package, the requirements and every file the notebook read last time are unchanged
   (the loader records what each notebook reads, so editing a CSV re-executes exactly the
   notebooks that read it);
4. strict Sphinx builds (``-n -W --keep-going``) of the HTML site and the LaTeX, then
   pdflatex through latexmk;
5. publish: ``_build/html`` and ``_build/pdf/book.pdf`` are replaced only now, so a failed
   build leaves the last good book in place.

When the work folder's files (after step 3), the package and the declared build date are
exactly those of the last published book, steps 4 and 5 are skipped: the book is current.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import data as _data
from . import sources as _sources

#: Top-level files of the book that are copied into the work folder.
TOP_LEVEL_SUFFIXES = {".md", ".yml", ".bib", ".cff", ".ipynb"}
#: Folders of the book copied whole (but for hidden files and generated chart data).
BOOK_DIRS = ("chapters", "data", "_static")
GENERATED = ("_chart_data", "_derived", ".ipynb_checkpoints", "__pycache__")
VEGA_BUNDLE = Path("_static") / "iranbook" / "vega-bundle.js"


class BuildError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- sources


def book_sources(root: Path) -> list[Path]:
    """The book's source files, relative to ``root``, in a stable order."""
    found = [
        p.relative_to(root)
        for p in root.iterdir()
        if p.is_file() and p.suffix in TOP_LEVEL_SUFFIXES and p.name != "README.md"
    ]
    for folder in BOOK_DIRS:
        base = root / folder
        if not base.is_dir():
            continue
        for p in base.rglob("*"):
            rel = p.relative_to(root)
            if p.is_file() and not any(part.startswith(".") or part in GENERATED for part in rel.parts):
                found.append(rel)
    return sorted(found)


def copy_sources(root: Path, dest: Path) -> Path:
    """Copy the book (its sources, requirements and package) to ``dest``, without any output."""
    for rel in book_sources(root) + [Path("requirements.txt")]:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, dest / rel)
    shutil.copytree(root / "src" / "iranbook", dest / "src" / "iranbook", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` unless the file already holds it (keeping its mtime for Sphinx)."""
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def mirror(root: Path, stage: Path, sources: list[Path]) -> None:
    """Make ``stage`` hold the sources (notebooks are written later, executed)."""
    wanted = set(sources)
    for rel in sources:
        if rel.suffix != ".ipynb":
            write_if_changed(stage / rel, (root / rel).read_bytes())
    if stage.is_dir():
        for p in sorted(stage.rglob("*"), reverse=True):
            rel = p.relative_to(stage)
            if p.is_file() and rel not in wanted and not _is_generated(rel):
                p.unlink()


def _is_generated(rel: Path) -> bool:
    return rel == VEGA_BUNDLE or any(part in GENERATED for part in rel.parts)


def vega_bundle(stage: Path) -> None:
    """Serve vega, vega-lite and vega-embed from the site itself (no CDN).

    The bundle depends only on the version of vl-convert-python, which its first line names; it
    is generated again (2 s) only when that version changes."""
    import vl_convert as vlc

    header = (
        "/* vega, vega-lite and vega-embed, bundled by vl-convert-python "
        f"{vlc.__version__}; defines window.vegaEmbed */\n"
    )
    target = stage / VEGA_BUNDLE
    current = False
    if target.is_file():
        with open(target, encoding="utf-8") as fh:
            current = fh.readline() == header
    if not current:
        # An IIFE keeps the bundle's own globals (such as `_`) from clashing with Sphinx's.
        content = header + f"(function () {{\n{vlc.javascript_bundle()}\n}})();\n"
        write_if_changed(target, content.encode())
    write_if_changed(stage / VEGA_BUNDLE.parent / "book.css", BOOK_CSS.encode())


#: The book's own styles, a file of the package (Jupyter Book loads every stylesheet under _static/).
BOOK_CSS = (Path(__file__).parent / "book.css").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- notebooks


def package_fingerprint(root: Path) -> str:
    """Changes to the shared package or the pinned requirements re-execute every notebook."""
    h = hashlib.sha256()
    files = sorted((root / "src" / "iranbook").rglob("*.py")) + [root / "requirements.txt"]
    for f in files:
        if f.is_file():
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def data_fingerprint(root: Path, package_sha: str) -> str:
    """A digest of everything validation and the sourcing summary read: data/, references.bib and
    the package (``package_sha``, from :func:`package_fingerprint`: its code does the checking)."""
    h = hashlib.sha256(package_sha.encode())
    files = sorted((root / "data").rglob("*")) + [root / _data.BIB_FILE]
    for f in files:
        if f.is_file():
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + sha256(f.read_bytes()).encode())
    return h.hexdigest()


#: Put first on the PYTHONPATH of the build's subprocesses (the notebook kernels and the Sphinx
#: builds): modules there stand in for slow optional imports (see its ``rfc3987_syntax``).
BUILD_PATH = Path(__file__).resolve().parent / "_buildpath"


def build_pythonpath(env: dict) -> dict:
    """``env`` with :data:`BUILD_PATH` first on its PYTHONPATH."""
    rest = [p for p in (env.get("PYTHONPATH") or "").split(os.pathsep) if p and p != str(BUILD_PATH)]
    return dict(env, PYTHONPATH=os.pathsep.join([str(BUILD_PATH), *rest]))


class NotebookCache:
    """Executed notebooks with the files they read and wrote, under ``_build/.cache``."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _entry(self, rel: Path) -> Path:
        return self.folder / rel.as_posix().replace("/", "__")

    def lookup(self, rel: Path, source_sha: str, package_sha: str, stage: Path) -> dict | None:
        entry = self._entry(rel)
        try:
            record = json.loads((entry / "record.json").read_text())
        except (OSError, ValueError):
            return None
        if record.get("source_sha") != source_sha or record.get("package_sha") != package_sha:
            return None
        for dep, digest in record["reads"].items():
            path = stage / dep
            if not path.is_file() or sha256(path.read_bytes()) != digest:
                return None
        return record

    def last_seconds(self, rel: Path) -> float:
        """How long the notebook's last stored execution took (0 when none is stored)."""
        try:
            return float(json.loads((self._entry(rel) / "record.json").read_text()).get("seconds", 0))
        except (OSError, ValueError):
            return 0.0

    def restore(self, rel: Path, record: dict, stage: Path) -> bool:
        entry = self._entry(rel)
        changed = write_if_changed(stage / rel, (entry / "executed.ipynb").read_bytes())
        for out in record["writes"]:
            changed |= write_if_changed(stage / out, (entry / "files" / out).read_bytes())
        return changed

    def store(self, rel: Path, record: dict, executed: bytes, stage: Path) -> None:
        entry = self._entry(rel)
        if entry.exists():
            shutil.rmtree(entry)
        (entry / "files").mkdir(parents=True)
        (entry / "executed.ipynb").write_bytes(executed)
        for out in record["writes"]:
            target = entry / "files" / out
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stage / out, target)
        (entry / "record.json").write_text(json.dumps(record, indent=1, sort_keys=True))


def execute_notebook(rel: Path, source: bytes, stage: Path, timeout: int = 900) -> tuple[bytes, dict]:
    """Execute one notebook inside ``stage``; return its bytes with outputs and what it read and wrote."""
    import nbformat  # imported here: a build with nothing to execute never needs it (2 s of imports)
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.reads(source.decode("utf-8"), as_version=4)
    deps_file = stage.parent / "deps" / (rel.as_posix().replace("/", "__") + ".txt")
    deps_file.parent.mkdir(parents=True, exist_ok=True)
    deps_file.write_text("")
    (stage / rel).parent.mkdir(parents=True, exist_ok=True)
    env = dict(
        build_pythonpath(dict(os.environ)),
        IRANBOOK_DEPS_FILE=str(deps_file),
        IRANBOOK_ROOT=str(stage),
        IRANBOOK_CHART_CACHE=str(stage.parent.parent / ".cache" / "charts"),
        PYTHONHASHSEED="0",
        **{_data.VALIDATED_ENV: str(stage.resolve())},
    )
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str((stage / rel).parent)}},
    )
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        failing = next(
            (
                i
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        where = f"code cell {failing + 1} of the notebook" if failing is not None else "a cell"
        raise BuildError(f"{rel}: {where} raised an error:\n{_short(str(exc))}") from None
    reads, writes = {}, []
    for line in deps_file.read_text().splitlines():
        kind, _, path = line.partition(" ")
        try:
            dep = Path(path).relative_to(stage.resolve())
        except ValueError:
            continue  # outside the book: not tracked
        if kind == "r":
            reads[dep.as_posix()] = sha256((stage / dep).read_bytes())
        elif kind == "w" and dep.as_posix() not in writes:
            writes.append(dep.as_posix())
    for cell in nb.cells:  # ids and timings would make the output differ from run to run
        cell.get("metadata", {}).pop("execution", None)
    executed = nbformat.writes(nb).encode("utf-8")
    return executed, {"reads": dict(sorted(reads.items())), "writes": sorted(writes)}


def _short(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else text[:limit] + "\n..."


def execute_all(
    root: Path, stage: Path, cache: NotebookCache, sources: list[Path], package_sha: str, jobs: int | None = None
) -> dict:
    """Execute every notebook whose cached execution is stale, ``jobs`` at a time (default: one per core).

    Notebooks are independent (each reads the data and writes its own chart files), so running them
    side by side changes nothing in their outputs; a failure is reported for the first failing
    notebook in the table-of-contents order, whichever finished first.
    """
    from concurrent.futures import ThreadPoolExecutor

    report = {"executed": [], "cached": []}
    todo = []
    for rel in (s for s in sources if s.suffix == ".ipynb"):
        source = (root / rel).read_bytes()
        source_sha = sha256(source)
        record = cache.lookup(rel, source_sha, package_sha, stage)
        if record is not None:
            cache.restore(rel, record, stage)
            report["cached"].append(rel.as_posix())
        else:
            todo.append((rel, source, source_sha))

    def one(item):
        rel, source, source_sha = item
        started = time.monotonic()
        executed, io = execute_notebook(rel, source, stage)
        seconds = time.monotonic() - started
        log(f"executed {rel} in {seconds:.1f} s (read: {', '.join(io['reads']) or 'nothing'})")
        return executed, {**io, "seconds": round(seconds, 1)}

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    # the longest first (by their last run), so that the short ones fill in beside them; the results
    # are taken in the table of contents' order whatever the order of execution
    started_first = sorted(todo, key=lambda item: -cache.last_seconds(item[0]))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        submitted = {item[0]: pool.submit(one, item) for item in started_first}
        futures = [(item, submitted[item[0]]) for item in todo]
        failures = [error for error in (f.exception() for _, f in futures) if error is not None]
    if failures:
        raise failures[0]
    for (rel, _, source_sha), future in futures:
        executed, io = future.result()
        record = {"source_sha": source_sha, "package_sha": package_sha, **io}
        cache.store(rel, record, executed, stage)
        write_if_changed(stage / rel, executed)
        report["executed"].append(rel.as_posix())
    return report


def tree_digest(folder: Path, extra: str) -> str:
    """A digest of every file under ``folder`` (names and contents) and ``extra``."""
    h = hashlib.sha256(extra.encode())
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + sha256(p.read_bytes()).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- sphinx + latex


def run(cmd: list[str], what: str, cwd: Path | None = None, env: dict | None = None) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )  # TeX logs are not always UTF-8
    if proc.returncode != 0:
        raise BuildError(f"{what} failed (exit {proc.returncode}):\n{_tail(proc.stdout)}")
    log(f"{what}: {time.monotonic() - started:.1f} s")


def _tail(text: str, lines: int = 60) -> str:
    keep = text.strip().splitlines()
    markers = ("WARNING", "ERROR", "error:")
    exception = re.compile(r"^\s*[A-Za-z_][\w.]*(Error|Exception|NotFound)\w*: \S")
    important = [
        line for line in keep if any(m in line for m in markers) or exception.match(line) or line.startswith("!")
    ]
    return "\n".join((important[:40] + ["--- last lines ---"] if important else []) + keep[-lines:])


def build_env(root: Path) -> dict:
    """Environment for Sphinx and LaTeX with a declared build date (``SOURCE_DATE_EPOCH``).

    The build date is the date of the last commit; outside a git checkout, the data cut-off.
    Nothing else in the output depends on when the build ran.
    """
    env = dict(
        build_pythonpath(dict(os.environ)), PYTHONHASHSEED="0", FORCE_SOURCE_DATE="1", TZ="UTC", LC_ALL="C.UTF-8"
    )
    if "SOURCE_DATE_EPOCH" not in env:
        proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True)
        epoch = proc.stdout.strip() if proc.returncode == 0 else ""
        if not epoch:
            day = _data.cutoff(root)
            epoch = str(int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC).timestamp()))
        env["SOURCE_DATE_EPOCH"] = epoch
    return env


def sphinx_command(stage: Path, out: Path, builder: str) -> list[str]:
    jb = Path(sys.executable).with_name("jupyter-book")
    return [
        str(jb),
        "build",
        str(stage),
        "--path-output",
        str(out),
        "--builder",
        builder,
        "--warningiserror",
        "--nitpick",
        "--keep-going",
        "--quiet",
    ]


def sphinx(stage: Path, out: Path, builder: str, env: dict) -> None:
    run(sphinx_command(stage, out, builder), f"sphinx {builder}", env=env)


def run_together(commands: list[tuple[list[str], str]], env: dict) -> None:
    """Run independent commands at the same time; fail naming the first of them (in the order
    given) that failed, with the important lines of its output."""
    import tempfile

    started = time.monotonic()
    running = []
    for cmd, what in commands:
        output = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        running.append((what, subprocess.Popen(cmd, env=env, stdout=output, stderr=subprocess.STDOUT), output))
    failed = None
    for what, proc, output in running:
        code = proc.wait()
        output.seek(0)
        text = output.read()
        output.close()
        if code != 0:
            failed = failed or BuildError(f"{what} failed (exit {code}):\n{_tail(text)}")
        else:
            log(f"{what}: {time.monotonic() - started:.1f} s")
    if failed is not None:
        raise failed


def pdflatex(latex_dir: Path, env: dict) -> Path:
    run(
        [
            "latexmk",
            "-pdf",
            "-dvi-",
            "-ps-",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            "book.tex",
        ],
        "pdflatex (latexmk)",
        cwd=latex_dir,
        env=env,
    )
    return latex_dir / "book.pdf"


# --------------------------------------------------------------------------- publish


def publish(built_html: Path, built_pdf: Path | None, dest: Path) -> None:
    """Swap the new book into place; until this point the old one is untouched."""
    staged_html = dest / "html.new"
    if staged_html.exists():
        shutil.rmtree(staged_html)
    shutil.copytree(built_html, staged_html)
    _swap(staged_html, dest / "html")
    if built_pdf is not None:
        staged_pdf = dest / "pdf.new"
        if staged_pdf.exists():
            shutil.rmtree(staged_pdf)
        staged_pdf.mkdir()
        shutil.copyfile(built_pdf, staged_pdf / "book.pdf")
        _swap(staged_pdf, dest / "pdf")


def _swap(new: Path, final: Path) -> None:
    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old)


def check_book_config(root: Path) -> None:
    """``_config.yml`` and ``_toc.yml`` are read by Jupyter Book's own parsers: the configuration is
    checked against Jupyter Book's schema, the table of contents by ``sphinx-external-toc``, and
    every page it lists must exist.

    Raises :class:`BuildError` naming the file (and the line and column, or the key), before anything is built.
    """
    import yaml
    from jupyter_book.config import get_validator
    from sphinx_external_toc.parsing import MalformedError, parse_toc_yaml

    parsed = {}
    for name in ("_config.yml", "_toc.yml"):
        path = root / name
        if not path.is_file():
            raise BuildError(f"{name}: the file is missing")
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise BuildError(f"{name}{where}: not valid YAML ({problem}); nothing was built or published") from None
        if not isinstance(content, dict):
            raise BuildError(f"{name}: expected a mapping of settings, found {type(content).__name__}")
        parsed[name] = content
    errors = sorted(get_validator().iter_errors(parsed["_config.yml"]), key=lambda e: list(map(str, e.path)))
    if errors:
        raise BuildError(
            "_config.yml: "
            + "; ".join(f"{e.message} (key {'/'.join(map(str, e.path)) or 'top level'})" for e in errors)
            + "; nothing was built or published"
        )
    try:
        site_map = parse_toc_yaml(root / "_toc.yml")
    except MalformedError as exc:
        raise BuildError(f"_toc.yml: {exc}; nothing was built or published") from None
    missing = [
        doc for doc in site_map if not any((root / f"{doc}{suffix}").is_file() for suffix in ("", ".md", ".ipynb"))
    ]
    if missing:
        raise BuildError(f"_toc.yml lists files that do not exist: {', '.join(missing)}")


def build(root: Path, output: Path | None = None, pdf: bool = True) -> dict:
    root = root.resolve()
    output = (output or root / "_build").resolve()
    work = output / ".work"
    stage, out = work / "src", work / "out"
    started = time.monotonic()

    check_book_config(root)
    # Validation is a function of the data, the bibliography and the package: when none of them
    # changed since the last successful validation, its verdict still holds.
    package_sha = package_fingerprint(root)
    inputs = data_fingerprint(root, package_sha)
    validated = output / ".cache" / "validated.digest"
    fresh = not (validated.is_file() and validated.read_text() == inputs)
    if fresh:
        validated.unlink(missing_ok=True)
        try:
            _data.validate_all(root)
        except _data.DataError as exc:
            raise BuildError(f"invalid data; nothing was built or published:\n{exc}") from None
    log("configuration and data valid" + ("" if fresh else " (unchanged since last validated)"))

    sources = book_sources(root)
    mirror(root, stage, sources)
    vega_bundle(stage)
    # The package is valid (checked above): the notebooks parse only the tables they load, and read
    # the sourcing summary computed here once instead of every table and the bibliography.
    if fresh or not (stage / _sources.SUMMARY_FILE).is_file():
        with _data.validated(stage):
            write_if_changed(stage / _sources.SUMMARY_FILE, _sources.summary_json(stage))
    validated.parent.mkdir(parents=True, exist_ok=True)
    validated.write_text(inputs)
    report = execute_all(root, stage, NotebookCache(output / ".cache" / "notebooks"), sources, package_sha)
    log(f"notebooks: {len(report['executed'])} executed, {len(report['cached'])} from cache")

    env = build_env(root)
    digest = tree_digest(stage, package_sha + env["SOURCE_DATE_EPOCH"] + f"pdf={pdf}")
    stamp = work / "published.digest"
    current = (output / "html" / "index.html").is_file() and (not pdf or (output / "pdf" / "book.pdf").is_file())
    if current and stamp.is_file() and stamp.read_text() == digest:
        report["seconds"] = round(time.monotonic() - started, 2)
        report["rendered"] = False
        (output / "build-report.json").write_text(json.dumps(report, indent=1, sort_keys=True))
        log(f"nothing changed since the published book; left it as it is ({report['seconds']} s)")
        return report
    built_pdf = None
    if pdf:
        # The HTML and LaTeX builds share nothing but the (read-only) sources: each has its own
        # output and doctree folders, so they run side by side.
        run_together(
            [
                (sphinx_command(stage, out, "html"), "sphinx html"),
                (sphinx_command(stage, work / "out-latex", "latex"), "sphinx latex"),
            ],
            env,
        )
        built_pdf = pdflatex(work / "out-latex" / "_build" / "latex", env)
    else:
        sphinx(stage, out, "html", env)
    # The stamp names what is published: it goes just before the swap and comes back after it, so
    # a failed render leaves it naming the last good book (and a build of the same sources again
    # finds that book current), and an interrupted swap leaves no stamp at all.
    stamp.unlink(missing_ok=True)
    publish(out / "_build" / "html", built_pdf, output)
    stamp.write_text(digest)
    report["rendered"] = True
    report["seconds"] = round(time.monotonic() - started, 2)
    (output / "build-report.json").write_text(json.dumps(report, indent=1, sort_keys=True))
    log(
        f"published {output / 'html' / 'index.html'}"
        + (f" and {output / 'pdf' / 'book.pdf'}" if pdf else "")
        + f" in {report['seconds']} s"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's folder (default: here)")
    parser.add_argument("--output", type=Path, help="where to publish (default: ROOT/_build)")
    parser.add_argument("--no-pdf", action="store_true", help="build the HTML site only")
    args = parser.parse_args(argv)
    try:
        build(args.root, args.output, pdf=not args.no_pdf)
    except BuildError as exc:
        print(f"[build] FAILED: {exc}\n[build] the last good book (if any) was left in place.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
