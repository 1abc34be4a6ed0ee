"""The catalogs' rules: the chat's words by subject under messages/texts/, the documents' in
documents/texts*.py; a key is defined in exactly one module, and every key the code names exists."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from documents.texts import TEXTS
from messages import catalog
from messages.catalog import MESSAGES

from .conftest import ROOT


def chat_modules() -> list[Path]:
    return [ROOT / "messages" / "catalog.py", *sorted((ROOT / "messages" / "texts").glob("*.py"))]


def document_modules() -> list[Path]:
    return sorted((ROOT / "documents").glob("texts*.py"))


def literal_keys(path: Path) -> list[str]:
    """Every string key of every dict literal in the module, repeats kept (a key written twice in
    one literal is lost at import; the source still shows it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        key.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    ]


def defined_more_than_once(paths: list[Path]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for path in paths:
        for key in literal_keys(path):
            where.setdefault(key, []).append(str(path.relative_to(path.parents[1])))
    return {key: places for key, places in where.items() if len(places) > 1}


def test_each_key_is_defined_in_exactly_one_module_of_the_chat_or_the_documents():
    assert defined_more_than_once([*chat_modules(), *document_modules()]) == {}


def test_a_key_written_twice_is_found_in_one_literal_and_across_modules(tmp_path):
    (tmp_path / "texts").mkdir()
    one = tmp_path / "texts" / "one.py"
    other = tmp_path / "texts" / "other.py"
    one.write_text('TEXTS = {\n    "a.b": "x",\n    "c": "y",\n    "a.b": "z",\n}\n', encoding="utf-8")
    other.write_text('TEXTS = {"c": "y", "d": "w"}\n', encoding="utf-8")
    assert defined_more_than_once([one, other]) == {
        "a.b": ["texts/one.py", "texts/one.py"],
        "c": ["texts/one.py", "texts/other.py"],
    }


def test_the_catalog_is_exactly_its_subject_modules():
    """Every module under messages/texts/ is merged, and nothing else adds a key."""
    written = Counter(key for path in chat_modules() for key in literal_keys(path))
    assert set(written) == set(MESSAGES)
    merged = {path.stem for path in (ROOT / "messages" / "texts").glob("*.py")} - {"__init__"}
    assert {module.__name__.rsplit(".", 1)[1] for module in catalog.SUBJECTS} == merged
    for module in catalog.SUBJECTS:
        assert module.TEXTS, module.__name__
        assert all(MESSAGES[key] == text for key, text in module.TEXTS.items())


def test_no_history_module_is_left_beside_the_catalog():
    assert sorted(p.name for p in (ROOT / "messages").glob("texts_*.py")) == []


def keys_used(path: Path) -> tuple[set[str], set[str]]:
    """The keys a module passes to t(...), has(...) or Refused(...) as literals, and the prefixes
    of f-string keys."""
    text = path.read_text(encoding="utf-8")
    return (
        set(re.findall(r'\b(?:t|has|Refused)\(\s*"([a-z_][\w.-]*)"', text)),
        set(re.findall(r'\bt\(\s*f"([a-z_][\w.]*)\{', text)),
    )


def test_every_catalog_key_used_in_code_exists():
    """Chat code reads the chat catalog; documents/ reads its own texts, then the chat catalog; a
    refusal is shown by chat or by the documents' caller, so it may name either."""
    missing = []
    catalogs = {str(p.relative_to(ROOT)) for p in [*chat_modules(), *document_modules()]}
    for pkg in ("handlers", "bot", "scheduler", "domain", "documents", "messages", "web", "storage"):
        for path in (ROOT / pkg).rglob("*.py"):
            if str(path.relative_to(ROOT)) in catalogs:
                continue
            text = path.read_text(encoding="utf-8")
            used, prefixes = keys_used(path)
            refused = set(re.findall(r'\bRefused\(\s*"([a-z_][\w.-]*)"', text))
            known = {**MESSAGES, **TEXTS} if pkg == "documents" else MESSAGES
            missing += [f"{path.name}: {k}" for k in used - refused if k not in known]
            missing += [f"{path.name}: {k}" for k in refused if k not in MESSAGES and k not in TEXTS]
            missing += [f"{path.name}: {p}…" for p in prefixes if not any(k.startswith(p) for k in known)]
    assert not missing, sorted(missing)


def test_the_key_check_sees_a_missing_key(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text('t("nom.done", ref=r)\nraise Refused("no.such")\nt(f"status.{s}")\n', encoding="utf-8")
    used, prefixes = keys_used(path)
    assert used == {"nom.done", "no.such"} and prefixes == {"status."}
    assert "no.such" not in MESSAGES and "nom.done" in MESSAGES


def test_catalog_texts_fit_a_phone_screen():
    long = {k: len(v) for k, v in {**MESSAGES, **TEXTS}.items() if len(v) > 400}
    assert not long, long


def test_documents_read_their_own_texts_then_the_shared_chat_words():
    from documents.texts import t

    assert t("doc.national") == TEXTS["doc.national"]
    assert t("status.approved") == MESSAGES["status.approved"]
    assert not set(TEXTS) & set(MESSAGES)
