"""The house rules that code can check: layering, no module cycles, no secrets in the tree.
The catalogs' rules are in test_catalog.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

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


def module_names(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the given packages (migrations aside:
    Alembic loads them by path, nothing imports them)."""
    found = {}
    for pkg in packages:
        for path in (root / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def module_imports(
    root: Path, packages: tuple[str, ...], *, annotations: bool = False
) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports, wherever the import sits: at the top, or inside
    a function or a method (an import moved into a function still closes a circle when it runs).
    Imports under `if TYPE_CHECKING:` name types for the checker and never run: counted only
    with `annotations`."""
    modules = module_names(root, packages)

    def ours(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not annotations and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str | None] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets |= {ours(a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                for a in node.names:
                    sub = f"{source}.{a.name}"
                    targets.add(sub if sub in modules else ours(source))
        graph[name] = {t for t in targets if t and t != name}
    return graph


def module_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another in a circle (strongly connected
    components of more than one module, Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_module_imports_itself_back_even_from_inside_a_function():
    assert not module_cycles(module_imports(ROOT, PACKAGES))


def test_outside_the_conversations_not_even_the_type_annotations_go_round_in_a_circle():
    """The handlers that react to events import the unit of work for its type, so the unit of
    work is handed them (bot/bootstrap.py) rather than importing them back. handlers/ is left
    out: the flows name the core's turn context (Ctx) in their annotations, and the core
    installs the flows."""
    outside = tuple(p for p in PACKAGES if p != "handlers")
    assert not module_cycles(module_imports(ROOT, outside, annotations=True))


def test_an_import_hidden_in_a_function_still_counts_as_a_cycle(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "work.py").write_text("from .events import Event\n")
    (tmp_path / "pkg" / "events.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg.work import Unit\n"
        "def handle():\n    from . import notices\n"
    )
    (tmp_path / "pkg" / "notices.py").write_text("import pkg.work\n")
    assert module_cycles(module_imports(tmp_path, ("pkg",))) == [["pkg.events", "pkg.notices", "pkg.work"]]
    (tmp_path / "pkg" / "events.py").write_text("from typing import TYPE_CHECKING\n")
    assert module_cycles(module_imports(tmp_path, ("pkg",))) == []


def test_a_circle_closed_by_an_annotation_counts_when_annotations_are_asked_for(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "work.py").write_text("def record():\n    from .notices import handle\n")
    (tmp_path / "pkg" / "notices.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .work import Unit\n"
    )
    assert module_cycles(module_imports(tmp_path, ("pkg",))) == []
    assert module_cycles(module_imports(tmp_path, ("pkg",), annotations=True)) == [
        ["pkg.notices", "pkg.work"]
    ]


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
