"""Coded positions: latest stance by a date and the zone-of-agreement rule."""

import pandas as pd

from iranbook import data
from iranbook import positions as pos

from conftest import ROOT


def frame(rows):
    return pd.DataFrame(rows, columns=["id", "actor", "issue", "stated_on", "code"]).assign(
        stated_on=lambda f: pd.to_datetime(f["stated_on"]))


def test_latest_stance_follows_the_date():
    f = frame([["P1", "US", "enrichment", "2025-04-14", "acceptable"],
               ["P2", "US", "enrichment", "2025-04-15", "red line"],
               ["P3", "Iran", "enrichment", "2025-05-11", "demand"]])
    assert pos.stance(f, "US", "enrichment", "2025-04-14") == "acceptable"
    assert pos.stance(f, "US", "enrichment", "2025-04-20") == "red line"
    assert pos.stance(f, "Iran", "enrichment", "2025-04-20") == pos.NO_POSITION
    assert pos.zones(f, "US", "Iran", ["enrichment"], "2025-04-20") == {"enrichment": pos.UNKNOWN}
    assert pos.zones(f, "US", "Iran", ["enrichment"], "2025-05-11") == {"enrichment": pos.BLOCKED}


def test_zone_rule():
    assert pos.zone("demand", "red line") == pos.BLOCKED
    assert pos.zone("red line", "demand") == pos.BLOCKED
    assert pos.zone("demand", "acceptable") == pos.OPEN
    assert pos.zone("red line", "red line") == pos.OPEN  # both refuse: nothing is demanded
    assert pos.zone("demand", pos.NO_POSITION) == pos.UNKNOWN


def test_enrichment_is_blocked_at_the_february_2026_rounds():
    positions = data.load("positions", ROOT)
    rounds = data.load("negotiation_rounds", ROOT)
    feb = rounds[(rounds["date"] >= "2026-02-01") & (rounds["date"] < "2026-03-01")]
    assert len(feb) == 3
    for day in feb["date"]:
        assert pos.zones(positions, "US", "Iran", ["enrichment"], day)["enrichment"] == pos.BLOCKED
