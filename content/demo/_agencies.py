"""The demo county's 69 agencies (county government, 57 units, 11 towns) and leaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from content.demo._context import Context, sealed
from content.demo._people import NameBook, phone
from content.demo._site import COLUMNS, Column, article_path, image_path
from content.demo._vocab_agencies import DEPARTMENTS, TOWN_FUNCTIONS, TOWNS, DepartmentSpec
from content.demo._vocab_texts import LEADER_DUTY_CLAUSES, RESUME_STEPS
from content.enums import AgencyKind, EntityType, FileType
from content.ids import stable_id
from content.models import COUNTY_SCOPE, Agency, Attachment, Leader

if TYPE_CHECKING:
    import random

COUNTY_NAME = "大余县人民政府"
COUNTY_SHORT = "县政府"
#: The county's administrative division code (a public place code).
DIVISION_CODE = "360723"
COUNTY_LEADER_POSTS = (
    ("县长", 1),
    ("常务副县长", 1),
    ("副县长", 8),
    ("县政府党组成员", 4),
    ("县长助理", 2),
    ("县政府秘书长", 1),
    ("三级调研员", 3),
)


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    """What later builders need to know of an agency beyond the entity itself."""

    agency: Agency
    doc_prefix: str
    number: int  # two-digit unit code used in power item codes
    index_scheme: str  # "org", "org-hyphen", "credit" or "pinyin"
    supervision_phone: str
    spec: DepartmentSpec | None


def build_agencies(ctx: Context) -> list[AgencyInfo]:
    """Build the county government, its 57 units and the 11 towns, in site order."""
    rng = ctx.rng("agencies")
    column = COLUMNS["jgzn"]
    published = date(ctx.as_of.year, 1, 8)
    county_id = stable_id(EntityType.AGENCY, COUNTY_NAME)
    infos: list[AgencyInfo] = []

    def add(
        *,
        name: str,
        short: str,
        kind: AgencyKind,
        scope: str,
        functions: str,
        doc_prefix: str,
        spec: DepartmentSpec | None,
    ) -> None:
        number = len(infos)
        org_code = f"DY{number:06d}{_check_char(number)}"
        path = article_path(column, published, ctx.article_number())
        scheme = _index_scheme(number, short)
        agency = Agency(
            id=stable_id(EntityType.AGENCY, name),
            scope=scope,
            provenance=ctx.provenance(column, path),
            name=name,
            short_name=short,
            kind=kind,
            parent_id=None if number == 0 else county_id,
            org_code=org_code,
            credit_code=f"11{DIVISION_CODE}{org_code}{_check_char(number * 7)}",
            functions=functions,
            address=_address(rng, short),
            phone=phone(rng),
            office_hours="周一至周五 上午8:00-12:00 下午14:30-17:30（法定节假日除外）",
            website=ctx.url("/"),
            rank_order=number,
        )
        infos.append(
            AgencyInfo(
                agency=sealed(agency),
                doc_prefix=doc_prefix,
                number=number,
                index_scheme=scheme,
                supervision_phone=phone(rng),
                spec=spec,
            )
        )

    add(
        name=COUNTY_NAME,
        short=COUNTY_SHORT,
        kind=AgencyKind.COUNTY_GOVERNMENT,
        scope=COUNTY_SCOPE,
        functions=(
            "执行县人民代表大会及其常务委员会的决议，以及上级国家行政机关的决定和命令，"
            "规定行政措施，发布决定和命令。领导所属各工作部门和各乡镇人民政府的工作，"
            "管理本县的经济、教育、科学、文化、卫生、体育、城乡建设等行政工作。"
        ),
        doc_prefix="余府字",
        spec=None,
    )
    for spec in DEPARTMENTS:
        add(
            name=spec.name,
            short=spec.short_name,
            kind=AgencyKind(spec.kind),
            scope=COUNTY_SCOPE,
            functions=spec.functions,
            doc_prefix=spec.doc_prefix,
            spec=spec,
        )
    for town, pinyin, kind in TOWNS:
        add(
            name=f"{town}人民政府",
            short=town,
            kind=AgencyKind(kind),
            scope=f"town-{pinyin}",
            functions=TOWN_FUNCTIONS,
            doc_prefix=f"{town[:2]}{town[-1]}字",
            spec=None,
        )
    return infos


def build_leaders(ctx: Context, agencies: list[AgencyInfo]) -> list[Leader]:
    """About 20 county leaders plus each town's head and deputies, with duties."""
    rng = ctx.rng("leaders")
    names = NameBook(ctx.rng("leader-names"))
    column = COLUMNS["ldxx"]
    county = agencies[0].agency
    departments = [info.agency for info in agencies if info.spec is not None]
    clauses = list(LEADER_DUTY_CLAUSES)
    rng.shuffle(clauses)
    unit_pool = [agency.short_name or agency.name for agency in departments]
    rng.shuffle(unit_pool)
    audit = [unit for unit in unit_pool if "审计" in unit][:1]
    unit_pool = [unit for unit in unit_pool if unit not in audit]
    # (agency, post, rank, duties, supervised, liaison) for every leader, then build them.
    posts: list[tuple[Agency, str, int, str, list[str], list[str]]] = []
    for post, count in COUNTY_LEADER_POSTS:
        for _ in range(count):
            if post == "县长":
                duties, supervised, liaison = _head_duties(audit)
            else:
                duties, supervised, liaison = _deputy_duties(post, rng, clauses, unit_pool)
            posts.append((county, post, len(posts), duties, supervised, liaison))
    for info in agencies:
        agency = info.agency
        if agency.kind not in {AgencyKind.TOWN, AgencyKind.TOWNSHIP}:
            continue
        head = "镇长" if agency.kind is AgencyKind.TOWN else "乡长"
        posts.append((agency, head, 0, f"主持{agency.short_name}人民政府全面工作。", [], []))
        for order in range(1, 3 + rng.randrange(2)):
            duties = f"负责{rng.choice(_TOWN_DUTIES)}等方面工作。"
            posts.append((agency, f"副{head}", order, duties, [], []))
    return [
        _leader(
            ctx,
            rng,
            names=names,
            column=column,
            agency=agency,
            post=post,
            rank=rank,
            duties=duties,
            supervised=supervised,
            liaison=liaison,
        )
        for agency, post, rank, duties, supervised, liaison in posts
    ]


