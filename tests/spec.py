"""The official Cliniko OpenAPI spec (2023-10 copy) as JSON Schema, and
example objects built from its schemas."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

SPEC_PATH = Path(__file__).parent / "spec" / "cliniko-openapi-2023-10.json"


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text())


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema draft 4: ``nullable`` becomes a null type
    (and a null enum member); ``$ref`` is resolved inline."""
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _convert(spec()["components"]["schemas"][name])
    out = {k: _convert(v) for k, v in node.items() if k not in {"nullable", "example", "x-tags", "externalDocs", "description"}}
    if "[A-Z" in out.get("pattern", ""):
        # the spec's email patterns are upper-case only; Cliniko's intent is
        # case-insensitive (real addresses are lower case)
        out["pattern"] = "(?i)" + out["pattern"]
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
        if "type" not in out and "enum" not in out and "properties" in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    return _convert(copy.deepcopy(spec()["components"]["schemas"][name]))


def validate(name: str, instance: Any, *, allow: dict[str, set] | None = None) -> None:
    """Validate; *allow* lists documented real-world quirks the spec omits,
    as {field: {allowed values}} (e.g. ``""`` in cancellation_reason_description)."""
    instance = copy.deepcopy(instance)
    for field, values in (allow or {}).items():
        if isinstance(instance, dict) and instance.get(field) in values:
            instance.pop(field)
    jsonschema.Draft4Validator(schema(name)).validate(instance)


def example(name: str) -> dict[str, Any]:
    """An object built from the spec's schema: every property, using the
    spec's example, the first enum value, or a type-appropriate value."""
    return _example(spec()["components"]["schemas"][name])


def _example(node: dict[str, Any]) -> Any:
    if "$ref" in node:
        return _example(spec()["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in node:
        return _example(node["anyOf"][0])
    if "example" in node:
        return node["example"]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {k: _example(v) for k, v in node.get("properties", {}).items()}
    if kind == "array":
        return [_example(node.get("items", {"type": "string"}))]
    if kind == "boolean":
        return True
    if kind in {"integer", "number"}:
        return node.get("minimum", 0) + 1
    if node.get("format") == "date-time":
        return "2023-10-01T09:00:00Z"
    if node.get("format") == "date":
        return "1980-01-01"
    if node.get("format") == "uri":
        return "https://api.au1.cliniko.com/v1/things/1"
    if node.get("format") == "int64":
        return "1"
    return "text"
