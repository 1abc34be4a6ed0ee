"""The award step's Word documents, in the Decree 30/2020 layout:
- the minutes of a council round (biên bản xét khen thưởng): members, each item's votes, the
  result under the quorum and threshold of the campaign file;
- the Quyết định khen thưởng with its attached list, the grounds and articles from the
  campaign file, the number, date and signer as staff recorded them.
The certificates are in documents/certificates.py."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from pathlib import Path

from sqlmodel import Session

from documents import layout as L
from documents.items import ExportError, dmy, short
from documents.texts import t
from domain import council as ops
from domain import honours
from domain.award.config import Share
from domain.campaign import Campaign
from storage import council as rows
from storage import members
from storage.models import AwardDecision, CouncilRound

MINUTES_WIDTHS = (10, 42, 26, 22, 16, 17, 17, 15)  # 165 mm
DECISION_WIDTHS = (12, 50, 35, 68)
NUMERALS = ("I", "II")


def _save(doc, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


def _heading(doc, campaign: Campaign, parent: str, body: str, number: str | None, when) -> None:
    """The two-column heading: the issuing body (parent in caps, body in bold caps) and the
    number left; the national heading, motto and place and date right."""
    table = doc.add_table(rows=1, cols=2)
    L._borderless(table)
    L._widths(table, (70, L.TEXT_WIDTH_MM - 70))
    left, right = table.rows[0].cells
    L.para(left, parent.upper(), size=L.SMALL_PT, align=L.CENTER, after=0, first=True)
    L.para(left, body.upper(), bold=True, size=L.SMALL_PT, align=L.CENTER, after=6)
    if number:
        L.para(left, t("dec.number", number=number), size=L.SMALL_PT, align=L.CENTER)
    L.para(right, t("doc.national"), bold=True, size=L.SMALL_PT, align=L.CENTER, after=0, first=True)
    L.para(right, t("doc.motto"), bold=True, underline=True, size=L.BODY_PT, align=L.CENTER, after=6)
    L.para(
        right,
        t(
            "doc.place_date",
            place=campaign.organiser.place,
            day=f"{when.day:02d}",
            month=f"{when.month:02d}",
            year=f"{when.year:04d}",
        ),
        italic=True,
        size=L.BODY_PT,
        align=L.CENTER,
    )
    L.para(doc, "", after=6)


def _sign(doc, recipients: list[str] | None, titles: list[str], name: str) -> None:
    """Left: «Nơi nhận:» and its list ending «- Lưu: VT.»; right: the signer's title lines,
    room for the signature and seal, the name."""
    table = doc.add_table(rows=1, cols=2)
    L._borderless(table)
    L._widths(table, (75, L.TEXT_WIDTH_MM - 75))
    left, right = table.rows[0].cells
    if recipients is not None:
        L.para(left, t("doc.recipients"), bold=True, italic=True, size=12, after=0, first=True)
        for line in [*recipients, t("doc.archive")]:
            L.para(left, line, size=11, after=0)
    for i, line in enumerate(titles):
        L.para(right, line, bold=True, size=L.BODY_PT, align=L.CENTER, after=0, first=i == 0)
    for _ in range(4):
        L.para(right, "", after=0)
    L.para(right, name or t("doc.dots")[:30], bold=True, size=L.BODY_PT, align=L.CENTER)


def share_text(share: Share) -> str:
    frac = Fraction(share.share).limit_denominator(100)
    pct = t("min.half") if frac == Fraction(1, 2) else f"{float(share.share) * 100:g}%"
    return t("min.share.more" if share.strict else "min.share.least", pct=pct)


def _local(campaign: Campaign, moment: datetime | None) -> str:
    return campaign.local(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else "—"


# -- the minutes ------------------------------------------------------------------------------


def latest_closed_round(s: Session, campaign: Campaign, number: int | None = None) -> CouncilRound:
    closed = [
        r for r in rows.rounds(s, campaign.code, status="closed") if number is None or r.number == number
    ]
    if not closed:
        raise ExportError(t("award_doc.no_round"))
    return closed[-1]


def write_minutes(
    s: Session, campaign: Campaign, out: str | Path, *, now: datetime, round_number: int | None = None
) -> int:
    """The minutes of the latest closed round (or round `round_number`); returns its items."""
    rnd = latest_closed_round(s, campaign, round_number)
    org, info = campaign.organiser, campaign.campaign
    items = rows.items_of(s, rnd.id)
    voters = {v.member_id for v in rows.votes_of(s, rnd.id)}
    names = members.member_names(s)
    doc = L.new_document(campaign, t("min.title"))
    _heading(doc, campaign, org.short_name, t("min.body_left"), None, campaign.local(rnd.closed_at))
    L.title(doc, t("min.title"), t("min.subtitle", campaign=info.short_title, number=rnd.number))
    L.body(
        doc,
        t(
            "min.opening",
            opened=_local(campaign, rnd.opened_at),
            closed=_local(campaign, rnd.closed_at),
            council=org.council,
            organiser=org.short_name,
            office=org.office,
        ),
    )
    L.para(doc, t("min.I"), bold=True, before=6)
    present = len(voters & set(rnd.members))
    L.body(doc, t("min.members", members=len(rnd.members), present=present))
    for i, member_id in enumerate(rnd.members, 1):
        L.para(
            doc,
            t(
                "min.member",
                i=i,
                name=names.get(member_id, "—"),
                voted=t("min.voted" if member_id in voters else "min.not_voted"),
            ),
            after=0,
        )
    L.para(doc, t("min.II"), bold=True, before=6)
    L.body(
        doc,
        t(
            "min.rules",
            quorum=share_text(campaign.council.quorum),
            threshold=share_text(campaign.council.threshold),
        ),
    )
    L.body(doc, t("min.considered", n=len(items)))
    headers = [
        t("doc.col.stt"),
        t("doc.col.nominee"),
        t("doc.col.unit"),
        t("min.col.award"),
        t("min.col.agree"),
        t("min.col.disagree"),
        t("min.col.more"),
        t("min.col.result"),
    ]
    L.grid(
        doc,
        headers,
        MINUTES_WIDTHS,
        (
            (
                str(i),
                sub.nominee or "",
                campaign.unit_name(sub.unit_code),
                _award(campaign, item.award_key),
                str(item.agree),
                str(item.disagree),
                str(item.more_info),
                t(f"min.result.{item.result}"),
            )
            for i, (item, sub) in enumerate(items, 1)
        ),
        centered=(0, 4, 5, 6),
    )
    L.para(doc, t("min.III"), bold=True, before=6)
    passed = [(item, sub) for item, sub in items if item.result == "passed"]
    if rnd.quorum_met:
        L.body(doc, t("min.quorum_met", passed=len(passed), n=len(items)))
    else:
        L.body(doc, t("min.quorum_missed", present=present, members=len(rnd.members)))
    for award in campaign.awards:
        group = [(item, sub) for item, sub in passed if item.award_key == award.key]
        if group:
            L.body(doc, t("min.recommend", grantor=award.grantor, award=award.label, n=len(group)))
            for i, (_, sub) in enumerate(group, 1):
                L.para(
                    doc,
                    t(
                        "min.recommend_line",
                        i=i,
                        nominee=sub.nominee or "",
                        unit=campaign.unit_name(sub.unit_code),
                    ),
                    after=0,
                )
    L.body(doc, t("min.close", at=_local(campaign, now)), italic=True, before=6)
    L.two_signatures(doc, [(t("min.secretary"), True)], [(t("min.chair"), True)], name_right=org.signer_name)
    _save(doc, out)
    return len(items)


def _award(campaign: Campaign, key: str) -> str:
    try:
        return campaign.award(key).label
    except KeyError:
        return key


# -- the decision ----------------------------------------------------------------------------


def latest_decision(s: Session, campaign: Campaign, number: str | None = None) -> AwardDecision:
    """The latest decision that stands (or the one numbered `number`) on an award the commune
    decides itself (the campaign file's [decision] awards)."""
    own = campaign.decision.awards if campaign.decision else ()
    wanted = ops.decision_number(campaign, number) if number else None
    found = [
        d
        for d in rows.decisions(s, campaign.code, active=True)
        if d.award_key in own and (wanted is None or d.number == wanted)
    ]
    if not found:
        raise ExportError(t("award_doc.no_decision"))
    return found[-1]


def write_decision(s: Session, campaign: Campaign, out: str | Path, *, number: str | None = None) -> int:
    """The decision and its attached list; returns the number of people and collectives."""
    spec = campaign.decision
    if spec is None:
        raise ExportError(t("award_doc.no_template", section="decision"))
    dec = latest_decision(s, campaign, number)
    items = honours.honoured(s, campaign, decision_id=dec.id)
    org, info = campaign.organiser, campaign.campaign
    award = campaign.award(dec.award_key)
    groups = {g: [h for h in items if h.group == g] for g in ("collective", "individual")}
    values = dict(
        award=award.label,
        grantor=award.grantor,
        organiser=org.name,
        campaign=info.title,
        collective=len(groups["collective"]),
        individual=len(groups["individual"]),
        total=len(items),
        council=org.council,
        office=org.office,
        signer_title=org.signer_title,
        number=dec.number,
        date=dmy(dec.signed_on),
    )
    doc = L.new_document(campaign, spec.title)
    _heading(doc, campaign, org.parent_name, org.name, dec.number, dec.signed_on)
    L.title(doc, spec.title, spec.subject.format(**values))
    L.para(doc, spec.authority.format(**values), bold=True, align=L.CENTER, after=9)
    for ground in spec.grounds:
        L.body(doc, ground.format(**values), italic=True)
    L.para(doc, t("dec.decides"), bold=True, align=L.CENTER, before=6, after=6)
    for article in spec.articles:
        L.body(doc, article.format(**values))
    L.para(doc, "", after=6)
    _sign(doc, [r.format(**values) for r in spec.recipients], [org.signer_title], dec.signer_name)
    L.page_break(doc)
    L.title(doc, spec.list_title.format(**values), spec.list_subject.format(**values))
    headers = [t("doc.col.stt"), t("doc.col.nominee"), t("doc.col.unit"), t("dec.col.achievement")]
    numeral = 0
    for group in ("collective", "individual"):
        if not groups[group]:
            continue
        L.para(
            doc, t(f"dec.group.{group}", numeral=NUMERALS[numeral], n=len(groups[group])), bold=True, before=6
        )
        numeral += 1
        L.grid(
            doc,
            headers,
            DECISION_WIDTHS,
            ((str(i), h.name, h.unit, short(h.achievement, 300)) for i, h in enumerate(groups[group], 1)),
        )
    _save(doc, out)
    return len(items)
