"""/customers: WordPress users seen through WooCommerce, with the captured refusals.

Customers cannot be trashed (DELETE without ``force`` is 501, capture 148); duplicate email or
username, a bad email and a missing email each have their own code (143-146); a shop manager
may read but not edit an administrator (220, 221), and the ``Allow`` header then says only GET.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from woo_connector.sandbox.collection import ParamErrors, links, list_response, render, require_force
from woo_connector.sandbox.resources import meta as meta_rows
from woo_connector.sandbox.resources.order_lines import empty_address
from woo_connector.sandbox.state import stamp
from woo_connector.sandbox.wire import ApiError, Request, Response

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = ["all", "administrator", "editor", "author", "contributor", "subscriber", "customer", "shop_manager"]


def avatar(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}?s=96&d=mm&r=g"


def blank_customer(cid: int, email: str, username: str, created: Any, role: str = "customer") -> dict[str, Any]:
    billing = empty_address(True)
    billing = {k: billing[k] for k in ("first_name", "last_name", "company", "address_1", "address_2", "city",
                                       "postcode", "country", "state", "email", "phone")}
    shipping = {k: "" for k in ("first_name", "last_name", "company", "address_1", "address_2", "city", "postcode",
                                "country", "state", "phone")}
    doc = {"id": cid, "date_created": None, "date_created_gmt": None, "date_modified": None,
           "date_modified_gmt": None, "email": email, "first_name": "", "last_name": "", "role": role,
           "username": username, "billing": billing, "shipping": shipping, "is_paying_customer": False,
           "avatar_url": avatar(email), "meta_data": []}
    stamp(doc, "date_created", created)
    stamp(doc, "date_modified", None)
    return doc


def not_found() -> ApiError:
    err = ApiError(404, "wc_user_invalid_id", "Invalid user ID.")
    err.allow = None  # type: ignore[attr-defined]
    return err


def find(store: Any, cid: Any) -> dict[str, Any]:
    doc = store.get("customer", cid)
    if doc is None:
        raise not_found()
    return doc


def out(request: Request, doc: dict[str, Any]) -> dict[str, Any]:
    if doc["role"] == "administrator":  # the captured admin user carries no meta_data key (220)
        doc = {k: v for k, v in doc.items() if k != "meta_data"}
    return render(doc, request, links(request, f"/customers/{doc['id']}", "/customers"))


def _guard_manager(request: Request, doc: dict[str, Any]) -> None:
    if request.key is not None and request.key.role == "shop_manager" and doc["role"] == "administrator":
        err = ApiError(403, "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.")
        err.allow = "GET"  # type: ignore[attr-defined]
        raise err


def apply(store: Any, doc: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("first_name", "last_name"):
        if key in body:
            doc[key] = str(body[key] or "")
    if "email" in body:
        doc["email"] = str(body["email"])
        doc["avatar_url"] = avatar(doc["email"])
    for part in ("billing", "shipping"):
        if isinstance(body.get(part), dict):
            for key, value in body[part].items():
                if key in doc[part]:
                    doc[part][key] = "" if value is None else str(value)
    if "meta_data" in body:
        doc["meta_data"] = meta_rows.apply(store, doc["meta_data"], body["meta_data"])
    stamp(doc, "date_modified", store.now())


def _check_email(store: Any, email: str, own_id: int | None) -> None:
    if not EMAIL.match(email):
        raise ApiError(400, "customer_invalid_email", "Invalid email address")
    if any(c["email"].lower() == email.lower() and c["id"] != own_id for c in store.all("customer")):
        raise ApiError(400, "registration-error-email-exists",
                       f"An account is already registered with {email}. Please log in or use a different email address.")


def create(store: Any, body: dict[str, Any]) -> dict[str, Any]:
    if not body.get("email"):
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): email", {"params": ["email"]})
    email = str(body["email"])
    _check_email(store, email, None)
    username = str(body.get("username") or email.split("@")[0])
    if any(c["username"] == username for c in store.all("customer")):
        raise ApiError(400, "registration-error-username-exists",
                       "An account is already registered with that username. Please choose another.")
    doc = blank_customer(store.next_id("user"), email, username, store.now())
    apply(store, doc, body)
    return store.put("customer", doc)


def list_customers(store: Any, request: Request) -> Response:
    query = request.query
    errors = ParamErrors()
    role = query.get("role") or "customer"
    if role not in ROLES:
        errors.not_in_enum("role", ROLES)
    docs = list(store.all("customer"))
    if role != "all":
        docs = [c for c in docs if c["role"] == role]
    if query.get("email"):
        docs = [c for c in docs if c["email"].lower() == str(query["email"]).lower()]
    return list_response(
        store, request, docs, lambda c: out(request, c), orderby_choices=("id", "include", "name", "registered_date"),
        default_orderby="name", default_order="asc", errors=errors,
        sort_keys={"name": lambda c: c["username"], "registered_date": lambda c: (c["date_created_gmt"], c["id"])},
        search=lambda c: [c["email"], c["username"], c["first_name"], c["last_name"]],
    )


def create_customer(store: Any, request: Request) -> Response:
    doc = create(store, request.fields)
    return Response(201, out(request, doc), {"Location": f"{request.base_url}/wp-json/wc/v3/customers/{doc['id']}"})


def get_customer(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    headers = {}
    if request.key is not None and request.key.role == "shop_manager" and doc["role"] == "administrator":
        headers["Allow"] = "GET"
    return Response(200, out(request, doc), headers)


def update_customer(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    _guard_manager(request, doc)
    body = request.fields
    if "email" in body:
        _check_email(store, str(body["email"]), doc["id"])
    apply(store, doc, body)
    return Response(200, out(request, store.put("customer", doc)))


def delete_customer(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    _guard_manager(request, doc)
    require_force(request, "Customers")
    reassign = request.query.get("reassign")
    if reassign not in (None, "", "0") and (str(reassign) == str(doc["id"]) or store.get("customer", reassign) is None):
        raise ApiError(400, "woocommerce_rest_customer_invalid_reassign", "Invalid resource id for reassignment.")
    body = out(request, doc)
    store.delete("customer", doc["id"])
    # the user is gone, so WordPress' permission checks for Allow fail and it sends none (294)
    return Response(200, body, {"Allow": ""})


def customer_downloads(store: Any, request: Request) -> Response:
    find(store, request.params["id"])
    return Response(200, [])


ROUTES = [
    (r"/customers", {"GET": list_customers, "POST": create_customer}),
    (r"/customers/(?P<id>[\d]+)", {"GET": get_customer, "POST": update_customer, "PUT": update_customer,
                                    "PATCH": update_customer, "DELETE": delete_customer}),
    (r"/customers/(?P<id>[\d]+)/downloads", {"GET": customer_downloads}),
]
