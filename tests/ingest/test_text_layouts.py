"""Layouts of real published text tables, each a named case of the readers, shown on small
synthetic snippets written for the test (the layout, not any real file's text)."""

from __future__ import annotations

from jixiao.domain.model import Document, Indicator, Period
from jixiao.ingest import read_bytes
from jixiao.ingest._vocab import misread_name


def _read(text: str, name: str = "snippet.txt") -> Document:
    return read_bytes(text.encode("utf-8"), name)


def _rows(doc: Document) -> list[tuple[str, str, str, str]]:
    out = []
    for project in doc.projects:
        for ind in project.indicators:
            full = ind.value(Period.FULL_YEAR) if hasattr(ind, "value") else None
            out.append((ind.level1 or "", ind.level2 or "", ind.name, _target(ind, full)))
    return out


def _target(ind: Indicator, full: object) -> str:
    values = dict(ind.values())
    v = values.get(Period.FULL_YEAR) or next(iter(values.values()), None)
    return "" if v is None else v.text


# -- case: cells separated by single spaces --------------------------------------------------

SPACED = """\
某某局2023年项目绩效目标表
项目名称: 示例项目
一级指标 二级指标 三级指标 计算符号 指标值 度量单位 权重(%)
产出指标 数量指标 举办培训班 ≥ 4 期 20
产出指标 质量指标 培训合格率 ≥ 95 % 20
产出指标 成本指标 人均培训费 ≤ 300 元/人 10
效益指标 社会效益指标 从业人员能力 定性 明显提升
20
满意度指标 服务对象满意度指标 学员满意度 ≥ 90 % 10
"""


def test_cells_separated_by_single_spaces_are_read_by_their_columns() -> None:
    """Case ``spaces``: one row per line, cells separated by one space; a value and its unit
    printed apart (``95 %``) go back to their columns, a weight on the next line is no name."""
    doc = _read(SPACED)
    assert doc.source is not None and doc.source.layout == "spaces"
    rows = _rows(doc)
    assert [r[2] for r in rows] == [
        "举办培训班",
        "培训合格率",
        "人均培训费",
        "从业人员能力",
        "学员满意度",
    ]
    assert rows[0][:2] == ("产出指标", "数量指标")
    assert rows[1][3].replace(" ", "") == "≥95%"
    assert rows[2][3].replace(" ", "") == "≤300元/人"
    assert rows[4][1] == "服务对象满意度指标"
    # The weight printed on the line below its row is the row's last cell.
    assert [i.weight for i in doc.projects[0].indicators] == [20, 20, 10, 20, 10]


def test_aligned_columns_are_not_taken_for_single_spaces() -> None:
    """Runs of spaces between the cells are the ``columns`` layout's, not this one's."""
    text = SPACED.replace(" ", "    ")
    doc = _read(text)
    assert doc.source is not None and doc.source.layout != "spaces"


# -- case: a reading whose names swallowed other cells loses -------------------------------


def test_names_that_swallowed_labels_or_values_are_misread() -> None:
    assert misread_name("检查费470人/天")
    assert misread_name("产出指标(50分)数量指标开展交流活动")
    assert misread_name("能力提升能力提升达成预期")
    assert misread_name("覆盖率90%(计划标准)")
    assert not misread_name("指标1")
    assert not misread_name("满意度95%以上")
    assert not misread_name("20万元")
    assert not misread_name("服务对象满意度")
    assert not misread_name("开展2次培训")


# -- case: 中期 and 年度 blocks side by side ------------------------------------------------

SIDE_BY_SIDE = """\
项目名称 | 示例项目 |
中期目标(2024年—2026年) | 年度目标 |
一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 | |
产出指标 | 数量指标 | 维修设备 | ≥150台 | 数量指标 | 维修设备 | ≥50台 | |
培训人员 | ≥300人 | 培训人员 | ≥100人 | | | |
质量指标 | 验收合格率 | 100% | 质量指标 | 验收合格率 | ≥98% | |
"""


