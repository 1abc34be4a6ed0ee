"""The house rules that code can check: layering, the catalog, no secrets in the tree."""

from __future__ import annotations

import ast
import re

from messages.catalog import MESSAGES

from .conftest import ROOT

CHANNEL_LIBS = {"telegram", "httpx", "starlette", "uvicorn", "bot"}


def imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_handlers_and_storage_import_no_channel_library():
    for pkg, banned in (("handlers", CHANNEL_LIBS | {"scheduler"}),
                        ("storage", CHANNEL_LIBS | {"scheduler", "handlers"})):
        for path in (ROOT / pkg).rglob("*.py"):
            bad = set(imports(path)) & banned
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_every_catalog_key_used_in_code_exists():
    used: set[str] = set()
    for pkg in ("handlers", "bot", "scheduler", "domain", "documents", "messages"):
        for path in (ROOT / pkg).rglob("*.py"):
            if path.name == "catalog.py":
                continue
            used |= set(re.findall(r'\bt\(\s*"([a-z_][\w.]*)"', path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in MESSAGES)
    assert not missing, missing


def test_catalog_texts_fit_a_phone_screen():
    long = {k: len(v) for k, v in MESSAGES.items() if len(v) > 400}
    assert not long, long


def test_no_token_shaped_secret_is_committed():
    pattern = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")
    for path in ROOT.rglob("*"):
        if path.is_file() and ".venv" not in path.parts and ".git" not in path.parts \
                and path.suffix in {".py", ".toml", ".md", ".example", ".txt", ".cfg", ".ini"}:
            assert not pattern.search(path.read_text(encoding="utf-8", errors="ignore")), path


def test_no_catalog_key_is_written_twice():
    """The catalog and its section modules (messages/texts_*.py) together: no key twice."""
    keys = []
    for path in [ROOT / "messages" / "catalog.py", *sorted((ROOT / "messages").glob("texts_*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys += [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
                 for k in node.keys if isinstance(k, ast.Constant)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, dupes


def test_env_example_documents_every_setting():
    from bot.settings import Settings

    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    documented = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    assert {name.upper() for name in Settings.model_fields} <= documented


def test_the_migrations_match_the_models(db):
    """A model change without its Alembic migration fails here (autogenerate finds no diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401

    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []
