"""The original small generator (12 topics, year in the project name), kept as it was.

``tests/corpus/generate.py`` builds the committed import corpus from :func:`projects`; its
output must not change by a single character, so this module is frozen.  New code uses
:func:`jixiao.synth.tables` / :func:`jixiao.synth.records` instead.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING

from jixiao.domain.model import Funds, Indicator, Project
from jixiao.domain.values import parse_value

if TYPE_CHECKING:
    from jixiao.synth._config import SynthConfig

_CITIES = ("无锡市", "苏州市", "常州市", "南通市", "扬州市", "镇江市", "泰州市", "徐州市")
_BUREAUS = (
    "教育局",
    "卫生健康委员会",
    "民政局",
    "交通运输局",
    "生态环境局",
    "农业农村局",
    "财政局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "文化广电和旅游局",
    "司法局",
    "市场监督管理局",
    "水利局",
    "应急管理局",
    "人大常委会办公室",
)
_SUBUNITS = ("", "机关", "事务中心", "监测站", "服务中心", "执法支队", "信息中心")
_TOPICS = (
    ("教师培训", "人次", "参训教师"),
    ("困难群众救助", "户", "救助对象"),
    ("道路养护", "公里", "沿线居民"),
    ("水质监测", "次", "周边群众"),
    ("农机补贴", "台", "农户"),
    ("公共卫生服务", "人", "服务对象"),
    ("法律援助", "件", "受援人"),
    ("文化惠民演出", "场", "观众"),
    ("河道整治", "公里", "沿河居民"),
    ("信息系统运维", "服务周期", "使用对象"),
    ("安全生产检查", "家", "企业"),
    ("就业技能培训", "人次", "参训人员"),
)


def _indicators(rng: random.Random, topic: tuple[str, str, str], weak: bool) -> list[Indicator]:
    what, unit, who = topic
    n = rng.randint(40, 800)
    half = n // 2

    def v(text: str) -> object:
        return parse_value(text)

    rows: list[tuple[str, str, str, str, str]] = []
    if weak and rng.random() < 0.5:
        rows.append(("产出指标", "数量指标", f"{what}任务完成情况", "＝50%", "＝100%"))
    else:
        zero = weak and rng.random() < 0.3
        rows.append(
            ("产出指标", "数量指标", f"{what}数量", f"≥{0 if zero else half}{unit}", f"≥{n}{unit}")
        )
    if weak and rng.random() < 0.5:
        rows.append(("产出指标", "质量指标", f"按要求开展{what}工作", "＝100%", "＝100%"))
    else:
        q = rng.choice((90, 95, 98))
        rows.append(("产出指标", "质量指标", f"{what}合格率", f"≥{q}%", f"≥{q}%"))
    rows.append(("产出指标", "时效指标", f"{what}按期完成率", "≥50%", "＝100%"))
    if rng.random() < 0.5:
        cost = round(rng.uniform(0.1, 5), 2)
        rows.append(("成本指标", "经济成本指标", f"人均{what}成本", f"≤{cost}万元", f"≤{cost}万元"))
    if not (weak and rng.random() < 0.6):
        rows.append(
            (
                "效益指标",
                "社会效益指标",
                f"{who}受益覆盖率",
                f"≥{rng.choice((60, 70))}%",
                f"≥{rng.choice((80, 85, 90))}%",
            )
        )
        if rng.random() < 0.5:
            rows.append(("效益指标", "可持续影响指标", f"{what}长效机制运行年限", "≥1年", "≥3年"))
    sat = rng.choice((80, 85, 90, 95))
    rows.append(("满意度指标", "服务对象满意度指标", f"{who}满意度", f"≥{sat}%", f"≥{sat}%"))
    return [
        Indicator(l1, l2, name, half_year=v(h), full_year=v(f))  # type: ignore[arg-type]
        for l1, l2, name, h, f in rows
    ]


def projects(config: SynthConfig) -> Iterator[Project]:
    """Projects for every unit and year, deterministic for a seed."""
    rng = random.Random(config.seed)
    for u in range(config.units):
        city = _CITIES[u % len(_CITIES)]
        bureau = _BUREAUS[(u // len(_CITIES)) % len(_BUREAUS)]
        sub = _SUBUNITS[(u // (len(_CITIES) * len(_BUREAUS))) % len(_SUBUNITS)]
        unit = f"{city}{bureau}{sub}" + (
            f"{u}" if u >= len(_CITIES) * len(_BUREAUS) * len(_SUBUNITS) else ""
        )
        department = f"{city}{bureau}"
        for year in config.years:
            for k in range(config.projects_per_unit):
                topic = _TOPICS[(u + k) % len(_TOPICS)]
                weak = rng.random() < config.weak_share
                total = round(rng.uniform(5, 500), 1)
                yield Project(
                    name=f"{year}年{topic[0]}项目{k + 1}",
                    department=department,
                    unit=unit,
                    fiscal_year=year,
                    start_year=year,
                    end_year=year,
                    funds=Funds.printed("万元", total=total, fiscal=total),
                    indicators=tuple(_indicators(rng, topic, weak)),
                )
