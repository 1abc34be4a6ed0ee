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
    for pkg, banned in (
        ("handlers", CHANNEL_LIBS | {"scheduler", "web"}),
        ("storage", CHANNEL_LIBS | {"scheduler", "handlers", "web"}),
        ("documents", CHANNEL_LIBS | {"scheduler", "handlers", "web"}),
        ("messages", CHANNEL_LIBS | {"scheduler", "handlers", "documents", "storage", "web"}),
        ("web", {"bot", "telegram", "scheduler"}),
    ):
        for path in (ROOT / pkg).rglob("*.py"):
            bad = set(imports(path)) & banned
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


PACKAGES = ("bot", "domain", "documents", "handlers", "messages", "scheduler", "storage", "web")


def runtime_imports(path):
    """The packages a module imports when it runs (not those named for annotations only,
    under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def package_imports() -> dict[str, dict[str, str]]:
    """package -> {package it imports: one file that does}, over every module of the project."""
    graph: dict[str, dict[str, str]] = {p: {} for p in PACKAGES}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py") if (ROOT / pkg).is_dir() else ():
            for name in runtime_imports(path):
                if name in graph and name != pkg:
                    graph[pkg].setdefault(name, str(path.relative_to(ROOT)))
    return graph


def test_the_domain_imports_no_channel_web_flow_or_scheduler_code():
    banned = CHANNEL_LIBS | {"handlers", "scheduler", "documents", "web", "fastapi"}
    for path in (ROOT / "domain").rglob("*.py"):
        bad = set(imports(path)) & banned
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_storage_knows_no_rule_and_no_caller():
    for path in (ROOT / "storage").rglob("*.py"):
        bad = set(imports(path)) & {"domain", "handlers", "messages", "documents", "bot", "scheduler", "web"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "storage").glob("*.py"))
    for rule in ("TRANSITIONS", "KINDS", "ROLES", "notify"):
        assert rule not in source, f"storage still holds the rule {rule}"


def test_flows_never_show_the_menu_or_end_a_turn_themselves():
    for path in [
        *(ROOT / "handlers" / "flows").glob("*.py"),
        ROOT / "handlers" / "access.py",
        ROOT / "handlers" / "engine.py",
        ROOT / "handlers" / "digest.py",
    ]:
        source = path.read_text(encoding="utf-8")
        for call in ("show_menu(", "core.finish(", "core.cancel(", "change_status(", "audit.audit("):
            assert call not in source, f"{path.relative_to(ROOT)} calls {call}"


def _cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in graph.get(node, {}):
            if nxt == path[0]:
                found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:
                walk(nxt, [*path, nxt])

    for start in graph:
        walk(start, [start])
    return found


def test_the_packages_import_each_other_without_a_cycle():
    graph = package_imports()
    cycles = _cycles(graph)
    assert not cycles, [" -> ".join(c) + f" (first: {graph[c[0]][c[1]]})" for c in cycles]


CATALOGS = {"messages/catalog.py": MESSAGES, "documents/texts.py": TEXTS, "documents/texts_council.py": TEXTS}


def keys_used(path) -> tuple[set[str], set[str]]:
    """The keys a module passes to t(...) as literals, and the prefixes of f-string keys."""
    text = path.read_text(encoding="utf-8")
    return (
        set(re.findall(r'\bt\(\s*"([a-z_][\w.]*)"', text)),
        set(re.findall(r'\bt\(\s*f"([a-z_][\w.]*)\{', text)),
    )


def test_every_catalog_key_used_in_code_exists():
    """Chat code reads the chat catalog; documents/ reads its own texts, then the chat catalog."""
    missing = []
    for pkg in ("handlers", "bot", "scheduler", "domain", "documents", "messages", "web"):
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
        if (
            path.is_file()
            and ".venv" not in path.parts
            and ".git" not in path.parts
            and path.suffix in {".py", ".toml", ".md", ".example", ".txt", ".cfg", ".ini"}
        ):
            assert not pattern.search(path.read_text(encoding="utf-8", errors="ignore")), path


def test_no_catalog_key_is_written_twice():
    """Within a catalog, and across the two: a key means one text."""
    everywhere: list[str] = []
    for path in [*(ROOT / name for name in CATALOGS), *(ROOT / "messages").glob("texts_*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        everywhere += [
            k.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Dict)
            for k in node.keys
            if isinstance(k, ast.Constant)
        ]
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

    def modelled(name, type_, parent_names) -> bool:
        # SQLite only, no model (migration console_scale): the search's trigram table (an FTS5
        # virtual table and its shadow tables: SQL reads it, triggers write it) and the partial
        # index of the flagged dossiers (its condition casts a json column)
        if type_ == "table":
            return not name.startswith("submission_search")
        return not (type_ == "index" and name == "ix_submission_flagged")

    with db.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_name": modelled}),
            SQLModel.metadata,
        )
    assert diff == []
