"""The schemas under schemas/, loaded once, and payload checks that name every bad field.

A host shows a person (or an agent) one message for a bad payload; it should list every field
that is wrong, as JSON pointers, not just the first one jsonschema happens to find.

Speed: a host invokes thousands of small calls, and strict output validation checks every order
of every page. jsonschema needs ~100 µs for a get-order input and ~15 ms for one order; the
compiled jsonschema-rs validator says yes or no in well under 1% of that. So a :class:`Checker`
asks jsonschema-rs first and runs jsonschema only when the answer is no, to name the fields:
jsonschema stays the judge (a "no" it does not confirm is a pass), and jsonschema-rs is handed
jsonschema's own format checks, so both read ``format`` alike.
"""

from __future__ import annotations

import json
from datetime import date
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .schema_merge import merged, rebuilt

try:
    import jsonschema_rs
except ImportError:  # no wheel for this platform: jsonschema alone, same verdicts, slower
    jsonschema_rs = None

if TYPE_CHECKING:
    from referencing._core import Resolver

SCHEMA_BASE = "https://woo-connector.dev/schemas/"

# The standard formats plus "woo-date-time" (schemas/defs/date_time.json): the pattern there
# checks the shape WooCommerce reads, this checks that the date exists (no 31 February).
FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("woo-date-time", raises=ValueError)
def _real_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only judge strings; the type keyword judges the rest
    date.fromisoformat(value[:10])
    return True


# Patterns that, when they match, mean the format check passes: the compiled validator checks the
# pattern instead of the format (see _pattern_first), and a string it refuses goes to jsonschema,
# which checks the format itself. "email" is jsonschema's own rule ("@" in the text); the date
# pattern matches only real dates (leap years included) in ASCII digits, and
# date.fromisoformat(value[:10]) accepts every one of them.
_DAY = r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
_LEAP_YEAR = r"(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)"
SURE_PASS = {
    "email": "@",
    "woo-date-time": rf"^(?:[1-9][0-9]{{3}}-{_DAY}|{_LEAP_YEAR}-02-29)",
}


def _pattern_first(schema: Any, used: set[str] | None = None) -> Any:
    """A copy of a schema for the compiled validator, where each ``format`` in SURE_PASS becomes
    its pattern, and the names of the other formats it checks are added to ``used``.

    The copy is stricter, never looser: a string the pattern refuses may still be of the format
    (a year before 1000, say), and then the compiled validator says no and jsonschema, which
    checks the format itself, gives the verdict. Why: jsonschema-rs checks a document about 30%
    slower as soon as it is given any format callback, used or not (20.6 against 14.4 µs for an
    order), and calling one costs more than the rest of an order's check."""
    def replace_format(node: dict[str, Any]) -> dict[str, Any]:
        name = node.get("format")
        if isinstance(name, str) and name in SURE_PASS:
            del node["format"]
            node["allOf"] = [*node.get("allOf", []), {"pattern": SURE_PASS[name]}]
        elif isinstance(name, str) and used is not None:
            used.add(name)
        return node

    return rebuilt(schema, replace_format)


def _format_check(name: str) -> Any:
    """jsonschema's check for one format, as the yes/no callback jsonschema-rs takes."""
    return lambda value: FORMAT_CHECKER.conforms(value, name)


def fast_validator(schema: dict[str, Any]) -> Any | None:
    """A compiled jsonschema-rs validator for a self-contained schema, or None when there is none
    to trust: jsonschema-rs missing, a schema it refuses, or a recursive one (its validator
    recurses on the native stack, so a deep enough payload would crash the process instead of
    raising; jsonschema raises RecursionError, which the host gets as a structured error).

    Its yes is the final verdict; its no sends the document to jsonschema (``Checker.problems``).
    The formats the schema still names after :func:`_pattern_first` are checked by jsonschema's
    own code, called back, so that no format is judged by another implementation's rules; plain
    ``allOf``s are merged (:mod:`woo_connector.schema_merge`), so a document is walked once."""
    if jsonschema_rs is None or _recursive(schema):
        return None
    used: set[str] = set()
    fast_form = merged(_pattern_first(schema, used))
    formats = {name: _format_check(name) for name in sorted(used) if name in FORMAT_CHECKER.checkers}
    try:
        if formats:
            return jsonschema_rs.Draft202012Validator(fast_form, formats=formats, validate_formats=True)
        return jsonschema_rs.Draft202012Validator(fast_form, validate_formats=False)
    except Exception:  # noqa: BLE001 - any refusal only means: check with jsonschema alone
        return None


def _recursive(schema: dict[str, Any]) -> bool:
    """Whether the schema's ``$ref``s can loop (or leave the document, which we cannot follow)."""
    defs = schema.get("$defs") if isinstance(schema.get("$defs"), dict) else {}
    graph: dict[str, set[str]] = {}
    for key, node in [("#", {k: v for k, v in schema.items() if k != "$defs"}), *defs.items()]:
        targets: set[str] = set()
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for name, inner in item.items():
                    if name in ("$ref", "$dynamicRef", "$recursiveRef") and isinstance(inner, str):
                        if not inner.startswith("#/$defs/") and inner != "#":
                            return True
                        targets.add(inner if inner == "#" else inner.split("/")[2])
                    else:
                        stack.append(inner)
            elif isinstance(item, list):
                stack.extend(item)
        graph[key] = targets
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def loops(key: str) -> bool:
        if state.get(key) == 1:
            return True
        if state.get(key) == 2:
            return False
        state[key] = 1
        if any(loops(target) for target in graph.get(key, ())):
            return True
        state[key] = 2
        return False

    return loops("#")