def _head_duties(audit: list[str]) -> tuple[str, list[str], list[str]]:
    duties = "主持县政府全面工作。"
    if audit:
        duties += f"分管{audit[0]}。"
    return duties, list(audit), []


def _deputy_duties(
    post: str, rng: random.Random, clauses: list[str], unit_pool: list[str]
) -> tuple[str, list[str], list[str]]:
    """Duties of a county leader other than the head; takes units from ``unit_pool``."""
    if post in {"常务副县长", "副县长"}:
        take = 4 if post == "副县长" else 5
        supervised = [unit_pool.pop(0) for _ in range(min(take, len(unit_pool)))]
        liaison = [unit_pool.pop(0)] if unit_pool else []
        clause = clauses.pop() if clauses else "负责县政府交办的其他工作"
        lead = "负责县政府常务工作。" if post == "常务副县长" else ""
        duties = f"{lead}{clause}。分管{'、'.join(supervised)}。"
        if liaison:
            duties += f"联系{'、'.join(liaison)}。"
        return duties, supervised, liaison
    if post == "县长助理":
        return f"协助县长{rng.choice(clauses)}。", [], []
    if post == "县政府秘书长":
        return "协助县长处理县政府日常工作，负责县政府办公室全面工作。", [], []
    return "协助分管县领导做好相关工作，完成县政府交办的其他事项。", [], []


