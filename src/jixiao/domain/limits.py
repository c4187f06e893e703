"""How long each text a person types may be: every text field has a limit, checked by the
services before anything is stored, refused in Chinese at the field.

The limits are generous for what the official tables print (the longest indicator name in
the real documents is under 100 characters, a 年度目标 under 1,000) and keep a page
readable: a 12,025-character indicator name or a 100,000-character 意见 is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

#: field → (label, most characters)
LIMITS: dict[str, tuple[str, int]] = {
    "level1": ("一级指标", 50),
    "level2": ("二级指标", 50),
    "name": ("三级指标名称", 300),
    "half_year": ("半年指标值", 300),
    "full_year": ("全年指标值", 300),
    "long_term": ("长期指标值", 300),
    "seq": ("序号", 50),
    "function": ("职能", 500),
    "work": ("工作及项目名称", 500),
    "goal": ("年度目标", 2000),
    "target": ("目标值", 300),
    "opinion": ("审核意见", 5000),
    "body": ("意见内容", 5000),
    "reason": ("理由", 1000),
    "display_name": ("姓名", 200),
    "value": ("完成值", 300),
    "forecast": ("全年预计", 300),
    "deviation": ("偏差原因", 2000),
    "measures": ("改进措施", 2000),
    "execution_reason": ("执行偏差原因", 2000),
}


def too_long(field: str, text: str | None) -> str | None:
    """The Chinese message when ``text`` is longer than ``field`` allows, else None."""
    if text is None or field not in LIMITS:
        return None
    label, most = LIMITS[field]
    if len(text) <= most:
        return None
    return f"{label}不能超过 {most:,} 个字符（现为 {len(text):,} 个字符）"


def first_too_long(fields: Mapping[str, str | None]) -> tuple[str, str] | None:
    """The first field of ``fields`` that is too long, with its message."""
    for key, text in fields.items():
        message = too_long(key, text)
        if message is not None:
            return key, message
    return None
