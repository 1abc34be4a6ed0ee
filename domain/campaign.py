"""The campaign as data: a TOML file under campaigns/ loaded into typed, validated objects.

Nothing about a particular commune or campaign lives in Python; this module only knows the
shape every campaign file has (see campaigns/tran-ninh-2024.toml).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from domain.award.config import Certificate, Council, Decision
from domain.campaign_errors import first_problem, toml_problem

# the two groups an award's quota counts apart: collectives and individuals
QuotaGroup = Literal["collective", "individual"]


class CampaignError(ValueError):
    """The campaign file cannot be used; the message names the file and the key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Model):
    key: str
    label: str
    unit: str = ""
    kind: Literal["number", "money"] = "number"


class Content(_Model):
    key: str
    label: str = Field(max_length=60)
    text: str
    figures: tuple[Figure, ...] = ()
    # words in an achievement that suggest this content (with or without diacritics)
    keywords: tuple[str, ...] = ()


class Unit(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    name: str
    kind: Literal["village", "agency", "union"]
    reports: bool = True  # false for the office and others that send no unit report


class Check(_Model):
    key: str
    kind: Literal["money", "yesno"]
    prompt: str
    label: str = ""  # the answer's name in lists («Đang bị kỷ luật/điều tra: Không»)
    criterion: str = ""  # the standard as the campaign page states it («Không đang bị kỷ luật, điều tra»)
    min: int | None = None
    expect: bool | None = None
    flag: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Check:
        if self.kind == "money" and self.min is None:
            raise PydanticCustomError("check_min", "a money check needs `min`", {"at": "min"})
        if self.kind == "yesno" and self.expect is None:
            raise PydanticCustomError("check_expect", "a yesno check needs `expect`", {"at": "expect"})
        return self


class Category(_Model):
    key: str
    label: str = Field(max_length=60)
    aliases: tuple[str, ...] = ()
    quota_group: QuotaGroup
    nominee_prompt: str
    clause: str
    criteria: str
    criteria_short: str
    checks: tuple[Check, ...] = ()


class Range(_Model):
    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise PydanticCustomError("range_order", "min is larger than max", {"at": "min"})
        return self


class Award(_Model):
    key: str
    label: str
    grantor: str
    quota: dict[QuotaGroup, Range] = Field(default_factory=dict)
    # who signs this award's decision; empty: the organiser's signer for an award the commune
    # decides itself ([decision] awards), typed by the office for any other (the district's)
    signer_name: str = ""
    signer_title: str = ""  # empty: the grantor


class Organiser(_Model):
    name: str
    short_name: str
    parent_name: str
    place: str
    district: str
    province: str
    signer_title: str
    signer_name: str = ""
    office: str
    council: str


class ParentPlan(_Model):
    number: str
    date: date
    issuer: str


class Criteria(_Model):
    common: str


class Forms(_Model):
    achievements_min_chars: int = Field(default=30, ge=1)
    text_max_chars: int = Field(default=2000, ge=100, le=4000)
    max_photos: int = Field(default=5, ge=0, le=20)


class Rules(_Model):
    """Rules the office applies when it reviews a nomination."""

    # One achievement is rewarded once (Law 06/2022, art. 5.2): a nominee commended within this
    # many years before the review is shown to staff beside the dossier with the decision, so
    # they can judge; absent: no earlier award is looked for. Never refused automatically.
    repeat_award_years: int | None = Field(default=None, ge=1, le=30)


class Reminders(_Model):
    days_before: tuple[int, ...] = (7, 3, 1)
    time: dt.time = dt.time(8, 0)
    deadline_day_time: dt.time = dt.time(7, 30)
    digest_time: dt.time = dt.time(17, 0)
    grace_hours: float = Field(default=6, ge=0)
    stale_days: int = Field(default=7, ge=1)
    stale_last_slots: int = Field(default=2, ge=0)

    @field_validator("days_before")
    @classmethod
    def _positive(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(d <= 0 for d in v):
            raise PydanticCustomError("days_positive", "days must be positive")
        return tuple(sorted(set(v), reverse=True))

    @field_validator("time", "deadline_day_time", "digest_time", mode="before")
    @classmethod
    def _hhmm(cls, v: object) -> object:
        if isinstance(v, str):
            try:
                return datetime.strptime(v, "%H:%M").time()
            except ValueError:
                raise PydanticCustomError("hhmm", "expected HH:MM") from None
        return v


class Launch(_Model):
    """IV.1: the launch announcement, sent once to every member at the campaign's opening."""

    time: dt.time = dt.time(8, 0)  # on campaign.opens_on, local time
    text: str = "{organiser} phát động «{title}». Hạn gửi hồ sơ: {deadline}."
    invitation_text: str = ""

    @field_validator("time", mode="before")
    @classmethod
    def _hhmm(cls, v: object) -> object:
        return Reminders._hhmm(v)

    @field_validator("text")
    @classmethod
    def _placeholders(cls, v: str) -> str:
        try:
            v.format(title="", theme="", categories="", deadline="", organiser="")
        except (KeyError, IndexError, ValueError) as exc:
            raise PydanticCustomError(
                "placeholder",
                "unknown placeholder {placeholder} (use {{title}}, {{theme}}, "
                "{{categories}}, {{deadline}}, {{organiser}})",
                {"placeholder": str(exc)},
            ) from None
        return v


class CampaignInfo(_Model):
    code: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    title: str
    short_title: str
    theme: str
    purpose: str = ""
    timezone: str
    opens_on: date
    deadline_on: date
    review_working_days: int = Field(default=10, ge=1)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError("timezone", "unknown time zone {value}", {"value": v}) from None
        return v

    @model_validator(mode="after")
    def _window(self) -> CampaignInfo:
        if self.deadline_on < self.opens_on:
            raise PydanticCustomError("window", "deadline_on is before opens_on", {"at": "deadline_on"})
        return self


class Campaign(_Model):
    campaign: CampaignInfo
    organiser: Organiser
    parent_plan: ParentPlan | None = None
    contents: tuple[Content, ...] = Field(min_length=1)
    units: tuple[Unit, ...] = Field(min_length=1)
    criteria: Criteria
    categories: tuple[Category, ...] = Field(min_length=1)
    awards: tuple[Award, ...] = Field(min_length=1)
    forms: Forms = Forms()
    rules: Rules = Rules()
    reminders: Reminders = Reminders()
    launch: Launch = Launch()
    council: Council = Council()  # the award step: quorum, threshold, texts
    decision: Decision | None = None
    certificate: Certificate | None = None
    # Set by the loader from CAMPAIGN_DEADLINE; None means the file's deadline_on.
    deadline_override: datetime | None = None

    @model_validator(mode="after")
    def _unique_keys(self) -> Campaign:
        for name, items, attr in (
            ("contents", self.contents, "key"),
            ("units", self.units, "code"),
            ("categories", self.categories, "key"),
            ("awards", self.awards, "key"),
        ):
            seen: set[str] = set()
            for i, item in enumerate(items):
                value = getattr(item, attr)
                if value in seen:
                    raise PydanticCustomError(
                        "duplicate",
                        "{at}: duplicate {value}",
                        {"at": f"{name}.{i}.{attr}", "value": value},
                    )
                seen.add(value)
        return self

    # -- time -----------------------------------------------------------------------------
    @property
    def code(self) -> str:
        return self.campaign.code

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.campaign.timezone)

    @property
    def opens_at(self) -> datetime:
        """The first moment submissions are accepted (aware, UTC)."""
        local = datetime.combine(self.campaign.opens_on, time(0, 0), self.tz)
        return local.astimezone(dt.UTC)

    @property
    def closes_at(self) -> datetime:
        """The first moment submissions are refused (aware, UTC): the end of the deadline day."""
        if self.deadline_override is not None:
            return self.deadline_override.astimezone(dt.UTC)
        end = datetime.combine(self.campaign.deadline_on + timedelta(days=1), time(0, 0), self.tz)
        return end.astimezone(dt.UTC)

    @property
    def deadline_local(self) -> datetime:
        """The last moment that still counts, in local time, for messages ("23:59 ngày 30/11/2024")."""
        return (self.closes_at - timedelta(minutes=1)).astimezone(self.tz)

    @property
    def launch_at(self) -> datetime:
        """When the launch announcement goes out (aware, UTC)."""
        local = datetime.combine(self.campaign.opens_on, self.launch.time, self.tz)
        return local.astimezone(dt.UTC)

    def is_open(self, now: datetime) -> bool:
        return now < self.closes_at

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    # -- look-ups -------------------------------------------------------------------------
    def category(self, key: str) -> Category:
        return _by(self.categories, "key", key, "category")

    def award(self, key: str) -> Award:
        return _by(self.awards, "key", key, "award")

    def unit(self, code: str) -> Unit:
        return _by(self.units, "code", code, "unit")

    def content(self, key: str) -> Content:
        return _by(self.contents, "key", key, "content")

    def unit_name(self, code: str | None, missing: str = "") -> str:
        """The unit's name; an unknown code as it is; `missing` when there is none."""
        if not code:
            return missing
        return self.unit(code).name if self.has_unit(code) else code

    def has_unit(self, code: str) -> bool:
        return any(u.code == code for u in self.units)

    def villages(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.kind == "village")

    def with_deadline(self, deadline: datetime | date | None) -> Campaign:
        """A copy whose deadline is `deadline` (a date: the end of that day, local time)."""
        if deadline is None:
            return self
        if isinstance(deadline, datetime):
            moment = deadline if deadline.tzinfo else deadline.replace(tzinfo=self.tz)
        else:
            moment = datetime.combine(deadline + timedelta(days=1), time(0, 0), self.tz)
        return self.model_copy(update={"deadline_override": moment.astimezone(dt.UTC)})


T = TypeVar("T")


def _by(items: Iterable[T], attr: str, value: str, what: str) -> T:
    for item in items:
        if getattr(item, attr) == value:
            return item
    raise KeyError(f"unknown {what} {value!r}")


def parse_campaign(data: dict[str, Any], source: str = "<campaign>") -> Campaign:
    try:
        return Campaign.model_validate(data)
    except ValidationError as exc:
        key, problem = first_problem(exc)
        raise CampaignError(f"{source}: {key or '(file)'}: {problem}") from None


def parse_campaign_text(text: str, source: str = "<campaign>") -> Campaign:
    """A campaign from its TOML text: the one loader of the campaign file and of a campaign
    stored in the database (the `campaign` table keeps the text it was made from)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{source}: {toml_problem(exc)}") from None
    return parse_campaign(data, source)


def read_campaign_text(path: str | Path) -> str:
    """The campaign file's text, or CampaignError naming the file and what is wrong."""
    path = Path(path)
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CampaignError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise CampaignError(
            f"{path}: tệp không phải văn bản UTF-8 (byte {exc.start}); lưu lại tệp với mã UTF-8"
        ) from None
    except OSError as exc:
        raise CampaignError(f"{path}: không đọc được tệp ({exc.strerror})") from None


def load_campaign(path: str | Path, deadline: datetime | date | None = None) -> Campaign:
    return parse_campaign_text(read_campaign_text(path), str(path)).with_deadline(deadline)
