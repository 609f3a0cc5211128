"""List behaviour every WooCommerce collection shares, copied from what the captures show.

Parameter checks raise one ``rest_invalid_param`` naming every bad parameter with WordPress's
own wording (captures 234-249); pagination answers with ``X-WP-Total``/``X-WP-TotalPages`` and a
``Link`` header whose URLs echo the query the way WordPress rebuilds it (005, 007, 010); date
bounds are exclusive and read as store time unless ``dates_are_gmt`` or an explicit offset says
otherwise (031-037); a date without a time is refused (245). ``_fields`` is applied to every
response by the router, so it lives here too.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlencode

from woo_connector.sandbox.list_cache import EncodedPage
from woo_connector.sandbox.php import build_query_pairs, php_json
from woo_connector.sandbox.state import SITE, STORE_OFFSET, parse_gmt
from woo_connector.sandbox.wire import ApiError, Request, Response

ITEM_ALLOW = ["GET", "POST", "PUT", "PATCH", "DELETE"]

_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:?\d{2})?$"
)


class ParamErrors:
    """Collects invalid parameters so one response can name all of them, as WordPress does."""

    def __init__(self) -> None:
        self.params: dict[str, str] = {}
        self.details: dict[str, dict[str, Any]] = {}

    def add(self, name: str, code: str, message: str, data: Any = None) -> None:
        if name not in self.params:
            self.params[name] = message
            self.details[name] = {"code": code, "message": message, "data": data}

    def not_type(self, name: str, kind: str, param: str | None = None) -> None:
        label = param or name
        self.add(name, "rest_invalid_type", f"{label} is not of type {kind}.", {"param": label})

    def not_in_enum(self, name: str, choices: Sequence[str], label: str | None = None) -> None:
        self.add(name, "rest_not_in_enum", f"{label or name} is not one of {join_choices(choices)}.")

    def raise_if_any(self) -> None:
        if self.params:
            raise ApiError(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): " + ", ".join(self.params),
                {"params": self.params, "details": self.details},
            )


def join_choices(choices: Sequence[str]) -> str:
    """WordPress's list wording: "a, b, and c" / "a and b"."""
    items = list(choices)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + f", and {items[-1]}"


def is_int_text(raw: Any) -> bool:
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int):
        return True
    return isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw) is not None


def int_param(errors: ParamErrors, query: dict[str, Any], name: str, default: int | None = None,
              minimum: int | None = None, maximum: int | None = None) -> int | None:
    """An integer query parameter with WordPress's bound messages."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not is_int_text(raw):
        errors.not_type(name, "integer")
        return default
    value = int(raw)
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        errors.add(name, "rest_out_of_bounds", f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)")
        return default
    if minimum is not None and value < minimum:
        errors.add(name, "rest_out_of_bounds", f"{name} must be greater than or equal to {minimum}")
        return default
    return value


def bool_param(query: dict[str, Any], name: str) -> bool | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    return str(raw).strip().lower() in ("1", "true", "yes", "on")


def enum_param(errors: ParamErrors, query: dict[str, Any], name: str, choices: Sequence[str],
               default: str | None = None) -> str | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if str(raw) not in choices:
        errors.not_in_enum(name, choices)
        return default
    return str(raw)


def list_param(raw: Any) -> list[str]:
    """A list parameter sent as ``a,b``, ``a[0]=x`` or a single value."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, dict):
        raw = list(raw.values())
    if isinstance(raw, (list, tuple)):
        return [str(item).strip() for item in raw if str(item).strip() != ""]
    return [part.strip() for part in str(raw).split(",") if part.strip() != ""]


def id_list(raw: Any) -> list[int]:
    """``wp_parse_id_list``: anything not a number becomes 0, which matches nothing."""
    out = []
    for item in list_param(raw):
        out.append(abs(int(item)) if is_int_text(item) else 0)
    return out


