"""The jixiao/1 format: round trips, the shipped schema, and errors that name the field."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from jixiao.domain.model import Document
from jixiao.ingest import read_path
from jixiao.interchange import SCHEMA_PATH, FormatError, dump, dumps, json_schema, load, loads
from tests.conftest import SEED, SEED_LAYOUT

DOCUMENTS = [SEED, *sorted(SEED_LAYOUT.glob("*.txt"))]


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_path(SEED)


def test_shipped_schema_is_current() -> None:
    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == json_schema(), "run: python -m jixiao.interchange"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_documents_validate_against_the_schema(path: Any) -> None:
    data = dump(read_path(path))
    jsonschema.Draft202012Validator(json_schema()).validate(data)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_json_round_trip_is_exact(path: Any) -> None:
    doc = read_path(path)
    text = dumps(doc)
    again = loads(text)
    assert again == doc
    assert dumps(again) == text  # provenance included (it is not part of ==)


def test_values_keep_their_json_types(seed: Document) -> None:
    data = dump(seed)
    value = data["projects"][0]["indicators"][0]["full_year"]
    assert value["value"] == 461
    assert isinstance(value["value"], int)
    assert value["op"] == "="
    assert data["format"] == "jixiao/1"
    assert set(data) == {
        "format",
        "fiscal_year",
        "source",
        "overall_targets",
        "projects",
        "warnings",
    }


def test_source_keeps_file_hash_and_layout(seed: Document) -> None:
    source = dump(seed)["source"]
    assert source["layout"] == "pdf-text-blocks"
    assert len(source["sha256"]) == 64


def test_chinese_stays_readable() -> None:
    doc = Document(fiscal_year=2023)
    assert "\\u" not in dumps(doc)
    assert dumps(read_path(SEED)).count("人大代表履职培训费") == 1


def _minimal() -> dict[str, Any]:
    return {
        "format": "jixiao/1",
        "fiscal_year": 2023,
        "overall_targets": [],
        "projects": [
            {
                "name": "项目",
                "department": None,
                "unit": None,
                "fiscal_year": 2023,
                "indicators": [
                    {
                        "level1": "产出指标",
                        "level2": "数量指标",
                        "name": "培训人次",
                        "full_year": {
                            "text": "≥90人次",
                            "kind": "quantitative",
                            "op": ">=",
                            "value": 90,
                            "unit": "人次",
                        },
                    }
                ],
            }
        ],
        "warnings": [],
    }


def test_minimal_document_loads() -> None:
    doc = load(_minimal())
    indicator = doc.projects[0].indicators[0]
    assert indicator.full_year is not None
    assert indicator.full_year.value == 90
    assert indicator.half_year is None


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d.update(format="jixiao/2"), "format"),
        (lambda d: d["projects"][0]["indicators"][0]["full_year"].update(op="≥"), "op"),
        (lambda d: d["projects"][0]["indicators"][0]["full_year"].update(kind="number"), "kind"),
        (lambda d: d["projects"][0]["indicators"][0].pop("name"), "name"),
        (lambda d: d["projects"][0].update(colour="red"), "colour"),
        (lambda d: d.pop("warnings"), "warnings"),
        (lambda d: d.update(fiscal_year="2023"), "fiscal_year"),
        (lambda d: d["projects"][0]["indicators"][0]["full_year"].update(value=True), "value"),
        (lambda d: d["projects"][0]["indicators"][0]["full_year"].update(start="12/2025"), "start"),
        (lambda d: d["projects"][0].update(source={"file": "x", "page": 0}), "page"),
    ],
)
def test_invalid_documents_name_the_field(mutate: Any, named: str) -> None:
    data = _minimal()
    mutate(data)
    with pytest.raises(FormatError) as caught:
        load(data, where="upload.json")
    message = str(caught.value)
    assert message.startswith("upload.json：不是有效的 jixiao/1 文档")
    assert named in message


def test_schema_describes_provenance() -> None:
    location = json_schema()["$defs"]["WireLocation"]
    assert set(location["properties"]) == {"file", "page", "line", "sheet", "cell"}
    assert location["additionalProperties"] is False


def test_provenance_leaves_out_unknown_parts(seed: Document) -> None:
    source = dump(seed)["projects"][0]["indicators"][0]["full_year"]["source"]
    assert set(source) == {"file", "page", "line"}


def test_bad_json_names_line_and_column() -> None:
    with pytest.raises(FormatError, match=r"bad\.json：第 2 行第 1 列不是有效的 JSON"):
        loads('{"format": "jixiao/1",\n}', where="bad.json")
