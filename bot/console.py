"""The console channel: the same conversations in a terminal, choices as numbered lines.

Type an answer and press Enter. "/anh PATH" sends a photo from a file. Ctrl-D ends.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlmodel import Session

from handlers.core import Core
from messages.model import Document, InboundEvent, Photo, PhotoIn, Reply, Voice, reply_from_dict
from messages.render import render_text
from storage import outbox

CHANNEL = "console"


def event_from_line(line: str, user_id: str, name: str | None) -> InboundEvent:
    key = uuid.uuid4().hex
    base = dict(channel=CHANNEL, user_id=user_id, chat_id=user_id, key=key, display_name=name)
    text = line.rstrip("\n")
    if text.startswith("/"):
        command, _, args = text[1:].partition(" ")
        command = command.lower()
        if command == "anh" and args.strip():
            path = Path(args.strip()).expanduser()
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                return InboundEvent(kind="text", text=text, **base)
            return InboundEvent(
                kind="photo",
                photo=PhotoIn(unique_id=f"sha256:{digest}", local_path=str(path.resolve())),
                **base,
            )
        return InboundEvent(kind="command", command=command, args=args.strip(), **base)
    return InboundEvent(kind="text", text=text, **base)


def deliver_outbox(core: Core, user_id: str, show: Callable[[Reply], None]) -> None:
    """Print messages queued for this console user (decisions, reminders)."""
    now = core.clock.now()
    with Session(core.db, expire_on_commit=False) as s:
        for row in outbox.due_outbox(s, now, CHANNEL):
            if row.chat_id != user_id:
                continue
            show(reply_from_dict(row.payload))
            outbox.outbox_sent(s, row, now)
        s.commit()


def run_console(
    core: Core, user_id: str, name: str | None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    def show(reply: Reply) -> None:
        text = render_text(reply)
        if isinstance(reply, (Document, Photo, Voice)):  # a terminal shows where the file is
            text = f"{text}\n[{getattr(reply, 'path', None) or reply.ref}]".lstrip()
        stdout.write(text + "\n\n")
        stdout.flush()

    for reply in core.handle(event_from_line("/start", user_id, name)):
        show(reply)
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\nTạm biệt!\n")
            return
        if not line.strip() and line != "\n":
            continue
        for reply in core.handle(event_from_line(line, user_id, name)):
            show(reply)
        deliver_outbox(core, user_id, show)
