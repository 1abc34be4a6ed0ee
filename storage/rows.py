"""How bulk reads are built and their values read.

`select_rows`: a select of any number of columns, typed for Session.exec (sqlmodel's `select()`
is typed by overloads that stop at a few columns; a longer list, or one built at run time, fits
none of them; the Select it builds is the same class made here). `shared_json` and `json_text`:
JSON columns read for display, decoded once per distinct text, or left as text."""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import Dialect, Label, Text, cast, type_coerce
from sqlalchemy.types import TypeDecorator
from sqlmodel.sql.expression import Select


def select_rows(*columns: Any) -> Select[*tuple[Any, ...]]:
    """`select(*columns)` whose rows are read by position or by name."""
    return Select(*columns)


class SharedJSON(TypeDecorator[Any]):
    """JSON read for display only: equal texts ('{"status": "approved"}', '[]', ...) are
    decoded once and the value shared, so a hundred thousand rows cost a few decodings.
    The values must not be changed by whoever reads them."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return _decode(value) if isinstance(value, str) else value


_decode = functools.lru_cache(maxsize=4096)(json.loads)


def shared_json(column: Any) -> Label[Any]:
    return type_coerce(column, SharedJSON()).label(column.key)


def json_text(column: Any) -> Label[Any]:
    """A JSON column read as its text (no decoding): readers that work out each distinct
    value once (a cache keyed by the text) skip the decoding of the repeats."""
    return cast(column, Text).label(column.key)
