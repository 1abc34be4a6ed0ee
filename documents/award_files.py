"""The award step's documents by name, for documents/files.py (chat and command line)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from domain.campaign import Campaign

AWARD_DOCS = ("minutes", "decision", "certificates")
NAMES = {
    "minutes": "bien-ban-xet-khen-thuong",
    "decision": "quyet-dinh-khen-thuong",
    "certificates": "giay-khen",
}


def award_filename(what: str, day: str) -> str:
    return f"{NAMES[what]}-{day}.docx"


def write_award_doc(
    s: Session, campaign: Campaign, what: str, out: str | Path, *, now: datetime, ref: str | None = None
) -> int:
    """Write one of AWARD_DOCS; `ref` picks a round number (minutes) or a decision number
    (decision, certificates); the latest one otherwise. Returns the rows or pages written."""
    # python-docx loads when a file is first asked for, not when the bot starts
    from documents.certificates import write_certificates
    from documents.council import write_decision, write_minutes

    if what == "minutes":
        return write_minutes(
            s, campaign, out, now=now, round_number=int(ref) if ref and ref.strip().isdigit() else None
        )
    if what == "decision":
        return write_decision(s, campaign, out, number=ref)
    return write_certificates(s, campaign, out, number=ref)
