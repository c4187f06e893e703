from __future__ import annotations

import pytest

from jixiao.domain.taxonomy import (
    COST,
    EFFECT,
    OUTPUT,
    SATISFACTION,
    TAXONOMY_2015,
    TAXONOMY_2021,
    Category,
    Taxonomy,
    taxonomy_for_year,
)


@pytest.mark.parametrize(
    ("label", "name", "level"),
    [
        ("满意度", SATISFACTION, 1),
        ("满意度指标", SATISFACTION, 1),
        ("服务对象满意度", "服务对象满意度指标", 2),
        ("服务对象满\n意度", "服务对象满意度指标", 2),
        ("环境效益", "生态效益指标", 2),
        ("生态效益指标", "生态效益指标", 2),
        ("产出", OUTPUT, 1),
        ("数量指标", "数量指标", 2),
        (" 数 量 指 标 ", "数量指标", 2),
        ("社会效益指标：", "社会效益指标", 2),
        ("可持续影响指标", "可持续影响指标", 2),
    ],
)
def test_aliases_resolve_to_canonical_names(label: str, name: str, level: int) -> None:
    for taxonomy in (TAXONOMY_2015, TAXONOMY_2021):
        found = taxonomy.resolve(label)
        assert found is not None
        assert (found.name, found.level) == (name, level)
        assert found.label == label


def test_unknown_label() -> None:
    assert TAXONOMY_2021.resolve("按要求开展人大代表履职培训") is None
    assert TAXONOMY_2021.resolve("") is None


def test_level2_parents() -> None:
    assert TAXONOMY_2021.belongs(OUTPUT, "数量指标")
    assert TAXONOMY_2021.belongs(EFFECT, "环境效益")
    assert TAXONOMY_2021.belongs(SATISFACTION, "服务对象满意度")
    assert not TAXONOMY_2021.belongs(OUTPUT, "服务对象满意度指标")
    assert not TAXONOMY_2021.belongs(SATISFACTION, "及时性")


def test_cost_is_level1_from_2021_and_level2_before() -> None:
    assert TAXONOMY_2021.level1 == (OUTPUT, EFFECT, COST, SATISFACTION)
    assert TAXONOMY_2021.level2_of(COST) == ("经济成本指标", "社会成本指标", "生态环境成本指标")
    assert COST not in TAXONOMY_2021.level2_of(OUTPUT)
    assert TAXONOMY_2015.level1 == (OUTPUT, EFFECT, SATISFACTION)
    assert COST in TAXONOMY_2015.level2_of(OUTPUT)
    assert TAXONOMY_2015.resolve_level1("成本指标") is None
    assert TAXONOMY_2021.resolve_level1("成本指标") == COST


def test_version_by_year() -> None:
    assert taxonomy_for_year(2020) is TAXONOMY_2015
    assert taxonomy_for_year(2021) is TAXONOMY_2015
    assert taxonomy_for_year(2022) is TAXONOMY_2021
    assert taxonomy_for_year(2025) is TAXONOMY_2021
    assert taxonomy_for_year(None) is TAXONOMY_2021


def test_prefix_of_a_wrapped_label() -> None:
    assert TAXONOMY_2021.is_label_prefix("服务对象满")
    assert not TAXONOMY_2021.is_label_prefix("服务对象满意度指标")
    assert not TAXONOMY_2021.is_label_prefix("人大代表")


def test_ambiguous_alias_is_refused() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        Taxonomy(
            version="bad",
            categories=(
                Category("甲指标", 1, aliases=("甲",)),
                Category("乙指标", 1, aliases=("甲",)),
            ),
        )