def parse_date(errors: ParamErrors, query: dict[str, Any], name: str, as_gmt: bool) -> datetime | None:
    """An RFC 3339 bound as a UTC instant; store time unless gmt or an explicit offset says not."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    match = _DATE.match(str(raw).strip())
    if not match:
        errors.add(name, "rest_invalid_date", "Invalid date.")
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        errors.add(name, "rest_invalid_date", "Invalid date.")
        return None
    offset = match.group(8)
    if offset:
        if offset in ("Z", "z"):
            delta = timedelta(0)
        else:
            digits = offset.replace(":", "")
            sign = -1 if digits[0] == "-" else 1
            delta = sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
        return (moment - delta).replace(tzinfo=timezone.utc)
    if as_gmt:
        return moment.replace(tzinfo=timezone.utc)
    return (moment - STORE_OFFSET).replace(tzinfo=timezone.utc)


def date_window(errors: ParamErrors, query: dict[str, Any]) -> list[tuple[str, str, datetime]]:
    """The exclusive date bounds a request asks for, as (field, "after"|"before", instant)."""
    as_gmt = bool_param(query, "dates_are_gmt") is True
    bounds = []
    for name, field, side in (
        ("after", "date_created_gmt", "after"),
        ("before", "date_created_gmt", "before"),
        ("modified_after", "date_modified_gmt", "after"),
        ("modified_before", "date_modified_gmt", "before"),
    ):
        moment = parse_date(errors, query, name, as_gmt)
        if moment is not None:
            bounds.append((field, side, moment))
    return bounds


def within(doc: dict[str, Any], bounds: Iterable[tuple[str, str, datetime]]) -> bool:
    for field, side, moment in bounds:
        value = parse_gmt(doc.get(field))
        if value is None:
            return False
        if side == "after" and not value > moment:
            return False
        if side == "before" and not value < moment:
            return False
    return True


def matches_search(term: str, texts: Iterable[Any]) -> bool:
    needle = term.lower()
    return any(needle in str(text).lower() for text in texts if text)


# -- rendering ----------------------------------------------------------------------------------


_LEAVES = frozenset({int, float, bool, type(None)})


def rebase(value: Any, base_url: str) -> Any:
    """Swap the stored placeholder origin for the one the client used (in a fresh copy).

    Every list page walks every value of every order, so leaves (most values) are handled in
    the comprehension itself rather than by a call each: that call was most of a page's cost.
    """
    if isinstance(value, str):
        return value.replace(SITE, base_url) if SITE in value else value
    if isinstance(value, dict):
        return {key: inner if type(inner) in _LEAVES
                else (inner.replace(SITE, base_url) if SITE in inner else inner) if type(inner) is str
                else rebase(inner, base_url)
                for key, inner in value.items()}
    if isinstance(value, list):
        return [inner if type(inner) in _LEAVES
                else (inner.replace(SITE, base_url) if SITE in inner else inner) if type(inner) is str
                else rebase(inner, base_url)
                for inner in value]
    return value


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document without its internal ``_`` keys (not rebased: for parts of a document
    that :func:`render` rebases as a whole afterwards, so no value is walked twice)."""
    return {key: value for key, value in doc.items() if not key.startswith("_")}


def render(doc: dict[str, Any], request: Request, link_block: dict[str, Any] | None = None) -> dict[str, Any]:
    """The public form of a stored document: internal ``_`` keys dropped, URLs rebased.

    A document's own render (the one given its ``_links``; parts such as a refund's lines have
    none) is cut to ``request.cut`` first when a ``_fields`` list page is being made: rebasing
    only what is kept gives what cutting the rebased whole would, without walking every order
    to keep its id."""
    if link_block is not None and request.cut is not None:
        return rebase(project_one({**public(doc), "_links": link_block}, request.cut), request.base_url)
    out = rebase(public(doc), request.base_url)
    if link_block is not None:
        out["_links"] = link_block
    return out


def links(request: Request, self_route: str, collection_route: str | None,
          allow: Sequence[str] = ITEM_ALLOW, **extra: str) -> dict[str, Any]:
    """A ``_links`` block: self with targetHints, collection, then any extra rel -> route."""
    api = f"{request.base_url}/wp-json/wc/v3"
    block: dict[str, Any] = {"self": [{"href": api + self_route, "targetHints": {"allow": list(allow)}}]}
    if collection_route is not None:
        block["collection"] = [{"href": api + collection_route}]
    for rel, route in extra.items():
        if rel == "email_templates":
            block[rel] = [{"embeddable": True, "href": api + route}]
        else:
            block[rel] = [{"href": api + route}]
    return block


def field_names(fields: str) -> list[str]:
    """The names a ``_fields`` value lists (top-level or dotted nested keys)."""
    return [part.strip() for part in fields.split(",") if part.strip()]


def project(value: Any, fields: str) -> Any:
    """``_fields``: keep the named top-level or dotted nested keys of an object or list."""
    wanted = field_names(fields)
    if not wanted:
        return value
    if isinstance(value, list):
        return [project_one(item, wanted) for item in value]
    # a single object's links sit on the response, not in its data, so _fields never drops them
    # (278, 283); a list's links are inside each item's data and go with the other keys
    projected = project_one(value, wanted)
    if isinstance(value, dict) and "_links" in value and isinstance(projected, dict):
        projected.setdefault("_links", value["_links"])
    return projected


