"""The office's citation of a submission («Trích yếu thành tích»): what every printed and public
place shows instead of the submitter's own words.

Residents write the way people text («tháng 5 vừa rồi hiến 150m2…», «thu nhập hơn 200 triệu»).
A certificate, the decision's annex, the council's list and the public wall of honour need one or
two sentences in the office's register, and never a household's income. Staff write or accept the
citation on the dossier page; until they do, `shown()` offers a suggestion made from the
submitter's text with money figures and income phrases taken out.
"""

from __future__ import annotations

import re

from storage import audit, submissions
from storage.models import Member

from .events import CitationWritten, Event
from .lifecycle import ENTRY_KINDS
from .refusals import Refused
from .roles import STAFF, require
from .submissions import find
from .uow import UnitOfWork

# money as people type it: «120 trieu», «1,2 tỷ», «60tr», «60.000.000 đồng», «5 trăm nghìn»
_MONEY = re.compile(
    r"\s*(?:(?:khoảng|hơn|trên|gần|tầm|khoang|hon|tren|gan)\s+)?"
    r"\d[\d.,]*\s*(?:triệu|trieu|tr|tỷ|tỉ|ty|ti|nghìn|nghin|ngàn|ngan|k|đồng|dong|đ|vnđ|vnd)\b"
    r"(?:\s*(?:đồng|dong|đ))?(?:\s*/\s*(?:năm|nam|tháng|thang))?",
    re.IGNORECASE,
)
# a clause about income or earnings: dropped whole («thu nhập hơn 200 triệu/năm»)
_INCOME_CLAUSE = re.compile(
    r"[^.;,\n]*\b(?:thu nhập|thu nhap|lãi|lai|doanh thu|lợi nhuận|loi nhuan|kiếm được|kiem duoc)\b[^.;,\n]*",
    re.IGNORECASE,
)
# chat's spoken time words and typed units, written as a record writes them
_REGISTER = [
    (re.compile(r"\s+(?:vừa rồi|vua roi)\b", re.IGNORECASE), ""),
    (re.compile(r"(\d)\s*m2\b"), r"\1 m²"),
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MAX_CHARS = 300
WRITTEN_MAX = 500  # what staff may write: one or two sentences, a little more than a suggestion
WRITTEN_MIN = 10


def suggest(achievements: str | None) -> str:
    """One or two sentences from the submitter's text, without money or income: a starting
    point the office edits, never printed as it is without staff seeing it on the dossier."""
    text = " ".join((achievements or "").split())
    if not text:
        return ""
    text = _INCOME_CLAUSE.sub("", text)
    text = _MONEY.sub("", text)
    for pattern, written in _REGISTER:
        text = pattern.sub(written, text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]+(?=[.!?])", "", text)
    text = re.sub(r"^[\s,.;:]+|[\s,;:]+$", "", " ".join(text.split()))
    sentences = [s for s in _SENTENCE.split(text) if s.strip(" .")]
    text = " ".join(sentences[:2])
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def shown(citation: str | None, achievements: str | None) -> str:
    """What documents and the public page print: the office's citation, else the suggestion."""
    written = " ".join((citation or "").split())
    return written or suggest(achievements)


def set_citation(
    uow: UnitOfWork, actor: Member | None, ref: str, text: str | None, *, seen: str | None = None
) -> list[Event]:
    """Staff write the citation of a nomination or proposal (empty text: back to the
    suggestion). `seen` is the citation the writer was shown as stored ("" for none): when
    someone saved another meanwhile, nothing is written and «citation.changed» says so."""
    actor = require(actor, STAFF)
    sub = find(uow, ref)
    if sub.kind not in ENTRY_KINDS:
        raise Refused("citation.not_entry", ref=sub.ref)
    written = " ".join((text or "").split()) or None
    if written is not None and not WRITTEN_MIN <= len(written) <= WRITTEN_MAX:
        raise Refused("citation.length", ref=sub.ref, low=WRITTEN_MIN, high=WRITTEN_MAX)
    before = sub.citation
    if seen is None:
        seen = before or ""
    if not submissions.write_citation(uow.session, sub, written, seen=seen, now=uow.now):
        raise Refused("citation.changed", ref=sub.ref)
    audit.audit(
        uow.session,
        actor_id=actor.id,
        action="citation",
        entity="submission",
        entity_id=sub.ref,
        before={"citation": before},
        after={"citation": written},
        now=uow.now,
    )
    return uow.record([CitationWritten(at=uow.now, actor_id=actor.id, ref=sub.ref, citation=written)])
