"""The two commissioning articles' claims, checked: each claim in the one chapter whose subject it
concerns (the ``chapter`` column of ``seed_claims``), every chapter's table built by one rule.

The rule for the sources column: the evidence, that is every source but the commissioning
articles themselves; a claim with no evidence (an unverifiable one) cites the article alone.
"""

from __future__ import annotations

import pandas as pd

from .text import cite, md_table

#: The commissioning articles, by citation key, as the tables name them.
ARTICLES = {"seed2026amargi": "The Amargi", "seed2026oman": "Oman talks article"}
VERDICTS = ("confirmed", "incomplete", "inaccurate", "unverifiable")


def evidence(keys: str) -> str:
    """The citation of a claim's evidence: its sources but the commissioning articles (or, with no
    other source, the article itself)."""
    keys = [k for k in str(keys).split(";") if k]
    return cite([k for k in keys if k not in ARTICLES] or keys[:1])


def for_chapter(claims: pd.DataFrame, chapter: str) -> pd.DataFrame:
    """The claims checked in ``chapter``, in the file's order, with ``article`` (the article's short
    name) and ``evidence`` (see :func:`evidence`) columns."""
    if chapter not in set(claims["chapter"].astype(str)):
        raise ValueError(f"no commissioning-article claim is checked in chapter {chapter!r}")
    mine = claims[claims["chapter"].astype(str) == chapter].copy()
    mine["article"] = mine["seed"].astype(str).map(ARTICLES)
    mine["verdict"] = mine["verdict"].astype(str)
    mine["evidence"] = [evidence(keys) for keys in mine["sources"]]
    return mine


def verdicts(frame: pd.DataFrame) -> dict[str, int]:
    """How many claims of ``frame`` have each verdict (every verdict named, zero where none)."""
    counts = frame["verdict"].astype(str).value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def table(frame: pd.DataFrame, caption: str) -> str:
    """The MyST table of the claims of :func:`for_chapter`: the article (when the table holds claims
    of both), the claim, the verdict, what the sources show and the sources; a long table that
    breaks across printed pages, with its caption."""
    columns = {
        "claim": "The article says",
        "verdict": "Verdict",
        "finding": "What the sources show",
        "evidence": "Sources",
    }
    widths = [32, 13, 35, 20]
    if frame["article"].nunique() > 1:
        columns = {"article": "Article", **columns}
        widths = [11, 28, 13, 30, 18]
    return md_table(frame, columns, markup={"evidence"}, long=True, widths=widths, caption=caption)


def chapter_facts(
    claims: pd.DataFrame, chapter: str, caption: str, table_key: str, prefix: str, count_key: str
) -> dict:
    """What a chapter glues about its claims: the table (under ``table_key``), the number of claims
    (``count_key``) and the number with each verdict (``prefix`` + verdict)."""
    mine = for_chapter(claims, chapter)
    return {table_key: table(mine, caption), count_key: len(mine)} | {
        prefix + verdict: n for verdict, n in verdicts(mine).items()
    }
