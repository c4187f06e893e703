"""Regenerate the shipped JSON Schema: ``python -m jixiao.interchange``."""

import json

from jixiao.interchange import SCHEMA_PATH, json_schema

SCHEMA_PATH.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
print(f"wrote {SCHEMA_PATH}")