@dataclass(frozen=True)
class Problem:
    pointer: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


class SchemaSet:
    """Every schema file by its path relative to schemas/ ("list-orders.input.json")."""

    def __init__(self, root: Path, *more: Path) -> None:
        """``more`` roots are tool packs' schema directories; a name already taken keeps the first
        (the registry refuses such a collision before it gets here)."""
        self.root = root
        self.documents: dict[str, dict[str, Any]] = {}
        for base in (root, *more):
            for path in sorted(base.rglob("*.json")):
                rel = path.relative_to(base).as_posix()
                if rel not in self.documents:
                    doc = json.loads(path.read_text(encoding="utf-8"))
                    # without an $id a relative $ref (a pack's "defs/id.json") has no base to resolve from
                    doc.setdefault("$id", SCHEMA_BASE + rel)
                    self.documents[rel] = doc
        self.registry: Registry = Registry().with_resources(
            (doc.get("$id", SCHEMA_BASE + rel), Resource.from_contents(doc))
            for rel, doc in self.documents.items()
        )
        self._validators: dict[str, Draft202012Validator] = {}

    def names(self) -> set[str]:
        return set(self.documents)

    def get(self, rel: str) -> dict[str, Any]:
        return self.documents[rel]

    def validator(self, rel: str) -> Draft202012Validator:
        validator = self._validators.get(rel)
        if validator is None:
            validator = Draft202012Validator(
                self.documents[rel],
                registry=self.registry,
                format_checker=FORMAT_CHECKER,
            )
            self._validators[rel] = validator
        return validator

    def problems(self, rel: str, instance: Any) -> list[Problem]:
        """Every violation of the file ``rel``, deepest explanation first, one per pointer and message."""
        base = self.documents[rel].get("$id", SCHEMA_BASE + rel)
        return Checker(self.validator(rel), self.registry.resolver(base_uri=base)).problems(instance)


@dataclass(frozen=True)
class Checker:
    """A compiled schema and the resolver its references go through."""

    validator: Draft202012Validator
    resolver: Resolver[Any]
    fast: Any = None  # jsonschema-rs validator of the same schema, asked first when present

    @classmethod
    def of(cls, schema: dict[str, Any]) -> Checker:
        """A checker for a self-contained (bundled) schema: every ``$ref`` points inside it."""
        uri = "urn:woo-connector:bundled"
        registry: Registry[Any] = Registry().with_resource(uri, Resource.from_contents(schema, default_specification=DRAFT202012))
        validator = Draft202012Validator(schema, registry=registry, format_checker=FORMAT_CHECKER)
        return cls(validator, registry.resolver(base_uri=uri), fast_validator(schema))

    def problems(self, instance: Any) -> list[Problem]:
        """Every violation, deepest explanation first, one per pointer and message."""
        if self.fast is not None:
            try:
                if self.fast.is_valid(instance):
                    return []
            except (ValueError, TypeError, OverflowError):
                pass  # not JSON-shaped (a non-string key, say): jsonschema says what is wrong
        seen: set[tuple[str, str]] = set()
        out: list[Problem] = []
        for error in self.validator.iter_errors(instance):
            if error.validator == "unevaluatedProperties":
                found = _unknown_fields(error, self.resolver)
            else:
                found = _explain(error)
            for problem in found:
                key = (problem.pointer, problem.message)
                if key not in seen:
                    seen.add(key)
                    out.append(problem)
        out.sort(key=lambda p: p.pointer)
        return out


def pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _unknown_fields(error: ValidationError, resolver: Resolver[Any]) -> list[Problem]:
    """An object closed with unevaluatedProperties also calls a field "unevaluated" when the field
    is declared but invalid (its own error says why); name only the fields nobody declares."""
    where = list(error.absolute_path)
    declared = _declared(error.schema, resolver) if isinstance(error.schema, dict) else set()
    extras = [k for k in (error.instance if isinstance(error.instance, dict) else {}) if k not in declared]
    return [Problem(pointer(where + [k]), f"unknown field {k!r}") for k in extras]


def _declared(schema: dict[str, Any], resolver: Resolver[Any]) -> set[str]:
    """Property names a schema declares itself or through the objects it $refs (directly or in allOf)."""
    names = set(schema.get("properties") or {})
    refs = [schema.get("$ref")] + [part.get("$ref") for part in schema.get("allOf", []) if isinstance(part, dict)]
    for ref in refs:
        if isinstance(ref, str):
            resolved = resolver.lookup(ref)
            if isinstance(resolved.contents, dict):
                names |= _declared(resolved.contents, resolved.resolver)
    return names


def _explain(error: ValidationError) -> list[Problem]:
    where = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        patterns = error.schema.get("patternProperties") or {}
        if not patterns and extras:
            return [Problem(pointer(where + [k]), f"unknown field {k!r}") for k in extras]
    if error.validator == "required":
        return [Problem(pointer(where), error.message)]
    if error.validator in ("pattern", "format") and isinstance(error.schema.get("description"), str):
        # A bare regex tells a person little; the field's own description says what is expected.
        return [Problem(pointer(where), _short(f"{error.instance!r} is not valid here: {error.schema['description']}"))]
    if error.validator in ("anyOf", "oneOf") and error.context:
        # The branch that got furthest into the instance explains best.
        deepest = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.message)))
        if len(deepest.absolute_path) > len(where):
            return _explain(deepest)
        return [Problem(pointer(where), _short(error.message))]
    return [Problem(pointer(where), _short(error.message))]


def _short(message: str, limit: int = 400) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