def test_side_by_side_blocks_read_the_year_block() -> None:
    """Case ``side-by-side blocks``: the name columns repeat; the last block (年度) gives
    the name and the target, the earlier block's values are the 中长期 ones."""
    doc = _read(SIDE_BY_SIDE)
    rows = _rows(doc)
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("数量指标", "维修设备", "≥50台"),
        ("数量指标", "培训人员", "≥100人"),
        ("质量指标", "验收合格率", "≥98%"),
    ]
    first = doc.projects[0].indicators[0]
    assert dict(first.values())[Period.LONG_TERM].text == "≥150台"


def test_spaced_cells_keep_bracketed_words_and_stop_at_sign_off_lines() -> None:
    text = (
        "一级指标 二级指标 三级指标 指标值 备注\n"
        "产出指标 数量指标 新建站点数量( ≥**个 ) >=4个\n"
        "培训人次 >=60人次\n"
        "满意度指标 服务对象满意度指标 群众满意度 >=90%\n"
        "财政部门审核意见 (盖章)\n"
    )
    doc = _read(text)
    assert doc.source is not None and doc.source.layout == "spaces"
    names = [r[2] for r in _rows(doc)]
    assert names == ["新建站点数量( ≥**个 )", "培训人次", "群众满意度"]


# -- case: one cell per line ending with a bar -----------------------------------------------


def _bar_lines(cells: list[str]) -> str:
    return "\n".join(c if set(c) == {"|"} else f"{c} |" if c else "|" for c in cells) + "\n"


def test_bar_cells_with_row_ends_marked() -> None:
    """Case ``bar-cells``: one cell per line ending with `` |``; ``||||`` ends a row, a lone
    ``|`` is an empty cell (a merged level carried down)."""
    text = "某某项目绩效目标表\n" + _bar_lines(
        [
            *("项目名称", "示例项目", "||||"),
            *("一级指标", "二级指标", "三级指标", "指标值", "||"),
            *("产出指标", "数量指标", "培训人数", "≥100人", "||"),
            *("", "", "培训场次", "≥4场", "||"),
            *("", "质量指标", "合格率", "≥95%", "||"),
        ]
    )
    doc = _read(text)
    assert doc.source is not None and doc.source.layout == "bar-cells"
    assert [(r[1], r[2], r[3]) for r in _rows(doc)] == [
        ("数量指标", "培训人数", "≥100人"),
        ("数量指标", "培训场次", "≥4场"),
        ("质量指标", "合格率", "≥95%"),
    ]
    assert doc.projects[0].name == "示例项目"


def test_bar_cells_without_row_ends_are_cut_by_the_header_width() -> None:
    """No row ends printed: rows are cut every header-width cells; a group label printed
    once before the header (绩效指标) is not a column."""
    text = _bar_lines(
        [
            *(
                "项目名称",
                "示例项目",
                "绩效指标",
                "指标",
                "指标权重",
                "计量单位",
                "计算符号",
                "指标值",
            ),
            *("发放人数", "20", "人", "≥", "80"),
            *("发放金额", "20", "万元", "≥", "9.5"),
            *("按月发放", "20", "次", "=", "12"),
            *("群众满意度", "20", "%", "≥", "95"),
        ]
    )
    doc = _read(text)
    assert doc.source is not None and doc.source.layout == "bar-cells"
    got = [(r[2], r[3].replace(" ", "")) for r in _rows(doc)]
    assert got == [
        ("发放人数", "≥80人"),
        ("发放金额", "≥9.5万元"),
        ("按月发放", "=12次"),
        ("群众满意度", "≥95%"),
    ]


# -- case: machine-Traditional text with pinyin glosses ----------------------------------------


def test_machine_traditional_text_is_read_as_simplified_and_kept_as_printed() -> None:
    """Case ``traditional``: header words, labels and values are recognised in simplified
    form (pinyin glosses in brackets dropped); names and values stay as printed."""
    from jixiao.ingest._script import simplified

    text = (
        "項(xiàng)目名稱 示例項(xiàng)目\n"
        "一級指標(biāo) 二級指標(biāo) 三級指標(biāo) 指標(biāo)值\n"
        "產(chǎn)出指標(biāo) 數(shù)量指標(biāo) 開展專題活動 ≥10場\n"
        "質(zhì)量指標(biāo) 驗(yàn)收合格率 100%\n"
        "滿意度指標(biāo) 服務(wù)對象滿意度指標(biāo) 群眾滿意度 ≥90%\n"
    )
    printed = simplified(text)
    assert printed is not None and printed.text.startswith("项目名称 示例项目\n一级指标")
    assert printed.restore("验收合格率") == "驗(yàn)收合格率"
    doc = _read(text)
    assert _rows(doc) == [
        ("产出指标", "数量指标", "開展專題活動", "≥10場"),
        ("产出指标", "质量指标", "驗(yàn)收合格率", "100%"),
        ("满意度指标", "服务对象满意度指标", "群眾滿意度", "≥90%"),
    ]
    assert simplified("项目名称 示例项目 一级指标 二级指标") is None


