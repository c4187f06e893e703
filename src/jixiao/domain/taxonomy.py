"""The indicator taxonomy (三级指标体系): level 1 → level 2, with aliases, versioned by year.

Printed tables label the same category in many ways ("满意度" for 满意度指标, "服务对象满
意度" for its level 2, "环境效益" for 生态效益指标).  A :class:`Taxonomy` maps any known label
to its canonical name and tells which level 1 a level 2 belongs to.

Two versions ship:

* ``2015`` — MOF 财预〔2015〕88号 era templates: 成本指标 is a level 2 under 产出指标.
* ``2021`` — MOF 财预〔2021〕101号 templates: 成本指标 is a level 1 of its own with
  经济/社会/生态环境成本指标 under it.  Tables of later years that still print 成本指标
  as a level 2 under 产出指标 resolve the label to the level 1 here; importers read a row
  labelled only 成本指标 through the 2015 version (level 2 under 产出指标).

:func:`taxonomy_for_year` picks the version in force for a fiscal year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

OUTPUT = "产出指标"
EFFECT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"

_QUANTITY = "数量指标"
_QUALITY = "质量指标"
_TIMELINESS = "时效指标"
_ECONOMIC = "经济效益指标"
_SOCIAL = "社会效益指标"
_ECOLOGICAL = "生态效益指标"
_SUSTAINABLE = "可持续影响指标"
_CLIENT_SATISFACTION = "服务对象满意度指标"
_ECONOMIC_COST = "经济成本指标"
_SOCIAL_COST = "社会成本指标"
_ECOLOGICAL_COST = "生态环境成本指标"


def normalize_label(label: str) -> str:
    """Fold a printed label for lookup: NFKC, no white space, no trailing colon."""
    text = unicodedata.normalize("NFKC", label)
    text = re.sub(r"\s+", "", text)
    return text.rstrip(":：")


@dataclass(frozen=True, slots=True)
class Category:
    """One taxonomy entry: a canonical name, its level, its parent (level 2 only), aliases."""

    name: str
    level: int
    parent: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolved:
    """A label resolved against a taxonomy."""

    name: str
    level: int
    parent: str | None
    label: str


@dataclass(frozen=True)
class Taxonomy:
    """A versioned level 1 → level 2 hierarchy with alias lookup."""

    version: str
    categories: tuple[Category, ...]
    _by_label: Mapping[str, Category] = field(init=False, repr=False, compare=False)
    _cache: dict[str, Resolved | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Category] = {}
        for cat in self.categories:
            for label in (cat.name, *cat.aliases):
                key = normalize_label(label)
                other = index.get(key)
                if other is not None and other is not cat:
                    raise ValueError(f"label {label!r} is ambiguous: {other.name} / {cat.name}")
                index[key] = cat
        object.__setattr__(self, "_by_label", MappingProxyType(index))
        object.__setattr__(self, "_cache", {})

    @property
    def level1(self) -> tuple[str, ...]:
        """Canonical level-1 names in their conventional order."""
        return tuple(c.name for c in self.categories if c.level == 1)

    def level2_of(self, level1: str) -> tuple[str, ...]:
        """Canonical level-2 names under a canonical level-1 name."""
        return tuple(c.name for c in self.categories if c.level == 2 and c.parent == level1)

    def resolve(self, label: str) -> Resolved | None:
        """Resolve a printed label (canonical name or alias) or return None."""
        try:
            return self._cache[label]
        except KeyError:
            pass
        cat = self._by_label.get(normalize_label(label))
        found = (
            None
            if cat is None
            else Resolved(name=cat.name, level=cat.level, parent=cat.parent, label=label)
        )
        if len(self._cache) < 100_000:  # labels are few; bound it against odd input
            self._cache[label] = found
        return found

    def resolve_level1(self, label: str) -> str | None:
        found = self.resolve(label)
        return found.name if found is not None and found.level == 1 else None

    def resolve_level2(self, label: str) -> Resolved | None:
        found = self.resolve(label)
        return found if found is not None and found.level == 2 else None

    def belongs(self, level1: str, level2: str) -> bool:
        """Whether canonical ``level2`` sits under canonical ``level1`` in this version."""
        found = self.resolve_level2(level2)
        return found is not None and found.parent == level1

    def labels(self) -> Iterable[str]:
        """Every normalised label this taxonomy knows (for prefix matching of wrapped cells)."""
        return self._by_label.keys()

    def is_label_prefix(self, text: str) -> bool:
        """Whether ``text`` is a proper prefix of some known label (a wrapped cell's first part)."""
        key = normalize_label(text)
        return bool(key) and any(label.startswith(key) and label != key for label in self._by_label)


def _common(cost_level1: bool) -> tuple[Category, ...]:
    output_children = [
        Category(_QUANTITY, 2, OUTPUT, ("数量", "产出数量", "数量指标类")),
        Category(_QUALITY, 2, OUTPUT, ("质量", "产出质量")),
        Category(_TIMELINESS, 2, OUTPUT, ("时效", "产出时效", "时效性指标", "进度指标")),
    ]
    effect_children = [
        Category(_ECONOMIC, 2, EFFECT, ("经济效益",)),
        Category(_SOCIAL, 2, EFFECT, ("社会效益",)),
        Category(
            _ECOLOGICAL,
            2,
            EFFECT,
            ("生态效益", "环境效益", "环境效益指标", "生态环境效益", "生态环境效益指标"),
        ),
        Category(
            _SUSTAINABLE,
            2,
            EFFECT,
            ("可持续影响", "可持续影响指标类", "可持续发展指标", "可持续效益指标"),
        ),
    ]
    satisfaction_children = [
        Category(
            _CLIENT_SATISFACTION,
            2,
            SATISFACTION,
            (
                "服务对象满意度",
                "服务对象满意",
                "满意度指标（二级）",
                "社会公众或服务对象满意度指标",
            ),
        ),
    ]
    level1 = [
        Category(OUTPUT, 1, None, ("产出", "产出类指标")),
        Category(EFFECT, 1, None, ("效益", "效果指标", "效益类指标")),
    ]
    if cost_level1:
        level1.append(Category(COST, 1, None, ("成本", "成本类指标")))
        cost_children = [
            Category(_ECONOMIC_COST, 2, COST, ("经济成本",)),
            Category(_SOCIAL_COST, 2, COST, ("社会成本",)),
            Category(_ECOLOGICAL_COST, 2, COST, ("生态环境成本", "环境成本", "环境成本指标")),
        ]
    else:
        # Older templates: cost is a level-2 output indicator.
        output_children.append(Category(COST, 2, OUTPUT, ("成本",)))
        cost_children = []
    level1.append(Category(SATISFACTION, 1, None, ("满意度", "满意度类指标", "服务满意度")))
    return (*level1, *output_children, *effect_children, *cost_children, *satisfaction_children)


TAXONOMY_2015 = Taxonomy(version="2015", categories=_common(cost_level1=False))
TAXONOMY_2021 = Taxonomy(version="2021", categories=_common(cost_level1=True))

TAXONOMIES: Mapping[str, Taxonomy] = MappingProxyType(
    {TAXONOMY_2015.version: TAXONOMY_2015, TAXONOMY_2021.version: TAXONOMY_2021}
)


def taxonomy_for_year(fiscal_year: int | None) -> Taxonomy:
    """The version in force for a fiscal year (2021 rules apply from fiscal year 2022)."""
    if fiscal_year is not None and fiscal_year < 2022:
        return TAXONOMY_2015
    return TAXONOMY_2021
