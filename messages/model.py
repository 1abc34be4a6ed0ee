"""What a person did (InboundEvent) and what the bot says (replies), whatever the channel."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

EventKind = Literal["text", "choice", "photo", "voice", "contact", "command", "unsupported"]


@dataclass(frozen=True)
class PhotoIn:
    unique_id: str  # stable per picture (Telegram file_unique_id, Zalo: the URL or a hash)
    file_id: str | None = None
    url: str | None = None
    local_path: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class VoiceIn:
    """A voice note (Telegram voice or audio): kept as evidence, played back to staff."""

    unique_id: str
    duration: int = 0  # seconds
    file_id: str | None = None
    url: str | None = None
    local_path: str | None = None


@dataclass(frozen=True)
class InboundEvent:
    channel: str
    user_id: str
    chat_id: str
    key: str  # unique per channel: a redelivered event carries the same key
    kind: EventKind
    text: str | None = None  # kind "unsupported": the channel's explanation, if it has one
    choice: str | None = None  # the value of a pressed button
    seq: int | None = None  # which question that button belonged to
    photo: PhotoIn | None = None
    voice: VoiceIn | None = None
    phone: str | None = None
    command: str | None = None  # without the slash, lower case
    args: str = ""
    display_name: str | None = None
    chat_type: str = "private"

    @property
    def dedupe_key(self) -> str:
        return f"{self.channel}:{self.key}"


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class Text:
    text: str
    toast: bool = False  # a passing notice (Telegram: the answer to a pressed button)
    kind: Literal["text"] = "text"


@dataclass
class Question:
    """A question: options to pick (single or multi), navigation, or free text when empty."""

    text: str
    options: list[Option] = field(default_factory=list)
    nav: list[Option] = field(default_factory=list)  # skip / done / back / cancel
    multi: bool = False
    seq: int = 0
    edit: bool = False  # a multi-select toggle: redraw the same question in place
    hint: str = ""  # what to type when options are not buttons (numbered channels)
    # numbered channels number the nav items after the options; on a free-text question they
    # are offered as words in the hint instead (a number there is the answer)
    nav_numbered: bool = True
    kind: Literal["question"] = "question"


@dataclass
class Photo:
    ref: str  # a file id, an http(s) URL or a local path
    caption: str = ""
    kind: Literal["photo"] = "photo"
    alt: str = ""  # the same picture another way (the platform's link beside a downloaded copy)


@dataclass
class Document:
    path: str
    filename: str
    caption: str = ""
    kind: Literal["document"] = "document"


@dataclass
class Voice:
    """A voice note played back (a Telegram file id, a URL or a local path)."""

    ref: str
    caption: str = ""
    kind: Literal["voice"] = "voice"


Reply = Text | Question | Photo | Document | Voice


def reply_to_dict(reply: Reply) -> dict:
    return asdict(reply)


def reply_from_dict(data: dict) -> Reply:
    data = dict(data)
    kind = data.get("kind")
    if kind == "question":
        data["options"] = [Option(**o) for o in data.get("options", [])]
        data["nav"] = [Option(**o) for o in data.get("nav", [])]
        return Question(**data)
    if kind == "photo":
        return Photo(**data)
    if kind == "document":
        return Document(**data)
    if kind == "voice":
        return Voice(**data)
    return Text(**{k: v for k, v in data.items() if k in ("text", "toast", "kind")})
