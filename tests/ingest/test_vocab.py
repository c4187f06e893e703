"""The one vocabulary module: each word list defined once (a second definition of a name
would silently replace the first for every reader that imports it)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import jixiao.ingest._vocab as vocab


def test_every_word_list_is_defined_once() -> None:
    tree = ast.parse(Path(vocab.__file__).read_text(encoding="utf-8"))
    names = Counter(
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    )
    assert not [name for name, n in names.items() if n > 1]


def test_the_prose_placeholder_and_the_blank_marks_are_apart() -> None:
    assert vocab.PLACEHOLDER.search("数量(≥**个)")
    assert "不适用" in vocab.BLANK_MARKS
