"""Project target tables of a unit over the configured years, with their actuals.

A unit's projects are *series*: the same project name every year, the same indicators
(names stable, so year-over-year comparison can match unit + project + indicator), targets
that evolve from last year's targets and actuals.  Each series has its own random stream
(seeded from the seed, the unit's code and the project's place), so a unit's projects do
not depend on how many units are generated.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.model import Funds, Indicator, Project
from jixiao.domain.values import Kind, Op, TargetValue
from jixiao.synth._actuals import cumulative, generate
from jixiao.synth._catalogue import Entry
from jixiao.synth._config import SynthConfig
from jixiao.synth._numbers import ceil_to, nice, show, value
from jixiao.synth._topics import BY_BUREAU, EXTRA, GENERIC, LEVELS, Row, Topic

_COST_2015 = ("产出指标", "成本指标")  # before 2022: cost is a level 2 under outputs
_EFFECT = "效益指标"
_PHASES = ("（二期）", "（三期）", "（四期）", "（五期）", "（六期）", "（七期）", "（八期）")


def _funds_total(rng: random.Random) -> float:
    """万元, skewed: many small projects (5–100), some mid-sized, few large (1,000–20,000)."""
    draw = rng.random()
    low, high = (5, 100) if draw < 0.68 else (100, 1000) if draw < 0.93 else (1000, 20000)
    amount = math.exp(rng.uniform(math.log(low), math.log(high)))
    return round(amount, 1) if amount < 100 else float(round(amount))


def _funds(rng: random.Random, total: float) -> Funds:
    draw = rng.random()
    if draw < 0.8:
        return Funds.printed("万元", total=total, fiscal=total)
    part = round(total * rng.uniform(0.05, 0.3), 2)
    fiscal = round(total - part, 2)
    if draw < 0.92:
        return Funds.printed("万元", total=total, fiscal=fiscal, carryover=part)
    return Funds.printed("万元", total=total, fiscal=fiscal, other=part)


@dataclass(slots=True)
class _Slot:
    """One indicator of a project series and its state from year to year."""

    level: str
    name: str
    kind: str  # a topic row kind, or "%" (a fixed ＝100% / half ＝50% percentage)
    row: Row | None = None
    per: float = 0.0  # Q: 万元 per unit
    month: int = 12  # D
    text: str = ""  # F: this year's full-year text
    zero_half: bool = False  # Q: the half-year target is 0 (weak)
    number: float = 0.0  # Q: this year's count; R, S: the rate; "%": the half-year rate
    previous: TargetValue | None = None  # last year's actual


@dataclass(slots=True)
class _Series:
    name: str
    topic: Topic
    rng: random.Random
    total: float
    has_half: bool
    weak: bool
    slots: list[_Slot]
    main: _Slot | None  # the slot whose count a per-unit cost divides by
    repeat: tuple[str, int] | None  # (indicator, first year index) short two years running


def _zero(row: Row) -> bool:
    """A ＝0 target (accidents): JX106 reads a zero half-year value as missing progress, so
    such rows appear only in tables without a half-year column."""
    return row.kind == "F" and any(value(c).value == 0 for c in row.choices)


def _pick_rows(rng: random.Random, topic: Topic, total: float, has_half: bool) -> list[Row]:
    """The topic's required rows, and optional ones (more for larger projects); a tenth of
    the tables have no cost indicator (JX102 notes it from 2022)."""
    p = min(0.9, max(0.25, 0.38 + 0.12 * math.log10(total / 5)))
    costless = rng.random() < 0.1
    rows = [
        r
        for r in topic.rows
        if (r.required or rng.random() < p)
        and not (has_half and _zero(r))
        and not (costless and LEVELS[r.level][0] == "成本指标")
    ]
    names = {r.name for r in rows}
    for row in EXTRA:
        if rng.random() < p * 0.5:
            extra = replace(row, name=row.name.format(key=topic.key))
            if extra.name not in names:
                rows.append(extra)
                names.add(extra.name)
    return rows


def _series(
    rng: random.Random, name: str, topic: Topic, config: SynthConfig, year_count: int
) -> _Series:
    total = _funds_total(rng)
    has_half = rng.random() < config.half_year_share
    weak = rng.random() < config.weak_share
    slots: list[_Slot] = []
    main: _Slot | None = None
    for row in _pick_rows(rng, topic, total, has_half):
        slot = _Slot(row.level, row.name, row.kind, row)
        if row.kind == "Q":
            slot.per = rng.uniform(row.low, row.high)
            if main is None:
                main = slot
        elif row.kind == "D":
            slot.month = rng.randint(int(row.low), int(row.high))
        elif row.kind == "F":
            slot.text = rng.choice(row.choices)
        elif row.kind == "R":
            slot.number = float(rng.choice(row.choices))
        elif row.kind == "S":
            slot.number = float(80 if rng.random() < 0.04 else rng.choice((85, 90, 90, 95)))
        slots.append(slot)
    if main is None:  # no count to divide by: a per-unit cost becomes the total cost
        for slot in slots:
            if slot.kind == "C":
                slot.kind = "T"
    series = _Series(name, topic, rng, total, has_half, weak, slots, main, None)
    if weak:
        _weaken(series)
    if year_count > 1 and rng.random() < config.repeat_deviation_share:
        candidates = [s.name for s in series.slots if s.kind in ("Q", "R", "S", "P", "%")]
        if candidates:
            series.repeat = (rng.choice(candidates), rng.randrange(year_count - 1))
    return series


def _weaken(series: _Series) -> None:
    """Reviewers' weaknesses, at least one: no 效益指标 (JX101), a procedure as an indicator
    (JX201), a quantity stated as a percentage (JX301), a zero half-year value (JX106)."""
    rng, key = series.rng, series.topic.key
    main = series.main
    options = ["effect", "procedure"]
    if main is not None:
        options.append("percent")
        if series.has_half:
            options.append("zero")
    chosen = [o for o in options if rng.random() < 0.45] or [rng.choice(options)]
    if "percent" in chosen and "zero" in chosen:
        chosen.remove("zero")
    slots = series.slots
    if "effect" in chosen:
        slots[:] = [s for s in slots if LEVELS[s.level][0] != _EFFECT]
    if "procedure" in chosen:
        quality = next((i for i, s in enumerate(slots) if s.level == "质量"), None)
        slot = _Slot("质量", f"按要求开展{key}工作", "%", number=100)
        if quality is None:
            slots.insert(1, slot)
        else:
            slots[quality] = slot
    if "percent" in chosen and main is not None:
        slot = _Slot("数量", f"{key}任务完成情况", "%", number=50)
        slots[slots.index(main)] = slot
    if "zero" in chosen and main is not None:
        main.zero_half = True


# -- targets of a year ----------------------------------------------------------------------


def _levels(level: str, year: int) -> tuple[str, str]:
    l1, l2 = LEVELS[level]
    return _COST_2015 if l1 == "成本指标" and year < 2022 else (l1, l2)


def _rate_text(number: float) -> str:
    return "＝100%" if number >= 100 else f"≥{show(number)}%"


def _below(previous: TargetValue | None, unit: str) -> float | None:
    """Last year's actual number, when a target can be compared with it (JX310)."""
    if previous is None or previous.kind is not Kind.QUANTITATIVE or previous.value is None:
        return None
    if previous.unit not in ("", unit):
        return None
    return float(previous.value)


