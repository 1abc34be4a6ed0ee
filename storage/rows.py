"""A select of any number of columns, typed for Session.exec.

sqlmodel's `select()` is typed by overloads that stop at a few columns; a longer list (or one
built at run time) fits none of them. The Select it builds is the same class made here."""

from __future__ import annotations

from typing import Any

from sqlmodel.sql.expression import Select


def select_rows(*columns: Any) -> Select[*tuple[Any, ...]]:
    """`select(*columns)` whose rows are read by position or by name."""
    return Select(*columns)
