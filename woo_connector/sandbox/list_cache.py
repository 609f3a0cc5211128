"""What a list page is made of, remembered between requests until the store next changes.

A page of 100 orders over a 10,000-order store used to cost the sandbox ~30 ms of CPU: it
filtered and sorted the whole collection, rebuilt every order's public form (internal keys
dropped, URLs rebased, ``_links`` added) and JSON-encoded it, on every request. Between two
writes none of that changes, so it is kept here:

* a **selection**: the filtered, sorted documents of one query (everything but the paging
  parameters), shared by every page of a walk;
* each document's **encoded** public form, as :func:`.php.php_json` writes it, per base URL (the
  store is served over HTTP and HTTPS at once and its links name the address the client used).
  An :class:`EncodedPage` of these joins into exactly the bytes ``php_json`` makes of the list;
* each document's public form cut to a ``_fields`` list, per base URL: a walk that asks for ids
  only rendered every whole order and then kept its id (26 times the cost of a cached page).

There is no per-object version to compare: handlers and churn edit stored documents in place, so
the one safe signal is the store's own write path. :class:`.state.StoreState` calls
:meth:`ListCache.clear` from ``put``, ``touch``, ``delete`` and ``save`` (``save`` runs after every
write request, failed ones included, and after churn), so nothing survives a write, whatever it
touched: an order, a setting, a tax rate, a same-second stamp. Reads never clear it.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

MAX_SELECTIONS = 64
"""Distinct list queries kept at once; a walk needs one, a test suite's many queries do not pile up."""
MAX_ENCODED = 50_000
"""Encoded documents kept at once (10,000 orders over two addresses is 20,000, ~70 MB)."""


class EncodedPage(list):  # type: ignore[type-arg]
    """A list answer whose items are already encoded (``bytes`` each, as ``php_json`` writes an item).

    Only the HTTP site asks for one (``Request.encoded_ok``), and only when nothing will look into
    the items (no ``_fields``, no ``_envelope``): it goes straight to :func:`.php.php_json`.
    """

    def joined(self) -> bytes:
        """``php_json`` of the list the items encode: compact separators, so a plain join."""
        return b"[" + b",".join(self) + b"]"


class ListCache:
    """Selections and encoded documents of one store, all dropped by :meth:`clear` on any write."""

    def __init__(self) -> None:
        self._selections: dict[Hashable, list[dict[str, Any]]] = {}
        self._encoded: dict[tuple[str, int, str], tuple[dict[str, Any], bytes]] = {}
        self._projected: dict[tuple[str, int, str, str], tuple[dict[str, Any], Any]] = {}

    def clear(self) -> None:
        self._selections.clear()
        self._encoded.clear()
        self._projected.clear()

    def selection(self, key: Hashable, compute: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """The documents ``key`` selects, in order; computed once until the next write.

        The caller only slices the list it gets back, never changes it."""
        found = self._selections.get(key)
        if found is None:
            if len(self._selections) >= MAX_SELECTIONS:
                self._selections.clear()
            found = self._selections[key] = compute()
        return found

    def encoded(self, kind: str, doc: dict[str, Any], base_url: str, encode: Callable[[], bytes]) -> bytes:
        """``doc``'s public form encoded for ``base_url``; ``encode`` makes it on a miss."""
        return _kept(self._encoded, (kind, doc["id"], base_url), doc, encode)

    def projected(self, kind: str, doc: dict[str, Any], base_url: str, fields: str, project: Callable[[], Any]) -> Any:
        """``doc``'s public form for ``base_url`` cut to ``fields`` (a ``_fields`` value); ``project``
        makes it on a miss. Kept only for answers that ``dispatch`` projects again, which copies
        each item: no answer hands out the cached object itself."""
        return _kept(self._projected, (kind, doc["id"], base_url, fields), doc, project)


def _kept(table: dict[Any, tuple[dict[str, Any], Any]], key: Hashable, doc: dict[str, Any], make: Callable[[], Any]) -> Any:
    """What ``make`` made of ``doc`` under ``key``, made on a miss.

    The entry remembers the document object it was made from, so a document replaced under the
    same id (which a write would also have cleared) can never be answered for."""
    found = table.get(key)
    if found is not None and found[0] is doc:
        return found[1]
    if len(table) >= MAX_ENCODED:
        table.clear()
    value = make()
    table[key] = (doc, value)
    return value