def _texts(
    series: _Series, slot: _Slot, year: int, first: bool, total: float, low_share: float
) -> tuple[str, str]:
    """(half-year text, full-year text) of a slot in a year; its state moves on."""
    rng, kind = series.rng, slot.kind
    if kind == "Q":
        unit = slot.row.unit if slot.row else ""
        last = _below(slot.previous, unit)
        if first or last is None:
            n = (
                nice(total / slot.per * rng.uniform(0.85, 1.15))
                if first
                else nice(slot.number * rng.uniform(1.0, 1.08), "up")
            )
        elif rng.random() < low_share and last >= 2:
            n = min(nice(last * rng.uniform(0.75, 0.92), "down"), math.ceil(last) - 1)
        else:
            n = nice(max(slot.number * rng.uniform(1.0, 1.08), last), "up")
        slot.number = float(n)
        half_n = 0 if slot.zero_half else min(n, nice(n * rng.uniform(0.4, 0.6)))
        return f"≥{half_n}{unit}", f"≥{n}{unit}"
    if kind in ("R", "S"):
        last = None if first else _below(slot.previous, "%")
        if last is not None:
            # only a ≥ target (not ＝100%) is set below last year's actual
            if slot.number < 100 and rng.random() < low_share and last >= 10:
                slot.number = float(max(1, math.floor(last - rng.uniform(3, 8))))
            else:
                slot.number = float(min(100, max(slot.number, math.floor(last))))
        text = _rate_text(slot.number)
        return text, text
    if kind == "P":
        return "≥50%", "＝100%"
    if kind == "%":
        return f"＝{show(slot.number)}%", "＝100%"
    if kind == "D":
        text = f"{year}年{slot.month}月底前"
        return text, text
    if kind == "T":
        text = f"≤{show(total, 2)}万元"
        return text, text
    if kind == "C":
        assert series.main is not None
        cost = min(total, total / max(series.main.number, 1) * rng.uniform(1.0, 1.1))
        if cost >= 0.1:
            text = f"≤{show(min(ceil_to(cost, 2), total), 2)}万元"
        else:  # small amounts in 元
            text = f"≤{max(1, math.ceil(cost * 10000))}元"
        return text, text
    # F: a literal value; quantities at least reach last year's actual (or, as a weakness,
    # fall below it)
    target = value(slot.text)
    if not first and target.kind is Kind.QUANTITATIVE and target.op in (Op.GE, Op.GT):
        assert target.value is not None
        last = _below(slot.previous, target.unit)
        if last is not None:
            places = 0 if isinstance(target.value, int) else 2
            number: float
            if rng.random() < low_share and last >= 2:
                number = math.floor(last * rng.uniform(0.75, 0.92))
            else:
                number = max(float(target.value), last)
            slot.text = f"{slot.text[0]}{show(number, places)}{target.unit}"
            target = value(slot.text)
    half = slot.text
    if cumulative(*_levels(slot.level, year), target) and target.value is not None:
        half_number = math.ceil(float(target.value) / 2)
        half = f"{slot.text[0]}{half_number}{target.unit}"
    return half, slot.text


