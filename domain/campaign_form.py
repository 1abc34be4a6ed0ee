"""The campaign editor's form and the campaign, both ways, checked by the file's own rules.

A form field is named by its key in the campaign file (`campaign.title`,
`contents.0.figures.1.label`, `awards.1.quota.individual.max`), so the form's data is the file's
data: `campaign_from_form` turns the fields into the nested data `tomllib` would have read and
validates it with the same pydantic models as the loader; every error comes back under the
field's name, worded by `domain.campaign_errors` exactly as the loader words it.

Conventions of the form: an empty field is left out (the file's default applies, or the
«Mục này bắt buộc» error names it); a row whose typed fields are all empty is no row (an unused
«Thêm dòng»); lists of words or sentences are one per line, lists of numbers or codes are
separated by commas; yes/no fields are "true"/"false" choices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from domain.award.config import Council
from domain.campaign import Campaign, Forms, Launch, Reminders
from domain.campaign_errors import generic, problems
from domain.campaign_toml import plain, plain_value

SECTIONS = tuple(name for name in Campaign.model_fields if name != "deadline_override")
REQUIRED_SECTIONS = ("campaign", "organiser", "criteria")
ROW_SECTIONS = ("contents", "units", "categories", "awards")

# one value per line
LINES = frozenset(
    {
        "contents.*.keywords",
        "categories.*.aliases",
        "decision.grounds",
        "decision.articles",
        "decision.recipients",
    }
)
# numbers or codes separated by commas
COMMAS = frozenset({"reminders.days_before", "decision.awards", "certificate.margins_mm"})
# chosen, never typed: always sent by the browser, so they do not make a row
CHOICES = frozenset(
    {
        "units.*.kind",
        "units.*.reports",
        "contents.*.figures.*.kind",
        "categories.*.quota_group",
        "categories.*.checks.*.kind",
        "categories.*.checks.*.expect",
        "council.quorum.strict",
        "council.threshold.strict",
        *(
            f"certificate.{part}.*.{attr}"
            for part in ("body", "left", "right")
            for attr in ("bold", "italic", "upper", "align")
        ),
    }
)
NAME = re.compile("(?:" + "|".join(SECTIONS) + r")(?:\.(?:[a-z_]+|\d{1,3}))*")

Errors = dict[str, str]


def _value(path: str, raw: str) -> Any:
    text = raw.replace("\r\n", "\n").strip()
    kind = generic(path)
    if kind in LINES:
        return [line.strip() for line in text.split("\n") if line.strip()]
    if kind in COMMAS:
        return [part for part in re.split(r"[,;\s]+", text) if part]
    return text


def _put(tree: dict[str, Any], path: str, value: Any) -> None:
    node = tree
    parts = path.split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):  # a name both a value and a group: the value is kept
            return
        node = child
    node.setdefault(parts[-1], value)


def _typed(node: Any, path: str) -> bool:
    """Whether the group holds anything typed (a choice alone is a browser's default)."""
    if isinstance(node, dict):
        return any(_typed(v, f"{path}.{k}") for k, v in node.items())
    return generic(path) not in CHOICES


def _rows(node: Any, new: str, old: str, renamed: dict[str, str]) -> Any:
    """Groups numbered by the form become lists, empty rows dropped; `renamed` maps each row's
    path in the data to its field names' path in the form."""
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        rows: list[Any] = []
        for k in sorted(node, key=int):
            if not _typed(node[k], f"{old}.{k}"):
                continue
            here = f"{new}.{len(rows)}"
            renamed[here] = f"{old}.{k}"
            rows.append(_rows(node[k], here, f"{old}.{k}", renamed))
        return rows
    out: dict[str, Any] = {}
    for k, v in node.items():
        child = _rows(v, f"{new}.{k}" if new else k, f"{old}.{k}" if old else k, renamed)
        if isinstance(v, dict) and not v:
            continue
        out[k] = child
    return out


def form_data(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The file's data the form's fields say, and the rows' renaming (data path -> form path)."""
    tree: dict[str, Any] = {}
    for name, raw in fields.items():
        if NAME.fullmatch(name) and raw.strip():
            _put(tree, name, _value(name, raw))
    renamed: dict[str, str] = {}
    data = _rows(tree, "", "", renamed)
    for section in ("parent_plan", "decision", "certificate"):
        if section in data and not _typed(data[section], section):
            del data[section]  # an optional section left empty is no section
    for section in REQUIRED_SECTIONS:
        data.setdefault(section, {})
    for section in ROW_SECTIONS:
        data.setdefault(section, [])
    return data, renamed


def _form_path(path: str, renamed: dict[str, str]) -> str:
    parts = path.split(".")
    out = ""
    for i, part in enumerate(parts):
        here = ".".join(parts[: i + 1])
        out = renamed.get(here, f"{out}.{part}" if out else part)
    return out


def campaign_from_form(fields: Mapping[str, str]) -> Campaign | Errors:
    """The campaign the form describes, or its errors: field name -> Vietnamese text (the first
    error of each field; a rule over a whole group is under the group's name)."""
    data, renamed = form_data(fields)
    try:
        return Campaign.model_validate(data)
    except ValidationError as exc:
        errors: Errors = {}
        for path, text in problems(exc):
            errors.setdefault(_form_path(path, renamed), text)
        return errors


def _field(path: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        joiner = "\n" if generic(path) in LINES else ", "
        return joiner.join(_field(path, v) for v in value)
    return str(value)


def _flatten(node: Any, path: str, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(v, f"{path}.{k}" if path else k, out)
    elif isinstance(node, list) and generic(path) not in LINES | COMMAS:
        for i, v in enumerate(node):
            _flatten(v, f"{path}.{i}", out)
    else:
        out[path] = _field(path, node)


def form_of(campaign: Campaign) -> dict[str, str]:
    """The form's fields for a campaign: `campaign_from_form(form_of(c)) == c`."""
    out: dict[str, str] = {}
    _flatten(plain(campaign), "", out)
    return out


def blank_form() -> dict[str, str]:
    """A new campaign's form: the file's defaults where it has them (time zone, form limits,
    reminders, launch, council), everything else to type."""
    out = {"campaign.timezone": "Asia/Ho_Chi_Minh", "campaign.review_working_days": "10"}
    defaults = (("forms", Forms()), ("reminders", Reminders()), ("launch", Launch()), ("council", Council()))
    for section, model in defaults:
        _flatten(plain_value(model.model_dump(mode="python")), section, out)
    return out


# a copy for a new campaign keeps the plan and leaves what belongs to one campaign to retype
NOT_COPIED = ("campaign.code", "campaign.opens_on", "campaign.deadline_on", "parent_plan.date")


def copy_form(campaign: Campaign) -> dict[str, str]:
    fields = form_of(campaign)
    for name in NOT_COPIED:
        fields.pop(name, None)
    return fields


def rows_of(fields: Mapping[str, str], group: str) -> list[int]:
    """The row numbers the form has under `group` (`units`, `contents.0.figures`), in order."""
    found = set()
    pattern = re.compile(re.escape(group) + r"\.(\d{1,3})\.")
    for name in fields:
        m = pattern.match(name)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)
