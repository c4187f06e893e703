"""The rule documentation (docs/rules/), rendered from the rules themselves.  Pure: the
CLI writes the pages (``jixiao rules --write-docs docs/rules``); a test checks they are
current."""

from __future__ import annotations

from jixiao.domain.model import Project
from jixiao.domain.review import (
    RULES,
    SEVERITY_LABELS,
    Rule,
    build_example,
    review_example,
)
from jixiao.domain.review._registry import Example


def _table(example: Example) -> str:
    built = build_example(example)
    if isinstance(built, Project):
        lines = [
            "| 一级指标 | 二级指标 | 三级指标 | 半年指标值 | 全年指标值 |",
            "|---|---|---|---|---|",
        ]
        for i in built.indicators:
            half = i.half_year.text if i.half_year else ""
            full = i.full_year.text if i.full_year else ""
            lines.append(f"| {i.level1} | {i.level2} | {i.name} | {half} | {full} |")
        extras = [f"{k} = {v}" for k, v in example.project.items()]
        if extras:
            lines.append("")
            lines.append("Project fields: " + "; ".join(extras))
        if example.previous:
            lines.append("")
            lines.append(
                "Last year's actuals: " + "; ".join(f"{k} {v}" for k, v in example.previous.items())
            )
        return "\n".join(lines)
    lines = ["| 序号 | 职能 | 工作及项目名称 | 年度目标 | 目标值 |", "|---|---|---|---|---|"]
    for g in built.goals:
        target = g.target.text if g.target else ""
        lines.append(f"| {g.seq} | {g.function} | {g.work} | {g.goal} | {target} |")
    if not built.goals:
        lines.append("| | | (no rows) | | |")
    return "\n".join(lines)


def _messages(rule: Rule, example: Example) -> list[str]:
    return [f.message for f in review_example(example) if f.code == rule.code]


def render_rule(rule: Rule) -> str:
    params = "".join(f"- `{k}` = `{v}`\n" for k, v in rule.params.items()) or "None.\n"
    messages = "\n".join(f"> {m}" for m in _messages(rule, rule.bad))
    return f"""# {rule.code} {rule.name}

**{rule.summary}**

| | |
|---|---|
| Dimension | {rule.dimension.value} |
| Default severity | {rule.severity.value} ({SEVERITY_LABELS[rule.severity]}) |
| Applies to | {rule.scope.value} |
| Fix | {rule.hint} |

{rule.explanation}

## Parameters

{params}
## Flagged

{_table(rule.bad)}

What jixiao says:

{messages}

## Not flagged

{_table(rule.good)}
"""


def render_index() -> str:
    lines = [
        "# Review rules",
        "",
        "Generated from `src/jixiao/domain/review/rules.py` by "
        "`jixiao rules --write-docs docs/rules`; do not edit by hand.",
        "",
        "Switch rules off or change their severity and parameters in the `[review]` table of",
        "`jixiao.toml` (see docs/review.md).",
        "",
        "| Code | Name | Dimension | Severity | What it finds |",
        "|---|---|---|---|---|",
    ]
    for code, rule in sorted(RULES.items()):
        lines.append(
            f"| [{code}]({code}.md) | {rule.name} | {rule.dimension.value} | "
            f"{rule.severity.value} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"


def render_all() -> dict[str, str]:
    """File name → content for the whole docs/rules folder."""
    pages = {f"{code}.md": render_rule(rule) for code, rule in RULES.items()}
    pages["README.md"] = render_index()
    return pages