_TOWN_DUTIES = (
    "农业农村、乡村振兴、林业",
    "安全生产、应急管理、消防",
    "民政、社会保障、残疾人",
    "城乡建设、环境卫生、交通",
    "教育、卫生健康、文化旅游",
    "财政、统计、招商引资",
    "综治维稳、信访、司法",
)


def _leader(
    ctx: Context,
    rng: random.Random,
    *,
    names: NameBook,
    column: Column,
    agency: Agency,
    post: str,
    rank: int,
    duties: str,
    supervised: list[str],
    liaison: list[str],
) -> Leader:
    name = names.name(rare=rng.random() < 0.08)
    gender = "女" if rng.random() < 0.22 else "男"
    birth_year = rng.randrange(1968, 1988)
    term_start = date(rng.randrange(2021, 2026), rng.randrange(1, 13), rng.randrange(1, 28))
    published = max(term_start, ctx.as_of - timedelta(days=300))
    number = ctx.article_number()
    path = article_path(column, published, number)
    photo = None
    if rng.random() < 0.5:
        photo = Attachment(
            name=f"{name}.jpg",
            url=ctx.url(image_path(column, published, number, 1, "jpg")),
            file_type=FileType.JPG,
        )
    resume_steps = [
        step.format(start=f"{year}.{month:02d}", end=f"{year + 4}.{month:02d}", org=org)
        for year, month, step, org in zip(
            range(birth_year + 22, 2024, 4),
            (rng.randrange(1, 13) for _ in range(8)),
            rng.sample(RESUME_STEPS, 4),
            (rng.choice(_RESUME_ORGS) for _ in range(8)),
            strict=False,
        )
    ]
    leader = Leader(
        id=stable_id(EntityType.LEADER, agency.name, name),
        scope=agency.scope,
        provenance=ctx.provenance(column, path),
        organization=agency.name,
        agency_id=agency.id,
        name=name,
        post=post,
        rank_order=rank,
        photo=photo,
        gender=gender,
        ethnicity="汉族" if rng.random() < 0.95 else "畲族",
        native_place=rng.choice(_NATIVE_PLACES),
        birth_month=f"{birth_year}-{rng.randrange(1, 13):02d}",
        education=rng.choice(("大学", "研究生", "在职研究生", "大学（在职）")),
        party="中共党员" if rng.random() < 0.9 else "无党派人士",
        responsibilities=duties,
        supervised_units=tuple(supervised),
        liaison_units=tuple(liaison),
        resume="\n".join(resume_steps) or None,
        phone=phone(rng) if rng.random() < 0.5 else None,
        term_start=term_start,
        updated_at=published,
    )
    return sealed(leader)


_RESUME_ORGS = (
    "大余县南安镇人民政府",
    "大余县发展和改革委员会",
    "大余县财政局",
    "大余县人民政府办公室",
    "赣州市某区人民政府",
    "大余县池江镇人民政府",
    "大余县农业农村局",
    "共青团大余县委员会",
)
_NATIVE_PLACES = (
    "江西大余",
    "江西南康",
    "江西信丰",
    "江西崇义",
    "江西上犹",
    "江西赣县",
    "江西于都",
)


def _index_scheme(number: int, short: str) -> str:
    # A mix like a real county: most agencies use the 9-character organisation code,
    # some the 18-character credit code with yyyymm, one keeps the hyphen, and the
    # public resource trading centre writes a pinyin abbreviation.
    if "公共资源交易" in short:
        return "pinyin"
    if number % 6 == 5:
        return "credit"
    if number == 3:
        return "org-hyphen"
    return "org"


def _check_char(number: int) -> str:
    return "0123456789X"[number % 11]


def _address(rng: random.Random, short: str) -> str:
    streets = ("东山路", "南安大道", "体育路", "东华路", "新华街", "梅关大道", "章江路")
    if short.endswith(("镇", "乡")):
        return f"大余县{short}{rng.choice(('圩镇街', '政府路', '中心街'))}{rng.randrange(1, 99)}号"
    return f"大余县南安镇{rng.choice(streets)}{rng.randrange(1, 300)}号"
