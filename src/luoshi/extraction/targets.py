"""Quantitative targets (目标指标) from normalized plan text: prose clauses and indicator tables.

A target is an aim with a quantity and a year (Climate Policy Radar's test), e.g.
"到2025年，PM2.5浓度27微克/立方米左右". Rules, not a model: plans state targets in a small
set of forms (达X%以上, 不低于, 比2020年下降, 完成省下达任务 …) and a rule keeps every
decision explainable. The conventions are written up in docs/targets.md.

Pure: text in, records out. Spans are ``[start, end)`` offsets into the given text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from luoshi.extraction.indicator_tables import DELEGATED as _DELEG_RE
from luoshi.extraction.indicator_tables import PLAN_PERIOD as _PLAN_PERIOD
from luoshi.extraction.indicator_tables import WATER_CLASS as _CLASS
from luoshi.extraction.indicator_tables import (
    IndicatorTable,
    TaskTable,
    table_header,
    table_row,
    table_year,
    task_cell,
    task_table_header,
)
from luoshi.extraction.model import Comparator, Target
from luoshi.extraction.numbers import (
    ARABIC_NUMBER,
    CN_NUMBER,
    CN_NUMERAL_CHARS,
    chinese_to_int,
    parse_number,
)
from luoshi.extraction.units import COUNT_UNIT, UNIT_PATTERN, canonical_unit

__all__ = ["extract_targets"]


def _alt(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


# --- vocabulary -------------------------------------------------------------------------------
GE = "快于 不低于 不少于 不小于 至少 超过 高于 大于 多于 突破 超 达到或超过 以上"
LE = "不高于 不超过 不大于 低于 小于 控制在 控制到"
APPROX = "约 大约 约为"
LEVEL = (
    "达到 达 为 保持在 保持 稳定在 稳定达到 维持在 提高到 提高至 提升到 提升至 增至 增加到 增加至 "
    "增长到 增长至 上升到 上升至 降至 降到 下降到 下降至 降低到 降低至 减少到 减少至 减至 压减至 "
    "压减到 占 实现 达成 恢复到 分别达到 分别为"
)
DEC = "下降 降低 减少 削减 压减 压降"
INC = "增长 提高 提升 增加 上升 净增 翻"
ACTION = (
    "建成 建设 创建 新建 打造 培育 形成 总结形成 引进 完成 落地 开设 投放 累放 发放 提供 获得 "
    "争创 认定 建立 设立 招引 新增 撬动 办理 开展 推出 创成 新改建 改造 实施 推广 组建"
)
ADV = "累计 合计 总计 共计 力争 确保 争取 努力 力促 均 分别 都 全部 每年 年均 进一步 要 将 并 且 再 持续 全面 稳步 基本 逐步"
_KIND = {w: k for k, ws in (("ge", GE), ("le", LE), ("approx", APPROX), ("level", LEVEL),
                             ("dec", DEC), ("inc", INC), ("action", ACTION), ("adv", ADV))
         for w in ws.split()}  # fmt: skip
_TAIL_RE = re.compile(
    rf"(?:(?P<base>(?:比|较|与|相比|同|相对于?|在)(?:(?P<by>(?:19|20)\d{{2}})年(?:底|末)?|上年度?|去年|年初|上年末)(?:的?基础上|相比|水平)?|同比)"
    rf"|(?P<tok>{_alt(GE + ' ' + LE + ' ' + APPROX + ' ' + LEVEL + ' ' + DEC + ' ' + INC + ' ' + ACTION + ' ' + ADV)}))$"
)
_BOUND_RE = re.compile(r"^(?:及以上|以上|及以下|以下|以内|左右|上下)")
_BOUND_KIND = {
    "及以上": "ge",
    "以上": "ge",
    "及以下": "le",
    "以下": "le",
    "以内": "le",
    "左右": "approx",
    "上下": "approx",
}
_QTY_RE = re.compile(
    rf"(?<![A-Za-z0-9.\-_/+~])(?P<num>{ARABIC_NUMBER})(?:\s*[-—–~～至到](?P<hi>{ARABIC_NUMBER}))?"
    rf"(?P<unit>{UNIT_PATTERN})?"
    rf"|(?<![第{CN_NUMERAL_CHARS}])(?P<cnum>{CN_NUMBER})(?P<cunit>个|家|座|项|条|处|所|张|场)"
    r"|(?P<pct>百分之百)|(?P<double>翻一番|翻两番|翻番|倍增(?![计行工项]))|(?P<frac>[一二三四五六七八九十]+分之[一二三四五六七八九十]+)"
    r"|(?<=[保持达到为在于])(?P<cls>[ⅠⅡⅢⅣⅤ]|IV|V|I{1,3})类(?![水断比])"
)
_NOT_QTY_AFTER = re.compile(r"^(?:年|月|日|号|期|届|岁|周岁|版|次会|\+|\.\d|号文)")
_YEAR_RE = re.compile(
    r"(?P<pre>到|至|在|于|截至|截止|从|自)?(?P<y>(?:19|20)\d{2})年(?:(?P<m>1[0-2]|[1-9])月)?(?P<end>底|末)?(?P<before>前|以前|之前)?"
)
_MASK_RE = re.compile(
    r"《[^》]*》|〔[^〕]*〕|“[^”]{0,12}”|（[^（）]*）|\([^()]*\)|[A-Z]{1,4}\s?/?T?\s?\d+[\d.\-—]*"
)
_PAST_RE = re.compile(
    r"已经|已|完成了|实现了|达到了|取得了|分别为|首次|以来|截至|截止|十三五|同比下降|较上年|比上年下降|是\d{4}年的"
)
_FUTURE_RE = re.compile(r"到(?:19|20)\d{2}|(?:19|20)\d{2}年(?:\d{1,2}月)?底?前|力争|确保|争取|目标")
_FORECAST_RE = re.compile(r"预计|预测|有望")
_SCOPE_RE = re.compile(
    r"^(?:全市域|全市|全省|全区|全县|全国|市域|全域|我市|我省|主城区|中心城区|市区|市本级"
    r"|各县（市、区）|各县\(市、区\)|各设区市|各地|各市|各区|试点[县市区]|涉农县（市、区）"
    r"|[\u4e00-\u9fff]{2}(?:、[\u4e00-\u9fff]{2})*(?:等有条件)?地区(?!生产总值)"
    r"|(?![城都超本全各我该省设])[\u4e00-\u9fff]{2}市(?:区|域)?(?![场民政级内外容属辖])|(?![全各我该本])[\u4e00-\u9fff]{2}省(?![级内外委政]))"
)
_LEAD_TRIM = re.compile(
    r"^(?:(?:到|至|在|于)?(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前)?|力争|确保|争取|努力|力促|推动|推进|实现|"
    r"全面|持续|稳步|进一步|基本|逐步|大力|着力|积极|加快|切实|有效|使|让|将|并|且|同时|其中|以及|和|均|要|"
    r"每年|全年|年内|建设(?!用地)|建成(?!区)|创建|打造|开展|——|—|、|，|：|\s)+"
)
_TRAIL_TRIM = re.compile(r"(?:的|均|都|分别|要|将|力争|确保|、|，|\s)+$")
_SUFFIX_RE = re.compile(
    r"(?:率|比例|比重|占比|浓度|面积|量|能耗|排放|强度|指数|数量|总量|规模|水平|天数|产值|增加值|金额|额|"
    r"里程|长度|容量|能力|覆盖面|增速|比率|数|水质|密度|目标|任务|指标|减排)(?:（[^（）]*）)?$"
)
_ENUM_SPLIT = re.compile(r"、|”“")
_TASK_START = re.compile(
    r"^(?:推进|推动|实施|加强|开展|建立|健全|完善|强化|深化|落实|加快|严格|提升|构建|建设|打造|培育|鼓励|"
    r"支持|引导|探索|坚持|优化|扩大|组织|制定|编制|发挥|积极|大力|全面|深入|着力|切实|依法|按照|围绕|结合|"
    r"统筹|做好|抓好|促进|加大|规范|实行|执行|建成|开发|防控|聚焦|对|以|在|通过|依托|利用)"
)
_STRUCT_RE = re.compile(
    r"^(?P<chap>第[一二三四五六七八九十百零〇\d]+[章篇]|第[一二三四五六七八九十\d]+部分)"
    r"|^(?P<sec>第[一二三四五六七八九十\d]+节)|^(?P<cn>[一二三四五六七八九十]+、)"
    r"|^(?P<pcn>（[一二三四五六七八九十]+）)|^(?P<ar>\d{1,2}[．.、](?!\d))"
)
_RETRO_HEAD = re.compile(
    r"发展基础|取得的成效|取得成效|主要成效|工作回顾|发展现状|面临的?形势|存在的?主要问题|存在问题|基础与形势|形势分析"
)
_ANNUAL_RE = re.compile(r"((?:19|20)\d{2})年度")
_SENT_END = "。！？!?"
_CLAUSE_SEP = "，；：。！？,;"


@dataclass
class _State:
    default_year: int | None
    retro_level: int | None = None
    bullet_year: int | None = None  # year of the last paragraph that opened with 到YYYY年
    list_year: int | None = None  # year of a "…：" paragraph, inherited by its items
    block_start: int = 0  # index in ``out`` of the first target of the last prose block
    out: list[Target] = field(default_factory=list)


@dataclass(frozen=True)
class _Tail:
    head: str  # left context with comparison words, adverbs and verbs stripped off its end
    kinds: tuple[str, ...]
    words: tuple[str, ...]
    baseline: int | None
    has_base: bool
    action: str | None  # the verb nearest the head ("提供" in 为各类市场主体提供120亿元的融资支持)


def _strip_tail(left: str) -> _Tail:
    kinds: list[str] = []
    words: list[str] = []
    baseline: int | None = None
    has_base = False
    action: str | None = None
    head = left
    while (m := _TAIL_RE.search(head)) and m.start() < m.end():
        if m.group("base"):
            has_base = True
            baseline = int(m.group("by")) if m.group("by") else baseline
            kinds.append("base")
        else:
            kind = _KIND[m.group("tok")]
            kinds.append(kind)
            words.append(m.group("tok"))
            if kind == "action":
                action = m.group("tok")
        head = head[: m.start()]
    return _Tail(head, tuple(kinds), tuple(words), baseline, has_base, action)


def _comparator(kinds: tuple[str, ...], bound: str | None, words: tuple[str, ...]) -> Comparator:
    if "inc" in kinds and not any(w.endswith(("到", "至")) for w in words):
        return "increase_by"
    if "dec" in kinds and not any(w.endswith(("到", "至")) for w in words):
        return "decrease_by"
    if bound:
        kind = _BOUND_KIND[bound]
        return ">=" if kind == "ge" else "<=" if kind == "le" else "≈"
    for kind in kinds:
        if kind in ("ge", "le", "approx"):
            return ">=" if kind == "ge" else "<=" if kind == "le" else "≈"
    return "="


def _trim(s: str) -> tuple[str, str | None]:
    """Indicator phrase and separable scope from raw left context."""
    s = _LEAD_TRIM.sub("", s)
    scope = None
    if (k := max(s.rfind("力争"), s.rfind("确保"))) > 0:
        s = _LEAD_TRIM.sub("", s[k:])  # 政策期内力争发放激励资金 → 发放激励资金
    m = _SCOPE_RE.match(s)
    if m and (len(s) - m.end() >= 2 or m.end() == len(s)):
        scope = m.group()
        s = _LEAD_TRIM.sub("", s[m.end() :])
    s = _TRAIL_TRIM.sub("", s)
    return s, scope


def _complete(part: str, last: str) -> str:
    """Complete an enumerated item from the last one: 城市、乡镇生活污水集中收集率 → 城市生活污水集中收集率."""
    for k in (2, 1):
        if len(part) > k and (i := last.find(part[-k:])) > 0:
            return part + last[i + k :]
    i = part.rfind(last[0])
    if i > 0:
        return part + last[len(part) - i :]
    return part + last[len(part) :] if len(last) > len(part) else part


def _enum_parts(head: str) -> list[str]:
    """Split on top-level 、 (not inside brackets or quotes) and between adjacent quotes."""
    parts: list[str] = []
    depth = 0
    cur = ""
    for i, ch in enumerate(head):
        if ch in "（(“":
            depth += 1
        elif ch in "）)”":
            depth -= 1
        if depth == 0 and ch == "、":
            parts.append(cur)
            cur = ""
            continue
        cur += ch
        if depth == 0 and ch == "”" and head[i + 1 : i + 2] == "“":
            parts.append(cur)
            cur = ""
    parts.append(cur)
    return parts


def _split_enum(head: str, n: int, force: bool) -> list[str]:
    """Indicator names for ``n`` values: 城市、乡镇生活污水集中收集率提升至75%、65% → two names;
    A率、B率完成省定目标 → two; 国、省考断面…比例 (a one-character item) stays whole."""
    parts = _enum_parts(head)
    if n > 1 and len(parts) != n and "和" in head:
        parts = [p for x in parts for p in x.split("和")]
    elif n == 1 and len(parts) == 1 and "和" in head:
        halves = head.split("和")
        if force or all(_SUFFIX_RE.search(_trim(h)[0]) for h in halves):
            parts = halves
    if len(parts) < 2 or any(len(p) < 2 for p in parts) or (n > 1 and len(parts) != n):
        return [head] * n
    if n == 1 and not force and not all(_SUFFIX_RE.search(p) for p in parts):
        return [head]
    last = parts[-1]
    if (
        (k := parts[0].rfind(last[0])) > 0
        and len(parts[0]) - k <= 3
        and not _SUFFIX_RE.search(parts[0])
    ):
        last = parts[0][:k] + last  # 营运货车和货船… → 营运货船…
    done = [
        p if _SUFFIX_RE.search(p) or p.endswith("”") else _complete(p, last) for p in parts[:-1]
    ]
    return done + [last]


def _mask(sent: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MASK_RE.finditer(sent)]


def _masked(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _years(sent: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, int | None]]:
    """Target years in a sentence: (position, year, month). Baselines and dates are left out."""
    found = []
    for m in _YEAR_RE.finditer(sent):
        if _masked(m.start("y"), spans) or re.match(
            r"\d{1,2}日|的基础上|基础上|相比|水平", sent[m.end() :]
        ):
            continue
        if (
            m.start() > 0
            and sent[max(0, m.start() - 2) : m.start()].endswith(
                ("比", "较", "与", "同", "对于", "于", "—", "-")
            )
            and not m.group("pre")
        ):
            continue
        month = int(m.group("m")) if m.group("m") else 12 if m.group("end") else None
        found.append((m.start(), int(m.group("y")), month))
    for m in _PLAN_PERIOD.finditer(sent):
        found.append((m.start(), {"四": 2025, "五": 2030, "六": 2035}[m.group(1)], None))
    return sorted(found)


def _sentences(para: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(para):
        if ch in _SENT_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(para):
        out.append((start, len(para)))
    return out


@dataclass
class _Ctx:
    sent: str
    offs: list[int] | range  # document offset of each character of sent
    years: list[tuple[int, int, int | None]]
    fallback: tuple[int, int | None] | None
    recurring: bool


def _year_at(ctx: _Ctx, pos: int) -> tuple[int | None, int | None]:
    before = [y for y in ctx.years if y[0] < pos]
    if before:
        return before[-1][1], before[-1][2]
    if ctx.fallback:
        return ctx.fallback
    return None, None


def _clause(sent: str, pos: int, end: int) -> tuple[int, int]:
    cs = max(sent.rfind(c, 0, pos) for c in _CLAUSE_SEP) + 1
    ce = min((i for c in _CLAUSE_SEP if (i := sent.find(c, end)) != -1), default=len(sent))
    return cs, ce


ROUTINE_FREQUENCY = re.compile(r"每(?:日|天|周|旬|月|季度?|半年)")


def _emit(st: _State, ctx: _Ctx, span: tuple[int, int], indicator: str, scope: str | None,
          comparator: Comparator, value: float | None, unit: str | None, pos: int,
          baseline: int | None = None) -> None:  # fmt: skip
    indicator = _TRAIL_TRIM.sub("", indicator)
    clause = ctx.sent[span[0] : span[1]]
    if unit == "次" and ROUTINE_FREQUENCY.search(clause):
        return  # 每月巡河不少于1次: a routine duty's frequency, not a plan target
    if (
        len(indicator) < 2
        or len(indicator) > 64
        or not re.search(r"[\u4e00-\u9fffA-Za-z]", indicator)
    ):
        return
    year, month = _year_at(ctx, pos)
    recurring = ctx.recurring and year is None
    if year is None and not recurring:
        year = st.default_year
    a, b = span
    st.out.append(Target(indicator, comparator, value, unit, year, ctx.sent[a:b], (ctx.offs[a], ctx.offs[b - 1] + 1),
                         scope, month, baseline, recurring))  # fmt: skip


def _delegated(st: _State, ctx: _Ctx) -> None:
    for m in _DELEG_RE.finditer(ctx.sent):
        cs, ce = _clause(ctx.sent, m.start(), m.end())
        head = _ADV_TAIL.sub("", ctx.sent[cs : m.start()])  # 降低/下降 stay: 能源消耗降低完成…
        force = bool(re.search(r"均$", ctx.sent[cs : m.start()]))
        if not _trim(head)[0]:
            head = re.sub(r"^(?:我省|我市|本市|本省)的?", "", m.group("obj")).lstrip("的")
            head = re.sub(r"（[ -~]*）", "", head) + (m.group("qty") or "")
        # 完成省下达的氮氧化物和挥发性有机物重点工程减排量: one target per pollutant
        force = force or bool(re.search(r"和.*减排$", head) or (m.group("qty") and "和" in head))
        if force and head.endswith("减排") and "和" in head:
            parts = [p + ("减排" if not p.endswith("减排") else "") for p in head.split("和")]
        else:
            parts = _split_enum(head, 1, force)
        for part in parts:
            ind, scope = _trim(part)
            _emit(st, ctx, (cs, ce), ind, scope, "delegated", None, None, m.start())


def _quantities(st: _State, ctx: _Ctx, spans: list[tuple[int, int]]) -> None:
    sent = ctx.sent
    qs = []
    for m in _QTY_RE.finditer(sent):
        if _masked(m.start(), spans):
            continue
        if m.group("num") is not None:
            if not m.group("unit") and _NOT_QTY_AFTER.match(sent[m.end() :]):
                continue
            if re.match(r"(?:19|20)\d{2}$", m.group("num")) and not m.group("unit"):
                continue
            value = parse_number(m.group("num"))
            unit = canonical_unit(m.group("unit")) if m.group("unit") else None
        elif m.group("cnum") is not None:
            n = chinese_to_int(m.group("cnum"))
            value, unit = (float(n) if n is not None else None), m.group("cunit")
        elif m.group("pct"):
            value, unit = 100.0, "%"
        elif m.group("frac"):
            frac = parse_number(m.group("frac"))  # 二分之一 → 50%: shares compare as percentages
            value, unit = (round(frac * 100, 2) if frac is not None else None), "%"
        elif m.group("double"):
            value, unit = (300.0 if "两" in m.group("double") else 100.0), "%"
        else:
            value, unit = float(_CLASS[m.group("cls")]), "类"
        if value is not None:
            qs.append((m, value, unit))
    i = 0
    while i < len(qs):
        # A group: values joined by 、/和 share one left context (分别达到50%和45%以上).
        j = i
        while j + 1 < len(qs) and re.fullmatch(
            r"(?:以上|左右|以下)?[、和及与]", sent[qs[j][0].end() : qs[j + 1][0].start()]
        ):
            j += 1
        prev_end = 0
        if i:
            prev_end = qs[i - 1][0].end()
            prev_end += len(b.group()) if (b := _BOUND_RE.match(sent[prev_end:])) else 0
        _group(st, ctx, qs[i : j + 1], prev_end)
        i = j + 1


_OBJ_BEFORE = re.compile(
    rf"^(?:(?:到|至|在|于)?(?:19|20)\d{{2}}年(?:\d{{1,2}}月)?底?前?|力争|确保|争取|每年|并|同时|全年|年内|计划|累计|新增|共|"
    rf"全市|全省|全区|全县|我市|我省|各地|为[^，]{{1,12}}?)*(?:{_alt(ACTION)})"
)
_DESCRIPTIVE = re.compile(r"^(?:对|按|从|向|以|给予)|(?:低至|高达|仅为|约占|之间)$")
# "X不少于Y的10%": a share of another quantity.
_SHARE_OF = re.compile(r"(?P<cmp>不少于|不低于|不高于|不超过|达到|占)(?P<of>[^，；]{2,20})的$")
_SHARE_CMP: dict[str, Comparator] = {"不少于": ">=", "不低于": ">=", "不高于": "<=", "不超过": "<="}
_SHARE_VERB = re.compile(
    r"面积|执行|达到|建成|实现|使用|采用|完成|满足|覆盖|纳入|接入|配备|安装|达标"
)
_ADV_TAIL = re.compile(rf"(?:{_alt(ADV)})+$")
# A count whose only left context is a verb (全年淘汰2000辆): the verb's object is in an
# earlier clause of the sentence (加快淘汰国四柴油货车 / 推进国三柴油货车淘汰).
_BARE_VERB = re.compile(
    r"淘汰|改造|治理|整治|关停|搬迁|替代|更新|清理|新建|建设|建成|完成|实施|推广|培育|创建|新增"
)


def _verb_object(before: str, verb: str) -> str:
    """``verb`` plus its object from the last earlier clause naming it, else ``verb`` alone."""
    for clause in reversed(re.split(r"[，；：]", before)):
        clause = _LEAD_TRIM.sub("", _TASK_START.sub("", clause.strip()))
        if clause.startswith(verb) and len(clause) > len(verb) + 1:
            return clause
        if clause.endswith(verb) and len(clause) > len(verb) + 1:
            return verb + clause[: -len(verb)]
    return verb
_CMP_KINDS = frozenset({"ge", "le", "approx", "level", "dec", "inc"})


def _group(
    st: _State, ctx: _Ctx, group: list[tuple[re.Match[str], float, str | None]], prev_end: int
) -> None:
    sent = ctx.sent
    first, last = group[0][0], group[-1][0]
    cs, ce = _clause(sent, first.start(), last.end())
    left = sent[max(cs, prev_end) : first.start()]
    right_full = sent[last.end() : ce]
    right = re.split(r"[、]", right_full)[0]
    if (
        re.search(r"已|预计", left)
        or _DESCRIPTIVE.search(left)
        or _DESCRIPTIVE.match(sent[cs:])
        or (first.group("double") and not left)
    ):
        return
    bm = _BOUND_RE.match(right)
    bound = bm.group() if bm else None
    rest = right[bm.end() :] if bm else right
    rest = re.sub(r"^（[^（）]*）", "", rest)  # 达到33.3%（全区3个断面）
    if first.group("cls"):
        rest = re.sub(r"^(?:标准|水质|水平|或更好)", "", rest)
        bound = {"以上": "以下", "及以上": "以下"}.get(bound or "", bound)  # Ⅱ类以上 is better: ≤ 2
    tail = _strip_tail(left)
    kinds = set(tail.kinds) | ({"inc"} if first.group("double") else set())
    unit = group[-1][2]
    head, scope = _trim(tail.head)
    if tail.kinds == ("action",) and (verb := re.match(r"完成|实施|开展", head)) and len(head) > verb.end() + 1:
        head = head[verb.end() :] + tail.words[0]  # 完成燃气锅炉低氮燃烧改造80台: the object is 改造
    is_count = unit is not None and bool(COUNT_UNIT.match(unit))
    if first.group("cls") and not {"level", "ge"} & kinds:
        return
    if rest and not head:
        # 建成3个以上省级生态清洁小流域 / 完成20%整治工作: the object follows the number.
        if tail.action is None or not (is_count or unit == "%"):
            return
        rest_full = right_full[len(right) - len(rest) :]
        obj = rest_full.rsplit("的", 1)[-1] if "的" in rest_full else _enum_parts(rest_full)[0]
        head, _ = _trim(rest_full if unit == "%" else obj)
        head += "完成比例" if unit == "%" and tail.action == "完成" else ""
        scope = scope or _trim(tail.head)[1]
    elif rest:
        if (
            unit == "%"
            and not kinds & _CMP_KINDS
            and tail.action is None
            and _SHARE_VERB.match(rest)
        ):
            # 城镇新建建筑100%执行绿色建筑标准 → the share that does so.
            head += (rest[2:] + "面积" if rest.startswith("面积") else rest) + "比例"
        elif unit == "%" and re.fullmatch(r"全?覆盖", rest):
            head += "覆盖率"  # 项目走访100%全覆盖
        elif rest.startswith("的") and tail.action:
            head += tail.action + rest[1:]
        else:
            return
    elif not kinds & _CMP_KINDS and not bound:
        # No comparison word: "交易金额20亿元" or "开设数字人民币钱包80万个".
        clause_left = sent[cs : first.start()]
        obj_before = bool(
            _OBJ_BEFORE.match(clause_left)
            or re.search(rf"(?:力争|确保|争取)(?:{_alt(ACTION)})", clause_left)
        ) and (is_count or unit is not None)
        if (
            is_count
            and (verb := _BARE_VERB.fullmatch(head))
            and (
                (obj := _verb_object(sent[:cs], verb.group())) != head
                or re.match(r"(?:全年|年内|每年|累计|力争|确保|计划)", sent[cs : first.start()])
            )
        ):
            head = obj  # 加快淘汰X货车，全年淘汰2000辆 → 淘汰X货车
        elif not (obj_before or (_SUFFIX_RE.search(head) and tail.action is None)):
            return
    comparator = _comparator(tuple(tail.kinds) + tuple(kinds - set(tail.kinds)), bound, tail.words)
    if comparator == "=" and (sm := _SHARE_OF.search(left)) and unit == "%":
        comparator = _SHARE_CMP.get(sm.group("cmp"), "=")
        head = _trim(left[: sm.start()])[0].replace("的", "") + "占" + sm.group("of") + "比例"
        scope = scope or _trim(left[: sm.start()])[1]
    elif comparator == "=" and re.search(r"高于|快于|超过", head):
        comparator = ">="  # 科技贷款增速高于各项贷款增速10个百分点
    elif comparator == "=" and "低于" in head:
        comparator = "<="
    if first.group("hi") and comparator == "=":
        comparator = ">="  # a range 1—2个: at least the lower bound
    baseline = tail.baseline
    if baseline is None and tail.has_base and re.search(r"上年|去年", left):
        y, _ = _year_at(ctx, first.start())
        baseline = y - 1 if y else None
    if re.search(r"同比", left) and baseline is None:
        y, _ = _year_at(ctx, first.start())
        baseline = y - 1 if y else None
    if comparator not in ("increase_by", "decrease_by"):
        baseline = None
    if first.group("cls") and not re.search(r"水质|水体|类别", head):
        head += "水质"
    names = _split_enum(head, len(group), bool({"均", "分别"} & set(tail.words)))
    pairs = zip(group, names, strict=True) if len(group) > 1 else ((group[0], n) for n in names)
    for (m, value, u), name in pairs:
        ind, sc = _trim(name)
        _emit(
            st, ctx, (cs, ce), ind, sc or scope, comparator, value, u or unit, m.start(), baseline
        )


# --- driver -----------------------------------------------------------------------------------
_DEADLINE_CELL = re.compile(
    r"^((?:19|20)\d{2})年(?:\d{1,2}月)?底?(?:前|以前)?(?:[\u4e00-\u9fff]{2,10}[局委办部厅])?$"
)
_LEVELS = {"chap": 0, "sec": 1, "cn": 2, "pcn": 3, "ar": 4}
# A department cell of a flattened task table on its own line (市生态环境局, 各区人民政府).
_DEPT_CELL = re.compile(
    r"^(?:市|区|县|省|各|国网|[\u4e00-\u9fff]{2,3}市)[\u4e00-\u9fff（）、]{0,28}"
    r"(?:局|委|办|委员会|办公室|中心|支队|人民政府|政府|公司|集团|管委会|海关)$"
)


def _task_row(st: _State, tab: TaskTable, text: str, s: int, e: int) -> None:
    """Targets of a task table row's task cell; yearless ones take the row's 完成时限 year."""
    found = task_cell(tab, text[s:e], st.default_year)
    if found is None:
        return
    a, b, year = found
    saved = (st.default_year, st.bullet_year, st.list_year)
    st.default_year = year
    st.bullet_year = st.list_year = None
    _block(st, text[s + a : s + b], range(s + a, s + b))
    st.default_year, st.bullet_year, st.list_year = saved


def _heading(st: _State, line: str) -> bool:
    """Track 发展基础/取得成效 sections (retrospective, skipped); True if ``line`` is a heading."""
    m = _STRUCT_RE.match(line)
    if not m or m.lastgroup is None:
        return False
    level = _LEVELS[m.lastgroup]
    title = line[m.end() : m.end() + 24]
    if level >= 2 and (len(line) > 40 or level == 4):
        return False
    st.bullet_year = st.list_year = None
    if _RETRO_HEAD.search(title):
        if st.retro_level is None or level < st.retro_level:
            st.retro_level = level
    elif st.retro_level is not None and level <= st.retro_level:
        st.retro_level = None
    return True


def _continues(prev: str, nxt: str) -> bool:
    """A paragraph broken by a stray line break (…完成淮河流 / 域入河排污口…)."""
    return (
        len(prev) >= 20
        and prev[-1] not in "。！？；：”）)!?"
        and "\t" not in nxt
        and not _STRUCT_RE.match(nxt)
        and not nxt.startswith("—")
    )


def _block(st: _State, block: str, offs: list[int] | range) -> None:
    body = _STRUCT_RE.sub("", block, count=1)
    bullet = body.startswith("—")
    inherited = (st.bullet_year if bullet else None) or (
        st.list_year if bullet or body != block else None
    )
    carry: tuple[int, int | None] | None = None
    for a, b in _sentences(block):
        sent = block[a:b]
        if _FORECAST_RE.search(sent):
            continue
        if _PAST_RE.search(sent) and not _FUTURE_RE.search(sent):
            carry = None
            continue
        spans = _mask(sent)
        years = _years(sent, spans)
        fallback = carry if carry and not _TASK_START.match(sent.lstrip("—")) else None
        if fallback is None and inherited:
            fallback = (inherited, None)
        ctx = _Ctx(sent, offs[a:b], years, fallback, "每年" in sent)
        before = len(st.out)
        _delegated(st, ctx)
        _quantities(st, ctx, spans)
        # A year opening a vision sentence (到2025年，…基本形成。) dates the next sentence.
        carry = years[-1][1:] if years and len(st.out) == before else None
    head_years = _years(body[:12], [])
    if head_years and head_years[0][0] <= 2:
        st.bullet_year = head_years[0][1]
    if block.endswith("："):
        ys = _years(block, _mask(block))
        st.list_year = ys[-1][1] if ys else st.list_year


def extract_targets(text: str, *, default_year: int | None = None) -> list[Target]:
    """Targets stated in normalized plan ``text`` (paragraphs separated by "\\n", table rows
    as tab-separated lines), in text order. ``default_year`` is the year of yearless targets
    (an annual task book's own year); if not given, "XXXX年度" in the document title is used."""
    if default_year is None and (m := _ANNUAL_RE.search(text[:400])):
        default_year = int(m.group(1))
    st = _State(default_year)
    lines: list[tuple[int, int]] = []
    pos = 0
    for part in text.split("\n"):
        lines.append((pos, pos + len(part)))
        pos += len(part) + 1
    tab: IndicatorTable | None = None
    tasks: TaskTable | None = None
    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e].strip()
        i += 1
        if not line:
            continue
        if "\t" in line:
            cells = [c.strip() for c in text[s:e].split("\t")]
            header = table_header(cells)
            if header:
                header.year = header.year or table_year(text, s) or st.default_year
                tab, tasks = header, None
            elif tab and st.retro_level is None:
                st.out.extend(table_row(tab, text[s:e], (s, e), st.default_year))
            elif tab is None and (found := task_table_header(cells)):
                tasks = found
            elif tasks and st.retro_level is None:
                _task_row(st, tasks, text, s, e)
            continue
        tasks = None
        if tab and len(line) <= 15 and not _STRUCT_RE.match(line) and not re.search(r"\d", line):
            tab.pending = line if _SUFFIX_RE.search(line) else tab.pending
            continue
        tab = None
        if _DEPT_CELL.match(line):
            continue  # a flattened 责任单位 cell: the 完成时限 cell after it still dates the row
        if _heading(st, line) and len(line) <= 40:
            continue
        if st.retro_level is not None:
            continue
        if dm := _DEADLINE_CELL.match(line):
            # A table's 完成时限 cell flattened to its own line: it dates the row above.
            year = int(dm.group(1))
            st.out[st.block_start :] = [
                replace(t, year=year) if t.year is None and not t.recurring else t
                for t in st.out[st.block_start :]
            ]
            continue
        st.block_start = len(st.out)
        block = text[s:e]
        offs: list[int] | range = range(s, e)
        while i < len(lines) and _continues(block, text[lines[i][0] : lines[i][1]]):
            ns, ne = lines[i]
            block += text[ns:ne]
            offs = [*offs, *range(ns, ne)]
            i += 1
        _block(st, block, offs)
    return sorted(st.out, key=lambda t: t.span[0])  # stable: clause order, then value order
