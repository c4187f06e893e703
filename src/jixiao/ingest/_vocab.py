"""The importer's vocabulary: word lists and word patterns that name a layout feature.

One place for the words the readers recognise (the issue asks for one vocabulary module and
one settings object): a reader imports the list it needs from here instead of spelling its
own regular expression.  Each entry says what the words mark and where they are used.
"""

from __future__ import annotations

import re

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
