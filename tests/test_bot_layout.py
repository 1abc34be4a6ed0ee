"""The channel side's house rules: scheduler/ decides when and never imports bot/; bot/'s own
packages import each other without a cycle; nothing in bot/ or scheduler/ registers itself
in a module-level list at import time; files stay under 460 lines (as `ruff format` lays them out at 110 columns)."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

LIMIT = 460


def modules(pkg: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of a package."""
    out = {}
    for path in sorted((ROOT / pkg).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path) -> set[str]:
    """The absolute module names a module imports (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def test_the_scheduler_imports_nothing_from_bot():
    for name, path in modules("scheduler").items():
        assert not any(m == "bot" or m.startswith("bot.") for m in imported(name, path)), name


def test_bot_packages_import_each_other_without_a_cycle():
    mods = modules("bot")

    def package(mod: str) -> str:  # bot.telegram.outbound -> bot.telegram; bot.serve -> bot.serve
        parts = mod.split(".")
        return ".".join(parts[:2]) if len(parts) > 2 or mod in PACKAGES else mod

    PACKAGES = {m for m, p in mods.items() if p.name == "__init__.py"}
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        src = package(name)
        for target in imported(name, path):
            if target in mods and package(target) != src:
                graph.setdefault(src, set()).add(package(target))
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        assert node not in stack, " -> ".join([*stack[stack.index(node) :], node])
        if node in done:
            return
        for nxt in graph.get(node, ()):
            visit(nxt, [*stack, node])
        done.add(node)

    for node in list(graph):
        visit(node, [])


def test_no_registry_is_filled_at_import_time():
    for pkg in ("bot", "scheduler"):
        for name, path in modules(pkg).items():
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                call = node.value if isinstance(node, ast.Expr) else None
                assert not (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("append", "extend", "register")
                ), f"{name}: {ast.unparse(node)}"


def test_files_stay_under_the_limit():
    """Every module of the project, the migrations aside (a migration is written once)."""
    for pkg in ("bot", "documents", "domain", "handlers", "messages", "scheduler", "storage", "web"):
        for name, path in modules(pkg).items():
            if ".migrations." in name:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= LIMIT, f"{name}: {lines} lines"
