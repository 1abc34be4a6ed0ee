"""The house rules that code can check: layering, the catalog, no secrets in the tree."""

from __future__ import annotations

import ast
import re

from documents.texts import TEXTS
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
                        ("storage", CHANNEL_LIBS | {"scheduler", "handlers"}),
                        ("documents", CHANNEL_LIBS | {"scheduler", "handlers"}),
                        ("messages", CHANNEL_LIBS | {"scheduler", "handlers", "documents", "storage"})):
        for path in (ROOT / pkg).rglob("*.py"):
            bad = set(imports(path)) & banned
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


CATALOGS = {"messages/catalog.py": MESSAGES, "documents/texts.py": TEXTS}


def keys_used(path) -> tuple[set[str], set[str]]:
    """The keys a module passes to t(...) as literals, and the prefixes of f-string keys."""
    text = path.read_text(encoding="utf-8")
    return (set(re.findall(r'\bt\(\s*"([a-z_][\w.]*)"', text)),
            set(re.findall(r'\bt\(\s*f"([a-z_][\w.]*)\{', text)))


def test_every_catalog_key_used_in_code_exists():
    """Chat code reads the chat catalog; documents/ reads its own texts, then the chat catalog."""
    missing = []
    for pkg in ("handlers", "bot", "scheduler", "domain", "documents", "messages"):
        known = {**MESSAGES, **TEXTS} if pkg == "documents" else MESSAGES
        for path in (ROOT / pkg).rglob("*.py"):
            if str(path.relative_to(ROOT)) in CATALOGS:
                continue
            used, prefixes = keys_used(path)
            missing += [f"{path.name}: {k}" for k in used if k not in known]
            missing += [f"{path.name}: {p}…" for p in prefixes if not any(k.startswith(p) for k in known)]
    assert not missing, sorted(missing)


def test_catalog_texts_fit_a_phone_screen():
    long = {k: len(v) for k, v in {**MESSAGES, **TEXTS}.items() if len(v) > 400}
    assert not long, long


def test_no_token_shaped_secret_is_committed():
    pattern = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")
    for path in ROOT.rglob("*"):
        if path.is_file() and ".venv" not in path.parts and ".git" not in path.parts \
                and path.suffix in {".py", ".toml", ".md", ".example", ".txt", ".cfg", ".ini"}:
            assert not pattern.search(path.read_text(encoding="utf-8", errors="ignore")), path


def test_no_catalog_key_is_written_twice():
    """Within a catalog, and across the two: a key means one text."""
    everywhere: list[str] = []
    sections = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "messages").glob("texts_*.py"))]
    for name in [*CATALOGS, *sections]:  # the chat catalog's sections (messages/texts_*.py) too
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        everywhere += [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
                       for k in node.keys if isinstance(k, ast.Constant)]
    dupes = sorted({k for k in everywhere if everywhere.count(k) > 1})
    assert not dupes, dupes


def test_documents_read_their_own_texts_then_the_shared_chat_words():
    from documents.texts import t

    assert t("doc.national") == TEXTS["doc.national"]
    assert t("status.approved") == MESSAGES["status.approved"]
    assert not set(TEXTS) & set(MESSAGES)


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
