"""The editor's form and the campaign, both ways: the form of a campaign gives the campaign back;
a wrong value gets, beside its field, the very words the file's loader gives for it."""

from __future__ import annotations

import tomllib

import pytest

from domain.campaign import CampaignError, load_campaign, parse_campaign
from domain.campaign_form import campaign_from_form, copy_form, form_of, rows_of

from .conftest import CAMPAIGN_FILE
from .test_campaign_toml import assert_same_field_by_field, edited


@pytest.fixture
def bundled():
    return load_campaign(CAMPAIGN_FILE)


def test_the_form_of_a_campaign_gives_the_campaign_back(bundled):
    for c in (bundled, edited(bundled)):
        fields = form_of(c)
        back = campaign_from_form(fields)
        assert not isinstance(back, dict), back
        assert_same_field_by_field(c, back)
    fields = form_of(bundled)
    assert fields["reminders.days_before"] == "7, 3, 1"
    assert fields["contents.0.keywords"].split("\n")[:2] == ["tuyên truyền", "vận động"]
    assert fields["units.12.reports"] == "false" and fields["awards.1.quota.individual.max"] == "4"


def test_empty_rows_and_untouched_choices_are_no_rows(bundled):
    fields = form_of(bundled)
    # «Thêm dòng» pressed and left: a unit row with its choices at their first option
    fields |= {
        "units.13.code": "",
        "units.13.name": "",
        "units.13.kind": "village",
        "units.13.reports": "true",
    }
    fields |= {"contents.0.figures.2.key": " ", "contents.0.figures.2.kind": "number"}
    back = campaign_from_form(fields)
    assert not isinstance(back, dict), back
    assert back == bundled


def test_errors_are_named_by_the_field_the_person_typed_in(bundled):
    fields = form_of(bundled)
    # row 7 removed: the rows after it keep their field names in the errors
    for name in [n for n in fields if n.startswith("units.7.")]:
        fields[name] = ""
    fields["units.9.code"] = "Thôn 9"
    fields["units.11.kind"] = "city"
    fields["campaign.title"] = ""
    fields["reminders.time"] = "8 giờ"
    fields["awards.1.quota.collective.min"] = "5"
    errors = campaign_from_form(fields)
    assert isinstance(errors, dict)
    assert errors == {
        "units.9.code": "Mã đơn vị gồm 1–16 chữ không dấu, số, dấu gạch ngang hoặc gạch dưới (ví dụ T01).",
        "units.11.kind": "Chỉ được chọn: village, agency, union.",
        "campaign.title": "Mục này bắt buộc, xin nhập.",
        "reminders.time": "Giờ không đúng (giờ:phút, ví dụ 08:00).",
        "awards.1.quota.collective.min": "Số tối thiểu lớn hơn số tối đa.",
    }


def test_a_duplicate_code_is_shown_beside_the_second_row(bundled):
    fields = form_of(bundled)
    fields["units.4.code"] = "T01"
    assert campaign_from_form(fields) == {"units.4.code": "Mã «T01» bị trùng."}


@pytest.mark.parametrize(
    "field,typed,toml_value",
    [
        ("campaign.code", "Trần Ninh 2025", "Trần Ninh 2025"),
        ("campaign.timezone", "Hà Nội", "Hà Nội"),
        ("forms.max_photos", "50", 50),
        ("forms.text_max_chars", "nhiều", "nhiều"),
        ("contents.1.label", "x" * 61, "x" * 61),
        ("categories.3.checks.0.kind", "tiền", "tiền"),
        ("launch.text", "Hạn {han_chot}", "Hạn {han_chot}"),
        ("campaign.deadline_on", "2024-01-01", "2024-01-01"),
    ],
)
def test_one_wrong_value_reads_the_same_in_the_form_and_in_a_file(bundled, field, typed, toml_value):
    fields = form_of(bundled)
    fields[field] = typed
    errors = campaign_from_form(fields)
    assert isinstance(errors, dict) and list(errors) == [field], errors
    data = tomllib.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))
    node = data
    *parents, last = field.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = toml_value
    with pytest.raises(CampaignError) as loaded:
        parse_campaign(data, "dot-moi.toml")
    assert str(loaded.value) == f"dot-moi.toml: {field}: {errors[field]}"


def test_a_copy_leaves_the_code_and_dates_to_type_again(bundled):
    fields = copy_form(bundled)
    assert "campaign.code" not in fields and "campaign.opens_on" not in fields
    assert fields["campaign.title"] == bundled.campaign.title
    errors = campaign_from_form(fields)
    assert set(errors) == {"campaign.code", "campaign.opens_on", "campaign.deadline_on", "parent_plan.date"}
    fields |= {
        "campaign.code": "tran-ninh-2025",
        "campaign.opens_on": "2025-03-01",
        "campaign.deadline_on": "2025-09-30",
        "parent_plan.date": "2025-02-20",
    }
    made = campaign_from_form(fields)
    assert not isinstance(made, dict) and made.code == "tran-ninh-2025"
    assert made.categories == bundled.categories and made.units == bundled.units


def test_an_optional_section_left_empty_is_no_section(bundled):
    fields = {k: v for k, v in form_of(bundled).items() if not k.startswith(("decision.", "parent_plan."))}
    fields["parent_plan.number"] = "  "
    made = campaign_from_form(fields)
    assert not isinstance(made, dict) and made.decision is None and made.parent_plan is None


def test_the_rows_of_a_group(bundled):
    fields = form_of(bundled)
    assert rows_of(fields, "units") == list(range(13))
    assert rows_of(fields, "contents.1.figures") == [0, 1, 2]
    assert rows_of(fields, "categories.3.checks") == [0, 1]
