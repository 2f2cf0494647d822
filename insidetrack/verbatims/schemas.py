"""Input and output schemas of the verbatims API (``/api/v1/verbatims/``)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class PeriodIn(Schema):
    from_month: str = Field("", alias="from", description="First month, YYYY-MM")
    to_month: str = Field("", alias="to", description="Last month, YYYY-MM")
    region: str = Field("", description="Region code, head office only (narrows what the caller may see; never "
                                        "widens it)")
    dealer: str = Field("", description="Dealer code, head office and regions only")
    touchpoint: str = Field("", description="Touchpoint code, e.g. handover")


class ThemesIn(PeriodIn):
    """Without months: the last twelve months, as on the themes page."""


class SearchIn(PeriodIn):
    """Without months: the whole history."""

    q: str = Field("", description="Full-text search, web-search syntax (\"quoted phrase\", -excluded, or). Empty: "
                                   "no search. At most 200 characters.")
    theme: str = Field("", description="Theme code, e.g. waiting_time")
    sentiment: str = Field("", description="negative, neutral or positive")
    flag: str = Field("", description="safety, or incentive (head office and regions only)")
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0)


class SentimentOut(Schema):
    negative: int
    neutral: int
    positive: int
    n: int
    net: float | None = Field(..., description="% positive minus % negative, -100..100; null without verbatims")


class ThemeStatOut(Schema):
    code: str
    name: str
    active: bool
    verbatims: int = Field(..., description="Analysed verbatims of the period mentioning the theme")
    share: float | None = Field(..., description="Of the period's analysed verbatims, 0-1")
    share_low: float | None = Field(..., description="Wilson 95% interval, lower end")
    share_high: float | None = Field(..., description="Wilson 95% interval, upper end")
    sentiment: SentimentOut = Field(..., description="Of the verbatims mentioning the theme")
    previous_verbatims: int = Field(..., description="The same count in the previous period of the same length")
    previous_share: float | None
    share_change: float | None = Field(..., description="Change of the share in percentage points")
    net_change: float | None = Field(..., description="Change of the net sentiment in points")
    change_p_value: float | None = Field(..., description="Two-sided test that the two shares are equal")


class TouchpointSentimentOut(Schema):
    code: str
    name: str
    verbatims: int
    sentiment: SentimentOut


class ThemesOut(Schema):
    first_month: date
    last_month: date
    analysed: int = Field(..., description="Analysed journey-survey verbatims in the period")
    previous_analysed: int
    sentiment: SentimentOut
    themes: list[ThemeStatOut] = Field(..., description="Most mentioned first")
    touchpoints: list[TouchpointSentimentOut] = Field(..., description="In journey order")


class ThemeChipOut(Schema):
    code: str
    name: str
    probability: float


class QuoteOut(Schema):
    response_pk: int
    text: str
    language: str
    dealer_code: str
    dealer_name: str
    touchpoint: str
    touchpoint_name: str
    submitted_at: datetime
    sentiment: str = Field(..., description="negative, neutral or positive: of the words, whatever the answer")
    tone: float = Field(..., description="The sentiment as a number, -1 (surely negative) to 1 (surely positive)")
    themes: list[ThemeChipOut]
    safety: bool = Field(..., description="A safety or legal issue was flagged")
    safety_phrases: list[str]
    incentive: bool | None = Field(None, description="Incentive or coaching language; absent for dealers")
    incentive_phrases: list[str] | None = Field(None, description="Absent for dealers")
    score: int | None = Field(None, description="The 0-10 answer. Absent for dealers unless head office lets its "
                                                "dealers see scores.")
    rank: float | None = Field(..., description="Full-text rank (PostgreSQL, with a search); null otherwise")


class SearchOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[QuoteOut] = Field(..., description="Best match first on PostgreSQL; otherwise newest first")
