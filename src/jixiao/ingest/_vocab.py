"""The importer's vocabulary: word lists and word patterns that name a layout feature.

One place for the words the readers recognise (the issue asks for one vocabulary module and
one settings object): a reader imports the list it needs from here instead of spelling its
own regular expression.  Each entry says what the words mark and where they are used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from jixiao.domain.taxonomy import TAXONOMY_2015, TAXONOMY_2021

# A printed category label inside a longer text: two to eight CJK characters ending in 指标
# (产出指标, 经济效益指标, 服务对象满意度指标).  Used to tell a name that swallowed its row's
# level labels (a misread row) from a plain indicator name.
LABEL_IN_TEXT = re.compile(r"[\u4e00-\u9fff]{2,8}?指标")

# A value glued to the end of a name ("检查差旅费470人/天", "齐抓共管100%"): a number, then at
# most a short unit.  A name that ends so has taken its row's value cell as well.
GLUED_VALUE = re.compile(
    r"(?<=[\u4e00-\u9fff])[≥≤＞＜>=<≧≦]?\d[\d.,]*\s*(?:%|‰|[\u4e00-\u9fff]{1,2}(?:/[\u4e00-\u9fff]{1,2})?)?"
    r"(?:[(（][^()（）]{1,8}[)）])?$"
)

# The same words twice in a row ("创业能力提升创业能力提升"): two cells of the row (name and a
# value, or the name and its 指标描述) read as one.
REPEATED = re.compile(r"([\u4e00-\u9fff]{4,})\1")

# Words before a trailing number that make it part of a name (指标1, 目标2, 第3): no glued value.
NUMBERED_NAME = re.compile(r"(?:指标|目标|第|其中|附件|项目)\d+$")


def is_taxonomy_label(text: str) -> bool:
    """Whether the text is a level-1 or level-2 label of any taxonomy version."""
    return any(t.resolve(text) is not None for t in (TAXONOMY_2021, TAXONOMY_2015))


def misread_name(name: str) -> bool:
    """Whether an indicator name shows that its row's cells were not told apart: it holds a
    category label beside other words, the same words twice, or ends with a value glued to
    it."""
    text = re.sub(r"\s+", "", name)
    if not text:
        return False
    for m in LABEL_IN_TEXT.finditer(text):
        if m.group(0) != text and is_taxonomy_label(m.group(0)):
            return True
    if REPEATED.search(text):
        return True
    return GLUED_VALUE.search(text) is not None and NUMBERED_NAME.search(text) is None


# Sign-off lines under a table (审核意见 (盖章), 负责人签字): the table has ended.
SIGN_OFF = re.compile(
    r"意见|盖章|签字|签章|签名|填报人|审核人|负责人[:：]|经办人|上报时间|填报时间|填报日期|"
    r"编制单位|联系电话"
)


def bracket_depth(text: str) -> int:
    """Open brackets left unclosed in the text (``(≥`` → 1): a cell split inside them."""
    depth = 0
    for ch in text:
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】" and depth:
            depth -= 1
    return depth


# A header naming the category column of a two-level table (指标类型 beside 指标名称).
CATEGORY_HEADER = re.compile(r"^指标类[型别]$")

# A level label the taxonomy does not know, printed as one (服务对象或受益者满意度指标).
LEVEL_LABEL = re.compile(r"[\u4e00-\u9fff]{2,14}指标")

# Tick boxes of a form (优秀□ 良好□): a row holding two or more is a form field, no indicator.
CHECKBOX = re.compile(r"[□☐☑☒]")

# A level label in prose (产出指标, 数量指标, 经济效益指标, 服务对象满意度指标; also written
# 社会效益目标, 数量目标): the prose reader checks it against the taxonomy.
PROSE_LABEL = r"[\u4e00-\u9fff]{1,10}?(?:指标|目标)"

# An operator written in words before a number (大于等于10000平方米, 不低于95%, 达到3个): where a
# clause of prose turns from the indicator's name to its value.
WORD_OPERATOR = (
    r"(?:大于或等于|小于或等于|大于等于|小于等于|不低于|不少于|不小于|不高于|不超过|不多于|"
    r"不大于|大于|小于|高于|低于|多于|少于|超过|至少|达到)(?=\s*\d)"
)

# A template's placeholder kept in an indicator name (数量(≥**个), 满意度(≥**%)): the name
# is the concrete one after the template's wording.
PLACEHOLDER = re.compile(r"\*\*")

# A value in words at the end of an indicator clause (数据库基本健全, 日常运转定性有效, 提高):
# an optional degree or 定性, then a word of judgement.
JUDGEMENT_VALUE = re.compile(
    r"(?:定性)?(?:基本|明显|持续|有效|逐步|显著|进一步|稳步|不断|大幅|全面|得到|普遍)?"
    r"(?:健全|完善|提高|提升|增加|增强|改善|有效|达标|合格|规范|落实|加强|减少|降低|巩固|优良|良好)"
)

# Points given by an evaluation (10分, 9.5分): in pairs with an item, a score list, no target.
POINTS = re.compile(r"\d{1,3}(?:\.\d+)?分")

# A note printed beside a table's title that a unit or department name may have taken in:
# the money unit (金额单位：元, 单位:万元, （单位：万元）) and the date filled in (填报日期：…).
NAME_NOTE = re.compile(
    r"\s*[（(]?\s*(?:金额)?单位\s*[:：]\s*(?:人民币)?(?:亿元|万元|千元|元)\s*[）)]?"
    r"|\s*(?:填报|编制|报送)日期\s*[:：].*$"
)
# The field label in front of a name (单位名称：, 预算单位:, 主管部门：).
NAME_LABEL = re.compile(r"^\s*(?:填报单位|预算单位|单位名称|部门名称|主管部门|实施单位)\s*[:：]\s*")


def clean_name(text: str | None) -> str | None:
    """A unit or department name without the notes and labels glued to it
    (``永德县明朗中学 金额单位：元`` → ``永德县明朗中学``; ``单位:万元`` → ``""``)."""
    if text is None:
        return None
    return NAME_NOTE.sub("", NAME_LABEL.sub("", text)).strip()


# Column headings of a list of projects that describe the project itself (项目简介, 项目类型,
# 立项依据, 项目依据的政策描述, 资金管理办法, 使用范围, 其他需要说明情况 …): known words that
# a header row may hold beside the indicator columns; their text is not imported.
PROJECT_INFO = re.compile(
    r"^项目(?:简介|概况|概述|类型|类别|性质|内容|说明)$|立项依据|政策(?:依据|描述)|"
    r"资金管理办法|^(?:资金)?使用范围$|^实施内容$|其他需要说明"
)


# -- the grid interpreter's words (jixiao.ingest._read) -----------------------------------

FUNDS_LABELS = {
    "total": "年度资金总额",
    "fiscal": "财政拨款",
    "carryover": "上年结转",
    "other": "其他资金",
}

NOTE_WORDS = re.compile(
    r"评分标准|评分规则|评分方法|计分方法|评价标准|评\(?扣\)?分标准|扣分标准|指标解释|指标说明|"
    r"指标定义|备注|说明|数据来源|佐证|评价要点|计算公式|取值依据|设定依据|确定依据|标准或依据|"
    r"指标依据|^依据$"
)
# Where a note column's text goes on the indicator (Indicator.basis / explanation / standard
# / remark), by its header words; a note column matching none is not imported.
NOTE_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("standard", re.compile(r"评分|计分|评价标准|扣分|评\(?扣\)?分")),
    ("basis", re.compile(r"依据|数据来源|佐证")),
    ("explanation", re.compile(r"解释|指标说明|定义|计算公式|评价要点")),
    ("remark", re.compile(r"备注|说明")),
)


ACTUAL_WORDS = re.compile(
    r"实际|完成值|完成情况|完成数|完成率|执行情况|执行数|执行率|预计|得分|偏差|原因|措施|"
    r"可能性|经费保障|制度保障|人员保障|硬件条件保障|自评|当前|累计|^其他$|进度$|监控结果"
)
LEVEL1_WORDS = re.compile(r"一级指标|^一级$")
LEVEL2_WORDS = re.compile(r"二级指标|^二级$")
NAME_WORDS = re.compile(r"三级指标|^三级$|指标名称|具体指标|指标内容|^指标项$")
KIND_WORDS = re.compile(r"指标值类型|指标类型|值类型|指标性质|^定[量性]/?定[量性]$|^类型$")
OP_WORDS = re.compile(r"计算符号|运算符号|运算符|比较符|^符号$")
UNIT_WORDS = re.compile(r"度量单位|计量单位|^单位$")
WEIGHT_WORDS = re.compile(r"权重|分值|标准分|^分数$|满分|权数")
DIRECTION_WORDS = re.compile(r"指标方向|^方向$|正反向|指标属性")
SEQ_WORDS = re.compile(r"^序号|^编号|^序$|^代码$")
FUNCTION_WORDS = re.compile(r"职能|二级专项|^职责")
WORK_WORDS = re.compile(
    r"工作任务|工作及项目名称|工作内容|重点工作|工作名称|任务名称|^项目名称$|主要任务|工作事项"
)
TARGET_WORDS = re.compile(r"指标值|目标值|标准值|期望值|预期值|指标目标|年目标")
GOAL_WORDS = re.compile(r"年度目标|绩效目标|工作目标|预期目标|目标$")
PERIOD_WORDS = re.compile(r"^(?:\d{4}年)?(?:半年|全年|年度|中长期|长期|当年|年)(?:\(程\))?$")
NAME_WEAK_WORDS = re.compile(r"绩效指标$|^指标$")
OWNER_WORDS = re.compile(r"^(?:单位名称|部门名称|预算单位|实施单位|项目单位|预算部门|主管部门)$")
FUNDS_WORDS = re.compile(
    r"^(?:项目)?(?:年度)?(?:预算数|预算金额|预算资金|资金总额|预算总额|资金合计|金额)"
    r"(?:\((?:万元|元)\))?$"
)
SENTENCE = re.compile(r"[，。；,;！!？?]")
# Results a self-evaluation prints that the actuals do not keep (完成率, 执行率, 执行数,
# 自评等级: computed, or the funds block's).
UNKEPT_RESULT = re.compile(r"率|执行数|等级")
# The heading of the funds block's 执行偏差原因 column.
EXECUTION_REASON = re.compile(r"偏差|原因")
ACTUAL_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("score", re.compile(r"得分")),
    ("likelihood", re.compile(r"可能性")),
    ("forecast", re.compile(r"预计")),
    ("reason", re.compile(r"偏差|原因")),
    ("measures", re.compile(r"措施")),
    (
        "value",
        re.compile(r"实际完成|完成值|实际值|当前完成|累计完成|^完成情况$|^实际$|完成数|执行情况"),
    ),
)


MARK = re.compile(r"^(?:[√✓✔●■☑Vv]|是|有)$")
# A remark cell (偏差原因分析及改进措施) in parts: ``偏差原因（经费保障）：…``, ``改进措施：…``
# (as jixiao's self-evaluation workbook prints them, one a line, and as units often write
# them, after a ``；``); readers join a cell's lines, so a label is found anywhere.
REMARK_LABEL = re.compile(
    r"(偏差原因类别|偏差原因(?:[（(]([^（()）]{1,8})[)）])?|原因分析|改进措施|整改措施|人工调整)"
    r"\s*[:：]"
)
# No report: jixiao's reminder of what is missing (always last), the 不适用 marker (first).
PENDING = re.compile(r"【待补充】.*$", re.S)
NOT_APPLICABLE = re.compile(r"^不适用[，,]?不计分[。.；;]?")
MANUAL_REASON = re.compile(r"（理由：(.*?)）(?:；|$)")


BARE_POINTS = re.compile(r"^\d{1,3}(?:\.\d+)?$")
HALF_YEAR_WORDS = re.compile(r"监控|当前|预计|可能性|1-\d月|截至")


# -- taxonomy labels -----------------------------------------------------------------------

LABEL_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．]|\d{1,2}\.(?!\d))\s*"
)


# -- operators, units and other cell contents ----------------------------------------------

OP_TOKEN = re.compile(
    r"^(?:[=＝═≥≧≤≦<>＜＞⩾⩽]|[<>＜＞]\s*[=＝]|==|大于等于|大于或等于|小于等于|小于或等于|"
    r"不低于|不少于|不小于|不高于|不超过|不多于|不大于|大于|小于|高于|低于|等于|多于|少于|超过|"
    r"至少|达到)$"
)
STARTS_WITH_OP = re.compile(
    r"^(?:[=＝═≥≧≤≦<>＜＞⩾⩽]|大于|小于|不低于|不少于|不小于|不高于|不超过|不多于|不大于|高于|"
    r"低于|等于|多于|少于|超过|至少|达到)"
)
# Placeholders of an empty cell: no value printed.
BLANK_MARKS = frozenset({"/", "-", "--", "—", "——", "－", "\\", "无", "N/A", "n/a", "NA", "不适用"})
KIND_VALUES = re.compile(r"^(?:定量|定性|定量指标|定性指标)$")
DIRECTION_VALUES = re.compile(
    r"^(?:正向|反向|中性|逆向|正向指标|反向指标|中性指标|越大越好|越小越好)$"
)
NUMBER_ONLY = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
SEQ_VALUE = re.compile(r"^[（(]?(\d{1,4})[)）]?[.、．]?$")
MEASURE_CHARS = frozenset(
    "人次个元天日月年件期份户家台场批项座里米吨时分秒周课亩辆册本套间所栋处条宗例张篇部瓶株只头"
    "支把度位名班床%‰㎡²³"
)
ACTUALS_ROW = re.compile(r"执行数|执行率|得分|实际完成|完成情况|偏差")
# The funds block of a self-evaluation or monitoring table: 年初预算数 · 全年预算数 · 执行数.
BUDGET_COLUMN = re.compile(r"年初预算|全年预算|调整后预算|预算数|执行数|实际支出")
BUDGET_KEYS = (
    ("budget_initial", re.compile(r"年初")),
    ("executed", re.compile(r"执行数|实际支出|支出数")),
    ("budget", re.compile(r"全年预算|调整后预算|预算数")),
)


BUDGET_HEADING = re.compile(r"预算|资金|金额")
MONEY_UNIT = re.compile(r"(?:金额|资金)?(?:单位)?[:：]?(?:万元|元)")
# The unit of a table's amounts: 金额单位：元, 单位：万元, 金额：万元, or a heading of amounts
# with the unit in brackets (项目资金（万元）, 年度资金总额（元）, 预算数（万元）).
UNIT_PHRASE = re.compile(
    r"(?:(?:金额|货币)?单位|^金额)[:：]?(万元|千元|元)$"
    r"|(?:预算|资金|金额|总额|拨款|结转|预算数)[^()]{0,8}\((万元|千元|元)\)$"
)


# Headings of the prose goals above the indicators (no place for them in the model).
GOAL_HEADING = re.compile(
    r"^(?:项目)?(?:年度|中长期|长期|总体|预期|整体)?(?:总体|主要)?(?:绩效)?(?:目标|任务)(?:\(.*\))?$"
)
NOTE_ROW = re.compile(r"^\s*(?:注|说明|备注|填表说明|填报说明)\s*\d?\s*[:：．.、]")
# The headings under a self-evaluation's indicators (评价结论 | …, 存在问题 | 无, 改进措施 | …):
# a row whose first cell is one of them, and nothing else, is no indicator.
CONCLUSION_ROW = re.compile(
    r"^(?:评价结论|自评结论|绩效评价结论|存在(?:的)?问题|主要问题|改进措施|整改措施|"
    r"改进(?:意见|建议)|下一步(?:改进)?(?:措施|工作|打算))\s*[:：]?$"
)

SUMMARY = re.compile(r"^(?:合计|总计|小计|总分|得分合计|分值合计|总体得分|综合得分|合\s*计)[:：]?$")
# The grade under a self-evaluation's total (自评等级 | 优): a result computed from the total.
GRADE_ROW = re.compile(r"^(?:自评|评价|绩效|综合)?(?:等级|评级|评价等级)$")
# A section under the indicators that is not part of them (jixiao's monitoring sheets list
# 监控发现问题 there): the table ends.
SECTION_END = re.compile(r"^(?:监控|自评|评价|审核)?(?:发现|存在)的?(?:主要)?问题|^问题清单")


# -- fields --------------------------------------------------------------------------------

FIELD_LABELS: Mapping[str, str] = {
    "项目名称": "name",
    "专项名称": "name",
    "专项资金名称": "name",
    "项目名": "name",
    "主管部门": "department",
    "主管部门及代码": "department",
    "项目主管部门": "department",
    "主管单位": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "预算单位": "unit",
    "项目单位": "unit",
    "单位名称": "unit",
    "部门名称": "unit",
    "部门(单位)名称": "unit",
    "填报单位": "unit",
    "填报单位(盖章)": "unit",
    "申报单位": "unit",
    "申报单位(盖章)": "unit",
    "开始时间": "start",
    "项目开始时间": "start",
    "起始时间": "start",
    "实施开始时间": "start",
    "完成时间": "end",
    "结束时间": "end",
    "项目完成时间": "end",
    "项目结束时间": "end",
    "项目期": "period",
    "项目周期": "period",
    "实施期限": "period",
    "实施周期": "period",
    "项目期限": "period",
    "起止时间": "period",
    "项目起止时间": "period",
    "执行期限": "period",
    "年度资金总额": "funds.total",
    "资金总额": "funds.total",
    "项目资金总额": "funds.total",
    "年度预算总额": "funds.total",
    "财政拨款": "funds.fiscal",
    "当年财政拨款": "funds.fiscal",
    "本年财政拨款": "funds.fiscal",
    "财政资金": "funds.fiscal",
    "上年结转": "funds.carryover",
    "上年结转资金": "funds.carryover",
    "其他资金": "funds.other",
    "项目金额": "funds.total",
    "项目总金额": "funds.total",
    "预算金额": "funds.total",
    "项目预算": "funds.total",
    # The project's goal texts (the label beside or above the text).
    "年度目标": "goal.annual",
    "年度绩效目标": "goal.annual",
    "年度总体目标": "goal.annual",
    "项目年度目标": "goal.annual",
    "项目年度绩效目标": "goal.annual",
    "年度预期目标": "goal.annual",
    "当年绩效目标": "goal.annual",
    "中长期目标": "goal.long",
    "中长期绩效目标": "goal.long",
    "项目中长期目标": "goal.long",
    "长期目标": "goal.long",
    "实施期目标": "goal.long",
    "实施期绩效目标": "goal.long",
    "实施期总目标": "goal.long",
    "总体目标": "goal.long",
    "总体绩效目标": "goal.long",
    "项目总体目标": "goal.long",
}
# Labels printed beside a value that the model has no place for: read and set aside.
META_LABELS = frozenset(
    {
        "单位",
        "金额单位",
        "填报日期",
        "填报时间",
        "填报人",
        "联系电话",
        "联系人",
        "负责人",
        "项目负责人",
        "审核人",
        "日期",
        "项目属性",
        "项目编码",
        "项目代码",
        "项目类型",
        "项目类别",
        "预算年度",
        "年度",
        "年度目标完成情况",
        "年度目标实际完成情况",
    }
)
LABEL_TAIL = re.compile(r"(?:\((?:万元|元|盖章|公章)\))+$")
BRACKET_TAIL = re.compile(r"\([^()]{1,20}\)$")


INLINE_FIELD = re.compile(r"^\s*([^:：]{1,24}?)\s*[:：]\s*(\S.*)$", re.S)


# -- titles --------------------------------------------------------------------------------

# A table's title ends in its kind (a year or unit in brackets may follow).
TABLE_TITLE = re.compile(
    r"(?:绩效目标(?:申报|设定|批复)?表|目标申报表|自评表|评价表|监控表|监控情况表|"
    r"绩效监控(?:情况)?表|目标表|(?:自评|监控|目标|绩效)汇总表)(?:[(（][^()（）]{0,30}[)）])?$"
)
YEAR_LINE = re.compile(r"^[（(]?((?:19|20)\d{2})\s*年度?[）)]?$")
OVERALL_TITLE = re.compile(r"整体")
TITLE_UNIT_TAIL = re.compile(r"(?:部门单位|部门[（(]单位[）)]|部门|单位)$")
NUMBERS = re.compile(r"(?:19|20)\d{2}")


PROJECT_WORDS = re.compile(r"^(?:项目名称|项目)$")


# A list of projects: the column of each project's funds (预算数, 预算金额, 资金总额).
FUNDS_COLUMN = re.compile(
    r"^(?:项目)?(?:预算数|预算金额|预算资金|资金总额|年度资金总额|金额)(?:\(.*\))?$"
)


AMOUNT_HEADING = re.compile(r"^(?:金额|合计|小计|总计|预算数|决算数)(?:\(.*\))?$")


WEIGHT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*(?:%|分)?$")


AMOUNT = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?\(?(?:万元|千元|元)?\)?$")


MONTH = re.compile(r"截至\s*(\d{1,2})\s*月|1\s*[-－—~～至]\s*(\d{1,2})\s*月")
