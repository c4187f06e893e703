"""The seed document imports exactly: every goal, every indicator, every value.

The expected tables below were written by hand from the published document (the order of
its cells restored by reading it), not produced by the importer.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jixiao.domain.model import Document
from jixiao.domain.values import Kind, Op
from jixiao.ingest import read_path
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
DEPARTMENT = "无锡市人大常委会"

F1 = "在本行政地域内，保证宪法、法律、行政法规和上级人民代表大会及其常务委员会决议的遵守和执行"
F2 = "领导或者主持本级人民代表大会的选举"
F3 = "召集本级人民代表大会会议"
F4 = "讨论决定重大事项"
F5 = "根据本级人民政府建议，决定对本行政区域内的国民经济和社会发展计划、预算的部分变更"
F6 = (
    "监督本级人民政府、人民法院和人民检察院的工作，联系本级人民代表大会代表，"
    "受理人民群众对上述机关和国家工作人员的申诉和意见"
)
F7 = "在本级人民代表大会闭会期间，补选上一级人民代表大会出缺的代表和罢免个别代表；决定授予地方的荣誉称号"

GOALS = [
    ("1", F1, "组织开展执法检查或听取法规实施情况报告", "推动法律法规落到实处", "2次"),
    (
        "2",
        F2,
        "依法行使人事任免权",
        "确保党组织推荐的人选通过法定程序成为地方国家机关工作人员",
        "100%",
    ),
    ("2", F2, "依法确定年度发展目标", "通过决议确定年度国民经济发展目标任务和地方预算安排", "100%"),
    ("3", F3, "组织召开人民代表大会", "充分发扬民主，依法行使职权", "1次"),
    (
        "4",
        F4,
        "讨论、决定本行政区域内的政治、经济、教育、科学、文化、卫生、环境和资源保护、民政、民族等工作的重大事项",
        "推动市委重大决策部署落实、回应社会重大关切",
        "100%",
    ),
    ("4", F4, "抓好各项决议决定贯彻执行的跟踪监督", "推动已作出决议决定贯彻落实、取得实效", "1次"),
    (
        "5",
        F5,
        "听取审议半年度计划、预算执行情况，审查批准上年度财政决算",
        "听取审议半年度计划、预算执行情况报告，审查批准上年度财政决算",
        "1次",
    ),
    (
        "5",
        F5,
        "听取审议上年度本级预算执行和其他财政收支的审计工作报告，并跟踪审计发现问题整改",
        "充分发挥人大监督和审计监督水平",
        "2次",
    ),
    ("5", F5, "听取审议预算调整方案报告，并作出调整决定", "确保收支平衡", "1次"),
    (
        "6",
        F6,
        "突出经济发展、民生保障、生态环境、社会治理等重点难点问题，加强对“一府两院”工作的监督",
        "谱写“强富美高”新无锡建设崭新篇章",
        "100%",
    ),
    ("6", F6, "密切常委会与代表、代表与群众的联系", "充分发挥代表主体作用", "100%"),
    ("6", F6, "做好人大信访工作", "维护群众合法权益", "430件"),
    (
        "7",
        F7,
        "依法依规做好省人大代表补选和市人大代表资格审查等工作",
        "确保省、市人大代表队伍稳定性",
        "100%",
    ),
]

OUT, SAT = "产出指标", "满意度指标"
QTY, QUA, TIME, CLIENT = "数量指标", "质量指标", "时效指标", "服务对象满意度指标"

# project: [(level2, name, half-year, full-year)], level 1 follows from level 2.
PROJECTS = {
    "人大代表履职培训费": [
        (QTY, "人大代表履职培训情况", "＝200人次", "＝461人次"),
        (QUA, "按要求开展人大代表履职培训", "＝100%", "＝100%"),
        (TIME, "人大代表履职组织培训完成及时性", "＝100%", "＝100%"),
        (CLIENT, "参加履职培训的人大代表满意度", "≥90%", "≥90%"),
    ],
    "代表活动经费": [
        (QTY, "保障参加活动的人大代表履职情况", "＝100%", "＝100%"),
        (QUA, "按法规、制度要求开展保障工作", "＝100%", "＝100%"),
        (TIME, "人大代表履职保障及时性", "＝100%", "＝100%"),
        (CLIENT, "履职代表满意度", "≥90%", "≥90%"),
    ],
    "人代会会议经费": [
        (QTY, "组织召开人民代表大会", "＝1次", "＝1次"),
        (QUA, "按相关财经法规、制度完成人民代表大会组织工作", "＝100%", "＝100%"),
        (TIME, "按规定时间及时召开人代会", "＝100%", "＝100%"),
        (CLIENT, "参会代表满意度", "≥90%", "≥90%"),
    ],
    "人大工作经费": [
        (QTY, "年度重点工作完成率", "＝50%", "＝100%"),
        (QUA, "保质保量完成年度重点工作", "＝100%", "＝100%"),
        (TIME, "年度工作完成及时性", "＝100%", "＝100%"),
        (CLIENT, "服务对象满意度", "≥90%", "≥90%"),
    ],
    "《人大之声》制作经费": [
        (QTY, "《人大之声》汇编制作发放合集", "≥0份", "≥700份"),
        (QUA, "按相关要求做好《人大之声》汇编制作合集发放等工作", "＝100%", "＝100%"),
        (TIME, "制作期数完成及时性", "＝100%", "＝100%"),
        (CLIENT, "观看汇编合集人员满意度", "≥90%", "≥90%"),
    ],
    "人大联网预算监督等系统及运维": [
        (QTY, "相关系统及相关服务运维有效运行服务", "≥1服务周期", "≥1服务周期"),
        (QUA, "督促服务方按服务要求完成相关工作", "＝100%", "＝100%"),
        (TIME, "项目完成及时率", "＝100%", "＝100%"),
        (CLIENT, "使用对象满意度", "≥90%", "≥90%"),
    ],
    "老干部慰问活动费": [
        (QTY, "服务老干部工作完成率", "＝100%", "＝100%"),
        (QUA, "按相关财经法规、制度完成服务老干部工作", "＝100%", "＝100%"),
        (TIME, "慰问老干部及时性", "＝100%", "＝100%"),
        (CLIENT, "老干部满意度", "≥90%", "≥90%"),
    ],
    "信访工作经费": [
        (QTY, "受理人民群众对相关机关和国家工作人员等的投诉和意见", "≥50件", "≥100件"),
        (QUA, "严格按规定程序受理申诉和意见", "＝100%", "＝100%"),
        (TIME, "受理人民群众对相关机关和国家工作人员申诉和意见的及时率", "＝100%", "＝100%"),
        (CLIENT, "服务对象满意度", "≥80%", "≥80%"),
    ],
}


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_path(SEED)


def test_seed_has_no_warnings(seed: Document) -> None:
    assert seed.warnings == ()
    assert seed.fiscal_year == 2023


def test_overall_targets(seed: Document) -> None:
    assert len(seed.overall_targets) == 1
    overall = seed.overall_targets[0]
    assert overall.unit == UNIT
    assert overall.fiscal_year == 2023
    got = [(g.seq, g.function, g.work, g.goal, g.target and g.target.text) for g in overall.goals]
    assert got == GOALS
    assert len(overall.functions) == 7


def test_projects(seed: Document) -> None:
    assert [p.name for p in seed.projects] == list(PROJECTS)
    for project in seed.projects:
        assert (project.department, project.unit) == (DEPARTMENT, UNIT)
        assert (project.fiscal_year, project.start_year, project.end_year) == (2023, 2022, 2024)
        got = [
            (i.level2, i.name, i.half_year and i.half_year.text, i.full_year and i.full_year.text)
            for i in project.indicators
        ]
        assert got == PROJECTS[project.name], project.name
        assert [i.level1 for i in project.indicators] == [OUT, OUT, OUT, SAT]
        assert [i.long_term for i in project.indicators] == [None] * 4
    assert seed.indicator_count == 32


def test_values_are_parsed(seed: Document) -> None:
    training = seed.projects[0].indicators[0]
    assert training.full_year is not None and training.half_year is not None
    assert (training.full_year.kind, training.full_year.op) == (Kind.QUANTITATIVE, Op.EQ)
    assert (training.full_year.value, training.full_year.unit) == (461, "人次")
    assert (training.half_year.value, training.half_year.unit) == (200, "人次")
    sat = seed.projects[0].indicators[3]
    assert sat.full_year is not None
    assert (sat.full_year.op, sat.full_year.value, sat.full_year.unit) == (Op.GE, 90, "%")
    assert sat.level1_label == "满意度" and sat.level2_label == "服务对象满意度"
    goal = seed.overall_targets[0].goals[-1]
    assert goal.target is not None
    assert (goal.target.op, goal.target.value, goal.target.unit) == (Op.EQ, 100, "%")
    for project in seed.projects:
        for indicator in project.indicators:
            for _, value in indicator.values():
                assert value.kind is Kind.QUANTITATIVE, (project.name, indicator.name)


def _line_of(text: str) -> int:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return next(k for k, line in enumerate(lines, start=1) if line.strip() == text)


def test_provenance_names_file_page_and_line(seed: Document) -> None:
    training = seed.projects[0].indicators[0]
    assert training.full_year is not None and training.full_year.source is not None
    assert training.full_year.source.file == str(SEED)
    assert training.full_year.source.page == 2
    assert training.full_year.source.line == _line_of("数量指标 ＝200人次 ＝461人次")
    assert training.source is not None
    assert training.source.line == _line_of("人大代表履职培训情况")
    last_goal = seed.overall_targets[0].goals[-1]
    assert last_goal.target is not None and last_goal.target.source is not None
    assert last_goal.target.source.line == _line_of("确保省、市人大代表队伍稳定性 100%")
    assert last_goal.target.source.page == 1
    project = seed.projects[-1]
    assert project.source is not None and project.source.page == 9
    assert project.source.line == _line_of("项目名称 信访工作经费")


def test_cli_parse_json_gives_whole_structure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jixiao", "parse", str(SEED), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["format"] == "jixiao/1"
    assert data["fiscal_year"] == 2023
    goals = data["overall_targets"][0]["goals"]
    assert [(g["seq"], g["work"], g["goal"], g["target"]["text"]) for g in goals] == [
        (seq, work, goal, target) for seq, _, work, goal, target in GOALS
    ]
    indicators = [i for p in data["projects"] for i in p["indicators"]]
    assert len(indicators) == 32
    assert indicators[0]["full_year"] == {
        "text": "＝461人次",
        "kind": "quantitative",
        "op": "=",
        "value": 461,
        "unit": "人次",
        "start": None,
        "end": None,
        "grade": None,
        "reason": "",
        # The CLI names the document by its file name (no server path in what it prints).
        "source": {"file": SEED.name, "page": 2, "line": _line_of("数量指标 ＝200人次 ＝461人次")},
    }