# -- case: prose run into the header, another table after the target table -------------------


def test_prose_run_into_the_header_and_another_table_after_it() -> None:
    """Case ``prose before the header``: a notice sentence glued to the first header cell is
    cut off as title text.  Case ``another table follows``: a row of other column titles
    (序号 | … | 备注) ends the target table; its rows are no indicators."""
    text = (
        "详见附件(注:以下为附件识别内容)一级指标 | 二级指标 | 指标名称 | 目标值 |\n"
        "产出指标 | 数量指标 | 培训人数 | 500人 |\n"
        "| 质量指标 | 考核通过率 | 95% |\n"
        "效益指标 | 社会效益指标 | 就业率 | 60%及以上 |\n"
        "序号 | 学校性质 | 培训机构 | 补助标准(元/人) | 备注 |\n"
        "1 | 民办 | 某某职业学校 | 2600 | |\n"
        "2 | 公办 | 另一职业学校 | 2600 | |\n"
    )
    doc = _read(text)
    assert [(r[1], r[2]) for r in _rows(doc)] == [
        ("数量指标", "培训人数"),
        ("质量指标", "考核通过率"),
        ("社会效益指标", "就业率"),
    ]


# -- case: two-level table (the name is the level-2 label), form fields ------------------------


def test_two_level_table_names_are_their_level_two_labels() -> None:
    """Case ``two-level table``: 指标类型 (the category) | 指标名称 (a level-2 label) |
    指标值; the level 1 is printed once and carried down.  Case ``form fields``: a row of
    tick boxes below the table is no indicator."""
    text = (
        "项目名称: | 示例项目 |\n"
        "项目属性: | 新增□ 延续□ 往年备选□ |\n"
        "指标类型 | 指标名称 | 指标值 | 指标描述 |\n"
        "产出指标 | 数量指标 | 120公里 | 养护道路120公里 |\n"
        "质量指标 | 100% | 全部达标 |\n"
        "效益指标 | 社会效益指标 | 是 | 出行更便利 |\n"
        "满意度指标 | 服务对象或受益者满意度指标 | ≥90% | 群众满意 |\n"
        "最近年度评价情况 | 优秀□ 良好□ 合格□ | 附上一年度报告 |\n"
    )
    doc = _read(text)
    assert [(r[0], r[1], r[2], r[3]) for r in _rows(doc)] == [
        ("产出指标", "数量指标", "数量指标", "120公里"),
        ("产出指标", "质量指标", "质量指标", "100%"),
        ("效益指标", "社会效益指标", "社会效益指标", "是"),
        ("满意度指标", "服务对象或受益者满意度指标", "服务对象或受益者满意度指标", "≥90%"),
    ]


# -- case: indicators written as prose -----------------------------------------------------------


def test_indicators_in_a_notice_under_numbered_headings() -> None:
    """Case ``prose``: no table, the targets stated under numbered headings; each clause read
    where the words make name and value plain (operator, comma, glued number, a word of
    judgement)."""
    text = (
        "某某县财政局:\n"
        "根据有关文件精神,现将项目绩效目标设定如下:\n"
        "一、产出指标\n"
        "(一)数量指标\n"
        "培训农户人数≧200人;\n"
        "(二)时效指标\n"
        "完成时限,2025年11月底前;\n"
        "二、效益指标\n"
        "(一)社会效益指标\n"
        "农户种植技术水平,明显提高。\n"
        "三、满意度指标\n"
        "参训农户满意度≥90%。\n"
        "某某县农业农村局\n"
    )
    doc = _read(text)
    assert doc.source is not None and doc.source.layout == "prose"
    assert [(r[0], r[2], r[3]) for r in _rows(doc)] == [
        ("产出指标", "培训农户人数", "≧200人"),
        ("产出指标", "完成时限", "2025年11月底前"),
        ("效益指标", "农户种植技术水平", "明显提高"),
        ("满意度指标", "参训农户满意度", "≥90%"),
    ]


