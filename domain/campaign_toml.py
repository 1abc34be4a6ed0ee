"""A campaign written back as its TOML file: the console's «Tải tệp TOML», and the text a draft
made in the editor is stored as. `parse_campaign_text(to_toml(c)) == c` for every campaign the
loader accepts, so the export is the import format.

`plain(campaign)` is the campaign as the file's data (what `tomllib` reads): sections and rows
in the file's order, no value that TOML cannot hold (None, the runtime deadline override),
times as "HH:MM" as people write them. The editor's form is made from the same data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import tomli_w

from domain.campaign import Campaign

# set at run time from CAMPAIGN_DEADLINE, never part of the file
RUNTIME_ONLY = frozenset({"deadline_override"})


def plain_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second and not value.microsecond else value
    return value


def plain(campaign: Campaign) -> dict[str, Any]:
    data = campaign.model_dump(mode="python", exclude=set(RUNTIME_ONLY))
    out: dict[str, Any] = plain_value(data)
    return out


def _dumps(data: dict[str, Any]) -> str:
    return tomli_w.dumps(data, multiline_strings=True)


def to_toml(campaign: Campaign) -> str:
    """The file, section by section in the models' order; rows as [[section]] tables, as the
    bundled file writes them (tomli_w alone writes short rows as one inline array)."""
    title = "".join(f"# {line}\n" for line in campaign.campaign.title.splitlines())
    chunks = [f"{title}# Mã đợt: {campaign.code}\n"]
    for key, value in plain(campaign).items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for row in value:
                chunk = _dumps({key: row})
                head = f"[{key}]\n"
                chunks.append(f"[[{key}]]\n" + (chunk[len(head) :] if chunk.startswith(head) else chunk))
        else:
            chunks.append(_dumps({key: value}))
    return "\n".join(chunks)
