"""Matching and counting for the extraction benchmark: pure functions, standard library only.

The gold files in ``tests/gold`` and the ``luoshi extract --json`` output are both plain JSON;
this module compares one seed's gold documents with the documents extracted from that seed and
returns, per metric, the true positives, the gold and predicted counts, and readable error lines.

Metrics (all micro-averaged when summed):

* ``documents``        - gold documents aligned with an extracted document (by order and title).
* ``metadata``         - (document, field, value) for doc_number, issuer and date.
* ``tasks``            - tasks matched on (path, label).
* ``task_departments`` - (task, department) pairs; departments are compared after mapping aliases.
* ``task_leads``       - (task, lead-department) pairs.
* ``task_deadlines``   - (task, deadline) where a deadline is reduced to (kind, year, month).
* ``targets``          - one-to-one: comparator, value, unit, year equal and indicator similar.
* ``projects``         - one-to-one: name similar and investment equal.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

METRICS: tuple[str, ...] = (
    "documents",
    "metadata",
    "tasks",
    "task_departments",
    "task_leads",
    "task_deadlines",
    "targets",
    "projects",
)

# Similarity below which two titles are never aligned (unless the counts allow pure order).
TITLE_THRESHOLD = 0.3
# Dice coefficient at or above which two indicator / project names are "similar".
SIMILAR_DICE = 0.5
VALUE_EPSILON = 1e-6


@dataclass
class Counts:
    """True positives, gold and predicted totals for one metric, with the error lines."""

    tp: int = 0
    gold: int = 0
    pred: int = 0
    false_negatives: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        if self.pred == 0:
            return 1.0 if self.gold == 0 else 0.0
        return self.tp / self.pred

    @property
    def recall(self) -> float:
        if self.gold == 0:
            return 1.0
        return self.tp / self.gold

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.gold += other.gold
        self.pred += other.pred
        self.false_negatives.extend(other.false_negatives)
        self.false_positives.extend(other.false_positives)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "gold": self.gold,
            "pred": self.pred,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def empty_counts() -> dict[str, Counts]:
    return {name: Counts() for name in METRICS}


def merge_counts(parts: Iterable[Mapping[str, Counts]]) -> dict[str, Counts]:
    total = empty_counts()
    for part in parts:
        for name, counts in part.items():
            total[name].add(counts)
    return total


# --------------------------------------------------------------------------- text similarity


def normalize_text(text: str | None) -> str:
    """NFKC, drop whitespace, punctuation and symbols; keep letters and digits (and '.')."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for ch in text:
        if ch == ".":
            kept.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            kept.append(ch.lower())
    return "".join(kept)


def _bigrams(text: str) -> list[str]:
    if len(text) < 2:
        return [text] if text else []
    return [text[i : i + 2] for i in range(len(text) - 1)]


def bigram_dice(a: str, b: str) -> float:
    """Dice coefficient over character bigrams (multiset), on already-normalized strings."""
    ga, gb = _bigrams(a), _bigrams(b)
    if not ga or not gb:
        return 0.0
    pool: dict[str, int] = {}
    for g in ga:
        pool[g] = pool.get(g, 0) + 1
    common = 0
    for g in gb:
        if pool.get(g, 0) > 0:
            pool[g] -= 1
            common += 1
    return 2 * common / (len(ga) + len(gb))


