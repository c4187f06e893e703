"""The catalogue of what users read: every code the program shows a person, in 简体中文.

One place for the words, so that the web pages, the CLI and the exports say the same
thing: the import warnings by code (``ingest.unused-text`` → 未导入的文字), the error pages,
the operator names, times.  Pure data and small functions, no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

#: The import warnings (``Diagnostic.code``, see docs/format.md) as a person reads them.
WARNING_LABELS: dict[str, str] = {
    "ingest.truncated": "表格不完整（文件在表格中途结束）",
    "ingest.empty-table": "空表（没有读到目标或指标）",
    "ingest.missing-target": "缺少目标值",
    "ingest.missing-field": "缺少必要栏目（单位或项目名称）",
    "ingest.missing-value": "指标值个数与表头不符",
    "ingest.unused-text": "未导入的文字",
    "ingest.unknown-label": "无法识别的指标类别",
    "ingest.level2-mismatch": "二级指标与一级指标不对应",
    "ingest.ambiguous-rows": "指标名称与指标值配对不确定",
    "ingest.ambiguous-cells": "各格没有分隔，拆分不确定",
    "ingest.unparsed-value": "指标值无法识别",
    "ingest.year-mismatch": "年度与文件年度不一致",
    "ingest.actuals-not-imported": "部分完成情况未导入",
    "ingest.summary-table": "已跳过汇总表",
    "ingest.needs-ocr": "扫描页（需文字识别）",
    "ingest.damaged-page": "页面损坏，已跳过",
    "ingest.garbled-text": "文字可能乱码",
    "ingest.money-unit": "金额单位可疑",
}


def warning_label(code: str) -> str:
    """A warning's code in words; an unknown code is still shown in Chinese."""
    return WARNING_LABELS.get(code, "导入提示")


#: The titles of the HTML error pages, by HTTP status.
ERROR_TITLES: dict[int, str] = {
    400: "请求有误",
    401: "需要登录",
    403: "无权操作",
    404: "页面不存在",
    405: "不支持的操作",
    409: "内容已变化",
    410: "已过期",
    413: "文件过大",
    415: "不支持的文件类型",
    422: "填写有误",
    429: "请求过于频繁",
    500: "系统出错",
    503: "服务暂不可用",
}

#: What an error page says when the cause has no message of its own.
ERROR_MESSAGES: dict[int, str] = {
    400: "请求的格式不正确，请返回上一页重试。",
    401: "请先登录。",
    403: "您没有访问此页面的权限。",
    404: "您访问的页面不存在，或地址有误。",
    405: "此地址不支持该操作。",
    409: "内容已被他人修改，请刷新后重试。",
    410: "内容已过期，请重新操作。",
    413: "上传的文件过大。",
    415: "不支持的文件类型。",
    422: "提交的内容有误，请检查后重试。",
    429: "请求过于频繁，请稍后再试。",
    500: "系统内部出错，操作未完成。请稍后重试；如果问题持续出现，请联系管理员。",
    503: "服务暂不可用，请稍后再试。",
}


def error_title(status: int) -> str:
    return ERROR_TITLES.get(status, "系统出错" if status >= 500 else "出错了")


def error_message(status: int) -> str:
    return ERROR_MESSAGES.get(status, ERROR_MESSAGES[500] if status >= 500 else "请求未完成。")


#: Who acted, for the operators that are not people (audit entries, imports).
OPERATOR_NAMES: dict[str, str] = {
    "system": "系统（命令行导入）",
    "demo": "系统（演示数据）",
}


def operator_name(username: str, names: dict[str, str] | None = None) -> str:
    """The name a person reads for an operator: a user's display name, or a system
    operator in words, or the login name when nothing better is known."""
    if names and names.get(username):
        return names[username]
    return OPERATOR_NAMES.get(username, username)


#: The time zone used when ``JIXIAO_TZ`` is not set or unknown: China Standard Time.
CHINA = timezone(timedelta(hours=8), "CST")


def local_time(value: datetime | str | None, zone: tzinfo, *, seconds: bool = False) -> str:
    """A stored time (UTC; naive means UTC) in ``zone``: ``2025-03-01 14:05``."""
    if value is None or value == "":
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def year_text(year: int | None) -> str:
    """A fiscal year in a sentence: ``2025 年度``, or ``年度未注明``."""
    return f"{year} 年度" if year else "年度未注明"


# -- why a file cannot be imported ------------------------------------------------------

