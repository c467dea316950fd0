"""Words and codes from county pages mapped onto the content enums."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from content.enums import FileType, LegalBasisLevel, NoticeKind, PowerType, ProjectStatus, Validity
from content.errors import NormalizeError
from content.normalize._text import normalize_label, normalize_space

# Liaoning-style 事项类型 codes (domain.md 1.3); 07/08 inferred, 99 a local "other".
_POWER_CODES: dict[str, PowerType] = {
    "01": PowerType.ADMINISTRATIVE_LICENSE,
    "02": PowerType.ADMINISTRATIVE_PENALTY,
    "03": PowerType.ADMINISTRATIVE_COERCION,
    "04": PowerType.ADMINISTRATIVE_LEVY,
    "05": PowerType.ADMINISTRATIVE_PAYMENT,
    "06": PowerType.ADMINISTRATIVE_INSPECTION,
    "07": PowerType.ADMINISTRATIVE_CONFIRMATION,
    "08": PowerType.ADMINISTRATIVE_AWARD,
    "09": PowerType.ADMINISTRATIVE_ADJUDICATION,
    "10": PowerType.OTHER_POWER,
    "20": PowerType.PUBLIC_SERVICE,
    "99": PowerType.UNKNOWN,
}
_POWER_NAMES: dict[str, PowerType] = {
    "许可": PowerType.ADMINISTRATIVE_LICENSE,
    "审批": PowerType.ADMINISTRATIVE_LICENSE,
    "处罚": PowerType.ADMINISTRATIVE_PENALTY,
    "强制": PowerType.ADMINISTRATIVE_COERCION,
    "征收": PowerType.ADMINISTRATIVE_LEVY,
    "给付": PowerType.ADMINISTRATIVE_PAYMENT,
    "检查": PowerType.ADMINISTRATIVE_INSPECTION,
    "确认": PowerType.ADMINISTRATIVE_CONFIRMATION,
    "奖励": PowerType.ADMINISTRATIVE_AWARD,
    "裁决": PowerType.ADMINISTRATIVE_ADJUDICATION,
    "其他行政权力": PowerType.OTHER_POWER,
    "其他权力": PowerType.OTHER_POWER,
    "其他职权": PowerType.OTHER_POWER,
    "公共服务": PowerType.PUBLIC_SERVICE,
    "其他": PowerType.UNKNOWN,
}

# Ordered: the first word found in the text wins, so longer phrases come first.
_STATUS_WORDS: tuple[tuple[str, ProjectStatus], ...] = (
    # Negations first: 未按序时 is behind, 未完成 is still under way.
    ("未按序时", ProjectStatus.BEHIND),
    ("未达序时", ProjectStatus.BEHIND),
    ("未完成", ProjectStatus.IN_PROGRESS),
    ("未竣工", ProjectStatus.IN_PROGRESS),
    ("未开工", ProjectStatus.NOT_STARTED),
    ("未启动", ProjectStatus.NOT_STARTED),
    ("超序时", ProjectStatus.AHEAD),
    ("提前", ProjectStatus.AHEAD),
    ("慢序时", ProjectStatus.BEHIND),
    ("滞后", ProjectStatus.BEHIND),
    ("缓慢", ProjectStatus.BEHIND),
    ("按序时", ProjectStatus.ON_SCHEDULE),
    ("序时推进", ProjectStatus.ON_SCHEDULE),
    ("正常推进", ProjectStatus.ON_SCHEDULE),
    ("已完成", ProjectStatus.COMPLETED),
    ("已竣工", ProjectStatus.COMPLETED),
    ("完成", ProjectStatus.COMPLETED),
    ("前期", ProjectStatus.PREPARING),
    ("暂停", ProjectStatus.SUSPENDED),
    ("停工", ProjectStatus.SUSPENDED),
    ("缓建", ProjectStatus.SUSPENDED),
    ("已开工", ProjectStatus.IN_PROGRESS),
    ("在建", ProjectStatus.IN_PROGRESS),
    ("进行中", ProjectStatus.IN_PROGRESS),
    ("正在推进", ProjectStatus.IN_PROGRESS),
    ("推进中", ProjectStatus.IN_PROGRESS),
    ("正在实施", ProjectStatus.IN_PROGRESS),
)

_VALIDITY_WORDS: tuple[tuple[str, Validity], ...] = (
    ("废止", Validity.REPEALED),
    ("失效", Validity.INVALID),
    ("无效", Validity.INVALID),
    ("已过期", Validity.INVALID),
    ("修改", Validity.AMENDED),
    ("修订", Validity.AMENDED),
    ("有效", Validity.VALID),
)

_NOTICE_WORDS: tuple[tuple[str, NoticeKind], ...] = (
    ("公示", NoticeKind.PUBLICITY),
    ("通报", NoticeKind.CIRCULAR),
    ("公告", NoticeKind.ANNOUNCEMENT),
    ("通告", NoticeKind.ANNOUNCEMENT),
    ("通知", NoticeKind.NOTICE),
    ("动态", NoticeKind.NEWS),
    ("新闻", NoticeKind.NEWS),
)

_LEVEL_MARKERS: dict[str, LegalBasisLevel] = {
    "法律": LegalBasisLevel.LAW,
    "行政法规": LegalBasisLevel.ADMINISTRATIVE_REGULATION,
    "地方性法规": LegalBasisLevel.LOCAL_REGULATION,
    "规章": LegalBasisLevel.RULE,
    "部门规章": LegalBasisLevel.RULE,
    "地方政府规章": LegalBasisLevel.RULE,
    "规范性文件": LegalBasisLevel.NORMATIVE_DOCUMENT,
    "其他": LegalBasisLevel.OTHER,
}
_MARKER = re.compile(r"【([^】]{1,8})】")
_LAW_TITLE = re.compile(r"《[^》]+》")
_ARTICLE = re.compile(
    r"第[一二三四五六七八九十百千零〇\d]+条(?:第[一二三四五六七八九十\d]+[款项])?"
)
_KEYWORD_SPLIT = re.compile(r"[\s,，、;；|/]+")

_E = TypeVar("_E")

_EXTENSIONS: dict[str, FileType] = {member.value: member for member in FileType}
_EXTENSIONS |= {"jpeg": FileType.JPG, "other": FileType.OTHER}


@dataclass(frozen=True, slots=True)
class LegalBasisPart:
    """One legal basis cut out of a 依据 text.

    Attributes:
        level: the rank from its 【…】 marker, ``OTHER`` when unmarked.
        title: the law's title with its 《》, when present.
        article: the article reference, e.g. ``第二十九条``.
        text: the whole clause as published.
    """

    level: LegalBasisLevel
    title: str | None
    article: str | None
    text: str


def parse_power_type(value: str | int) -> PowerType:
    """Map a power-type code (``"01"``, ``1``, ``"20"``) or name to the enum.

    Names may carry the 行政 prefix or a 类 suffix (``行政许可类``, ``许可``).

    Raises:
        NormalizeError: neither a known code nor a known name.
    """
    text = normalize_label(unicodedata.normalize("NFKC", str(value)))
    if text.isdigit():
        found = _POWER_CODES.get(text.zfill(2))
        if found is None:
            raise NormalizeError("power_type", value, "unknown code")
        return found
    word = text.removesuffix("类").removesuffix("事项")
    if word in _POWER_NAMES:
        return _POWER_NAMES[word]
    stem = word.removeprefix("行政")
    if stem in _POWER_NAMES:
        return _POWER_NAMES[stem]
    raise NormalizeError("power_type", value, "unknown name")


def parse_project_status(text: str) -> ProjectStatus:
    """Map a progress word (按序时, 慢序时, 已完成, 正在开展前期工作 …) to the enum.

    Raises:
        NormalizeError: no known status word in the text.
    """
    return _first_word("project_status", text, _STATUS_WORDS)


def parse_validity(value: str | int | bool | None) -> Validity:  # noqa: FBT001
    """Map 有效性 / 效力状态 text, or a JSON flag such as ``"1"``, to the enum.

    Empty or missing values are ``UNKNOWN``; unrecognised text raises.

    Raises:
        NormalizeError: text that names no known validity.
    """
    if value is None or value == "" or value in {"未标注", "未知", "—", "/"}:
        return Validity.UNKNOWN
    if isinstance(value, bool):
        return Validity.VALID if value else Validity.INVALID
    text = normalize_label(str(value))
    if text in {"1", "是"}:
        return Validity.VALID
    if text in {"0", "否"}:
        return Validity.INVALID
    if text in {"现行有效", "有效", "生效"}:
        return Validity.VALID
    return _first_word("validity", text, _VALIDITY_WORDS)


def parse_notice_kind(text: str, *, default: NoticeKind | None = None) -> NoticeKind:
    """Guess a notice's kind from its title or genre word.

    Raises:
        NormalizeError: no kind word and no default given.
    """
    try:
        return _first_word("notice_kind", text, _NOTICE_WORDS)
    except NormalizeError:
        if default is None:
            raise
        return default


def file_type_of(name_or_url: str) -> FileType:
    """The attachment type from a file name or URL's extension (``OTHER`` if unknown)."""
    path = unquote(urlsplit(name_or_url).path or name_or_url)
    _, dot, ext = path.rpartition(".")
    if not dot:
        return FileType.OTHER
    return _EXTENSIONS.get(ext.lower().strip(), FileType.OTHER)