def test_indicators_in_sentences_and_in_cells_of_prose() -> None:
    """Inline labels (``设 1条数量指标:``) with lines wrapped mid-word, and a label cell before
    a cell of ``;``-separated clauses with the value glued to the name."""
    text = (
        "设 1条数量指标:维护设备数量≥20台;设 1条时效指标:资金支付及\n"
        "时率=100%;设 1条满意度指标:职工满意度≥90%。\n"
    )
    doc = _read(text)
    assert [(r[0], r[2], r[3]) for r in _rows(doc)] == [
        ("产出指标", "维护设备数量", "≥20台"),
        ("产出指标", "资金支付及时率", "=100%"),
        ("满意度指标", "职工满意度", "≥90%"),
    ]
    cells = (
        "项目名称 | 示例项目 | 预算金额 | 10万元 |\n"
        "年度绩效目标 | 产出指标 | 开展巡查频次8次;编制资料数量3个;项目验收合格率≥90%。 |\n"
        "效益指标 | 名录和数据库基本健全。 |\n"
    )
    doc = _read(cells)
    assert [(r[0], r[2], r[3]) for r in _rows(doc)] == [
        ("产出指标", "开展巡查频次", "8次"),
        ("产出指标", "编制资料数量", "3个"),
        ("产出指标", "项目验收合格率", "≥90%"),
        ("效益指标", "名录和数据库", "基本健全"),
    ]