def similarity(a: str | None, b: str | None) -> float:
    """A score in [0, 1]: 1 for equal, containment scores at least 0.5, else bigram Dice."""
    na, nb = normalize_text(a), normalize_text(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    dice = bigram_dice(na, nb)
    if na in nb or nb in na:
        short, long_ = sorted((len(na), len(nb)))
        return max(dice, 0.5 + 0.5 * short / long_)
    return dice


def is_similar(a: str | None, b: str | None) -> bool:
    """Similar if one contains the other (after normalizing) or bigram Dice >= 0.5."""
    na, nb = normalize_text(a), normalize_text(b)
    if not na or not nb:
        return False
    return na in nb or nb in na or bigram_dice(na, nb) >= SIMILAR_DICE


# --------------------------------------------------------------------------- units and values

_UNIT_SYNONYMS: dict[str, str] = {
    "％": "%",
    "百分比": "%",
    "微克/立方米": "μg/m³",
    "ug/m3": "μg/m³",
    "μg/m3": "μg/m³",
    "毫克/立方米": "mg/m³",
    "mg/m3": "mg/m³",
    "平方千米": "km²",
    "平方公里": "km²",
    "km2": "km²",
    "平方米": "m²",
    "m2": "m²",
    "万平方米": "万m²",
    "万m2": "万m²",
    "公里": "km",
    "千米": "km",
    "米": "m",
    "立方米": "m³",
    "m3": "m³",
    "万立方米": "万m³",
    "万m3": "万m³",
    "万立方米/日": "万m³/d",
    "万立方米/天": "万m³/d",
    "万m3/d": "万m³/d",
    "万m3/日": "万m³/d",
    "吨/日": "t/d",
    "吨/天": "t/d",
    "t/d": "t/d",
    "个百分点": "pp",
    "百分点": "pp",
    "pp": "pp",
    "立方米/万元": "m³/万元",
    "m3/万元": "m³/万元",
}


def _unit_key(unit: str) -> str:
    key = unicodedata.normalize("NFKC", unit)
    key = re.sub(r"\s+", "", key)
    return key.lower()


_UNIT_TABLE: dict[str, str] = {_unit_key(k): v for k, v in _UNIT_SYNONYMS.items()}


def normalize_unit(unit: str | None) -> str | None:
    """Map obvious synonyms onto one spelling (微克/立方米 -> μg/m³ ...); None and '' -> None."""
    if unit is None:
        return None
    key = _unit_key(unit)
    if not key:
        return None
    return _UNIT_TABLE.get(key, key)


def values_equal(a: float | int | None, b: float | int | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < VALUE_EPSILON


# --------------------------------------------------------------------------- departments


def load_department_aliases(path: str | Path) -> dict[str, str]:
    """alias -> canonical (canonical -> itself) from a departments.csv (canonical,kind,aliases)."""
    aliases: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            canonical = (row.get("canonical") or "").strip()
            if not canonical:
                continue
            aliases.setdefault(canonical, canonical)
            for alias in (row.get("aliases") or "").split("|"):
                alias = alias.strip()
                if alias:
                    aliases.setdefault(alias, canonical)
    return aliases


def normalize_department(name: str, aliases: Mapping[str, str] | None = None) -> str:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    if aliases:
        return aliases.get(key, aliases.get(name.strip(), key))
    return key


def _department_set(names: Iterable[str] | None, aliases: Mapping[str, str] | None) -> list[str]:
    seen: list[str] = []
    for name in names or []:
        norm = normalize_department(name, aliases)
        if norm and norm not in seen:
            seen.append(norm)
    return seen


# --------------------------------------------------------------------------- deadlines

_ONGOING = ("持续", "长期", "常态", "逐年", "每年", "长效")
_CN_DIGITS = {
    "〇": "0",
    "零": "0",
    "○": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}


def parse_deadline(text: str | None) -> tuple[str, int | None, int | None, str] | None:
    """Reduce a deadline phrase to (kind, year, month, rest).

    "到2025年" and "2025年底前" -> ("date", 2025, None, ""); "2023年6月底前" -> ("date", 2023, 6, "");
    "持续推进" -> ("ongoing", None, None, ""); anything else -> ("text", None, None, normalized).
    Year-end ("年底", "年末") is the year itself: it is not told apart from a bare year.
    """
    if text is None:
        return None
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not raw:
        return None
    digits = "".join(_CN_DIGITS.get(ch, ch) for ch in raw)
    match = re.search(r"(\d{4})年(?:(\d{1,2})月)?", digits)
    if match:
        month = int(match.group(2)) if match.group(2) else None
        return ("date", int(match.group(1)), month, "")
    if any(word in raw for word in _ONGOING):
        return ("ongoing", None, None, "")
    return ("text", None, None, normalize_text(raw))


def format_deadline(parsed: tuple[str, int | None, int | None, str] | None) -> str:
    if parsed is None:
        return "-"
    kind, year, month, rest = parsed
    if kind == "date":
        return f"{year}" + (f"-{month:02d}" if month else "")
    return kind if kind == "ongoing" else f"text:{rest}"


# --------------------------------------------------------------------------- documents


def align_documents(
    gold_titles: Sequence[str | None], pred_titles: Sequence[str | None]
) -> list[tuple[int, int]]:
    """Order-preserving alignment maximizing total title similarity.

    Pairs below TITLE_THRESHOLD are not allowed, except that when both sides hold the same
    number of documents a pair may still be made by position (with a token score).
    """
    n, m = len(gold_titles), len(pred_titles)
    same_count = n == m
    score = [[0.0] * m for _ in range(n)]
    for i, g in enumerate(gold_titles):
        for j, p in enumerate(pred_titles):
            s = similarity(g, p)
            if s >= TITLE_THRESHOLD:
                score[i][j] = s
            elif same_count and i == j:
                score[i][j] = 1e-3
            else:
                score[i][j] = -1.0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            if score[i][j] > 0:
                options.append(score[i][j] + best[i + 1][j + 1])
            best[i][j] = max(options)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] > 0 and abs(best[i][j] - (score[i][j] + best[i + 1][j + 1])) < 1e-12:
            pairs.append((i, j))
            i += 1
            j += 1
        elif abs(best[i][j] - best[i + 1][j]) < 1e-12:
            i += 1
        else:
            j += 1
    return pairs


# --------------------------------------------------------------------------- tasks


def normalize_label(label: Any) -> str:
    """'（一）' -> '一', '1．' -> '1', '第三章' -> '三'; numbers and CJK numerals kept."""
    text = unicodedata.normalize("NFKC", str(label if label is not None else ""))
    text = re.sub(r"^第(.+)[章节条部分]$", r"\1", text.strip())
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def task_key(task: Mapping[str, Any]) -> tuple[tuple[str, ...], str]:
    path = tuple(normalize_label(p) for p in (task.get("path") or []))
    return path, normalize_label(task.get("label"))


def match_tasks(
    gold_tasks: Sequence[Mapping[str, Any]], pred_tasks: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Pairs (gold index, pred index) with equal (path, label); equal keys are paired in order."""
    pred_by_key: dict[tuple[tuple[str, ...], str], list[int]] = {}
    for j, task in enumerate(pred_tasks):
        pred_by_key.setdefault(task_key(task), []).append(j)
    pairs: list[tuple[int, int]] = []
    for i, task in enumerate(gold_tasks):
        queue = pred_by_key.get(task_key(task))
        if queue:
            pairs.append((i, queue.pop(0)))
    return pairs


def _task_name(task: Mapping[str, Any]) -> str:
    path, label = task_key(task)
    where = "/".join(path + (label,)) or "(unlabelled)"
    quote = task.get("quote") or task.get("text") or ""
    return f"task {where} {str(quote)[:18]}"


def score_tasks(
    gold_tasks: Sequence[Mapping[str, Any]],
    pred_tasks: Sequence[Mapping[str, Any]],
    aliases: Mapping[str, str] | None = None,
    context: str = "",
) -> dict[str, Counts]:
    tasks, depts, leads, deadlines = Counts(), Counts(), Counts(), Counts()
    pairs = match_tasks(gold_tasks, pred_tasks)
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    prefix = f"{context}: " if context else ""

    tasks.gold, tasks.pred, tasks.tp = len(gold_tasks), len(pred_tasks), len(pairs)
    for i, task in enumerate(gold_tasks):
        if i not in matched_gold:
            tasks.false_negatives.append(f"{prefix}{_task_name(task)}")
    for j, task in enumerate(pred_tasks):
        if j not in matched_pred:
            tasks.false_positives.append(f"{prefix}{_task_name(task)}")

    def compare_sets(counts: Counts, gold: list[str], pred: list[str], name: str) -> None:
        counts.gold += len(gold)
        counts.pred += len(pred)
        for dept in gold:
            if dept in pred:
                counts.tp += 1
            else:
                counts.false_negatives.append(f"{prefix}{name}: {dept}")
        for dept in pred:
            if dept not in gold:
                counts.false_positives.append(f"{prefix}{name}: {dept}")

    def compare_deadline(gold: Mapping[str, Any] | None, pred: Mapping[str, Any] | None) -> None:
        g = parse_deadline(gold.get("deadline")) if gold is not None else None
        p = parse_deadline(pred.get("deadline")) if pred is not None else None
        name = _task_name(gold if gold is not None else pred or {})
        if g is not None:
            deadlines.gold += 1
        if p is not None:
            deadlines.pred += 1
        if g is not None and p is not None and g == p:
            deadlines.tp += 1
            return
        if g is not None:
            deadlines.false_negatives.append(f"{prefix}{name}: {format_deadline(g)}")
        if p is not None:
            deadlines.false_positives.append(f"{prefix}{name}: {format_deadline(p)}")

    for i, j in pairs:
        g, p = gold_tasks[i], pred_tasks[j]
        name = _task_name(g)
        compare_sets(
            depts,
            _department_set(g.get("responsible"), aliases),
            _department_set(p.get("responsible"), aliases),
            name,
        )
        compare_sets(
            leads,
            _department_set(g.get("lead"), aliases),
            _department_set(p.get("lead"), aliases),
            name,
        )
        compare_deadline(g, p)
    for i, g in enumerate(gold_tasks):
        if i in matched_gold:
            continue
        name = _task_name(g)
        compare_sets(depts, _department_set(g.get("responsible"), aliases), [], name)
        compare_sets(leads, _department_set(g.get("lead"), aliases), [], name)
        compare_deadline(g, None)
    for j, p in enumerate(pred_tasks):
        if j in matched_pred:
            continue
        name = _task_name(p)
        compare_sets(depts, [], _department_set(p.get("responsible"), aliases), name)
        compare_sets(leads, [], _department_set(p.get("lead"), aliases), name)
        compare_deadline(None, p)
    return {
        "tasks": tasks,
        "task_departments": depts,
        "task_leads": leads,
        "task_deadlines": deadlines,
    }


# --------------------------------------------------------------------------- targets


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def targets_compatible(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Equal comparator, value, unit (after synonyms) and year; the indicator is judged apart."""
    return (
        gold.get("comparator") == pred.get("comparator")
        and values_equal(gold.get("value"), pred.get("value"))
        and normalize_unit(gold.get("unit")) == normalize_unit(pred.get("unit"))
        and _year(gold.get("year")) == _year(pred.get("year"))
    )


def match_targets(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, most similar indicator first (ties: document order)."""
    candidates: list[tuple[float, int, int]] = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if targets_compatible(g, p) and is_similar(g.get("indicator"), p.get("indicator")):
                candidates.append((similarity(g.get("indicator"), p.get("indicator")), i, j))
    return _greedy(candidates)


def _greedy(candidates: list[tuple[float, int, int]]) -> list[tuple[int, int]]:
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def describe_target(target: Mapping[str, Any]) -> str:
    value = target.get("value")
    unit = target.get("unit") or ""
    year = target.get("year")
    return (
        f"target {target.get('indicator')} {target.get('comparator')} "
        f"{'' if value is None else value}{unit} @{year if year is not None else '-'}"
    )


def score_targets(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]], context: str = ""
) -> Counts:
    pairs = match_targets(gold, pred)
    return _counts_from_pairs(gold, pred, pairs, describe_target, context)


def _counts_from_pairs(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    pairs: list[tuple[int, int]],
    describe: Callable[[Mapping[str, Any]], str],
    context: str,
) -> Counts:
    prefix = f"{context}: " if context else ""
    counts = Counts(tp=len(pairs), gold=len(gold), pred=len(pred))
    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    counts.false_negatives = [
        f"{prefix}{describe(g)}" for i, g in enumerate(gold) if i not in matched_g
    ]
    counts.false_positives = [
        f"{prefix}{describe(p)}" for j, p in enumerate(pred) if j not in matched_p
    ]
    return counts


# --------------------------------------------------------------------------- projects


def match_projects(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Greedy one-to-one: similar name and equal investment (万元), most similar name first."""
    candidates: list[tuple[float, int, int]] = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if not values_equal(g.get("investment_wan_yuan"), p.get("investment_wan_yuan")):
                continue
            if is_similar(g.get("name"), p.get("name")):
                candidates.append((similarity(g.get("name"), p.get("name")), i, j))
    return _greedy(candidates)


def describe_project(project: Mapping[str, Any]) -> str:
    return f"project {project.get('name')} ({project.get('investment_wan_yuan')}万元)"


def score_projects(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]], context: str = ""
) -> Counts:
    pairs = match_projects(gold, pred)
    return _counts_from_pairs(gold, pred, pairs, describe_project, context)


# --------------------------------------------------------------------------- metadata

_META_FIELDS = ("doc_number", "issuer", "date")


def _meta_value(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    return text or None


def score_metadata(
    gold: Mapping[str, Any], pred: Mapping[str, Any] | None, context: str = ""
) -> Counts:
    prefix = f"{context}: " if context else ""
    counts = Counts()
    for name in _META_FIELDS:
        g = _meta_value(gold.get(name))
        p = _meta_value(pred.get(name)) if pred is not None else None
        if g is not None:
            counts.gold += 1
        if p is not None:
            counts.pred += 1
        if g is not None and g == p:
            counts.tp += 1
            continue
        if g is not None:
            counts.false_negatives.append(f"{prefix}{name} = {g}")
        if p is not None:
            counts.false_positives.append(f"{prefix}{name} = {p}")
    return counts


# --------------------------------------------------------------------------- whole seeds


def score_document(
    gold: Mapping[str, Any],
    pred: Mapping[str, Any] | None,
    aliases: Mapping[str, str] | None = None,
    context: str = "",
) -> dict[str, Counts]:
    """Score one gold document against its aligned prediction (None: nothing was aligned)."""
    empty: Mapping[str, Any] = {}
    other = pred if pred is not None else empty
    result = empty_counts()
    result["documents"] = Counts(
        tp=1 if pred is not None else 0, gold=1, pred=1 if pred is not None else 0
    )
    if pred is None:
        result["documents"].false_negatives.append(f"{context}: document {gold.get('title')}")
    result["metadata"] = score_metadata(gold, pred, context)
    result.update(score_tasks(gold.get("tasks") or [], other.get("tasks") or [], aliases, context))
    result["targets"] = score_targets(
        gold.get("targets") or [], other.get("targets") or [], context
    )
    result["projects"] = score_projects(
        gold.get("projects") or [], other.get("projects") or [], context
    )
    return result


def score_unaligned_prediction(
    pred: Mapping[str, Any], aliases: Mapping[str, str] | None = None, context: str = ""
) -> dict[str, Counts]:
    """Everything in an extracted document that no gold document took counts as false positive."""
    result = empty_counts()
    result["documents"] = Counts(
        pred=1, false_positives=[f"{context}: document {pred.get('title')}"]
    )
    meta = score_metadata({}, pred, context)
    result["metadata"] = meta
    result.update(score_tasks([], pred.get("tasks") or [], aliases, context))
    result["targets"] = score_targets([], pred.get("targets") or [], context)
    result["projects"] = score_projects([], pred.get("projects") or [], context)
    return result


def score_seed(
    gold: Mapping[str, Any],
    pred_documents: Sequence[Mapping[str, Any]],
    aliases: Mapping[str, str] | None = None,
) -> dict[str, Counts]:
    """Score one gold file ({"source", "documents"}) against the documents extracted from it."""
    gold_docs: Sequence[Mapping[str, Any]] = gold.get("documents") or []
    source = str(gold.get("source") or "")
    pairs = align_documents(
        [d.get("title") for d in gold_docs], [d.get("title") for d in pred_documents]
    )
    by_gold = dict(pairs)
    used_pred = {j for _, j in pairs}
    parts: list[dict[str, Counts]] = []
    for i, doc in enumerate(gold_docs):
        j = by_gold.get(i)
        context = f"{source}#{i + 1} {str(doc.get('title') or '')[:20]}"
        parts.append(
            score_document(doc, pred_documents[j] if j is not None else None, aliases, context)
        )
    for j, doc in enumerate(pred_documents):
        if j not in used_pred:
            context = f"{source}#extra{j + 1} {str(doc.get('title') or '')[:20]}"
            parts.append(score_unaligned_prediction(doc, aliases, context))
    return merge_counts(parts)


def documents_for_source(output: Mapping[str, Any], source_name: str) -> list[Mapping[str, Any]]:
    """The documents of a ``luoshi extract --json`` object whose source file is ``source_name``."""
    docs: list[Mapping[str, Any]] = []
    for doc in output.get("documents") or []:
        if Path(str(doc.get("source") or "")).name == source_name:
            docs.append(doc)
    return docs