def split_keywords(text: str) -> list[str]:
    """Split 关键词 text on spaces, commas, 、 and semicolons, dropping blanks."""
    seen: dict[str, None] = {}
    for word in _KEYWORD_SPLIT.split(normalize_space(text)):
        if word:
            seen.setdefault(word)
    return list(seen)


def split_legal_basis(text: str) -> list[LegalBasisPart]:
    """Cut a 依据 text into its clauses at 【法律】【行政法规】… markers.

    Text before the first marker, or text with no markers, becomes one clause
    of level ``OTHER``. Each clause keeps its full text; title and article are
    picked out when present.
    """
    parts: list[LegalBasisPart] = []
    markers = list(_MARKER.finditer(text))
    head = text[: markers[0].start()] if markers else text
    if normalize_space(head):
        parts.append(_basis_part(LegalBasisLevel.OTHER, head))
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        level = _LEVEL_MARKERS.get(normalize_label(marker.group(1)), LegalBasisLevel.OTHER)
        body = text[marker.end() : end]
        if normalize_space(body):
            parts.append(_basis_part(level, body))
    return parts


def _basis_part(level: LegalBasisLevel, body: str) -> LegalBasisPart:
    clean = normalize_space(body)
    title = _LAW_TITLE.search(clean)
    article = _ARTICLE.search(clean)
    return LegalBasisPart(
        level=level,
        title=title.group(0) if title else None,
        article=article.group(0) if article else None,
        text=clean,
    )


def _first_word(kind: str, text: str, table: tuple[tuple[str, _E], ...]) -> _E:
    clean = normalize_label(text)
    for word, member in table:
        if word in clean:
            return member
    raise NormalizeError(kind, text)


# Only clauses that begin with 分管/联系 list units ("协助分管县领导…" does not).
_SUPERVISED = re.compile(r"(?:^|[。；;])\s*分管([^。；;]+)")
_LIAISON = re.compile(r"(?:^|[。；;])\s*联系([^。；;]+)")


def split_duty_units(text: str) -> tuple[list[str], list[str]]:
    """The units a leader supervises (分管…) and liaises with (联系…), best effort.

    ``"负责…工作。分管县财政局、县审计局。联系县税务局。"`` gives
    ``(["县财政局", "县审计局"], ["县税务局"])``.
    """
    supervised = [u for m in _SUPERVISED.finditer(text) for u in _units(m.group(1))]
    liaison = [u for m in _LIAISON.finditer(text) for u in _units(m.group(1))]
    return supervised, liaison


def _units(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,]", text) if part.strip()]
