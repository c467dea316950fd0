"""The demo county's catalogue (3,946 entries), its disclosure guide and notices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from content.demo._context import Context, sealed
from content.demo._people import phone
from content.demo._site import (
    COLUMNS,
    article_path,
    attachment_path,
    gkmlpt_attachment_path,
    gkmlpt_post_path,
)
from content.demo._vocab_texts import (
    BODY_PARAGRAPHS,
    CATALOGUE_CATEGORIES,
    DOCUMENT_TOPICS,
    GENRES,
    GUIDE,
    NOTICE_BODIES,
    NOTICE_TEMPLATES,
    SUMMARY_TEMPLATES,
)
from content.enums import EntityType, FileType, NoticeKind, Validity
from content.ids import stable_id
from content.models import Attachment, CatalogueEntry, Guide, Notice, Period
from content.normalize import shorten

if TYPE_CHECKING:
    import random

    from content.demo._agencies import AgencyInfo

CATALOGUE_ENTRIES = 3946
NOTICES = 120
#: Characters of a notice's LED summary.
LED_CHARS = 40
CATALOGUE_START = date(2024, 1, 2)
# Genres that carry a 文号 (document number).
_NUMBERED_GENRES = frozenset({"通知", "决定", "意见", "办法", "方案", "批复", "通报"})


def build_catalogue(
    ctx: Context, agencies: list[AgencyInfo], *, count: int = CATALOGUE_ENTRIES
) -> list[CatalogueEntry]:
    """Build the disclosure catalogue, oldest first, spread over the last three years."""
    rng = ctx.rng("catalogue")
    days = (ctx.as_of - CATALOGUE_START).days
    dates = sorted(CATALOGUE_START + timedelta(days=rng.randrange(days + 1)) for _ in range(count))
    # The county office publishes the most; towns and small units the least.
    weights = [
        12 if info.number == 0 else (1 if info.agency.scope != "county" else 3) for info in agencies
    ]
    serials: dict[tuple[int, int], int] = {}
    doc_numbers: dict[tuple[int, int], int] = {}
    entries = []
    for published in dates:
        info = rng.choices(agencies, weights=weights)[0]
        entries.append(
            catalogue_entry(ctx, rng, info, published, serials=serials, doc_numbers=doc_numbers)
        )
    return entries


def catalogue_entry(
    ctx: Context,
    rng: random.Random,
    info: AgencyInfo,
    published: date,
    *,
    serials: dict[tuple[int, int], int],
    doc_numbers: dict[tuple[int, int], int],
) -> CatalogueEntry:
    """One catalogue entry of ``info``'s agency, published on ``published``."""
    agency = info.agency
    category, subject = rng.choice(CATALOGUE_CATEGORIES)
    topic = rng.choice(DOCUMENT_TOPICS[category]).format(year=published.year)
    genre = "通知" if topic.startswith("印发") else rng.choice(GENRES)
    title = f"{agency.name}关于{topic}的{genre}"
    number = ctx.article_number()
    path = gkmlpt_post_path(number)
    serial = serials.get((info.number, published.year), 0) + 1
    serials[info.number, published.year] = serial
    doc_number = None
    if genre in _NUMBERED_GENRES:
        seq = doc_numbers.get((info.number, published.year), 0) + 1
        doc_numbers[info.number, published.year] = seq
        doc_number = f"{info.doc_prefix}〔{published.year}〕{seq}号"
    age_days = (ctx.as_of - published).days
    validity = Validity.VALID
    if age_days > 500 and rng.random() < 0.06:
        validity = rng.choice((Validity.INVALID, Validity.REPEALED, Validity.AMENDED))
    effective = expiry = None
    if genre == "办法":
        effective = published + timedelta(days=30)
        expiry = date(effective.year + 5, effective.month, min(effective.day, 28))
    paragraphs = rng.sample(BODY_PARAGRAPHS, rng.randrange(3, 6))
    body = "\n".join(
        p.format(topic=topic, year=published.year, publisher=agency.name) for p in paragraphs
    )
    attachments = tuple(
        Attachment(
            name=f"附件{index}：{_attachment_title(topic, index)}.pdf",
            url=ctx.url(gkmlpt_attachment_path(number, index)),
            file_type=FileType.PDF,
        )
        for index in range(1, _attachment_count(rng) + 1)
    )
    entry = CatalogueEntry(
        id=stable_id(EntityType.CATALOGUE_ENTRY, _index_no(info, published, serial)),
        scope=agency.scope,
        provenance=ctx.provenance(COLUMNS["gkml"], path),
        index_no=_index_no(info, published, serial),
        title=title,
        publisher=agency.name,
        agency_id=agency.id,
        doc_number=doc_number,
        created_date=published - timedelta(days=rng.randrange(0, 8)),
        published_date=published,
        effective_date=effective,
        expiry_date=expiry,
        validity=validity,
        subject_category=subject,
        genre=genre,
        catalogue_category=category,
        audience="全社会",
        keywords=tuple(dict.fromkeys((category, genre, agency.short_name or agency.name))),
        summary=rng.choice(SUMMARY_TEMPLATES).format(title=title, publisher=agency.name),
        body_text=body,
        attachments=attachments,
    )
    return sealed(entry)


