"""Quantitative targets (目标指标) from normalized plan text: prose clauses and indicator tables.

A target is an aim with a quantity and a year (Climate Policy Radar's test), e.g.
"到2025年，PM2.5浓度27微克/立方米左右". Rules, not a model: plans state targets in a small
set of forms (达X%以上, 不低于, 比2020年下降, 完成省下达任务 …) and a rule keeps every
decision explainable. The conventions are written up in docs/targets.md.

Pure: text in, records out. Spans are ``[start, end)`` offsets into the given text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
GE = "不低于 不少于 不小于 至少 超过 高于 大于 多于 突破 超 达到或超过 以上"
LE = "不高于 不超过 不大于 低于 小于 控制在 控制到 低至"
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
    rf"(?:(?P<base>(?:比|较|与|相比|同|相对于?|在)(?:(?P<by>(?:19|20)\d{{2}})年(?:底|末)?|上年度?|去年|年初|上年末)(?:的?基础上|相比|水平)?)"
    rf"|(?P<tok>{_alt(GE + ' ' + LE + ' ' + APPROX + ' ' + LEVEL + ' ' + DEC + ' ' + INC + ' ' + ACTION + ' ' + ADV)}))$"
)
_BOUND_RE = re.compile(r"^(?:及以上|以上|及以下|以下|以内|左右|上下)")
_BOUND_KIND = {"及以上": "ge", "以上": "ge", "及以下": "le", "以下": "le", "以内": "le", "左右": "approx", "上下": "approx"}
_QTY_RE = re.compile(
    rf"(?<![A-Za-z0-9.\-_/+~])(?P<num>{ARABIC_NUMBER})(?:\s*[-—–~～至到](?P<hi>{ARABIC_NUMBER}))?"
    rf"(?P<unit>{UNIT_PATTERN})?"
    rf"|(?<![第{CN_NUMERAL_CHARS}])(?P<cnum>{CN_NUMBER})(?P<cunit>个|家|座|项|条|处|所|张|场)"
    r"|(?P<pct>百分之百)|(?P<double>翻一番|翻两番|翻番)"
    r"|(?<=[保持达到为在于])(?P<cls>[ⅠⅡⅢⅣⅤ]|IV|V|I{1,3})类(?![水断比])"
)
_CLASS = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_NOT_QTY_AFTER = re.compile(r"^(?:年|月|日|号|期|届|岁|周岁|版|次会|\+|\.\d|号文)")
_YEAR_RE = re.compile(
    r"(?P<pre>到|至|在|于|截至|截止|从|自)?(?P<y>(?:19|20)\d{2})年(?:(?P<m>1[0-2]|[1-9])月)?(?P<end>底|末)?(?P<before>前|以前|之前)?"
)
_PLAN_PERIOD = re.compile(r"“?十([四五六])五”?(?:末|期间|时期)")
_DELEG_RE = re.compile(
    r"(?:力争)?(?:超额)?(?:完成|达到|实现|满足|不低于|不少于)(?:国家|省|市|区|县|上级)(?:里|级)?(?:下达|下发|确定|定|规定)(?:的)?"
    r"(?P<obj>[^，。；：\d]{0,16}?)(?:目标任务|目标|任务|指标|要求)"
)
_MASK_RE = re.compile(r"《[^》]*》|〔[^〕]*〕|“[^”]{0,12}”|（[^（）]*）|\([^()]*\)|[A-Z]{1,4}\s?/?T?\s?\d+[\d.\-—]*")
_PAST_RE = re.compile(r"已经|已|完成了|实现了|达到了|取得了|分别为|首次|以来|截至|截止|十三五|同比下降|较上年|比上年下降|是\d{4}年的")
_FUTURE_RE = re.compile(r"到(?:19|20)\d{2}|(?:19|20)\d{2}年(?:\d{1,2}月)?底?前|力争|确保|争取|目标")
_FORECAST_RE = re.compile(r"预计|预测|有望")
_SCOPE_RE = re.compile(
    r"^(?:全市域|全市|全省|全区|全县|全国|市域|全域|我市|我省|主城区|中心城区|市区|市本级"
    r"|各县（市、区）|各县\(市、区\)|各设区市|各地|各市|各区|试点[县市区]|涉农县（市、区）"
    r"|[\u4e00-\u9fff、]{1,6}?(?:等有条件)?地区)"
)
_LEAD_TRIM = re.compile(
    r"^(?:(?:到|至|在|于)?(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前)?|力争|确保|争取|努力|力促|推动|实现|"
    r"全面|持续|稳步|进一步|基本|逐步|大力|着力|积极|加快|切实|有效|使|让|将|并|且|同时|其中|以及|和|均|要|"
    r"每年|建设|建成|创建|打造|——|—|、|，|：|\s)+"
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
_RETRO_HEAD = re.compile(r"发展基础|取得的成效|取得成效|主要成效|工作回顾|发展现状|面临的?形势|存在的?主要问题|存在问题|基础与形势|形势分析")
_ANNUAL_RE = re.compile(r"((?:19|20)\d{2})年度")
_SENT_END = "。！？!?"
_CLAUSE_SEP = "，；：。！？,;"


@dataclass
class _State:
    default_year: int | None
    retro_level: int | None = None
    bullet_year: int | None = None  # year of the last paragraph that opened with 到YYYY年
    list_year: int | None = None  # year of a "…：" paragraph, inherited by its items
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
    m = _SCOPE_RE.match(s)
    if m and len(s) - m.end() >= 2:
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


def _split_enum(head: str, n: int, force: bool) -> list[str]:
    depth = 0
    parts: list[str] = []
    cur = ""
    i = 0
    while i < len(head):
        ch = head[i]
        depth += ch in "（(“" and ch != "“" or 0
        depth -= ch in "）)" and 1 or 0
        if depth == 0 and (m := _ENUM_SPLIT.match(head, i)):
            parts.append(cur + ("”" if m.group() == "”“" else ""))
            cur = "“" if m.group() == "”“" else ""
            i = m.end()
            continue
        cur += ch
        i += 1
    parts.append(cur)
    if len(parts) != n and n > 1 and "和" in head:
        parts = [p for x in parts for p in x.split("和")]
    if len(parts) == 1 and n == 1 and force and "和" in head:
        parts = head.split("和")
    if len(parts) < 2 or any(len(p) < 2 for p in parts):
        return [head] * n
    if n == 1 and not force and not all(_SUFFIX_RE.search(p) for p in parts):
        return [head]
    if n > 1 and len(parts) != n:
        return [head] * n
    return [p if _SUFFIX_RE.search(p) or p.startswith("“") else _complete(p, parts[-1]) for p in parts[:-1]] + [parts[-1]]


def _mask(sent: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MASK_RE.finditer(sent)]


def _masked(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _years(sent: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, int | None]]:
    """Target years in a sentence: (position, year, month). Baselines and dates are left out."""
    found = []
    for m in _YEAR_RE.finditer(sent):
        if _masked(m.start("y"), spans) or re.match(r"\d{1,2}日|的基础上|基础上|相比|水平", sent[m.end() :]):
            continue
        if m.start() > 0 and sent[max(0, m.start() - 2) : m.start()].endswith(("比", "较", "与", "同", "对于", "于", "—", "-")) and not m.group("pre"):
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
    base: int  # offset of sent in the document text
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


def _emit(st: _State, ctx: _Ctx, span: tuple[int, int], indicator: str, scope: str | None,
          comparator: Comparator, value: float | None, unit: str | None, pos: int,
          baseline: int | None = None) -> None:  # fmt: skip
    indicator = _TRAIL_TRIM.sub("", indicator)
    if len(indicator) < 2 or len(indicator) > 48 or not re.search(r"[\u4e00-\u9fffA-Za-z]", indicator):
        return
    year, month = _year_at(ctx, pos)
    recurring = ctx.recurring and year is None
    if year is None and not recurring:
        year = st.default_year
    a, b = span
    st.out.append(Target(indicator, comparator, value, unit, year, ctx.sent[a:b], (ctx.base + a, ctx.base + b),
                         scope, month, baseline, recurring))  # fmt: skip


def _delegated(st: _State, ctx: _Ctx, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    used = []
    for m in _DELEG_RE.finditer(ctx.sent):
        cs, ce = _clause(ctx.sent, m.start(), m.end())
        tail = _strip_tail(ctx.sent[cs : m.start()])
        head = tail.head if tail.head.strip() else ""
        if not _trim(head)[0]:
            head = re.sub(r"^(?:我省|我市|本市|本省)的?", "", m.group("obj")).lstrip("的")
            head = re.sub(r"（[ -~]*）", "", head)
        force = "均" in tail.words or bool(re.search(r"和.*减排$", head))
        if force and head.endswith("减排") and "和" in head:
            parts = [p + ("减排" if not p.endswith("减排") else "") for p in head.split("和")]
        else:
            parts = _split_enum(head, 1, force)
        for part in parts:
            ind, scope = _trim(part)
            _emit(st, ctx, (cs, ce), ind, scope, "delegated", None, None, m.start())
        used.append((m.start(), m.end()))
    return used


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
        while j + 1 < len(qs) and re.fullmatch(r"(?:以上|左右|以下)?[、和及与]", sent[qs[j][0].end() : qs[j + 1][0].start()]):
            j += 1
        _group(st, ctx, qs[i : j + 1], qs[i - 1][0].end() if i else 0)
        i = j + 1


def _group(st: _State, ctx: _Ctx, group: list[tuple[re.Match[str], float, str | None]], prev_end: int) -> None:
    sent = ctx.sent
    first, last = group[0][0], group[-1][0]
    cs, ce = _clause(sent, first.start(), last.end())
    left = sent[max(cs, prev_end) : first.start()]
    right = sent[last.end() : ce]
    if re.search(r"已|预计", left) or (first.group("double") and not left):
        return
    bm = _BOUND_RE.match(right)
    bound = bm.group() if bm else None
    rest = right[bm.end() :] if bm else right
    tail = _strip_tail(left)
    kinds = tail.kinds + (("inc",) if first.group("double") else ())
    unit = group[-1][2]
    head, scope = _trim(tail.head)
    head_bare, _ = _trim(re.sub(rf"(?:{_alt(ACTION)})$", "", tail.head))
    cmp_kinds = {"ge", "le", "approx", "level", "dec", "inc"}
    is_count = unit is not None and bool(COUNT_UNIT.match(unit))
    if first.group("cls") and not {"level", "ge"} & set(kinds) and not re.search(r"[保持达到为]$", left):
        return
    if rest and not head_bare:
        # 建成3个以上省级生态清洁小流域 / 完成20%整治工作: the object follows the number.
        if "action" not in kinds or not (is_count or unit == "%"):
            return
        obj, _ = _trim(re.split(r"[（(]", rest)[0] if rest.startswith("的") else rest)
        head = obj + ("完成比例" if unit == "%" and "完成" in tail.words else "")
        scope = scope or _trim(tail.head)[1]
    elif rest:
        if unit == "%" and not set(kinds) & cmp_kinds and not re.match(r"的", rest):
            # 城镇新建建筑100%执行绿色建筑标准 → a share.
            tail_txt = rest[2:] + "面积" if rest.startswith("面积") else rest
            head = head + tail_txt + "比例"
        elif rest.startswith("的") and "action" in kinds:
            head = head + rest[1:]
        else:
            return
    elif not set(kinds) & cmp_kinds and not bound:
        # No comparison word: "PM2.5浓度27微克/立方米" or "开设数字人民币钱包80万个".
        if not (_SUFFIX_RE.search(head) or re.match(rf"(?:{_alt(ACTION)})", _LEAD_TRIM.sub("", tail.head).lstrip("为"))):
            return
        if "action" in kinds and not is_count and unit != "%" and not _SUFFIX_RE.search(head):
            return
    comparator = _comparator(kinds, bound, tail.words)
    if first.group("hi") and comparator == "=":
        comparator = ">="  # a range 1—2个: at least the lower bound
    baseline = tail.baseline
    if baseline is None and tail.has_base and re.search(r"上年|去年", left):
        y, _ = _year_at(ctx, first.start())
        baseline = y - 1 if y else None
    if comparator not in ("increase_by", "decrease_by"):
        baseline = None
    names = _split_enum(head, len(group), "均" in tail.words or "分别" in tail.words)
    for (m, value, u), name in zip(group, names, strict=True):
        ind, sc = _trim(name)
        _emit(st, ctx, (cs, ce), ind, sc or scope, comparator, value, u or unit, m.start(), baseline)
