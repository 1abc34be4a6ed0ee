"""The province registry's own Alembic chain: the `province_*` tables only, versioned in
`province_version` (beside the first commune's `alembic_version`), never in a commune's scope."""

from __future__ import annotations

from alembic import context

from storage.models.province import PROVINCE_METADATA

config = context.config

VERSION_TABLE = "province_version"


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=PROVINCE_METADATA,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # the commune chain's tables share the first commune's schema or file: not ours
        include_name=lambda name, type_, _parents: (
            type_ != "table" or (name.startswith("province_") and name != VERSION_TABLE)
        ),
    )


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
