"""The campaign written back as TOML reads back as the same campaign, field by field: the
bundled one and one edited in every section (no parent plan, no decision or certificate, odd
texts, times with minutes, a check expecting «có»)."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest

from domain.campaign import Campaign, CampaignError, load_campaign, parse_campaign_text
from domain.campaign_toml import plain, to_toml

from .conftest import CAMPAIGN_FILE


def leaves(node: Any, path: str = "") -> dict[str, Any]:
    """Every value of the campaign's data by its dotted key (`units.3.code`)."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(leaves(v, f"{path}.{k}" if path else k))
        return out
    if isinstance(node, list) and node and all(isinstance(v, dict) for v in node):
        out = {}
        for i, v in enumerate(node):
            out.update(leaves(v, f"{path}.{i}"))
        return out
    return {path: node}


def assert_same_field_by_field(a: Campaign, b: Campaign) -> None:
    left, right = leaves(a.model_dump()), leaves(b.model_dump())
    assert sorted(left) == sorted(right)
    for key, value in left.items():
        assert right[key] == value, key
    assert a == b


def edited(c: Campaign) -> Campaign:
    cat = c.categories[4]
    check = cat.checks[0].model_copy(update={"prompt": 'Đã nộp "đủ" thuế?\\ (ghi rõ)', "expect": True})
    return c.model_copy(
        update={
            "campaign": c.campaign.model_copy(
                update={
                    "code": "tran-ninh-2025",
                    "title": "Thi đua «Mùa xuân» 2025 — nhiều dòng?\nDòng hai",
                    "opens_on": dt.date(2025, 1, 2),
                    "deadline_on": dt.date(2025, 3, 31),
                }
            ),
            "parent_plan": None,
            "decision": None,
            "certificate": None,
            "units": c.units[:2],
            "categories": (*c.categories[:4], cat.model_copy(update={"checks": (check,)})),
            "reminders": c.reminders.model_copy(
                update={"time": dt.time(7, 45), "days_before": (10, 2), "grace_hours": 1.5}
            ),
            "launch": c.launch.model_copy(update={"time": dt.time(9, 5), "text": "{organiser}: {title}"}),
        }
    )


def test_the_bundled_campaign_comes_back_the_same_from_its_toml():
    c = load_campaign(CAMPAIGN_FILE)
    text = to_toml(c)
    back = parse_campaign_text(text, "export.toml")
    assert_same_field_by_field(c, back)
    # the text is the file's format: sections as tables, rows as [[section]], times as people write them
    assert "[campaign]" in text and text.count("[[units]]") == 13 and "[[categories.checks]]" in text
    assert 'time = "08:00"' in text and "deadline_on = 2024-11-30" in text
    assert tomllib.loads(text) == plain(c)


def test_an_edited_campaign_comes_back_the_same_from_its_toml():
    c = edited(load_campaign(CAMPAIGN_FILE))
    text = to_toml(c)
    back = parse_campaign_text(text)
    assert_same_field_by_field(c, back)
    assert back.parent_plan is None and back.decision is None and back.certificate is None
    assert back.reminders.time == dt.time(7, 45) and back.launch.time == dt.time(9, 5)
    assert back.categories[4].checks[0].expect is True
    assert back.campaign.title.endswith("\nDòng hai")
    assert "[parent_plan]" not in text and "deadline_override" not in text


def test_the_runtime_deadline_is_not_written():
    c = load_campaign(CAMPAIGN_FILE, deadline=dt.date(2024, 12, 5))
    back = parse_campaign_text(to_toml(c))
    assert back.deadline_override is None and back.campaign.deadline_on == dt.date(2024, 11, 30)


def test_text_that_is_not_toml_is_refused_with_its_line():
    with pytest.raises(CampaignError) as err:
        parse_campaign_text('[campaign]\ncode = "x"\ntitle = = 2\n', "tai-len.toml")
    assert str(err.value) == "tai-len.toml: Tệp TOML sai cú pháp ở dòng 3, cột 9."
