"""Word lists behind the review rules that judge wording.

Each list is explicit, documented and measured (tests/domain/review/test_precision.py
reports precision and recall on labelled examples).  Matching is by substring on the
indicator or goal text; lists are kept short and specific on purpose: a reviewer would
rather miss a borderline case than read a false alarm on every table.
"""

from __future__ import annotations

import re

#: Openings that describe a procedure ("do the work as required"), not a result.  An
#: indicator whose name starts so and whose target is a bare ＝100% measures nothing.
PROCEDURE_OPENINGS: tuple[str, ...] = (
    "按要求",
    "按照要求",
    "按相关",
    "按规定",
    "按照规定",
    "按法规",
    "按照",
    "严格按",
    "严格执行",
    "依法依规",
    "保质保量",
    "督促",
    "做好",
    "认真",
    "切实",
    "确保",
    "全面落实",
    "积极",
    "扎实",
    # Duty verbs of administrative style ("strengthen …", "implement …", "promote …"):
    # flagged only when the target is not a count (see JX201).
    "加强",
    "强化",
    "规范",
    "落实",
    "贯彻",
    "坚持",
    "推进",
    "推动",
    "持续",
    "全面",
    "深化",
    "维护",
    "服务",
    "助力",
    "促进",
    "依法",
    "牢固树立",
    "开展",
    "及时做好",
)

#: Words of slogans: grand aims that no number can check.
SLOGAN_WORDS: tuple[str, ...] = (
    "谱写",
    "篇章",
    "新征程",
    "新高度",
    "新台阶",
    "新局面",
    "新气象",
    "奋力",
    "勇争",
    "争当",
    "走在前列",
    "强富美高",
    "开创",
    "续写",
    "书写",
    "再创佳绩",
    "高质量发展",
    "现代化建设",
    "获得感",
    "幸福感",
    "安全感",
    "贡献力量",
    "上台阶",
    "跨越式",
    "跨越发展",
    "新成效",
    "新突破",
    "坚实步伐",
    "攻坚战",
    "压舱石",
    "人民满意",
    "坚强保障",
    "底线",
)

#: Words that make an indicator a rate or ratio (a percentage is then its natural unit).
RATE_WORDS: tuple[str, ...] = (
    "率",
    "比例",
    "比重",
    "占比",
    "覆盖",
    "百分比",
    "完成度",
    "达标",
    "满意度",
    "知晓度",
    "指数",
)

#: Words that place an indicator by meaning (for the level-2 placement rule).
TIMELINESS_WORDS: tuple[str, ...] = ("及时", "时限", "时效", "按期", "按时", "完成时间", "进度")
SATISFACTION_WORDS: tuple[str, ...] = ("满意",)
COST_WORDS: tuple[str, ...] = ("成本", "单价", "造价", "费用", "经费支出", "人均费用")
#: A cost that goes down is a benefit (融资成本下降幅度), not a cost indicator.
COST_REDUCTION_WORDS: tuple[str, ...] = ("下降", "降低", "节约", "节省", "减少")

#: Units of counts that accumulate over the year (half-year ≤ full-year expected).
COUNT_UNITS: tuple[str, ...] = (
    "人次",
    "次",
    "人",
    "个",
    "份",
    "件",
    "项",
    "场",
    "期",
    "户",
    "家",
    "所",
    "座",
    "台",
    "套",
    "册",
    "本",
    "篇",
    "条",
    "批",
    "公里",
    "千米",
    "亩",
    "平方米",
    "万元",
    "元",
)


def pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation for a word list (longest first)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


PROCEDURE_RE = re.compile(
    "^(?:" + "|".join(re.escape(w) for w in sorted(PROCEDURE_OPENINGS, key=len, reverse=True)) + ")"
)
SLOGAN_RE = pattern(SLOGAN_WORDS)
RATE_RE = pattern(RATE_WORDS)
TIMELINESS_RE = pattern(TIMELINESS_WORDS)
SATISFACTION_RE = pattern(SATISFACTION_WORDS)
COST_RE = pattern(COST_WORDS)
COST_REDUCTION_RE = pattern(COST_REDUCTION_WORDS)
