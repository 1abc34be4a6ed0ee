"""Replies as plain text for channels without buttons (console, Zalo): numbered options."""

from __future__ import annotations

from messages.model import Question, Reply, Text


def render_text(reply: Reply) -> str:
    if isinstance(reply, Question):
        lines = [reply.text]
        n = 0
        for o in reply.options:
            n += 1
            mark = "[x] " if reply.multi and o.selected else ""
            lines.append(f"{n}. {mark}{o.label}")
        for o in reply.nav if reply.nav_numbered else ():
            n += 1
            lines.append(f"{n}. {o.label}")
        if reply.hint:
            lines.append(reply.hint)
        return "\n".join(lines)
    if isinstance(reply, Text):
        return reply.text
    caption = getattr(reply, "caption", "")
    return caption


def split_text(text: str, limit: int) -> list[str]:
    """Split on line boundaries into parts of at most `limit` characters (a very long line is
    cut on a space, or hard as a last resort)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, line = line[:cut], line[cut:].lstrip()
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