def _project(series: _Series, entry: Entry, year: int, first: bool, config: SynthConfig) -> Project:
    if not first:
        series.total = _evolve_total(series.rng, series.total)
    total = series.total
    rng = series.rng
    main = series.main
    if main is not None and main not in series.slots:  # stated as a percentage (weak)
        _texts(series, main, year, first, total, 0.0)  # its count still sets the unit cost
    indicators = []
    for slot in series.slots:
        half, full = _texts(series, slot, year, first, total, config.below_last_year_share)
        l1, l2 = _levels(slot.level, year)
        indicators.append(
            Indicator(
                l1,
                l2,
                slot.name,
                half_year=value(half) if series.has_half else None,
                full_year=value(full),
            )
        )
    return Project(
        name=series.name,
        department=entry.department,
        unit=entry.unit.name,
        fiscal_year=year,
        start_year=year,
        end_year=year,
        funds=_funds(rng, total),
        indicators=tuple(indicators),
    )


def _evolve_total(rng: random.Random, total: float) -> float:
    amount = total * rng.uniform(0.9, 1.15)
    return round(amount, 1) if amount < 100 else float(round(amount))


# -- a unit ---------------------------------------------------------------------------------


def _names(rng: random.Random, entry: Entry, count: int) -> list[tuple[str, Topic]]:
    """``count`` distinct project names for a unit: its bureau's own work first, then work
    any unit has; beyond the pool, further phases (（二期） …) or numbers."""
    own = BY_BUREAU.get(entry.bureau.key, ())
    pool = [(rng.random(), name, topic) for topic in own for name in topic.names]
    pool += [
        (rng.random() * 2.5, name, topic)
        for topic in GENERIC
        if topic not in own
        for name in topic.names
    ]
    pool.sort(key=lambda item: item[0])
    picked: list[tuple[str, Topic]] = []
    seen: set[str] = set()
    k = 0
    while len(picked) < count:
        _, name, topic = pool[k % len(pool)]
        rounds = k // len(pool)
        if rounds:
            name += _PHASES[rounds - 1] if rounds <= len(_PHASES) else f"（第{rounds + 1}期）"
        if name not in seen:
            seen.add(name)
            picked.append((name, topic))
        k += 1
    return picked


Item = tuple[Project, ProjectActuals | None, ProjectActuals | None]


def unit_years(entry: Entry, config: SynthConfig, with_actuals: bool) -> list[list[Item]]:
    """Per configured year, the unit's projects with their checkpoint and year-end actuals
    (actuals of the last year only ``with_actuals``: earlier ones shape later targets)."""
    years = config.years
    base = f"{config.seed}|{entry.unit.code}"
    names = _names(random.Random(base), entry, config.projects_per_unit)
    out: list[list[Item]] = [[] for _ in years]
    for k, (name, topic) in enumerate(names):
        rng = random.Random(f"{base}|{k}")
        series = _series(rng, name, topic, config, len(years))
        for i, year in enumerate(years):
            project = _project(series, entry, year, i == 0, config)
            if not with_actuals and i == len(years) - 1:
                out[i].append((project, None, None))
                continue
            forced: tuple[str, ...] = ()
            if series.repeat is not None and series.repeat[1] <= i <= series.repeat[1] + 1:
                forced = (series.repeat[0],)
            checkpoint, year_end = generate(rng, project, config, forced)
            achieved = {a.indicator: a.value for a in year_end.indicators}
            for slot in series.slots:
                slot.previous = achieved.get(slot.name)
            out[i].append((project, checkpoint, year_end))
    return out


def iterate(entries: list[Entry], config: SynthConfig, with_actuals: bool) -> Iterator[Item]:
    """Unit by unit, year by year, project by project."""
    for entry in entries:
        for year_rows in unit_years(entry, config, with_actuals):
            yield from year_rows