def project_one(value: Any, wanted: list[str]) -> Any:
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if key in wanted:
            out[key] = inner
            continue
        nested = [name[len(key) + 1:] for name in wanted if name.startswith(key + ".")]
        if not nested:
            continue
        # WordPress intersects keys recursively (_rest_array_intersect_key_recursive): an object is
        # cut down, a list's integer keys never match a name so it comes back empty, a scalar stays
        if isinstance(inner, dict):
            out[key] = project_one(inner, nested)
        elif isinstance(inner, list):
            out[key] = []
        else:
            out[key] = inner
    return out


# -- the list pipeline ----------------------------------------------------------------------------

LinkParams = Callable[[Request, bool], list[tuple[str, str]]]


def echo_params(request: Request, past_end: bool) -> list[tuple[str, str]]:
    """The query as WordPress echoes it in Link URLs: arrays indexed, booleans as 1."""
    query = {k: ("1" if v == "true" else v) for k, v in request.query.items() if k != "page"}
    pairs = build_query_pairs(query)
    page = request.query.get("page")
    if page is not None:
        names = list(request.query)
        index = sum(1 for name in names[: names.index("page")] for _ in build_query_pairs({name: request.query[name]}))
        pairs.insert(index, ("page", "\0"))
    return pairs


def page_link(request: Request, pairs: list[tuple[str, str]], page: int) -> str:
    filled = [(k, str(page) if v == "\0" else v) for k, v in pairs]
    if not any(k == "page" for k, _ in filled):
        filled.append(("page", str(page)))
    return f"{request.base_url}/wp-json/wc/v3{request.route}?{urlencode(filled)}"


PAGING = frozenset({"page", "per_page", "offset"})
"""Query parameters that only choose the window: every page of one walk shares its selection."""


def selection_key(query: dict[str, Any]) -> str:
    """The query minus what cannot change which documents are listed or their order: the paging
    parameters and the credentials (OAuth 1.0a signs every request with a fresh nonce, timestamp
    and signature in the query; query-string keys over HTTPS), which the handlers never read."""
    return repr({k: v for k, v in query.items()
                 if k not in PAGING and not k.startswith("oauth_") and k not in ("consumer_key", "consumer_secret")})


def list_response(
    store: Any,
    request: Request,
    docs: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
    out: Callable[[dict[str, Any]], Any],
    *,
    orderby_choices: Sequence[str] = ("date", "id", "include", "title", "slug", "modified"),
    default_orderby: str = "date",
    default_order: str = "desc",
    sort_keys: dict[str, Callable[[dict[str, Any]], Any]] | None = None,
    search: Callable[[dict[str, Any]], Iterable[Any]] | None = None,
    dates: bool = False,
    link_params: LinkParams = echo_params,
    errors: ParamErrors | None = None,
    cached: str | None = None,
) -> Response:
    """Validate the shared list parameters, filter, sort, page, and answer with the headers.

    ``docs`` may be a callable, so a handler's own filtering runs only when the selection is
    computed. With ``cached`` (the kind of document listed; only for handlers whose ``out`` depends
    on the document and ``request.base_url`` alone) the selection is kept in the store's
    :class:`.list_cache.ListCache` per query, a request that only gets encoded
    (``request.encoded_ok``) is answered with each document's cached encoding, and one with a
    ``_fields`` string with each document's cached cut.
    """
    errors = errors or ParamErrors()
    query = request.query
    page = int_param(errors, query, "page", 1, minimum=1)
    per_page = int_param(errors, query, "per_page", 10, minimum=1, maximum=100)
    offset = int_param(errors, query, "offset", None)
    order = enum_param(errors, query, "order", ("asc", "desc"), default_order)
    orderby = enum_param(errors, query, "orderby", orderby_choices, default_orderby)
    bounds = date_window(errors, query) if dates else []
    errors.raise_if_any()
    assert page is not None and per_page is not None

    def select() -> list[dict[str, Any]]:
        return _select(docs() if callable(docs) else docs, query, str(orderby), order == "desc",
                       bounds, search, sort_keys)

    cache = getattr(store, "list_cache", None) if cached else None
    if cache is not None:
        key = (cached, request.route, selection_key(query))
        selected = cache.selection(key, select)
    else:
        selected = select()

    total = len(selected)
    pages = math.ceil(total / per_page) if total else 0
    start = offset if offset is not None else (page - 1) * per_page
    window = selected[start:start + per_page]
    past_end = page > pages
    headers = {"X-WP-Total": str(total if window or not past_end else 0),
               "X-WP-TotalPages": str(pages if window or not past_end else 0)}
    if past_end and not window:
        headers["X-WP-Total"] = headers["X-WP-TotalPages"] = "0"
    parts = []
    pairs = link_params(request, past_end)
    if page > 1:
        prev_page = min(page - 1, pages) if past_end else page - 1
        parts.append(f'<{page_link(request, pairs, prev_page)}>; rel="prev"')
    if page < pages:
        parts.append(f'<{page_link(request, pairs, page + 1)}>; rel="next"')
    if parts:
        headers["Link"] = ", ".join(parts)
    if cache is not None and cached is not None and request.encoded_ok:
        base_url = request.base_url
        encoded = EncodedPage(cache.encoded(cached, doc, base_url, lambda doc=doc: php_json(out(doc)))
                              for doc in window)
        return Response(200, encoded, headers)
    fields = query.get("_fields")
    wanted = field_names(fields) if isinstance(fields, str) else []
    if not wanted:
        return Response(200, [out(doc) for doc in window], headers)
    # a _fields page: each document is cut as it is rendered, and dispatch cuts the answer again
    # (the same result: cutting is idempotent); that copy is what goes out
    request.cut = wanted
    try:
        if cache is not None and cached is not None:
            base_url = request.base_url
            return Response(200, [cache.projected(cached, doc, base_url, fields,
                                                  lambda doc=doc: project([out(doc)], fields)[0]) for doc in window],
                            headers)
        return Response(200, [out(doc) for doc in window], headers)
    finally:
        request.cut = None