def test_prose_with_template_placeholders_word_operators_and_two_indicators_a_clause() -> None:
    """Case ``prose``: a template's placeholder in brackets stays in the name (``(≥**个)``) and
    the template's wording before a comma is dropped; an operator in words before a number
    (``不少于``); two indicators in one clause split at the comma between them; a label
    followed by a comma (``满意度指标,``) or written ``…目标`` (``社会效益目标:``); a value
    followed by the cut start of the next indicator keeps only the value."""
    text = (
        "关于某某村道路项目绩效目标的公示\n"
        "一、产出指标\n"
        "数量指标:★修建道路长度,某村通组道路长度(≥**公里)>=3.5公里;"
        "路面宽度(≥**米)不少于4米。\n"
        "二、效益指标\n"
        "经济效益指标:带动务工收入(≥**万元)≥6万元,节约运输成本(≥**万元)≥2万元;"
        "社会效益目标:受益群众人数(≥**人)≥300人。\n"
        "三、满意度指标\n"
        "服务对象满意度指标,沿线群众满意度(≥**%)≥90%,养\n"
    )
    doc = _read(text)
    assert doc.source is not None and doc.source.layout == "prose"
    assert _rows(doc) == [
        ("产出指标", "数量指标", "某村通组道路长度(≥**公里)", ">=3.5公里"),
        ("产出指标", "数量指标", "路面宽度(≥**米)", "不少于4米"),
        ("效益指标", "经济效益指标", "带动务工收入(≥**万元)", "≥6万元"),
        ("效益指标", "经济效益指标", "节约运输成本(≥**万元)", "≥2万元"),
        ("效益指标", "社会效益目标", "受益群众人数(≥**人)", "≥300人"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度(≥**%)", "≥90%"),
    ]


def test_note_and_conclusion_rows_under_the_table_are_no_indicators() -> None:
    """Rows under the indicators whose first cell is a note label with its text in the next
    cell (``注: | 1.…``) or a self-evaluation's heading (``评价结论 | …``, ``存在问题 | 无``,
    ``改进措施 | …``) are reported as text, never read as indicators."""
    text = (
        "项目名称 | 示例项目 |\n"
        "一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
        "产出指标 | 数量指标 | 维修道路长度 | ≥3公里 |\n"
        "满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% |\n"
        "评价结论 | 项目按计划完成。 |\n"
        "存在问题 | 无 |\n"
        "改进措施 | 加强管理。 |\n"
        "注: | 1.指标值请按实际填写。2.可自行增加三级指标。 |\n"
    )
    doc = _read(text)
    assert _rows(doc) == [
        ("产出指标", "数量指标", "维修道路长度", "≥3公里"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    unused = " ".join(w.message for w in doc.warnings)
    assert "评价结论" in unused and "注:" in unused


def test_an_empty_level_two_row_with_only_its_score_is_no_indicator() -> None:
    """Case ``empty category row``: in a three-level table read by its words, a level-2
    label no indicator fills, printed with only its 分值 (``生态效益指标 0``), slides into
    the name column; it is reported, not read as an indicator named after the label."""
    text = (
        "一级指标 二级指标 三级指标 年度指标值 分值\n"
        "产出指标 数量指标 培训人次 ≥200人次 20\n"
        "效益指标 社会效益指标 群众技能水平 明显提升 20\n"
        "生态效益指标         0\n"
        "满意度指标 服务对象满意度指标 学员满意度 ≥90% 10\n"
    )
    doc = _read(text)
    assert [(r[1], r[2], r[3]) for r in _rows(doc)] == [
        ("数量指标", "培训人次", "≥200人次"),
        ("社会效益指标", "群众技能水平", "明显提升"),
        ("服务对象满意度指标", "学员满意度", "≥90%"),
    ]


def test_spaced_labels_broken_over_lines_and_lines_after_the_table() -> None:
    """Case ``label broken over lines`` (spaces): ``经济效益`` / ``指标`` on lines of their own
    are one label heading the rows below; 经办人 / 上报时间 lines after the table are no rows."""
    text = (
        "一级指标 二级指标 三级指标 指标值\n"
        "产出指标 数量指标 补贴发放人数 ≥40人\n"
        "效益指标 经济效益\n"
        "指标\n"
        "改善生产生活条件 有效\n"
        "社会效益\n"
        "指标\n"
        "激发办事热情 100%\n"
        "满意度指标 服务对象\n"
        "满意度指标\n"
        "群众满意度 ≥95%\n"
        "经办人及联系电话:张三12345678901\n"
        "上报时间: 2021 年10 月 26日\n"
    )
    doc = _read(text)
    assert doc.source is not None and doc.source.layout == "spaces"
    assert [(r[1], r[2]) for r in _rows(doc)] == [
        ("数量指标", "补贴发放人数"),
        ("经济效益指标", "改善生产生活条件"),
        ("社会效益指标", "激发办事热情"),
        ("服务对象满意度指标", "群众满意度"),
    ]


def test_category_printed_left_of_the_level_one_labels() -> None:
    """Case ``category above level 1``: a category the taxonomy does not know (实施效果指标)
    printed before the 一级 column, whose labels (产出指标 / 效益指标) are then the rows'
    level 2; carried down the rows below."""
    text = _bar_lines(
        [
            *("专项名称", "示例专项", "||||"),
            *("绩 效 指 标", "一级指标", "二级指标", "三级指标", "指标值", "||"),
            *("实施效果指标", "产出指标", "建设项目个数", "2", "||"),
            *("竣工验收合格率", "100%", "||||"),
            *("效益指标", "粪污综合利用率", "≥90%", "|||"),
        ]
    )
    doc = _read(text)
    assert [(r[0], r[1], r[2]) for r in _rows(doc)] == [
        ("实施效果指标", "产出指标", "建设项目个数"),
        ("实施效果指标", "产出指标", "竣工验收合格率"),
        ("实施效果指标", "效益指标", "粪污综合利用率"),
    ]


def test_a_score_list_under_the_table_is_no_indicator() -> None:
    """Case ``score list``: item | 10分 | item | 10分 rows give points, never targets; a row
    whose target and actual are points (90分 | 92分) is still an indicator."""
    text = (
        "一级指标 | 二级指标 | 三级指标 | 预算设定指标值 | 项目完成指标值 |\n"
        "产出指标 | 数量指标 | 购置设备 | 31台 | 31台 |\n"
        "| 质量指标 | 考核得分 | ≥90分 | 92分 |\n"
        "满意度指标 | 服务对象满意度指标 | 师生满意度 | ≥95% | 97% |\n"
        "评价结果 | 进度完成率 | 10分 | 采购节约率 | 10分 |\n"
        "编制准确度 | 9分 | 评价结果 | 29分 |\n"
    )
    doc = _read(text)
    assert [r[2] for r in _rows(doc)] == ["购置设备", "考核得分", "师生满意度"]
