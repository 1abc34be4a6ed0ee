"""A campaign's validation errors in Vietnamese, one text per mistake whatever brought it: the
campaign file's loader (`domain.campaign.parse_campaign`) and the console's campaign editor
(`domain.campaign_form`) both read pydantic's errors through `problems`, so the same wrong value
gets the same words in a file's error line and beside the form's field.

A problem's path is the dotted key of the campaign file (`campaign.code`, `units.3.kind`); a
rule checked over several fields names the one to show it beside in its context (`at`)."""

from __future__ import annotations

import re
import tomllib

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from messages.catalog import has, t

# pydantic's error types that say the same thing to a person
SAME = {
    "int_type": "int_parsing",
    "int_from_float": "int_parsing",
    "float_type": "float_parsing",
    "bool_type": "bool_parsing",
    "date_type": "date_parsing",
    "date_from_datetime_parsing": "date_parsing",
    "date_from_datetime_inexact": "date_parsing",
    "datetime_type": "date_parsing",
    "time_type": "hhmm",
    "time_parsing": "hhmm",
    "string_type": "not_text",
    "dict_type": "shape",
    "list_type": "shape",
    "tuple_type": "shape",
    "model_type": "shape",
    "model_attributes_type": "shape",
    "too_long": "list_too_long",
}


def generic(path: str) -> str:
    """The path without its rows' numbers: `units.3.code` -> `units.*.code`."""
    return re.sub(r"(?<=\.)\d+(?=\.|$)", "*", path)


def path_of(err: ErrorDetails) -> str:
    ctx = err.get("ctx") or {}
    parts = [str(p) for p in err["loc"]]
    at = ctx.get("at")
    if isinstance(at, str) and at:
        parts.append(at)
    return ".".join(parts)


def explain(err: ErrorDetails, path: str) -> str:
    """The Vietnamese text of one error."""
    kind = SAME.get(err["type"], err["type"])
    ctx = dict(err.get("ctx") or {})
    if kind == "string_pattern_mismatch" and has(f"cfile.pattern.{generic(path)}"):
        return t(f"cfile.pattern.{generic(path)}")
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return t("cfile.err.literal_error", expected=", ".join(expected))
    if has(f"cfile.err.{kind}"):
        values = {k: v for k, v in ctx.items() if k != "at"}
        try:
            return t(f"cfile.err.{kind}", **values)
        except KeyError:
            pass
    return t("cfile.err.other", detail=err["msg"])


def problems(exc: ValidationError) -> list[tuple[str, str]]:
    """Every error as (path, Vietnamese text), in pydantic's order."""
    out = []
    for err in exc.errors():
        path = path_of(err)
        out.append((path, explain(err, path)))
    return out


def first_problem(exc: ValidationError) -> tuple[str, str]:
    return problems(exc)[0]


def toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    """A file that is not TOML: pydantic never saw it; tomllib says where (line, column)."""
    where = re.search(r"line (\d+), column (\d+)", str(exc))
    if where is None:
        return t("cfile.toml_end")
    return t("cfile.toml", line=where.group(1), column=where.group(2))