def _select(docs: list[dict[str, Any]], query: dict[str, Any], orderby: str, descending: bool,
            bounds: list[tuple[str, str, datetime]],
            search: Callable[[dict[str, Any]], Iterable[Any]] | None,
            sort_keys: dict[str, Callable[[dict[str, Any]], Any]] | None) -> list[dict[str, Any]]:
    """The shared filters (include, exclude, search, date bounds) and the order, on a handler's docs."""
    include = id_list(query.get("include"))
    exclude = set(id_list(query.get("exclude")))
    if include:
        docs = [d for d in docs if d.get("id") in include]
    if exclude:
        docs = [d for d in docs if d.get("id") not in exclude]
    term = query.get("search")
    if term and search is not None:
        docs = [d for d in docs if matches_search(str(term), search(d))]
    if bounds:
        docs = [d for d in docs if within(d, bounds)]

    keys = {
        "id": lambda d: d.get("id", 0),
        "date": lambda d: (d.get("date_created_gmt") or "", d.get("id", 0)),
        "modified": lambda d: (d.get("date_modified_gmt") or "", d.get("id", 0)),
        "title": lambda d: (str(d.get("name", "")).lower(), d.get("id", 0)),
        "slug": lambda d: (str(d.get("slug", "")), d.get("id", 0)),
        "include": lambda d: include.index(d["id"]) if d.get("id") in include else len(include),
    }
    keys.update(sort_keys or {})
    key = keys.get(orderby, keys["id"])
    reverse = descending and orderby != "include"
    fields = None if orderby in (sort_keys or {}) else FIELD_KEYS.get(orderby)
    ordered = _sorted_by_fields(docs, fields, reverse) if fields else None
    return ordered if ordered is not None else sorted(docs, key=key, reverse=reverse)


# The default keys above as plain fields, where every document has them and they compare.
FIELD_KEYS = {"id": ("id",), "date": ("date_created_gmt", "id"), "modified": ("date_modified_gmt", "id")}


def _sorted_by_fields(docs: list[dict[str, Any]], fields: tuple[str, ...], reverse: bool) -> list[dict[str, Any]] | None:
    """The same order as the default key, with the key read in C (every list page sorts the
    whole collection: the Python key was most of a page's cost on 10,000 orders). None when a
    document lacks a field or a value does not compare (None beside a date): the general key,
    which reads a missing date as "", decides then. Values that do compare sort exactly as the
    general key sorts them (a date that is "" or None everywhere ties, and the id decides)."""
    try:
        return sorted(docs, key=itemgetter(*fields), reverse=reverse)
    except (KeyError, TypeError):
        return None


def already_trashed(post_type: str) -> ApiError:
    """A second DELETE without force on something already in the trash (299, 303)."""
    return ApiError(410, "woocommerce_rest_already_trashed", f"The {post_type} has already been deleted.")


def require_force(request: Request, what: str) -> None:
    """DELETE without ?force=true: resources WooCommerce cannot trash answer 501."""
    if not bool_param(request.query, "force"):
        raise ApiError(501, "woocommerce_rest_trash_not_supported", f"{what} do not support trashing.")
