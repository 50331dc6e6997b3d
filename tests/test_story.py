"""The 2026 story's helpers: milestones from data, periods, rates, and the exports-against-traffic
finding; and the {event} role that cites a timeline record with its grade."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from iranbook import data, sources, sphinxext, story

ROOT = Path(__file__).resolve().parents[1]


def test_every_milestone_names_a_timeline_record_and_they_run_in_order():
    marks = story.milestones(ROOT)
    assert {"war_start", "ceasefire", "blockade", "mou"} <= set(marks)
    assert marks["war_start"].date < marks["ceasefire"].date < marks["blockade"].date < marks["mou"].date
    assert marks["mou"].date <= pd.Timestamp(data.cutoff(ROOT))


def test_unknown_milestone_is_named():
    with pytest.raises(KeyError, match="no milestone nosuch in data/milestones.csv"):
        story.milestone_frame(["war_start", "nosuch"], ROOT)


def test_periods_and_rates_on_toy_data():
    frame = pd.DataFrame({"date": pd.to_datetime(["2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01"])})
    assert story.between(frame, "2026-02-01", "2026-02-28")["date"].dt.day.tolist() == [1, 28]
    assert story.per_month(frame).tolist() == [1, 2, 1]
    assert story.days_between("2026-02-28", "2026-04-07") == 38
    assert story.daily_rate(16.5, "2026-03-01", "2026-03-11") == pytest.approx(1.5)
    with pytest.raises(ValueError):
        story.daily_rate(1, "2026-03-02", "2026-03-01")


def test_irans_exports_kept_moving_while_traffic_collapsed():
    flows = story.exports_and_traffic(data.load("economic_indicators", ROOT))
    assert flows["exports_per_day"] == pytest.approx(1.5)
    assert flows["transits_fall"] == pytest.approx(1 - 7 / 135)
    assert flows["transits_date"] == pd.Timestamp("2026-03-03")


def _expand(text: str, warnings: list) -> str:
    source = [text]
    app = SimpleNamespace(srcdir=str(ROOT))
    original = sphinxext.LOG.warning
    sphinxext.LOG.warning = lambda msg, *a, **k: warnings.append(msg)
    try:
        sphinxext.expand_event_roles(app, "doc", source)
    finally:
        sphinxext.LOG.warning = original
    return source[0]


def test_event_role_cites_the_record_with_its_grade():
    timeline = data.load("timeline", ROOT)
    grades = sources.grades(timeline, ROOT).astype(str)
    single = timeline[grades == "single"].iloc[0]
    good = timeline[grades == "two independent"].iloc[0]
    warnings: list = []
    out = _expand(f"A {{event}}`{single['id']}` and B {{event}}`{good['id']}`.", warnings)
    keys = ",".join(single["sources"].split(";"))
    assert f"{{cite:p}}`{keys}` *(single source)*" in out
    assert "{cite:p}`" + ",".join(good["sources"].split(";")) + "`." in out
    assert warnings == []


def test_event_role_with_an_unknown_record_warns():
    warnings: list = []
    out = _expand("See {event}`1900-01-01-z`.", warnings)
    assert out == "See {event}`1900-01-01-z`." and "no such record" in warnings[0]


def test_date_roles_print_a_timeline_date_in_its_precision_with_its_preposition():
    warnings: list = []
    out = _expand(
        "A {event-date}`2009-09-25-a`; {event-on}`2002-08-01-a`. {event-On}`2009-09-25-a` it said. "
        "{event-date}`1999-01-01-z`",
        warnings,
    )
    assert out.startswith("A 25 September 2009; in August 2002. On 25 September 2009 it said. ")
    assert out.endswith("{event-date}`1999-01-01-z`")  # an unknown record is left as written, with a warning
    assert warnings == ["{event-date}`1999-01-01-z`: no such record in data/timeline.csv"]
    assert sphinxext.event_date(pd.Timestamp("1974-01-01"), "year", "on") == "in 1974"


def test_the_days_role_counts_the_days_between_two_records():
    warnings: list = []
    out = _expand(
        "It came {event-days}`2010-05-17-a 2010-06-09-a` days later; {event-days}`2010-05-17-a 1999-01-01-z`", warnings
    )
    assert out.startswith("It came 23 days later; ")
    assert out.endswith("{event-days}`2010-05-17-a 1999-01-01-z`")
    assert warnings == ["{event-days}`2010-05-17-a 1999-01-01-z`: no record 1999-01-01-z in data/timeline.csv"]


def test_the_aftermath_figures_from_the_books_data():
    timeline = data.load("timeline", ROOT)
    cutoff = data.cutoff(ROOT)
    events = story.period(timeline, cutoff, ROOT)
    facts = story.sequence_facts(events, cutoff, ROOT)
    marks = story.milestones(ROOT)
    assert facts["n_period"] == len(events) and events["date"].min() >= marks["geneva_last"].date
    assert facts["war_days"] + facts["ceasefire_to_mou"] + facts["mou_to_cutoff"] == story.days_between(
        marks["war_start"].date, cutoff
    )
    assert facts["quietest_month_n"] <= facts["busiest_month_n"]
    oil = story.oil_facts(data.load("economic_indicators", ROOT), data.load("oil_exports", ROOT))
    assert oil["brent_before"] < 100 <= oil["brent_100"] <= oil["brent_top"]
    assert oil["feb_low"] <= oil["feb_high"]
    dead = story.casualty_facts(data.load("casualties", ROOT))
    assert dead["dead_min"] <= dead["dead_max"] and dead["first_count"] <= dead["last_count"]
    talks = story.diplomacy_facts(events, ROOT)
    assert talks["n_pakistan"] <= talks["n_diplomacy"] and talks["n_qatar"] <= talks["n_diplomacy"]


def test_iaea_facts_give_the_last_60_percent_figure():
    stock = data.load("iaea_stockpile", ROOT)
    facts = story.iaea_facts(story.period(data.load("timeline", ROOT), data.cutoff(ROOT), ROOT), stock)
    sixty = stock[stock["level"] == "up to 60%"]
    assert facts["last_as_of"] == sixty["as_of"].max() and facts["n_iaea"] > 0


def test_named_records_give_each_name_its_records_and_refuse_a_group_where_one_is_wanted():
    from iranbook import story

    assert story.named_one("proposals", ROOT) == {"us_written": "M03", "iran_draft": "M08"}
    assert len(story.named("un_resolutions", ROOT)["seed_listed_resolutions"]) == 5
    with pytest.raises(ValueError, match="seed_listed_resolutions name more than one record of un_resolutions"):
        story.named_one("un_resolutions", ROOT)


def test_a_named_record_must_exist_in_its_dataset(tmp_path):
    import shutil

    from iranbook import data

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(ROOT / "references.bib", tmp_path / "references.bib")
    path = tmp_path / "data" / "named_records.csv"
    path.write_text(path.read_text().replace("proposals,M03,", "proposals,M99,"))
    with pytest.raises(data.DataError) as info:
        data.validate_all(tmp_path)
    assert "data/named_records.csv row 11, column record: 'M99' is not an id in the dataset 'proposals'" in str(
        info.value
    )