#: The readers' refusals (``IngestError.problem``), each as a pattern and its Chinese
#: wording; ``{0}`` … are the pattern's groups (a technical detail, kept as it is).
_LAYOUT_WORDS = {
    "cells separated by |": "以 | 分隔单元格的表格",
    "cells separated by tabs": "以制表符分隔单元格的表格",
    "columns aligned with spaces": "以空格对齐的列",
    "one cell per line": "每行一个单元格的表格",
    "cells separated by spaces": "以空格分隔单元格的表格",
    "one cell per line ending with |": "每行一个、以 | 结尾的单元格",
}
INGEST_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"is empty: no performance target table in it", "文件是空的，其中没有绩效目标表"),
    (
        r"is not a performance target table: found no 绩效目标表 headers.*",
        "不是绩效目标表：没有找到绩效目标表的表头（一级指标/二级指标/三级指标，或 职能/年度目标）",
    ),
    (
        r"is not a performance target table: found no table with (.*)",
        "不是绩效目标表：没有找到{0}",
    ),
    (r"is not a performance target table.*", "不是绩效目标表"),
    (r"is a binary file, not a text dump of a table", "是二进制文件，不是表格的文本"),
    (
        r"cannot be decoded as UTF-8, GB18030 or UTF-16 text",
        "无法按 UTF-8、GB18030 或 UTF-16 编码读取为文本",
    ),
    (
        r"is cut off \(the file ends before the PDF's %%EOF marker\) and cannot be read",
        "文件不完整（在 PDF 结束标记 %EOF 之前就结束了），无法读取；请重新下载或上传完整文件",
    ),
    (r"is damaged and cannot be read as PDF \((.*)\)", "PDF 文件已损坏，无法读取（{0}）"),
    (r"is not a PDF file \(it does not start with %PDF-\)", "不是 PDF 文件（文件开头不是 %PDF-）"),
    (
        r"is encrypted and needs a password to open.*",
        "已加密，需要密码才能打开；请另存或重新打印为不加密的 PDF 后再上传",
    ),
    (r"cannot be read as PDF: (.*)", "无法作为 PDF 读取（{0}）"),
    (r"is damaged: its pages cannot be counted \((.*)\)", "PDF 文件已损坏，无法统计页数（{0}）"),
    (r"has no pages", "PDF 文件没有页面"),
    (r"is damaged: no page can be read \((.*)\)", "PDF 文件已损坏，没有可读取的页面（{0}）"),
    (
        r"has no text layer \(scanned pages\?\): it needs OCR, which jixiao does not do",
        "没有文字层（扫描件？）：需要先做文字识别（OCR），本系统不做 OCR",
    ),
    (r"has no text: no performance target table in it", "没有文字，其中没有绩效目标表"),
    (r"its tables cannot be read: (.*)", "其中的表格无法读取（{0}）"),
    (
        r"is not a readable (XLSX|XLS) workbook \(damaged or truncated\?\): (.*)",
        "不是可读取的 {0} 工作簿（文件损坏或不完整？）：{1}",
    ),
    (
        r"is not a readable DOCX document \(damaged or truncated\?\): (.*)",
        "不是可读取的 DOCX 文档（文件损坏或不完整？）：{0}",
    ),
    (
        r"is a ZIP archive that is neither an XLSX workbook nor a DOCX document",
        "是 ZIP 压缩包，但既不是 XLSX 工作簿也不是 DOCX 文档",
    ),
    (r"has more than (\d+) filled cells; not read", "非空单元格超过 {0} 个，未读取"),
    (r"is an HTML page without a table \(<table>\)", "是网页，但其中没有表格（<table>）"),
    (r"is a folder, not a file", "是文件夹，不是文件"),
    (r"does not exist", "文件不存在"),
    (r"cannot be read: (.*)", "无法读取（{0}）"),
    (r"unknown format '([^']*)'; expected one of (.*)", "未知格式“{0}”，可选：{1}"),
)


def ingest_problem(problem: str) -> str:
    """Why a file cannot be read, in Chinese (a problem already in Chinese is kept)."""
    import re

    for pattern, chinese in INGEST_PROBLEMS:
        m = re.fullmatch(pattern, problem, flags=re.S)
        if m:
            groups = [_LAYOUT_WORDS.get(g, g) for g in m.groups()]
            return chinese.format(*groups)
    return problem


def place_text(file: str, page: int | None = None, line: int | None = None) -> str:
    """A place in a file as a person reads it: ``表.pdf 第 2 页 第 14 行``."""
    parts = [file]
    if page is not None:
        parts.append(f"第 {page} 页")
    if line is not None:
        parts.append(f"第 {line} 行")
    return " ".join(parts)
