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
from documents import streaming as S
from documents.items import PARTIES, ExportError, dmy, mid_sentence, parties_text, party, short
from documents.texts import t
from domain import council as ops
from domain import honours
from domain.award.config import Share
from domain.campaign import Campaign
from storage import council as rows
from storage import members
from storage.models import AwardDecision, CouncilRound

# 165 mm, 1 mm cell margins: STT, name, unit, then the votes and the result (each column wide
# enough for its longest syllable: «Không đồng ý» wraps between words, never inside one)
MINUTES_WIDTHS = (12, 46, 30, 18, 18, 22, 19)
DECISION_WIDTHS = (12, 45, 33, 75)
NUMERALS = ("I", "II", "III")


def _save(doc, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


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
    """The minutes of the latest closed round (or round `round_number`), dated when the round
    closed; returns its items. `now` is not printed: the minutes record the round."""
    rnd = latest_closed_round(s, campaign, round_number)
    org, info, council = campaign.organiser, campaign.campaign, campaign.council
    items = rows.items_of(s, rnd.id)
    voters = {v.member_id for v in rows.votes_of(s, rnd.id)}
    names = members.member_names(s)
    closed_at = rnd.closed_at or now
    doc = L.new_document(campaign, t("min.title"))
    L.heading(
        doc,
        campaign,
        closed_at,
        parent=org.short_name,
        body=t("min.body_left"),
        number=t("min.number", number=t("min.number_ref", number=rnd.number)),
    )
    L.title(
        doc, t("min.title"), t("min.subtitle", campaign=mid_sentence(info.short_title), number=rnd.number)
    )
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
    L.para(doc, t("min.I"), bold=True, before=6, keep_next=True)
    dots = t("doc.dots")[:30]
    L.body(doc, t("min.chair_line", name=council.chairman or dots, title=_post(council.chairman_title)))
    L.body(doc, t("min.secretary_line", name=council.secretary or dots, title=_post(council.secretary_title)))
    present = len(voters & set(rnd.members))
    L.body(doc, t("min.members", members=len(rnd.members), present=present), keep_next=True)
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
    L.para(doc, t("min.II"), bold=True, before=6, keep_next=True)
    L.body(
        doc,
        t(
            "min.rules",
            quorum=share_text(campaign.council.quorum),
            threshold=share_text(campaign.council.threshold),
        ),
    )
    L.body(doc, t("min.considered", n=len(items)), keep_next=True)
    headers = [
        t("doc.col.stt"),
        t("doc.col.nominee"),
        t("doc.col.unit"),
        t("min.col.agree"),
        t("min.col.disagree"),
        t("min.col.more"),
        t("min.col.result"),
    ]
    by_award: dict[str, list] = {}
    for item, sub in items:
        by_award.setdefault(item.award_key, []).append((item, sub))
    for n, (key, group) in enumerate(by_award.items(), 1):
        # the award once above its items: a column would take five lines a row
        L.para(
            doc,
            t("min.award_group", n=n, award=_award(campaign, key), count=len(group)),
            bold=True,
            italic=True,
            before=3,
            keep_next=True,
        )
        S.grid(
            doc,
            headers,
            MINUTES_WIDTHS,
            (
                (
                    str(i),
                    sub.nominee or "",
                    campaign.unit_name(sub.unit_code),
                    str(item.agree),
                    str(item.disagree),
                    str(item.more_info),
                    t(f"min.result.{item.result}"),
                )
                for i, (item, sub) in enumerate(group, 1)
            ),
            centered=(0, 3, 4, 5),
        )
    L.para(doc, t("min.III"), bold=True, before=6, keep_next=True)
    passed = [(item, sub) for item, sub in items if item.result == "passed"]
    if rnd.quorum_met:
        L.body(doc, t("min.quorum_met", passed=len(passed), n=len(items)))
    else:
        L.body(doc, t("min.quorum_missed", present=present, members=len(rnd.members)))
    for award in campaign.awards:
        group = [(item, sub) for item, sub in passed if item.award_key == award.key]
        if group:
            L.body(
                doc,
                t(
                    "min.recommend",
                    grantor=award.grantor,
                    award=award.label,
                    awardees=_parties(campaign, group),
                ),
                keep_next=True,
            )
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
    L.body(doc, t("min.close", at=_local(campaign, closed_at)), italic=True, before=6)
    L.two_signatures(
        doc,
        [(t("min.secretary"), True)],
        [(t("min.chair"), True)],
        name_left=council.secretary,
        name_right=council.chairman,
    )
    _save(doc, out)
    return len(items)


def _post(title: str) -> str:
    return f", {title}" if title else ""


def _award(campaign: Campaign, key: str) -> str:
    try:
        return campaign.award(key).label
    except KeyError:
        return key


# -- the decision ----------------------------------------------------------------------------


def latest_decision(s: Session, campaign: Campaign, number: str | None = None) -> AwardDecision:
    """The latest decision that stands (or the one numbered `number`: «2345», «2345/QĐ-UBND»
    or «2345/QĐ-CT» alike) on an award the commune decides itself (the campaign file's
    [decision] awards). A decision of another level is named in the refusal."""
    own = campaign.decision.awards if campaign.decision else ()
    standing = rows.decisions(s, campaign.code, active=True)
    if number:
        wanted = [d for d in standing if _same_number(campaign, d.number, number)]
        if wanted and wanted[-1].award_key not in own:
            dec = wanted[-1]
            raise ExportError(
                t("award_doc.other_level", number=dec.number, award=_award(campaign, dec.award_key))
            )
        standing = wanted
    found = [d for d in standing if d.award_key in own]
    if not found:
        if number:
            raise ExportError(t("award_doc.no_such_decision", number=" ".join(number.split())))
        raise ExportError(t("award_doc.no_decision"))
    return found[-1]


def _same_number(campaign: Campaign, recorded: str, asked: str) -> bool:
    """«2345» finds «2345/QĐ-UBND»; a full reference is compared whole (case and spaces aside)."""
    asked = " ".join(asked.split()).upper().replace(" / ", "/")
    recorded = recorded.upper()
    if "/" in asked:
        return recorded == (ops.decision_number(campaign, asked) or asked)
    return asked.isdigit() and recorded.split("/", 1)[0].lstrip("0") == asked.lstrip("0")


def write_decision(s: Session, campaign: Campaign, out: str | Path, *, number: str | None = None) -> int:
    """The decision and its attached list; returns the number of people and collectives."""
    spec = campaign.decision
    if spec is None:
        raise ExportError(t("award_doc.no_template", section="decision"))
    dec = latest_decision(s, campaign, number)
    items = honours.honoured(s, campaign, decision_id=dec.id)
    org, info = campaign.organiser, campaign.campaign
    award = campaign.award(dec.award_key)
    groups = {p: [h for h in items if party(h.group, h.name) == p] for p in PARTIES}
    counts = {p: len(g) for p, g in groups.items()}
    values = dict(
        award=award.label,
        grantor=award.grantor,
        organiser=org.name,
        campaign=mid_sentence(info.title),
        awardees=parties_text(counts),
        collective=counts["collective"],
        households=counts["household"],
        individual=counts["household"] + counts["individual"],
        persons=counts["individual"],
        total=len(items),
        council=org.council,
        office=org.office,
        signer_title=org.signer_title,
        number=dec.number,
        date=dmy(dec.signed_on),
    )
    doc = L.new_document(campaign, spec.title)
    L.heading(doc, campaign, dec.signed_on, body=org.name, number=t("dec.number", number=dec.number))
    L.title(doc, spec.title, spec.subject.format(**values))
    L.para(doc, spec.authority.format(**values), bold=True, align=L.CENTER, after=9, keep_next=True)
    for ground in spec.grounds:
        L.body(doc, ground.format(**values), italic=True)
    L.para(doc, t("dec.decides"), bold=True, align=L.CENTER, before=6, after=6, keep_next=True)
    for article in spec.articles:
        L.body(doc, article.format(**values))
    L.sign_block(doc, [r.format(**values) for r in spec.recipients], [org.signer_title], dec.signer_name)
    L.page_break(doc)
    L.title(doc, spec.list_title.format(**values), spec.list_subject.format(**values))
    headers = [t("doc.col.stt"), t("doc.col.nominee"), t("doc.col.unit"), t("dec.col.achievement")]
    numeral = 0
    for group in PARTIES:
        if not groups[group]:
            continue
        L.para(
            doc,
            t(f"dec.group.{group}", numeral=NUMERALS[numeral], n=len(groups[group])),
            bold=True,
            before=6,
            keep_next=True,
        )
        numeral += 1
        S.grid(
            doc,
            headers,
            DECISION_WIDTHS,
            ((str(i), h.name, h.unit, short(h.citation, 300)) for i, h in enumerate(groups[group], 1)),
        )
    _save(doc, out)
    return len(items)


def _parties(campaign: Campaign, group) -> str:
    """«2 tập thể, 3 hộ gia đình và 5 cá nhân», as the decision counts the same items."""
    counts = dict.fromkeys(PARTIES, 0)
    for _, sub in group:
        try:
            quota_group = campaign.category(sub.category).quota_group if sub.category else "individual"
        except KeyError:
            quota_group = "individual"
        counts[party(quota_group, sub.nominee)] += 1
    return parties_text(counts)
