"""Strict output for a list call, its items checked as each page is collected.

Why: strict mode checks every item of a list tool's answer, and the compiled validator needs
14-21 µs for an order. Checked at the end, a 10,000-order pull waits 0.15-0.2 s more for its
answer; checked as each page is collected, the same work happens while the next
pages are still on their way from the store, and the end check is left with the envelope.

The verdict is the one a check of the whole answer gives: an item is checked with the
envelope's own ``items`` schema, its problems are reported at the position the item has in the
answer, and at the end every item the tool did not hand back untouched by identity (a new
object, such as an order with ``amounts``) is checked with the rest of the envelope. Only the
built-in tools take the early check: they never change an item in place once the walk has
collected it (they build new ones), which a tool pack's code cannot promise us.
"""

from __future__ import annotations

import re
from operator import is_
from typing import Any

from .validation import Checker, Problem

PLAIN_ARRAY_KEYS = frozenset({"type", "items", "description", "title", "$comment"})
BUILT_IN_TOOLS = "woo_connector.tools."
_ITEM_POINTER = re.compile(r"^/items/(\d+)(.*)$", re.S)


def items_schema(output_schema: dict[str, Any], function_module: str) -> dict[str, Any] | None:
    """The schema an early check uses: the envelope with only its ``items``, for a built-in list
    tool whose ``items`` is a plain array (no count or uniqueness rule over the whole list);
    None for any other tool, whose answer is checked whole at the end."""
    items = output_schema.get("properties", {}).get("items")
    if (not function_module.startswith(BUILT_IN_TOOLS) or not isinstance(items, dict)
            or items.get("type") != "array" or not set(items) <= PLAIN_ARRAY_KEYS):
        return None
    schema = {key: output_schema[key] for key in ("$schema", "$defs") if key in output_schema}
    schema.update({"type": "object", "properties": {"items": items}})
    return schema


class EarlyItems:
    """The items a walk collected, checked as they came (see the module's docstring)."""

    def __init__(self, items_checker: Checker) -> None:
        self._checker = items_checker
        self._checked: list[Any] = []  # held, so that no checked item's id is reused meanwhile
        self._ids: set[int] = set()
        self._problems: dict[int, list[tuple[str, str]]] = {}

    def __call__(self, added: list[Any]) -> None:
        """Check items just collected; their problems wait for the end, where they are placed."""
        for problem in self._checker.problems({"items": added}):
            found = _ITEM_POINTER.match(problem.pointer)
            if found is None:  # not about one item: the end check of the whole list says it again
                continue
            item = added[int(found.group(1))]
            self._problems.setdefault(id(item), []).append((found.group(2), problem.message))
        self._checked.extend(added)
        self._ids.update(map(id, added))

    def problems(self, result: Any, checker: Checker) -> list[Problem]:
        """What ``checker.problems(result)`` says, with the early-checked items not walked again."""
        items = result.get("items") if isinstance(result, dict) else None
        if not self._ids or not isinstance(items, list):
            return checker.problems(result)
        out: list[Problem] = []
        # the list the walk collected, item for item (the usual case) has nothing unchecked; the
        # comparison runs in C, where the walk over ids below costs 2-4 ms per 10,000 items
        collected = len(items) == len(self._checked) and all(map(is_, items, self._checked))
        unchecked = [] if collected else [position for position, item in enumerate(items) if id(item) not in self._ids]
        if self._problems:
            for position, item in enumerate(items):
                out.extend(Problem(f"/items/{position}{rest}", message)
                           for rest, message in self._problems.get(id(item), ()))
        rest = {**result, "items": [items[position] for position in unchecked]}
        for problem in checker.problems(rest):
            found = _ITEM_POINTER.match(problem.pointer)
            if found is not None:
                problem = Problem(f"/items/{unchecked[int(found.group(1))]}{found.group(2)}", problem.message)
            out.append(problem)
        out.sort(key=lambda p: p.pointer)
        return out
