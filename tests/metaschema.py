"""The Draft 2020-12 meta-schema check the contract tests ask of every schema, at compiled speed.

jsonschema's ``check_schema`` walks the meta-schema's ``$dynamicRef``s in pure Python: about
60 ms for one bundled tool schema, seconds for the files and the tools. jsonschema-rs checks
against the same meta-schema in microseconds, and it is handed jsonschema's own format checks
(``regex`` by Python's ``re`` among them), so both read ``format`` alike. As in the connector's
``validation.Checker``, its "yes" is the verdict and a "no" goes to jsonschema, whose
``SchemaError`` names the problem, or which finds none where jsonschema-rs is stricter (it also
checks formats jsonschema leaves alone here, such as ``uri-reference``).
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator


@functools.cache
def _compiled() -> Any:
    checks = Draft202012Validator.FORMAT_CHECKER
    formats = {name: functools.partial(checks.conforms, format=name) for name in checks.checkers}
    return jsonschema_rs.Draft202012Validator(Draft202012Validator.META_SCHEMA, formats=formats,
                                             validate_formats=True)


def passes(schema: Any) -> bool:
    """jsonschema-rs's verdict alone: True means a valid Draft 2020-12 schema."""
    return bool(_compiled().is_valid(schema))


def check_schema(schema: Any) -> None:
    """``Draft202012Validator.check_schema``: raises its SchemaError for an invalid schema."""
    if not passes(schema):
        Draft202012Validator.check_schema(schema)
