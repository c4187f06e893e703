#!/usr/bin/env python
"""Generate the import corpus (issue 6): target tables in provincial layouts, in every shape.

    .venv/bin/python tests/corpus/generate.py [--out DIR] [--no-convert]

For every template (see ``TEMPLATES``) this writes, under ``<out>/<template>/``:

* ``<template>.xlsx``          the table in its official layout, with merged cells;
* ``<template>.pdf``           ``soffice --headless --convert-to pdf`` of the workbook;
* ``<template>.html``          ``soffice --headless --convert-to html`` of the workbook;
* ``<template>.layout.txt``    ``pdftotext -layout`` of the PDF (aligned columns);
* ``<template>.raw.txt``       ``pdftotext`` of the PDF (poppler's reading order);
* ``<template>.stream.txt``    ``pdftotext -raw`` of the PDF (content stream order);
* ``<template>.pipe.txt``      ``| a | b |`` rows: covered cells of merges dropped (rows
  shift left), empty cells kept, a cell's line breaks break the row;
* ``<template>.cells.txt``     one cell per line: covered and empty cells dropped, a blank
  line between tables;
* ``<template>.expected.json`` the ``jixiao/1`` document the table was built from (no
  provenance, no warnings);

and ``<out>/manifest.json``, which lists templates, formats and files for the benchmark
(bench/import_bench.py) and tests/test_corpus.py.

Everything but the LibreOffice and pdftotext outputs is a pure function of ``SEED``:
``--no-convert`` writes only those files (the test re-generates them in a temporary folder
and compares).  Converting needs ``soffice`` and ``pdftotext`` on PATH; each soffice run
uses its own temporary profile, so it does not collide with other LibreOffice processes.

The tables are built from hand-written projects (``BANK``) and from ``jixiao.synth``; the
expected document is built from the same rows, so it is right by construction.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jixiao.domain.actuals import ActualsDocument, Deviation, IndicatorActual, ProjectActuals
from jixiao.domain.model import (
    Document,
    Funds,
    Goal,
    Indicator,
    OverallTargets,
    Period,
    Project,
)
from jixiao.domain.values import Kind, TargetValue, format_number, parse_value
from jixiao.interchange import dumps
from jixiao.synth import SynthConfig
from jixiao.synth import projects as synth_projects

HERE = Path(__file__).resolve().parent
SEED = 6  # the issue number; change it and every table changes
FORMAT_VERSION = 1  # of manifest.json

#: format name -> (file suffix, what it is)
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": (".xlsx", "workbook in the official layout, merged cells"),
    "pdf": (".pdf", "soffice --headless --convert-to pdf of the workbook"),
    "html": (".html", "soffice --headless --convert-to html of the workbook"),
    "pdf-layout": (".layout.txt", "pdftotext -layout of the PDF (aligned columns)"),
    "pdf-raw": (".raw.txt", "pdftotext of the PDF (reading order, blocks)"),
    "pdf-stream": (".stream.txt", "pdftotext -raw of the PDF (content stream order)"),
    "pipe": (".pipe.txt", "| a | b | rows, covered cells of merges dropped, rows shift left"),
    "cell-lines": (".cells.txt", "one cell per line, empty and covered cells dropped"),
}
#: formats written by LibreOffice / poppler (not reproducible byte for byte)
CONVERTED = ("pdf", "html", "pdf-layout", "pdf-raw", "pdf-stream")
EXPECTED_SUFFIX = ".expected.json"

# -- canonical labels ---------------------------------------------------------------------

OUTPUT, EFFECT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
L2: dict[str, tuple[str, str]] = {  # short key -> (level 1, level 2), 2021 taxonomy
    "数量": (OUTPUT, "数量指标"),
    "质量": (OUTPUT, "质量指标"),
    "时效": (OUTPUT, "时效指标"),
    "经济成本": (COST, "经济成本指标"),
    "社会成本": (COST, "社会成本指标"),
    "生态成本": (COST, "生态环境成本指标"),
    "经济效益": (EFFECT, "经济效益指标"),
    "社会效益": (EFFECT, "社会效益指标"),
    "生态效益": (EFFECT, "生态效益指标"),
    "可持续影响": (EFFECT, "可持续影响指标"),
    "满意度": (SATISFACTION, "服务对象满意度指标"),
}
LEVEL1_ORDER = (OUTPUT, COST, EFFECT, SATISFACTION)
LEVEL2_ORDER = tuple(v[1] for v in L2.values())


# -- the content: hand-written projects -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spec:
    """A project as a unit would write it: rows of (level-2 key, name, full-year target)."""

    topic: str  # the project's name without the year
    bureau: str  # the supervising department without the city
    unit: str  # the implementing unit without the city
    goal: str  # 年度目标
    funds: float  # 年度资金总额, 万元
    rows: tuple[tuple[str, str, str], ...]


BANK: tuple[Spec, ...] = (
    Spec(
        "人大代表履职培训费",
        "人大常委会",
        "人民代表大会常务委员会办公室",
        "组织市人大代表参加履职学习培训，提升代表依法履职能力和水平。",
        46.1,
        (
            ("数量", "人大代表履职培训人次", "＝461人次"),
            ("数量", "举办专题培训班期数", "≥6期"),
            ("质量", "按要求开展人大代表履职培训", "＝100%"),
            ("时效", "人大代表履职组织培训完成及时性", "＝100%"),
            ("经济成本", "人均培训成本", "≤0.12万元"),
            ("社会效益", "代表依法履职能力提升", "显著"),
            ("满意度", "参加履职培训的人大代表满意度", "≥90%"),
        ),
    ),
    Spec(
        "城乡困难群众临时救助资金",
        "民政局",
        "社会救助服务中心",
        "对遭遇突发性、紧迫性、临时性生活困难的家庭和个人及时给予救助，兜住兜牢基本民生底线。",
        380.0,
        (
            ("数量", "临时救助人次", "≥1,200人次"),
            ("数量", "救助覆盖乡镇（街道）数", "＝12个"),
            ("质量", "救助对象认定准确率", "≥98%"),
            ("时效", "救助资金发放及时率", "＝100%"),
            ("时效", "救助审批办结时限", "≤15个工作日"),
            ("经济成本", "人均临时救助支出", "≤0.3万元"),
            ("社会效益", "困难群众基本生活保障", "有效"),
            ("可持续影响", "社会救助政策知晓率", "≥85%"),
            ("满意度", "救助对象满意度", "≥95%"),
        ),
    ),
    Spec(
        "农村生活污水治理项目",
        "生态环境局",
        "生态环境监测站",
        "新建农村生活污水处理设施35座，配套管网48.5公里，提升农村人居环境质量。",
        3010.0,
        (
            ("数量", "新建农村生活污水处理设施", "＝35座"),
            ("数量", "新增配套污水管网长度", "≥48.5公里"),
            ("质量", "处理设施出水水质达标率", "≥95%"),
            ("质量", "工程竣工验收合格率", "＝100%"),
            ("时效", "项目完工时间", "2024年11月底前"),
            ("经济成本", "单座处理设施建设成本", "≤86万元"),
            ("生态效益", "农村生活污水治理率", "≥85%"),
            ("生态效益", "化学需氧量削减量", "≥120吨"),
            ("可持续影响", "处理设施正常运行率", "≥90%"),
            ("满意度", "沿线群众满意度", "≥90%"),
        ),
    ),
    Spec(
        "中小学教师全员培训经费",
        "教育局",
        "教师发展中心",
        "完成中小学教师全员培训任务，落实教师继续教育学分管理，提升教师教育教学能力。",
        192.0,
        (
            ("数量", "培训教师人次", "≥2,400人次"),
            ("数量", "开设培训课程门数", "≥60门"),
            ("质量", "培训考核合格率", "≥95%"),
            ("时效", "培训任务完成时间", "2025年12月底前"),
            ("经济成本", "人均培训费用", "≤800元"),
            ("社会效益", "教师教育教学能力", "较好"),
            ("可持续影响", "教师继续教育学分管理覆盖率", "＝100%"),
            ("满意度", "参训教师满意度", "≥90%"),
        ),
    ),
    Spec(
        "政务信息系统运行维护费",
        "政务服务管理办公室",
        "大数据中心",
        "保障全市政务信息系统和电子政务外网安全稳定运行，支撑政务服务“一网通办”。",
        126.8,
        (
            ("数量", "运维信息系统数量", "＝18个"),
            ("数量", "运维服务期", "≥1服务周期"),
            ("质量", "系统正常运行率", "≥99.5%"),
            ("质量", "网络安全事件发生次数", "＝0次"),
            ("时效", "故障响应时间", "≤2小时"),
            ("经济成本", "年度运维费用", "≤126.8万元"),
            ("社会效益", "政务服务“一网通办”支撑能力", "好"),
            ("满意度", "系统使用人员满意度", "≥90%"),
        ),
    ),
    Spec(
        "农村公路养护工程",
        "交通运输局",
        "公路事业发展中心",
        "完成农村公路日常养护和危桥改造，保持路况良好，保障群众安全便捷出行。",
        1386.0,
        (
            ("数量", "养护农村公路里程", "≥1,050公里"),
            ("数量", "危桥改造座数", "＝6座"),
            ("质量", "农村公路优良路率", "≥80%"),
            ("时效", "养护工程实施期", "2024.03-2024.11"),
            ("经济成本", "每公里养护成本", "≤1.2万元"),
            ("经济效益", "降低农村物流运输成本", "较显著"),
            ("社会效益", "群众出行条件改善", "较好"),
            ("满意度", "沿线居民满意度", "≥85%"),
        ),
    ),
    Spec(
        "法律援助和普法宣传经费",
        "司法局",
        "法律援助中心",
        "为经济困难群众和特殊案件当事人提供法律援助，开展“八五”普法宣传。",
        215.0,
        (
            ("数量", "办理法律援助案件", "≥860件"),
            ("数量", "开展普法宣传活动", "≥40场次"),
            ("质量", "法律援助案件质量评查合格率", "≥95%"),
            ("时效", "援助申请受理审查时限", "≤7日"),
            ("经济成本", "法律援助案件平均补贴", "≤0.25万元"),
            ("社会效益", "困难群众合法权益保障", "有效"),
            ("满意度", "受援人满意度", "≥95%"),
        ),
    ),
    Spec(
        "基本公共卫生服务补助资金",
        "卫生健康委员会",
        "疾病预防控制中心",
        "按照国家基本公共卫生服务规范，为城乡居民免费提供基本公共卫生服务。",
        4680.0,
        (
            ("数量", "65岁及以上老年人健康管理人数", "≥52,000人"),
            ("数量", "高血压患者规范管理人数", "≥38,000人"),
            ("质量", "居民电子健康档案建档率", "≥90%"),
            ("质量", "高血压患者规范管理率", "≥62%"),
            ("时效", "补助资金拨付及时率", "＝100%"),
            ("经济成本", "人均基本公共卫生服务经费补助标准", "≥89元"),
            ("社会效益", "城乡居民公共卫生服务差距", "不断缩小"),
            ("满意度", "城乡居民满意度", "≥85%"),
        ),
    ),
    Spec(
        "文化惠民送戏下乡项目",
        "文化广电和旅游局",
        "文化馆",
        "组织文艺院团送戏下乡，丰富基层群众精神文化生活。",
        180.0,
        (
            ("数量", "送戏下乡演出场次", "≥120场"),
            ("数量", "惠及群众人次", "≥3万人次"),
            ("质量", "演出节目审查通过率", "＝100%"),
            ("时效", "演出任务完成时间", "2024年10月底前"),
            ("经济成本", "每场演出补助标准", "≤1.5万元"),
            ("社会效益", "基层群众文化获得感", "显著"),
            ("满意度", "观众满意度", "≥90%"),
        ),
    ),
    Spec(
        "中小河流综合整治工程",
        "水利局",
        "河道管理处",
        "完成中小河流综合整治23.6公里，提高防洪排涝能力，改善河道水环境。",
        2850.0,
        (
            ("数量", "整治河道长度", "≥23.6公里"),
            ("数量", "清淤土方量", "≥15万立方米"),
            ("质量", "工程质量合格率", "＝100%"),
            ("时效", "汛前完成主体工程", "2024年5月底前"),
            ("经济成本", "工程建设成本", "≤2,850万元"),
            ("生态效益", "水功能区水质达标率", "≥90%"),
            ("社会效益", "防洪排涝能力", "显著"),
            ("满意度", "沿河居民满意度", "≥90%"),
        ),
    ),
    Spec(
        "职业技能提升行动补贴",
        "人力资源和社会保障局",
        "就业训练中心",
        "开展职业技能培训5000人次以上，促进重点群体就业创业。",
        900.0,
        (
            ("数量", "开展职业技能培训人次", "≥5,000人次"),
            ("质量", "培训后取证率", "≥80%"),
            ("质量", "培训后就业率", "≥60%"),
            ("时效", "补贴资金发放及时率", "＝100%"),
            ("经济成本", "人均培训补贴", "≤1,800元"),
            ("经济效益", "参训人员人均增收", "≥2,000元/人"),
            ("社会效益", "城镇登记失业率", "≤3.5%"),
            ("满意度", "参训人员满意度", "≥90%"),
        ),
    ),
    Spec(
        "安全生产监管执法专项经费",
        "应急管理局",
        "应急管理综合行政执法支队",
        "开展安全生产执法检查和专项整治，督促企业落实主体责任，防范遏制生产安全事故。",
        96.0,
        (
            ("数量", "检查企业数量", "≥680家"),
            ("数量", "开展专项执法行动", "≥4次"),
            ("质量", "重大事故隐患整改率", "≥95%"),
            ("时效", "重大隐患整改时限", "≤30天"),
            ("经济成本", "单家企业检查成本", "≤0.14万元"),
            ("社会效益", "生产安全事故死亡人数", "≤12人"),
            ("满意度", "企业满意度", "≥85%"),
        ),
    ),
)

#: units whose amounts are counts or quantities of work: a half-year target is half of it,
#: a multi-year target the sum over the years.  Other units (%, time limits, costs per item)
#: stay the same in every period.
_COUNTS = ("人次", "人", "次", "件", "户", "场", "场次", "个", "座", "期", "门", "家")
COUNT_UNITS = frozenset((*_COUNTS, "公里", "吨", "万立方米", "万人次", "台", "批次"))


@dataclass(frozen=True, slots=True)
class Row:
    """One indicator row: canonical levels, printed labels, name, targets per period."""

    level1: str
    level2: str
    name: str  # as printed; a "\n" is a line break typed in the cell
    full: str | None
    half: str | None = None
    long: str | None = None
    label1: str = ""  # printed level-1 label
    label2: str = ""  # printed level-2 label


def _scaled(text: str, factor: float) -> str:
    """The same target with its number scaled (``≥1,200人次`` × 0.5 -> ``≥600人次``)."""
    m = re.match(r"^([＝=≥≤＞＜><]?)([\d,]+(?:\.\d+)?)(.*)$", text)
    if m is None:
        return text
    op, number, unit = m.groups()
    value = float(number.replace(",", "")) * factor
    digits = 0 if "." not in number else len(number.split(".")[1])
    value = round(value, digits)
    shown = format_number(int(value) if digits == 0 or value.is_integer() else value)
    if "," in number and value >= 1000:
        shown = f"{int(value):,}" if digits == 0 else f"{value:,.{digits}f}"
    return op + shown + unit


def derive(full: str, period: str, years: int = 3) -> str:
    """A plausible half-year or multi-year target from the full-year one."""
    value = parse_value(full)
    if value.kind is Kind.QUANTITATIVE and value.unit in COUNT_UNITS:
        if period == "half":
            return _scaled(full, 0.5)
        return _scaled(full, years)
    if value.kind is Kind.DATE and period == "half":
        year = (value.start or "2024")[:4]
        return f"{year}年6月底前"
    return full


def _spec_rows(spec: Spec) -> list[Row]:
    return [Row(*L2[key], name, full) for key, name, full in spec.rows]


def _synth_rows(project: Project) -> list[Row]:
    rows = []
    for ind in project.indicators:
        full = ind.full_year.text if ind.full_year is not None else None
        half = ind.half_year.text if ind.half_year is not None else None
        rows.append(Row(ind.level1, ind.level2, ind.name, full, half=half))
    return rows


#: jixiao.synth topic -> (supervising department, implementing unit), without the city
SYNTH_OFFICES: dict[str, tuple[str, str]] = {
    "教师培训": ("教育局", "教育培训中心"),
    "困难群众救助": ("民政局", "社会福利中心"),
    "道路养护": ("交通运输局", "公路养护中心"),
    "水质监测": ("生态环境局", "环境监测站"),
    "农机补贴": ("农业农村局", "农业机械化技术推广站"),
    "公共卫生服务": ("卫生健康委员会", "妇幼保健院"),
    "法律援助": ("司法局", "公共法律服务中心"),
    "文化惠民演出": ("文化广电和旅游局", "群众艺术馆"),
    "河道整治": ("水利局", "水利工程建设管理中心"),
    "信息系统运维": ("数据资源管理局", "信息中心"),
    "安全生产检查": ("应急管理局", "安全生产监察支队"),
    "就业技能培训": ("人力资源和社会保障局", "职业技能鉴定中心"),
}


@dataclass(frozen=True, slots=True)
class Synthetic:
    """A ``jixiao.synth`` project in the shape of :class:`Spec` (rows already as ``Row``)."""

    topic: str
    bureau: str
    unit: str
    goal: str
    funds: float
    rows: list[Row]


#: the jixiao.synth topic a hand-written project is about (not to be repeated beside it)
SIMILAR = {
    "城乡困难群众临时救助资金": "困难群众救助",
    "农村生活污水治理项目": "水质监测",
    "中小学教师全员培训经费": "教师培训",
    "政务信息系统运行维护费": "信息系统运维",
    "农村公路养护工程": "道路养护",
    "法律援助和普法宣传经费": "法律援助",
    "基本公共卫生服务补助资金": "公共卫生服务",
    "文化惠民送戏下乡项目": "文化惠民演出",
    "中小河流综合整治工程": "河道整治",
    "职业技能提升行动补贴": "就业技能培训",
    "安全生产监管执法专项经费": "安全生产检查",
}


def _synth(year: int, count: int, seed: int, beside: Sequence[Spec] = ()) -> list[Synthetic]:
    """``count`` projects of ``jixiao.synth`` (about 40% with reviewers' weaknesses), each on
    a topic none of ``beside`` is about, with their department and unit."""
    config = SynthConfig(units=12, projects_per_unit=1, years=(year,), weak_share=0.4, seed=seed)
    taken = {SIMILAR.get(spec.topic) for spec in beside}
    made = [p for p in synth_projects(config) if not any(t and t in p.name for t in taken)]
    picked = random.Random(seed).sample(made, k=count)
    out = []
    for project in picked:
        m = re.match(r"^\d{4}年(.+?)项目\d+$", project.name)
        topic = m.group(1) if m else project.name
        bureau, unit = SYNTH_OFFICES.get(topic, ("财政局", "财政事务中心"))
        goal = f"按计划完成{topic}年度工作任务，提高财政资金使用效益。"
        printed = project.funds.printed_amounts() if project.funds else {}  # 万元
        funds = printed.get("total") or 100.0
        out.append(
            Synthetic(topic + "专项资金", bureau, unit, goal, float(funds), _synth_rows(project))
        )
    return out


Source = tuple[str, list[Row], "Spec | Synthetic"]


def _sources(bank: Sequence[Spec], year: int, synthetic: int, seed: int) -> list[Source]:
    """(topic, rows, project) of the hand-written projects, then ``synthetic`` more."""
    out: list[Source] = [(s.topic, _spec_rows(s), s) for s in bank]
    out += [(x.topic, x.rows, x) for x in _synth(year, synthetic, seed, bank)]
    return out


def _ordered(rows: Sequence[Row], *, old_cost: bool = False) -> list[Row]:
    """Rows grouped by level 1 and level 2 in the conventional order (stable otherwise).

    ``old_cost`` prints cost rows the older way, as level 2 成本指标 under 产出指标.
    """
    if old_cost:
        rows = [
            Row(OUTPUT, COST, r.name, r.full, r.half, r.long) if r.level1 == COST else r
            for r in rows
        ]
    l2_order = (*LEVEL2_ORDER[:3], COST, *LEVEL2_ORDER[3:])
    return sorted(rows, key=lambda r: (LEVEL1_ORDER.index(r.level1), l2_order.index(r.level2)))


def _labelled(
    rows: Sequence[Row], rng: random.Random, aliases: Mapping[str, Sequence[str]]
) -> list[Row]:
    """Rows with printed labels: the canonical name or one alias per project and label."""
    chosen: dict[str, str] = {}
    for r in rows:
        for name in (r.level1, r.level2):
            if name not in chosen:
                chosen[name] = rng.choice(tuple(aliases.get(name, (name,))))
    return [
        Row(r.level1, r.level2, r.name, r.full, r.half, r.long, chosen[r.level1], chosen[r.level2])
        for r in rows
    ]


def _wrap_name(name: str, rng: random.Random, share: float) -> str:
    """Sometimes put a typed line break (Alt+Enter) into a long name."""
    if len(name) >= 12 and rng.random() < share:
        cut = len(name) // 2 + rng.randint(-2, 2)
        return name[:cut] + "\n" + name[cut:]
    return name


def _value(text: str | None) -> TargetValue | None:
    return None if text is None or not text.strip() else parse_value(text)


def _indicator(row: Row) -> Indicator:
    return Indicator(
        level1=row.level1,
        level2=row.level2,
        name=row.name.replace("\n", ""),
        half_year=_value(row.half),
        full_year=_value(row.full),
        long_term=_value(row.long),
        level1_label=(row.label1 or row.level1).replace("\n", ""),
        level2_label=(row.label2 or row.level2).replace("\n", ""),
    )


# -- sheets -------------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    text: str  # as displayed
    rowspan: int = 1
    colspan: int = 1
    style: str = "body"  # title | subtitle | note | head | label | body | value
    stored: object = None  # what the workbook stores, when not the text (a number)
    number_format: str | None = None


@dataclass(slots=True)
class Sheet:
    """A worksheet as placed cells; merged cells appear once, at their top-left place."""

    name: str
    widths: tuple[float, ...]
    landscape: bool = False
    font_size: float = 10.0  # of the table's cells
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    covered: set[tuple[int, int]] = field(default_factory=set)
    breaks: list[int] = field(default_factory=list)  # manual page break after these rows
    print_title_rows: tuple[int, int] | None = None  # repeated on every printed page
    boxed: set[tuple[int, int]] = field(default_factory=set)  # places with borders
    nrows: int = 0

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def put(
        self,
        r: int,
        c: int,
        text: str,
        *,
        rs: int = 1,
        cs: int = 1,
        style: str = "body",
        stored: object = None,
        number_format: str | None = None,
    ) -> None:
        places = [(r + i, c + j) for i in range(rs) for j in range(cs)]
        for place in places:
            if place in self.cells or place in self.covered:
                raise ValueError(f"{self.name}: cell {place} placed twice")
            if place[1] >= self.ncols:
                raise ValueError(f"{self.name}: cell {place} beyond the last column")
        self.cells[(r, c)] = Cell(text, rs, cs, style, stored, number_format)
        self.covered.update(places[1:])
        if style not in ("title", "subtitle", "note"):
            self.boxed.update(places)
        self.nrows = max(self.nrows, r + rs)

    def line(self, r: int, items: Sequence[str | tuple[str, int]], style: str = "body") -> None:
        """Place a row left to right; an item ``(text, n)`` spans n columns."""
        c = 0
        for item in items:
            text, span = (item, 1) if isinstance(item, str) else item
            self.put(r, c, text, cs=span, style=style if c or style != "body" else "label")
            c += span
        if c != self.ncols:
            raise ValueError(f"{self.name}: row {r} has {c} columns, not {self.ncols}")

    def banner(self, r: int, text: str, style: str = "title") -> None:
        self.put(r, 0, text, cs=self.ncols, style=style)

    def layout(self) -> dict[int, float]:
        """Row heights (points) that show every wrapped cell whole.

        LibreOffice does not compute optimal heights for rows of a workbook written by
        openpyxl, so the generator estimates them: a CJK character is about 1.9 width units
        at 10 pt, a line 13.5 pt.  A merged cell spreads its need over its rows.
        """
        scale = self.font_size / 10.0
        heights = dict.fromkeys(range(self.nrows), 16.0 * scale)
        tall: list[tuple[int, int, float]] = []
        for (r, c), cell in self.cells.items():
            if cell.style in ("title", "subtitle", "note"):
                heights[r] = max(heights[r], 26.0 if cell.style == "title" else 16.0)
                continue
            width = sum(self.widths[c : c + cell.colspan]) - 1.0
            lines = sum(
                max(
                    1,
                    math.ceil(sum(1.9 if ord(ch) > 0x2E80 else 1.0 for ch in part) * scale / width),
                )
                for part in cell.text.split("\n")
            )
            need = 1.35 * self.font_size * lines + 4.0
            if cell.rowspan == 1:
                heights[r] = max(heights[r], need)
            else:
                tall.append((r, cell.rowspan, need))
        for r, span, need in tall:
            have = sum(heights[r + i] for i in range(span))
            if have < need:
                for i in range(span):
                    heights[r + i] += (need - have) / span
        return heights

    def rows_in_order(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.nrows)]
        for (r, _), cell in sorted(self.cells.items()):
            out[r].append(cell)
        return out


def indicator_block(
    sheet: Sheet,
    r0: int,
    c0: int,
    rows: Sequence[Row],
    values: Callable[[Row], Sequence[Cell]] | Mapping[str, Sequence[Cell]],
) -> int:
    """Level 1 and level 2 (each merged vertically over its run), name, value cells.

    ``values`` gives a row's cells after the name (a function, or a mapping by name).
    Returns the first row after the block.
    """
    cells_of = values if callable(values) else (lambda row: values[row.name])

    def runs(lo: int, hi: int, key: Callable[[Row], object]) -> list[tuple[int, int]]:
        out, start = [], lo
        for i in range(lo + 1, hi + 1):
            if i == hi or key(rows[i]) != key(rows[start]):
                out.append((start, i))
                start = i
        return out

    for lo, hi in runs(0, len(rows), lambda x: (x.level1, x.label1)):
        sheet.put(r0 + lo, c0, rows[lo].label1, rs=hi - lo, style="label")
        for lo2, hi2 in runs(lo, hi, lambda x: (x.level2, x.label2)):
            sheet.put(r0 + lo2, c0 + 1, rows[lo2].label2, rs=hi2 - lo2, style="label")
    for i, row in enumerate(rows):
        sheet.put(r0 + i, c0 + 2, row.name, style="body")
        for col, cell in enumerate(cells_of(row), start=c0 + 3):
            sheet.put(
                r0 + i,
                col,
                cell.text,
                rs=cell.rowspan,
                cs=cell.colspan,
                style=cell.style,
                stored=cell.stored,
                number_format=cell.number_format,
            )
    return r0 + len(rows)


def V(text: str | None, **kw: object) -> Cell:  # a short name for a value cell
    return Cell(text or "", style="value", **kw)  # type: ignore[arg-type]


# -- templates ----------------------------------------------------------------------------


@dataclass(slots=True)
class Built:
    doc: Document
    sheets: list[Sheet]
    crosses_page: bool  # a table is meant to run over a page break in the PDF
    notes: str


SAT_ALIASES: dict[str, Sequence[str]] = {
    SATISFACTION: ("满意度", "满意度指标"),
    "服务对象满意度指标": ("服务对象满意度", "服务对象满意度指标"),
}


def _project_name(year: int, topic: str, rng: random.Random) -> str:
    return f"{year}年{topic}" if rng.random() < 0.5 else topic


def half_full(seed: int) -> Built:
    """(a) 江苏 (无锡) 半年（程）/全年（程）指标值, one project per sheet, like the seed."""
    rng = random.Random(seed)
    year, city = 2024, "无锡市"
    bank = (BANK[0], BANK[1], BANK[4])
    sources = _sources(bank, year, 1, seed)
    projects, sheets = [], []
    for n, (topic, rows, spec) in enumerate(sources):
        rows = _ordered(rows, old_cost=True)  # the older Jiangsu template: 成本 under 产出
        rows = [
            Row(
                r.level1,
                r.level2,
                _wrap_name(r.name, rng, 0.25),
                r.full,
                r.half or derive(r.full or "", "half"),
            )
            for r in rows
        ]
        # One empty half-year cell (not yet scheduled), as published tables have.
        if n == 1:
            k = next(i for i, r in enumerate(rows) if r.level2 == "时效指标")
            r = rows[k]
            rows[k] = Row(r.level1, r.level2, r.name, r.full, None)
        rows = _labelled(rows, rng, SAT_ALIASES)
        bureau = spec.bureau
        department = city + bureau
        start = year - rng.choice((0, 1, 2))
        end = year + rng.choice((0, 0, 1, 2))
        name = _project_name(year, topic, rng)
        sheet = Sheet(f"项目{n + 1}", (12, 14, 34, 15, 15))
        sheet.banner(0, f"{city}市本级项目预算绩效目标表")
        sheet.banner(1, f"{year}年度", "subtitle")
        sheet.line(2, ["项目名称", (name, 4)])
        sheet.line(3, ["主管部门", (department, 4)])
        sheet.line(4, ["开始时间", (f"{start}年", 2), "完成时间", f"{end}年"])
        sheet.line(
            5,
            ["一级指标", "二级指标", "三级指标", "半年（程）\n指标值", "全年（程）\n指标值"],
            "head",
        )
        indicator_block(sheet, 6, 0, rows, lambda r: (V(r.half), V(r.full)))
        sheets.append(sheet)
        projects.append(
            Project(
                name=name,
                department=department,
                unit=None,
                fiscal_year=year,
                start_year=start,
                end_year=end,
                funds=None,
                indicators=tuple(_indicator(r) for r in rows),
            )
        )
    return Built(
        Document(fiscal_year=year, projects=tuple(projects)),
        sheets,
        crosses_page=False,
        notes="one project per sheet and page; 成本指标 printed as a level 2 under 产出指标; "
        "满意度/服务对象满意度 aliases; typed line breaks in some names; one empty half-year cell",
    )


def long_annual(seed: int) -> Built:
    """(b) 浙江 (杭州) 中长期指标值 + 年度指标值, central 申报表 style, all projects on one sheet."""
    rng = random.Random(seed)
    year, city = 2024, "杭州市"
    bank = (BANK[2], BANK[5], BANK[9])
    sources = _sources(bank, year, 2, seed)
    aliases = {**SAT_ALIASES, "生态效益指标": ("生态效益指标", "环境效益")}
    sheet = Sheet("项目支出绩效目标", (9, 11, 13, 30, 15, 15))
    projects = []
    r = 0
    for n, (topic, rows, spec) in enumerate(sources):
        years = rng.choice((2, 3, 3, 5))
        start = year - rng.randint(0, years - 1)
        end = start + years - 1
        rows = _ordered(rows)
        out = []
        for row in rows:
            long = derive(row.full, "long", years) if row.full else None
            if rng.random() < 0.12:  # not every indicator has a multi-year value
                long = None
            out.append(Row(row.level1, row.level2, row.name, row.full, None, long))
        rows = _labelled(out, rng, aliases)
        bureau = spec.bureau
        department = city + bureau
        unit = city + spec.unit
        total = spec.funds
        name = _project_name(year, topic, rng)
        goal = spec.goal
        sheet.banner(r, "项目支出绩效目标申报表")
        sheet.banner(r + 1, f"（{year}年度）", "subtitle")
        sheet.line(r + 2, [("项目名称", 2), (name, 4)])
        sheet.line(r + 3, [("主管部门及代码", 2), (f"{department}", 2), "实施单位", unit])
        sheet.line(
            r + 4,
            [
                ("项目属性", 2),
                ("延续项目" if start < year else "新增项目", 2),
                "项目期",
                f"{start}年-{end}年",
            ],
        )
        sheet.put(r + 5, 0, "项目资金\n（万元）", rs=4, cs=2, style="label")
        sheet.put(r + 5, 2, "", style="head")
        sheet.put(r + 5, 3, "", style="head")
        sheet.put(r + 5, 4, "中期资金总额", style="head")
        sheet.put(r + 5, 5, "年度资金总额", style="head")
        mid = round(total * years, 1)
        for k, (label, a, b) in enumerate(
            (("资金总额", mid, total), ("其中：财政拨款", mid, total), ("其他资金", 0, 0))
        ):
            sheet.put(r + 6 + k, 2, label, cs=2, style="label")
            sheet.put(
                r + 6 + k, 4, f"{a:.2f}", style="value", stored=float(a), number_format="0.00"
            )
            sheet.put(
                r + 6 + k, 5, f"{b:.2f}", style="value", stored=float(b), number_format="0.00"
            )
        sheet.put(r + 9, 0, "总体目标", rs=2, cs=2, style="label")
        sheet.put(r + 9, 2, "中长期目标", cs=2, style="head")
        sheet.put(r + 9, 4, "年度目标", cs=2, style="head")
        sheet.put(r + 10, 2, f"到{end}年，{goal}", cs=2, style="body")
        sheet.put(r + 10, 4, goal, cs=2, style="body")
        head = r + 11
        sheet.put(head, 0, "绩效指标", rs=len(rows) + 1, style="label")
        for c, text in enumerate(
            ("一级指标", "二级指标", "三级指标", "中长期指标值", "年度指标值"), 1
        ):
            sheet.put(head, c, text, style="head")
        r = indicator_block(sheet, head + 1, 1, rows, lambda x: (V(x.long), V(x.full)))
        if n == 0:
            # A page break inside the indicator rows: LibreOffice prints the merged 绩效指标,
            # level-1 and level-2 cells on both pages.  Later breaks fall where they fall.
            sheet.breaks.append(head + 5)
        r += 2  # two blank rows between projects
        projects.append(
            Project(
                name=name,
                department=department,
                unit=unit,
                fiscal_year=year,
                start_year=start,
                end_year=end,
                funds=Funds.printed("万元", total=total, fiscal=total, other=0),
                indicators=tuple(_indicator(x) for x in rows),
            )
        )
    return Built(
        Document(fiscal_year=year, projects=tuple(projects)),
        [sheet],
        crosses_page=True,
        notes="all projects stacked on one sheet, tables run over page breaks (the first one "
        "breaks after its fifth indicator row, so merged labels print on both pages); a 绩效指标 column "
        "merged over the whole indicator block; 2021 成本指标 rows; 环境效益 alias; some empty "
        "中长期 cells; funds from the 年度资金总额 column",
    )


def op_value_unit(seed: int) -> Built:
    """(c) 广东 (广州) 计算符号 / 指标值 / 度量单位 / 权重 / 指标方向 in separate columns."""
    rng = random.Random(seed)
    year, city = 2025, "广州市"
    bank = (BANK[3], BANK[7])
    sources = _sources(bank, year, 1, seed)
    aliases = {
        **SAT_ALIASES,
        OUTPUT: ("产出指标", "产出"),
        EFFECT: ("效益指标", "效益"),
        COST: ("成本指标", "成本"),
    }
    projects, sheets = [], []
    for n, (topic, rows, spec) in enumerate(sources):
        rows = _labelled(_ordered(rows), rng, aliases)
        rows = [
            Row(
                r.level1,
                r.level2,
                r.name,
                r.full.replace(str(year - 1), str(year)) if r.full else r.full,
                None,
                None,
                r.label1,
                r.label2,
            )
            for r in rows
        ]
        weights = _weights(rows, rng)
        split: dict[str, tuple[Cell, Cell, Cell, Cell, Cell]] = {}
        joined: list[Row] = []
        for r in rows:
            op, number, unit, direction = _split_target(r.full or "")
            cells = (
                V(op),
                V(number[0], stored=number[1]),
                V(unit),
                V("" if weights[r.name] is None else str(weights[r.name]), stored=weights[r.name]),
                V(direction),
            )
            split[r.name] = cells
            text = ("" if op == "定性" else op) + number[0] + unit
            joined.append(Row(r.level1, r.level2, r.name, text, None, None, r.label1, r.label2))
        bureau = spec.bureau
        department = city + bureau
        unit = city + spec.unit
        total = spec.funds
        name = _project_name(year, topic, rng)
        goal = spec.goal
        code = f"4401{rng.randint(10, 99)}{year}{rng.randint(100000, 999999)}"
        sheet = Sheet(f"项目{n + 1}", (10, 12, 30, 9, 10, 9, 8, 10), landscape=True)
        sheet.banner(0, f"{year}年度项目支出绩效目标表")
        sheet.put(1, 0, f"填报单位（盖章）：{unit}", cs=5, style="note")
        sheet.put(1, 5, "金额单位：万元", cs=3, style="note")
        sheet.line(2, ["项目名称", (name, 3), "项目编码", (code, 3)])
        sheet.line(3, ["主管部门", (department, 3), "实施单位", (unit, 3)])
        sheet.line(
            4,
            [
                "资金情况",
                "年度资金总额",
                (f"{total:.2f}", 2),
                "其中：财政资金",
                f"{total:.2f}",
                "其他资金",
                "0.00",
            ],
        )
        sheet.line(5, ["年度绩效目标", (goal, 7)])
        sheet.line(
            6,
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "计算符号",
                "指标值",
                "度量单位",
                "权重（%）",
                "指标方向",
            ],
            "head",
        )
        end = indicator_block(sheet, 7, 0, rows, split)
        sheet.put(
            end + 1,
            0,
            "注：定性指标的计算符号填“定性”，指标值填写“好、较好、一般”等；权重合计为100。",
            cs=8,
            style="note",
        )
        sheets.append(sheet)
        projects.append(
            Project(
                name=name,
                department=department,
                unit=unit,
                fiscal_year=year,
                start_year=None,
                end_year=None,
                funds=Funds.printed("万元", total=total, fiscal=total, other=0),
                indicators=tuple(_indicator(x) for x in joined),
            )
        )
    return Built(
        Document(fiscal_year=year, projects=tuple(projects)),
        sheets,
        crosses_page=False,
        notes="operator, number and unit in separate columns (the target is their join; 定性 "
        "is no operator); numbers stored as numbers; 权重 (some empty) and 指标方向 columns; "
        "short level labels (产出, 效益, 成本); a note line under the table",
    )


def _weights(
    rows: Sequence[Row], rng: random.Random, *, empty: int = 1, output: int = 50
) -> dict[str, int | None]:
    """Points per row: 产出 ``output``, 成本 10, 效益 30, 满意度 10; ``empty`` left empty."""
    base = {OUTPUT: output, COST: 10, EFFECT: 30, SATISFACTION: 10}
    out: dict[str, int | None] = {}
    for level1, points in base.items():
        names = [r.name for r in rows if r.level1 == level1]
        for i, name in enumerate(names):
            share = points // len(names) + (1 if i < points % len(names) else 0)
            out[name] = share
    for name in rng.sample(sorted(out), k=empty):
        out[name] = None
    return out


def _split_target(text: str) -> tuple[str, tuple[str, object], str, str]:
    """(计算符号, (指标值 shown, stored), 度量单位, 指标方向) of a printed target."""
    value = parse_value(text)
    if value.kind is Kind.QUANTITATIVE and value.value is not None:
        m = re.match(r"^([＝=≥≤＞＜><]?)([\d,]+(?:\.\d+)?)(.*)$", text)
        assert m is not None, text
        op, shown, unit = m.groups()
        op = op or "＝"
        number = value.value
        direction = {
            "≥": "正向",
            "＞": "正向",
            ">": "正向",
            "≤": "反向",
            "＜": "反向",
            "<": "反向",
        }.get(op, "")
        return op, (shown.replace(",", ""), number), unit, direction
    if value.kind is Kind.DATE:
        body = re.sub(r"(底前|前)$", "", text)
        return "≤", (body, None), "", "反向"
    return "定性", (text, None), "", "正向"


def quant_qual(seed: int) -> Built:
    """(d) 四川 (成都) 指标值类型 定量/定性 column, qualitative targets, one sheet with page breaks."""
    rng = random.Random(seed)
    year, city = 2024, "成都市"
    bank = (BANK[6], BANK[8])
    sources = _sources(bank, year, 2, seed)
    qualitative_swaps = {  # percentages some units state as grades
        "满意度": ("达成年度指标", "好", "较好"),
    }
    sheet = Sheet("绩效目标", (11, 13, 32, 11, 16, 14))
    projects = []
    r = 0
    for n, (topic, rows, spec) in enumerate(sources):
        rows = _labelled(_ordered(rows), rng, {})
        out = []
        for row in rows:
            full = row.full
            if row.level1 == SATISFACTION and n % 2 == 1:
                full = rng.choice(qualitative_swaps["满意度"])
            out.append(
                Row(row.level1, row.level2, row.name, full, None, None, row.label1, row.label2)
            )
        rows = out
        bureau = spec.bureau
        department = city + bureau
        unit = city + spec.unit
        total = spec.funds
        name = _project_name(year, topic, rng)
        goal = spec.goal
        if n:
            sheet.breaks.append(r - 1)
        sheet.banner(r, f"{city}市级部门项目支出绩效目标表（{year}年）")
        sheet.put(r + 1, 0, f"编制单位：{department}", cs=4, style="note")
        sheet.put(r + 1, 4, "单位：万元", cs=2, style="note")
        sheet.line(r + 2, ["项目名称", (name, 2), "项目类型", ("一般性项目", 2)])
        sheet.line(r + 3, ["主管部门", (department, 2), "实施单位", (unit, 2)])
        sheet.line(r + 4, ["资金总额", (f"{total:.2f}", 2), "其中：财政资金", (f"{total:.2f}", 2)])
        sheet.line(r + 5, ["年度目标", (goal, 5)])
        sheet.line(
            r + 6, ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "备注"], "head"
        )
        r = indicator_block(sheet, r + 7, 0, rows, _qq_cells)
        r += 1
        projects.append(
            Project(
                name=name,
                department=department,
                unit=unit,
                fiscal_year=year,
                funds=Funds.printed("万元", total=total, fiscal=total),
                indicators=tuple(_indicator(x) for x in rows),
            )
        )
    return Built(
        Document(fiscal_year=year, projects=tuple(projects)),
        [sheet],
        crosses_page=False,
        notes="指标值类型 (定量/定性) column; qualitative targets (好, 较好, 显著, 有效, "
        "达成年度指标) also for satisfaction; bare percentages typed into Excel are numbers "
        "formatted 0% (1 shows as 100%); manual page break before each project; 备注 mostly empty",
    )


def _qq_cells(row: Row) -> tuple[Cell, Cell, Cell]:
    value = parse_value(row.full or "")
    kind = "定量" if value.kind is Kind.QUANTITATIVE else "定性"
    text = row.full or ""
    note = ""
    if value.kind is Kind.DATE:
        note = "按计划时间节点完成"
    elif value.kind is Kind.TEXT:
        note = "与上年相比"
    if value.kind is Kind.QUANTITATIVE and value.unit == "%" and text.startswith("＝"):
        # Typed as 100% into Excel: stored as the number 1 with a percentage format.
        shown = text.removeprefix("＝")
        return V(kind), V(shown, stored=float(value.value or 0) / 100, number_format="0%"), V(note)
    return V(kind), V(text), V(note)


def self_eval(seed: int) -> Built:
    """(e) 湖北 (武汉) 项目支出绩效自评表: targets beside actuals, points, scores, reasons."""
    rng = random.Random(seed)
    year, city = 2023, "武汉市"
    bank = (BANK[10], BANK[11])
    sources = _sources(bank, year, 1, seed)
    aliases = {"服务对象满意度指标": ("服务对象满意度指标", "社会公众或服务对象满意度指标")}
    projects, sheets, reports = [], [], []
    for n, (topic, rows, spec) in enumerate(sources):
        rows = _labelled(_ordered(rows), rng, aliases)
        rows = [
            Row(
                r.level1,
                r.level2,
                r.name,
                r.full.replace("2024", str(year)) if r.full else r.full,
                None,
                None,
                r.label1,
                r.label2,
            )
            for r in rows
        ]
        points = _weights(rows, random.Random(seed + n), empty=0, output=40)
        bureau = spec.bureau
        department = city + bureau
        unit = city + spec.unit
        budget = spec.funds
        executed = round(budget * rng.uniform(0.82, 1.0), 2)
        name = _project_name(year, topic, rng)
        goal = spec.goal
        sheet = Sheet(f"自评表{n + 1}", (8, 10, 12, 26, 13, 13, 7, 7, 22), landscape=True)
        sheet.banner(0, "项目支出绩效自评表")
        sheet.banner(1, f"（{year}年度）", "subtitle")
        sheet.line(2, [("项目名称", 2), (name, 7)])
        sheet.line(3, [("主管部门", 2), (department, 3), "实施单位", (unit, 3)])
        sheet.put(4, 0, "项目资金\n（万元）", rs=4, cs=2, style="label")
        for c, text in enumerate(
            ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), 2
        ):
            sheet.put(4, c, text, style="head")
        rate = executed / budget
        rows_money = (
            (
                "年度资金总额",
                budget,
                budget,
                executed,
                "10",
                f"{rate:.2%}",
                f"{10 * min(rate, 1):.2f}",
            ),
            ("其中：当年财政拨款", budget, budget, executed, "—", "—", "—"),
            ("其他资金", 0.0, 0.0, 0.0, "—", "—", "—"),
        )
        for k, (label, a, b, e, w, rt, sc) in enumerate(rows_money):
            sheet.put(5 + k, 2, label, style="label")
            for c, number in ((3, a), (4, b), (5, e)):
                sheet.put(
                    5 + k, c, f"{number:.2f}", style="value", stored=number, number_format="0.00"
                )
            sheet.put(5 + k, 6, w, style="value")
            sheet.put(5 + k, 7, rt, style="value")
            sheet.put(5 + k, 8, sc, style="value")
        sheet.put(8, 0, "年度总体目标", rs=2, cs=2, style="label")
        sheet.put(8, 2, "预期目标", cs=3, style="head")
        sheet.put(8, 5, "实际完成情况", cs=4, style="head")
        sheet.put(9, 2, goal, cs=3)
        sheet.put(
            9,
            5,
            "已按计划完成年度目标任务，"
            + rng.choice(("资金使用规范。", "个别指标未完全达到预期。")),
            cs=4,
        )
        head = 10
        sheet.put(head, 0, "绩效指标", rs=len(rows) + 1, style="label")
        for c, text in enumerate(
            (
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ),
            1,
        ):
            sheet.put(head, c, text, style="head")
        total = 10 * min(rate, 1)
        results: dict[str, tuple[Cell, ...]] = {}
        reported: list[IndicatorActual] = []
        for row in rows:
            actual, ratio = _actual(row.full or "", rng)
            weight = points[row.name] or 0
            score = round(weight * min(ratio, 1.0), 2)
            total += score
            reason = (
                ""
                if ratio >= 1
                else rng.choice(
                    (
                        "部分工作受天气影响延后，下一步加快实施进度",
                        "项目实施进度滞后，将加强过程监控",
                        "受市场价格波动影响，将优化采购方式",
                    )
                )
            )
            reported.append(
                IndicatorActual(
                    indicator=row.name.replace("\n", ""),
                    value=parse_value(actual),
                    deviation=Deviation(reason) if reason else None,
                    weight=float(weight),
                    reported_score=float(f"{score:g}"),
                )
            )
            results[row.name] = (
                V(row.full),
                V(actual),
                V(str(weight), stored=weight),
                V(f"{score:g}", stored=score),
                Cell(reason, style="body"),
            )
        end = indicator_block(sheet, head + 1, 1, rows, results)
        sheet.put(end, 0, "总分", cs=6, style="head")
        sheet.put(end, 6, "100", style="value", stored=100)
        sheet.put(end, 7, f"{total:.2f}", style="value", stored=round(total, 2))
        sheet.put(
            end,
            8,
            "自评等级：" + ("优" if total >= 90 else "良" if total >= 80 else "中"),
            style="value",
        )
        sheets.append(sheet)
        projects.append(
            Project(
                name=name,
                department=department,
                unit=unit,
                fiscal_year=year,
                indicators=tuple(_indicator(x) for x in rows),
            )
        )
        reports.append(
            ProjectActuals(
                project=name,
                period=Period.FULL_YEAR,
                budget=budget,
                executed=executed,
                budget_initial=budget,
                indicators=tuple(reported),
            )
        )
    return Built(
        Document(
            fiscal_year=year,
            projects=tuple(projects),
            actuals=(ActualsDocument(year, Period.FULL_YEAR, tuple(reports)),),
        ),
        sheets,
        crosses_page=False,
        notes="self-evaluation: 年度指标值 beside 实际完成值, 分值, 得分, 偏差原因; the expected "
        "document holds the targets and, in actuals, each indicator's 实际完成值, 分值, 得分 "
        "and 偏差原因 with the 年初预算数 / 全年预算数 / 全年执行数 (the project's funds null: "
        "the table prints budget and execution, not the target table's funds); long alias "
        "社会公众或服务对象满意度指标; a 总分 row",
    )


def _actual(target: str, rng: random.Random) -> tuple[str, float]:
    """A plausible 实际完成值 for a target, and its completion ratio."""
    value = parse_value(target)
    if value.kind is Kind.QUANTITATIVE and value.value is not None:
        factor = rng.choice((1.0, 1.0, 1.0, 1.04, 0.92, 0.85))
        number = float(value.value) * factor
        if value.unit == "%":
            number = min(number, 100.0)
        number = (
            round(number, 1)
            if isinstance(value.value, float) or value.unit == "%"
            else round(number)
        )
        shown = format_number(int(number) if float(number).is_integer() else number)
        negative = value.op is not None and value.op.value in ("<=", "<")
        ratio = 1.0 if negative and factor <= 1 else (1.0 if factor >= 1 else factor)
        if negative and factor > 1:
            ratio = max(0.0, 1 - (factor - 1))
        return shown + value.unit, ratio
    if value.kind is Kind.DATE:
        y, m = (value.end or "2023-12")[:7].split("-")
        return f"{y}年{int(m)}月", 1.0
    if value.kind is Kind.QUALITATIVE:
        return rng.choice(("达成", "达成", "好", "部分达成")), 1.0
    return "已完成", 1.0


OVERALL = (
    (
        "负责市场综合监督管理，起草有关地方性法规、规章草案，组织实施质量强市战略",
        (
            ("推进市场监管领域立法和规范性文件清理", "完善市场监管法规制度体系", "≥2件"),
            ("开展“双随机、一公开”跨部门联合抽查", "随机抽查事项覆盖率", "＝100%"),
        ),
    ),
    (
        "负责市场主体统一登记注册，优化营商环境",
        (
            ("深化商事制度改革，推进企业开办“一件事”", "企业开办全流程办结时限", "≤1个工作日"),
            ("组织开展市场主体年度报告公示", "企业年报公示率", "≥90%"),
            ("推进个体工商户分型分类精准帮扶", "帮扶个体工商户户数", "≥3,000户"),
        ),
    ),
    (
        "负责食品安全监督管理综合协调，组织食品安全抽检监测",
        (
            ("组织实施食品安全监督抽检", "食品安全抽检批次", "≥4.5批次/千人"),
            ("开展校园及周边食品安全专项整治", "学校食堂“互联网+明厨亮灶”覆盖率", "≥95%"),
            ("创建国家食品安全示范城市", "创建工作通过省级评估", "2024年11月底前"),
        ),
    ),
    (
        "负责药品、医疗器械和化妆品经营使用环节质量安全监管",
        (
            ("开展药品零售企业监督检查", "药品零售企业检查覆盖率", "＝100%"),
            ("组织医疗器械不良事件监测", "每百万人口医疗器械不良事件报告数", "≥400份"),
        ),
    ),
    (
        "负责产品质量安全和特种设备安全监督管理",
        (
            ("组织重点工业产品质量监督抽查", "监督抽查批次", "≥800批次"),
            ("开展特种设备安全隐患排查整治", "特种设备定期检验率", "≥99%"),
            ("电梯安全守护行动", "电梯万台事故率", "≤0.15"),
        ),
    ),
    (
        "负责知识产权保护和运用，处理消费者投诉举报",
        (
            ("开展知识产权执法保护专项行动", "查办知识产权案件", "≥120件"),
            ("处理消费者投诉举报", "投诉举报按时办结率", "≥98%"),
            ("推进放心消费创建", "消费者满意度", "较好"),
        ),
    ),
    (
        "负责计量、标准化、检验检测和认证认可工作，推进质量基础设施建设",
        (
            ("开展民生计量器具强制检定", "强制检定计量器具台件数", "≥12万台件"),
            ("推进标准化战略实施", "主导或参与制定国家、行业标准", "≥15项"),
            ("开展检验检测机构监督抽查", "检验检测机构抽查覆盖率", "≥20%"),
        ),
    ),
    (
        "负责价格监督检查和反不正当竞争，规范市场秩序",
        (
            ("开展民生领域价格专项检查", "价格举报按时办结率", "＝100%"),
            ("查处不正当竞争和传销案件", "办理案件数", "≥60件"),
        ),
    ),
    (
        "负责市场监管领域安全生产和应急管理工作",
        (
            ("开展市场监管领域安全生产大检查", "检查特种设备使用单位", "≥1,500家"),
            ("组织食品安全事故应急演练", "完成市级应急演练", "2024年9月30日前"),
        ),
    ),
    (
        "负责市场监管领域信用体系建设和信息化建设",
        (
            ("推进企业信用风险分类管理", "企业信用风险分类覆盖率", "≥95%"),
            ("开展严重违法失信名单管理", "失信主体信用修复办结时限", "≤5个工作日"),
            ("建设智慧市场监管平台", "平台上线运行时间", "2024年12月底前"),
            ("开展市场监管业务培训", "培训执法人员人次", "≥600人次"),
        ),
    ),
)


def overall(seed: int) -> Built:
    """(f) 部门整体支出绩效目标表 (江苏 style, like the seed): function → work → goal → target."""
    rng = random.Random(seed)
    year, unit = 2024, "南京市市场监督管理局"
    sheet = Sheet("整体绩效目标", (7, 24, 24, 22, 11), font_size=12)
    sheet.banner(0, f"{unit}{year}年部门单位整体支出预算绩效目标表")
    sheet.line(
        1,
        ["序号（代码）", "职能（二级专项）", "工作及项目名称", "年度目标", f"{year}年目标值"],
        "head",
    )
    sheet.print_title_rows = (1, 1)  # the header repeats on every printed page
    goals = []
    r = 2
    for seq, (function, works) in enumerate(OVERALL, 1):
        sheet.put(r, 0, str(seq), rs=len(works), style="value", stored=seq)
        sheet.put(r, 1, function, rs=len(works), style="body")
        for k, (work, goal, target) in enumerate(works):
            if rng.random() < 0.25 and len(goal) > 10:
                goal_text = goal[: len(goal) // 2] + "\n" + goal[len(goal) // 2 :]
            else:
                goal_text = goal
            sheet.put(r + k, 2, work)
            sheet.put(r + k, 3, goal_text)
            sheet.put(r + k, 4, target, style="value")
            goals.append(Goal(str(seq), function, work, goal, parse_value(target)))
        r += len(works)
    sheet.put(
        r + 1,
        0,
        f"填报人：{rng.choice(('王', '李', '张'))}某某    联系电话：025-8{rng.randint(1000000, 9999999)}",
        cs=5,
        style="note",
    )
    return Built(
        Document(
            fiscal_year=year,
            overall_targets=(OverallTargets(unit=unit, fiscal_year=year, goals=tuple(goals)),),
        ),
        [sheet],
        crosses_page=True,
        notes="overall targets: 序号 and 职能 merged over their work items; the header row repeats "
        "on every printed page; the table runs over a page break; a bare 电梯万台事故率 "
        "target without unit; a filler line under the table",
    )


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    title: str
    build: Callable[[int], Built]


TEMPLATES: tuple[Template, ...] = (
    Template("js-half-full", "江苏·项目预算绩效目标表（半年/全年指标值）", half_full),
    Template("zj-long-annual", "浙江·项目支出绩效目标申报表（中长期/年度指标值）", long_annual),
    Template(
        "gd-op-value-unit",
        "广东·项目支出绩效目标表（计算符号/指标值/度量单位/权重/指标方向）",
        op_value_unit,
    ),
    Template("sc-quant-qual", "四川·项目支出绩效目标表（指标值类型 定量/定性）", quant_qual),
    Template(
        "hb-self-eval", "湖北·项目支出绩效自评表（年度指标值/实际完成值/分值/得分）", self_eval
    ),
    Template("js-overall", "江苏·部门单位整体支出预算绩效目标表", overall),
)


# -- writers ------------------------------------------------------------------------------


def write_xlsx(sheets: Sequence[Sheet], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def fonts(style: str, size: float) -> Font:
        if style == "title":
            return Font(name="黑体", size=16, bold=True)
        if style == "head":
            return Font(name="黑体", size=size, bold=True)
        return Font(name="宋体", size=size + 1 if style == "subtitle" else size)

    align = {
        "title": Alignment(horizontal="center", vertical="center"),
        "subtitle": Alignment(horizontal="center", vertical="center"),
        "note": Alignment(horizontal="left", vertical="center"),
        "head": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "label": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "value": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "body": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    stamp = datetime(2024, 3, 1, 9, 0, 0)
    wb.properties.creator = "jixiao corpus"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for c, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = width
        for r, c in sorted(sheet.boxed):
            ws.cell(r + 1, c + 1).border = box
        for (r, c), cell in sorted(sheet.cells.items()):
            target = ws.cell(r + 1, c + 1)
            target.value = cell.stored if cell.stored is not None else (cell.text or None)
            if cell.number_format:
                target.number_format = cell.number_format
            elif isinstance(cell.stored, float):
                target.number_format = "General"
            target.font = fonts(cell.style, sheet.font_size)
            target.alignment = align[cell.style]
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=r + 1,
                    start_column=c + 1,
                    end_row=r + cell.rowspan,
                    end_column=c + cell.colspan,
                )
        for r, height in sorted(sheet.layout().items()):
            ws.row_dimensions[r + 1].height = round(height, 1)
        for r in sheet.breaks:
            ws.row_breaks.append(Break(id=r + 1))
        if sheet.print_title_rows:
            a, b = sheet.print_title_rows
            ws.print_title_rows = f"{a + 1}:{b + 1}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
    wb.save(path)


def pipe_dump(sheets: Sequence[Sheet]) -> str:
    """``| a | b |`` per row; covered cells dropped (rows shift left), empty cells kept."""
    out: list[str] = []
    for n, sheet in enumerate(sheets):
        if n:
            out.append("")
        for row in sheet.rows_in_order():
            if row:
                out.append("| " + " | ".join(cell.text for cell in row) + " |")
            elif out and out[-1] != "":
                out.append("")  # a blank row between two tables of one sheet
    return "\n".join(out).rstrip("\n") + "\n"


def cell_lines_dump(sheets: Sequence[Sheet]) -> str:
    """One cell per line in reading order; covered and empty cells dropped; a blank line
    between tables (sheets, and blank rows on one sheet)."""
    out: list[str] = []
    for sheet in sheets:
        for row in sheet.rows_in_order():
            texts = [cell.text for cell in row if cell.text.strip()]
            if not texts:
                if out and out[-1] != "":
                    out.append("")
                continue
            out.extend(texts)
        if out and out[-1] != "":
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _run(cmd: Sequence[str], *, timeout: float = 180) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()}")


def convert(xlsx: Path, folder: Path, stem: str) -> None:
    """PDF and HTML by LibreOffice, then the three pdftotext dumps of the PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        raise SystemExit("generate.py: needs soffice (LibreOffice) and pdftotext (poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="jixiao-corpus-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        for target in ("pdf", "html"):
            _run(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    tmp,
                    str(xlsx),
                ]
            )
            shutil.move(str(Path(tmp, f"{xlsx.stem}.{target}")), folder / f"{stem}.{target}")
    pdf = folder / f"{stem}.pdf"
    for fmt, flags in (("pdf-layout", ["-layout"]), ("pdf-raw", []), ("pdf-stream", ["-raw"])):
        _run(
            [pdftotext, "-enc", "UTF-8", *flags, str(pdf), str(folder / f"{stem}{FORMATS[fmt][0]}")]
        )


def generate(out: Path, *, convert_files: bool = True, only: Sequence[str] = ()) -> dict[str, Any]:
    """Write the corpus into ``out``; return the manifest (also written)."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for index, template in enumerate(TEMPLATES):
        built = template.build(SEED * 1000 + index)
        entry = {
            "name": template.name,
            "title": template.title,
            "layout": template.build.__doc__.strip().splitlines()[0]
            if template.build.__doc__
            else "",
            "notes": built.notes,
            "fiscal_year": built.doc.fiscal_year,
            "sheets": [s.name for s in built.sheets],
            "projects": len(built.doc.projects),
            "indicators": built.doc.indicator_count,
            "goals": built.doc.goal_count,
            "crosses_page": built.crosses_page,
            "expected": f"{template.name}/{template.name}{EXPECTED_SUFFIX}",
            "files": {
                fmt: f"{template.name}/{template.name}{suffix}"
                for fmt, (suffix, _) in FORMATS.items()
            },
        }
        entries.append(entry)
        if only and template.name not in only:
            continue
        folder = out / template.name
        folder.mkdir(exist_ok=True)
        stem = template.name
        (folder / f"{stem}{EXPECTED_SUFFIX}").write_text(dumps(built.doc) + "\n", encoding="utf-8")
        write_xlsx(built.sheets, folder / f"{stem}.xlsx")
        (folder / f"{stem}.pipe.txt").write_text(pipe_dump(built.sheets), encoding="utf-8")
        (folder / f"{stem}.cells.txt").write_text(cell_lines_dump(built.sheets), encoding="utf-8")
        if convert_files:
            convert(folder / f"{stem}.xlsx", folder, stem)
    manifest = {
        "manifest": FORMAT_VERSION,
        "seed": SEED,
        "generator": "tests/corpus/generate.py",
        "formats": {
            fmt: {"suffix": suffix, "what": what} for fmt, (suffix, what) in FORMATS.items()
        },
        "converted": list(CONVERTED),
        "templates": entries,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output folder (default: tests/corpus)"
    )
    parser.add_argument("--no-convert", action="store_true", help="skip LibreOffice and pdftotext")
    parser.add_argument("--only", nargs="*", default=(), help="templates to write (default: all)")
    args = parser.parse_args(argv)
    manifest = generate(args.out, convert_files=not args.no_convert, only=args.only)
    for entry in manifest["templates"]:
        print(
            f"{entry['name']:18} projects {entry['projects']:2}  indicators {entry['indicators']:3}  goals {entry['goals']:2}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
