"""Writing many records through WooCommerce's ``/batch`` endpoints, each result back at its input.

A batch call is one HTTP request for up to 100 items, counting create, update and delete
together: 101 is refused whole with HTTP 413 ``woocommerce_rest_request_entity_too_large`` and
nothing is applied (captures 262, 263). A call that goes through answers 200 even when items
fail, with each failed item's error object in its place. Callers hand over a flat list of
operations; this module cuts it into requests of at most :data:`BATCH_LIMIT`, and gives each
operation its own outcome (the store's record, or a structured error), in input order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Literal, TypeVar

from .client import WooClient
from .errors import BadResponseError, OutcomeUnknownError, ServerError, WooConnectorError
from .response import error_from_woo

BATCH_LIMIT = 100  # create + update + delete together (captures 262, 263)
Kind = Literal["create", "update", "delete"]
T = TypeVar("T")


@dataclass
class BatchOp:
    """One item of a batch: ``payload`` is the record to send, or the id for a delete."""

    kind: Kind
    payload: Any
    tag: Any = None  # the caller's handle (an input position) to find the outcome again


@dataclass
class Outcome:
    op: BatchOp
    record: dict[str, Any] | None
    error: dict[str, Any] | None
    # True when the request as a whole failed in a way that leaves open whether the store
    # applied it (sent but no answer, or a 5xx): look before writing again.
    ambiguous: bool = False


def chunks(items: list[T], size: int = BATCH_LIMIT) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run_batches(client: WooClient, path: str, ops: list[BatchOp]) -> list[Outcome]:
    """POST ``ops`` to ``path`` (``/products/batch``, ``/products/{id}/variations/batch``) in
    requests of at most 100 items; one Outcome per op, in the order given.

    A request that fails as a whole fails each of its ops with that error; later requests are
    still sent, because their items are independent of the failed ones.
    """
    outcomes: list[Outcome] = []
    for chunk in chunks(ops):
        body: dict[str, list[Any]] = {}
        for op in chunk:
            body.setdefault(op.kind, []).append(op.payload)
        try:
            answer = client.post(path, body)
        except WooConnectorError as exc:
            # No answer to a sent write, or a 5xx (the store applies batch items one by one, so a
            # crash part-way leaves the earlier ones applied): the outcome is open.
            ambiguous = isinstance(exc, (OutcomeUnknownError, ServerError))
            outcomes.extend(Outcome(op, None, exc.to_dict(), ambiguous=ambiguous) for op in chunk)
            continue
        outcomes.extend(_match(chunk, answer, path))
    return outcomes


def _match(chunk: list[BatchOp], answer: Any, path: str) -> list[Outcome]:
    """Pair each op with its answer: the store answers each kind's list in the order sent."""
    counts = {kind: sum(1 for op in chunk if op.kind == kind) for kind in ("create", "update", "delete")}
    answered = {kind: answer.get(kind) if isinstance(answer, dict) else None for kind in counts}
    if any(n and (not isinstance(answered[k], list) or len(answered[k]) != n) for k, n in counts.items()):
        problem = _bad_response(
            f"The store's answer to POST {path} did not list one result per item sent.", reason="batch_shape"
        )
        return [Outcome(op, None, problem, ambiguous=True) for op in chunk]
    position = {kind: 0 for kind in counts}
    out: list[Outcome] = []
    for op in chunk:
        result = answered[op.kind][position[op.kind]]
        position[op.kind] += 1
        if isinstance(result, dict) and isinstance(result.get("error"), dict):
            out.append(Outcome(op, None, error_from_woo(result["error"], url=path).to_dict()))
        elif isinstance(result, dict):
            out.append(Outcome(op, result, None))
        else:
            out.append(Outcome(op, None, _bad_response("The store answered this item with no record.")))
    return out


def _bad_response(message: str, reason: str | None = None) -> dict[str, Any]:
    return BadResponseError(message, reason=reason).to_dict()