def _body_outline(genre: str, rng: random.Random) -> list[int]:
    """Which of BODY_PARAGRAPHS a document of ``genre`` uses, in reading order.

    Official documents have a fixed shape: salutation, 一、总体要求 with its
    (一)(二), 二、主要任务 with some of its points, 三、保障措施, closing line.
    """
    if genre == "批复":
        return [20, 28]
    if genre in {"通报", "报告"}:
        return [21, 22, 23]
    if genre == "公告":
        return [24, 25, 26]
    opening = rng.choice((0, 1, 2))
    tasks = [6, *range(7, 7 + rng.randrange(1, 6))]
    safeguards = [12, *range(13, 13 + rng.randrange(1, 5))]
    closing = {"办法": 18, "通知": 19}.get(genre, rng.choice((17, 27, 28)))
    return [opening, 3, 4, 5, *tasks, *safeguards, closing]


def _attachment_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.35:
        return 0
    if roll < 0.85:
        return 1
    return rng.randrange(2, 4)


def _attachment_title(topic: str, index: int) -> str:
    base = topic.removeprefix("印发")
    return base if index == 1 else f"{base}（第{index}部分）"


def _index_no(info: AgencyInfo, published: date, serial: int) -> str:
    code = info.agency.org_code or ""
    if info.index_scheme == "credit":
        return f"{info.agency.credit_code}/{published:%Y%m}-{serial:05d}"
    if info.index_scheme == "pinyin":
        return f"dyggzyjyzx/{published.year}-{serial:05d}"
    if info.index_scheme == "org-hyphen":
        return f"{code[:8]}-{code[8:]}/{published.year}-{serial:05d}"
    return f"{code}/{published.year}-{serial:05d}"


def build_guide(ctx: Context, agencies: list[AgencyInfo]) -> Guide:
    """The county government's disclosure guide (公开指南)."""
    rng = ctx.rng("guide")
    county = agencies[0].agency
    column = COLUMNS["gkzn"]
    version = date(ctx.as_of.year, 1, 10)
    path = article_path(column, version, ctx.article_number())
    guide = Guide(
        id=stable_id(EntityType.GUIDE, county.name),
        provenance=ctx.provenance(column, path),
        organization=county.name,
        agency_id=county.id,
        version_date=version,
        categories_text=GUIDE["categories_text"],
        how_to_obtain=GUIDE["how_to_obtain"],
        application_procedure=GUIDE["application_procedure"],
        office_name="大余县人民政府办公室政务公开股",
        address="大余县南安镇东山路1号县行政中心3楼",
        office_hours="周一至周五 上午8:00-12:00 下午14:30-17:30（法定节假日除外）",
        postcode="341500",
        phone=phone(rng),
        fax=phone(rng),
        email="dyzwgk@example.com",
        website=ctx.url("/"),
        supervision=GUIDE["supervision"],
        body_text=GUIDE["body_intro"],
    )
    return sealed(guide)


def build_notices(
    ctx: Context, agencies: list[AgencyInfo], *, count: int = NOTICES
) -> list[Notice]:
    """Notices of the last year; two old ones are pinned, as sites do."""
    rng = ctx.rng("notices")
    start = ctx.as_of - timedelta(days=365)
    dates = sorted(start + timedelta(days=rng.randrange(366)) for _ in range(count - 2))
    old = [start - timedelta(days=200), start - timedelta(days=150)]
    notices = [notice(ctx, rng, agencies, published, pinned=True) for published in old]
    notices += [notice(ctx, rng, agencies, published) for published in dates]
    return notices


def notice(
    ctx: Context,
    rng: random.Random,
    agencies: list[AgencyInfo],
    published: date,
    *,
    pinned: bool = False,
) -> Notice:
    """One notice published on ``published``."""
    kind = rng.choices(list(NoticeKind), weights=[30, 20, 30, 10, 10])[0]
    towns = [info.agency for info in agencies if info.agency.scope != "county"]
    town = rng.choice(towns) if rng.random() < 0.3 else None
    publisher = town or rng.choice([info.agency for info in agencies[:20]])
    town_name = town.short_name if town else "全县"
    title = rng.choice(NOTICE_TEMPLATES[kind.value]).format(
        town=town_name, year=published.year, month=published.month
    )
    days = rng.choice((5, 7, 7, 10)) if kind is NoticeKind.PUBLICITY else 0
    period = None
    if days:
        period = Period(start=published, end=published + timedelta(days=days - 1))
    body = rng.choice(NOTICE_BODIES[kind.value]).format(
        title=title, town=town_name, days=days or 7, date=f"{published:%Y年%m月%d日}"
    )
    column = COLUMNS["tzgg"]
    number = ctx.article_number()
    path = article_path(column, published, number)
    attachments: tuple[Attachment, ...] = ()
    if rng.random() < 0.25:
        attachments = (
            Attachment(
                name=f"{title}.pdf",
                url=ctx.url(attachment_path(column, published, number, 1)),
                file_type=FileType.PDF,
            ),
        )
    entity = Notice(
        id=stable_id(EntityType.NOTICE, path),
        scope=town.scope if town else "county",
        provenance=ctx.provenance(column, path),
        title=title,
        kind=kind,
        publisher=publisher.name,
        published_date=published,
        publicity_period=period,
        body_text=body,
        led_text=shorten(title, LED_CHARS),
        attachments=attachments,
        towns=(town.scope,) if town else (),
        pinned=pinned,
    )
    return sealed(entity)
