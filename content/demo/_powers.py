"""The demo county's 526 power-list items, 312 of them with flowcharts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from content.demo._context import Context, sealed
from content.demo._site import COLUMNS, article_path, image_path
from content.demo._vocab_agencies import TOWN_POWERS, PowerSpec
from content.enums import ChartKind, EntityType, FileType, PowerStatus, PowerType, RiskLevel
from content.ids import stable_id
from content.models import (
    Attachment,
    DutyStep,
    Flowchart,
    FlowStep,
    LegalBasis,
    PowerItem,
    RiskPoint,
)
from content.normalize import parse_power_type, split_legal_basis

if TYPE_CHECKING:
    import random

    from content.demo._agencies import AgencyInfo

POWER_ITEMS = 526
WITH_FLOWCHART = 312
TOWN_ITEMS_EACH = 4
PROVINCE_CODE = "36"  # Jiangxi, the first two digits of an item code


def build_power_items(ctx: Context, agencies: list[AgencyInfo]) -> list[PowerItem]:
    """Pick 526 items from the units' and towns' lists and fill in every field.

    Flowcharts: of the 312 items that have one, about a third have only drawn
    steps, a third only a published image, and a third both.
    """
    rng = ctx.rng("powers")
    towns = [info for info in agencies if info.agency.scope != "county"]
    units = [info for info in agencies if info.spec is not None and info.spec.powers]
    town_picks = [(info, spec) for info in towns for spec in TOWN_POWERS[:TOWN_ITEMS_EACH]]
    unit_pool = [(info, spec) for info in units for spec in info.spec.powers]  # type: ignore[union-attr]
    wanted = POWER_ITEMS - len(town_picks)
    keep = set(rng.sample(range(len(unit_pool)), wanted))
    picks = [pair for index, pair in enumerate(unit_pool) if index in keep] + town_picks
    chart_modes = ["steps"] * 104 + ["image"] * 104 + ["both"] * 104
    chart_modes += [""] * (len(picks) - len(chart_modes))
    rng.shuffle(chart_modes)
    column = COLUMNS["qlqd"]
    published = date(ctx.as_of.year, 3, 15)
    serials: dict[tuple[int, str], int] = {}
    items: list[PowerItem] = []
    for (info, spec), mode in zip(picks, chart_modes, strict=True):
        serial = serials.get((info.number, spec.type_code), 0) + 1
        serials[info.number, spec.type_code] = serial
        code = f"{PROVINCE_CODE}{spec.type_code}{info.number:02d}{serial:03d}000"
        number = ctx.article_number()
        path = article_path(column, published, number)
        power_type = parse_power_type(spec.type_code)
        flowchart = None
        if mode:
            image = None
            if mode in {"image", "both"}:
                image = Attachment(
                    name=f"{spec.name}流程图.png",
                    url=ctx.url(image_path(column, published, number, 1, "png")),
                    file_type=FileType.PNG,
                )
            steps = _flow_steps(power_type, rng) if mode in {"steps", "both"} else ()
            flowchart = Flowchart(chart_kind=_chart_kind(power_type), image=image, steps=steps)
        item = PowerItem(
            id=stable_id(EntityType.POWER_ITEM, code),
            scope=info.agency.scope,
            provenance=ctx.provenance(column, path),
            item_code=code,
            name=spec.name,
            power_type=power_type,
            power_type_code=spec.type_code,
            legal_basis=_legal_basis(spec),
            implementing_body=info.agency.name,
            agency_id=info.agency.id,
            undertaking_unit=_undertaking_unit(power_type),
            levels=("乡级",) if info.agency.scope != "county" else ("县级",),
            statutory_time_limit=_STATUTORY.get(power_type),
            promised_time_limit=_PROMISED.get(power_type),
            fee="不收费" if rng.random() < 0.92 else "按国家规定标准收取",
            duties=_duties(power_type),
            accountability_cases=_ACCOUNTABILITY,
            accountability_basis=(
                "《中华人民共和国公务员法》",
                "《行政机关公务员处分条例》",
                "《江西省行政执法责任制规定》",
            ),
            risk_points=_risk_points(power_type, rng),
            flowchart=flowchart,
            supervision_phone=info.supervision_phone,
            status=PowerStatus.DELEGATED if rng.random() < 0.01 else PowerStatus.IN_FORCE,
            list_year=ctx.as_of.year,
        )
        items.append(sealed(item))
    return items


def _legal_basis(spec: PowerSpec) -> tuple[LegalBasis, ...]:
    return tuple(
        LegalBasis(level=part.level, title=part.title, article=part.article, text=part.text)
        for part in split_legal_basis(spec.basis)
    )


def _chart_kind(power_type: PowerType) -> ChartKind:
    if power_type is PowerType.ADMINISTRATIVE_LICENSE:
        return ChartKind.LICENSE
    return ChartKind.GENERAL_PROCEDURE


def _undertaking_unit(power_type: PowerType) -> str:
    return {
        PowerType.ADMINISTRATIVE_LICENSE: "行政审批股",
        PowerType.ADMINISTRATIVE_PENALTY: "综合行政执法大队",
        PowerType.ADMINISTRATIVE_COERCION: "综合行政执法大队",
        PowerType.ADMINISTRATIVE_INSPECTION: "监督检查股",
        PowerType.ADMINISTRATIVE_LEVY: "财务股",
        PowerType.ADMINISTRATIVE_PAYMENT: "社会事务股",
    }.get(power_type, "办公室")


_STATUTORY = {
    PowerType.ADMINISTRATIVE_LICENSE: "20个工作日",
    PowerType.ADMINISTRATIVE_PENALTY: "自立案之日起90日",
    PowerType.ADMINISTRATIVE_CONFIRMATION: "20个工作日",
    PowerType.ADMINISTRATIVE_PAYMENT: "30日",
}
_PROMISED = {
    PowerType.ADMINISTRATIVE_LICENSE: "5个工作日",
    PowerType.ADMINISTRATIVE_CONFIRMATION: "5个工作日",
    PowerType.ADMINISTRATIVE_PAYMENT: "15个工作日",
    PowerType.PUBLIC_SERVICE: "即办",
}

_ACCOUNTABILITY = (
    "（一）对符合条件的申请不予受理、不予办理的；",
    "（二）对不符合条件的申请违法批准、办理的；",
    "（三）未按规定时限办理，或者未说明理由、未告知权利的；",
    "（四）索取或者收受他人财物，或者谋取其他利益的；",
    "（五）其他违反法律法规规章规定的行为。",
)

_PENALTY_DUTIES = (
    ("立案", "对发现的涉嫌违法行为进行初步审查，符合立案条件的，予以立案。", "7个工作日"),
    ("调查取证", "指定两名以上执法人员调查取证，出示执法证件，全面、客观、公正地收集证据。", None),
    ("审理", "对案件违法事实、证据、调查取证程序、法律适用、处罚种类和幅度进行审理。", None),
    ("告知", "作出处罚决定前，告知当事人拟作出处罚的事实、理由、依据及依法享有的权利。", None),
    ("决定", "根据审理情况决定是否予以行政处罚，重大案件经集体讨论决定。", None),
    ("送达", "行政处罚决定书在宣告后当场交付当事人，或在7日内依法送达。", "7日"),
    ("执行", "督促当事人履行行政处罚决定，依法申请人民法院强制执行。", None),
    ("其他", "法律法规规章规定应履行的其他责任。", None),
)
_LICENSE_DUTIES = (
    ("受理", "公示许可条件、程序、期限和所需材料，一次性告知补正材料，依法受理或不予受理。", None),
    ("审查", "对申请材料进行审查，需要现场核查的，指派两名以上工作人员核查。", None),
    ("决定", "作出准予或者不予许可的决定，不予许可的书面说明理由。", None),
    ("送达", "准予许可的，依法制作并送达许可证件，公开许可结果。", "10个工作日"),
    ("事后监管", "对被许可人从事许可事项的活动实施监督检查。", None),
    ("其他", "法律法规规章规定应履行的其他责任。", None),
)
_GENERIC_DUTIES = (
    ("受理", "依法受理申请或者启动程序，告知办理条件和所需材料。", None),
    ("审查", "对材料和情况进行审查核实，必要时实地核查。", None),
    ("决定", "依法作出决定并说明理由。", None),
    ("其他", "法律法规规章规定应履行的其他责任。", None),
)


def _duties(power_type: PowerType) -> tuple[DutyStep, ...]:
    table = {
        PowerType.ADMINISTRATIVE_PENALTY: _PENALTY_DUTIES,
        PowerType.ADMINISTRATIVE_LICENSE: _LICENSE_DUTIES,
    }.get(power_type, _GENERIC_DUTIES)
    return tuple(
        DutyStep(seq=seq, stage=f"{stage}责任", content=content, time_limit=limit)
        for seq, (stage, content, limit) in enumerate(table, start=1)
    )


def _risk_points(power_type: PowerType, rng: random.Random) -> tuple[RiskPoint, ...]:
    if rng.random() > 0.35:
        return ()
    stage = "调查取证" if power_type is PowerType.ADMINISTRATIVE_PENALTY else "审查"
    return (
        RiskPoint(
            stage=stage,
            manifestation="不按规定程序办理，或者利用职务便利为他人谋取利益。",
            level=rng.choice((RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)),
            control_measures="实行两人以上共同办理，全程记录，结果公开，接受监督。",
            owner="承办股室负责人",
        ),
    )


def _flow_steps(power_type: PowerType, rng: random.Random) -> tuple[FlowStep, ...]:
    if power_type is PowerType.ADMINISTRATIVE_PENALTY:
        hearing = rng.random() < 0.6
        steps = [
            FlowStep(
                step_id="s1",
                name="立案",
                actor="执法人员",
                description="发现违法线索，审查决定是否立案",
                time_limit="7个工作日",
                outputs=("《立案审批表》",),
                next=("s2", "s1x"),
            ),
            FlowStep(
                step_id="s1x",
                name="不予立案",
                description="不符合立案条件的，不予立案",
                condition="不符合立案条件",
            ),
            FlowStep(
                step_id="s2",
                name="调查取证",
                actor="两名以上执法人员",
                description="出示证件，询问当事人，收集证据",
                outputs=("《询问笔录》", "《现场检查笔录》"),
                next=("s3",),
                condition="符合立案条件",
            ),
            FlowStep(
                step_id="s3",
                name="审理",
                actor="法制审核机构",
                description="审核事实、证据、程序和法律适用",
                next=("s4",),
            ),
            FlowStep(
                step_id="s4",
                name="告知",
                description="告知拟处罚内容及陈述、申辩、听证权利",
                outputs=("《行政处罚事先告知书》",),
                next=("s5", "s6") if hearing else ("s6",),
            ),
        ]
        if hearing:
            steps.append(
                FlowStep(
                    step_id="s5",
                    name="听证",
                    description="当事人申请的，依法组织听证",
                    condition="当事人申请听证",
                    outputs=("《听证笔录》",),
                    next=("s6",),
                )
            )
        steps += [
            FlowStep(
                step_id="s6",
                name="决定",
                actor="负责人或集体讨论",
                description="作出处罚或不予处罚决定",
                outputs=("《行政处罚决定书》",),
                next=("s7",),
            ),
            FlowStep(
                step_id="s7",
                name="送达",
                time_limit="7日",
                description="宣告后当场交付或依法送达",
                next=("s8",),
            ),
            FlowStep(step_id="s8", name="执行", description="当事人履行，逾期不履行的依法强制执行"),
        ]
        return tuple(steps)
    if power_type is PowerType.ADMINISTRATIVE_LICENSE:
        return (
            FlowStep(
                step_id="s1", name="申请", actor="申请人", description="提交申请材料", next=("s2",)
            ),
            FlowStep(
                step_id="s2",
                name="受理",
                actor="窗口工作人员",
                description="审查材料是否齐全、符合法定形式",
                next=("s3", "s2x"),
            ),
            FlowStep(
                step_id="s2x",
                name="补正材料",
                description="一次性告知需补正的全部内容",
                condition="材料不齐全或不符合法定形式",
                next=("s2",),
            ),
            FlowStep(
                step_id="s3",
                name="审查",
                actor="承办股室",
                description="审查申请材料，必要时现场核查",
                condition="材料齐全",
                next=("s4",),
            ),
            FlowStep(
                step_id="s4",
                name="决定",
                actor="负责人",
                description="作出准予或不予许可决定",
                time_limit="20个工作日",
                next=("s5",),
            ),
            FlowStep(
                step_id="s5",
                name="送达",
                description="颁发证件或送达不予许可决定书",
                outputs=("许可证件",),
            ),
        )
    return (
        FlowStep(step_id="s1", name="启动", description="依申请或依职权启动", next=("s2",)),
        FlowStep(
            step_id="s2",
            name="审查",
            actor="承办股室",
            description="审查核实有关情况",
            next=("s3",),
        ),
        FlowStep(
            step_id="s3", name="决定", actor="负责人", description="依法作出决定", next=("s4",)
        ),
        FlowStep(step_id="s4", name="告知", description="告知结果并公开"),
    )
