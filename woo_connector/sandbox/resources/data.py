"""/data: countries with their states and currencies, read from the store's settings definitions.

The captured General settings already carry WooCommerce's country list ("AU:NSW" ->
"Australia - New South Wales") and currency list ("Australian dollar (&#36;) - AUD"), so the
sandbox derives /data/countries and /data/currencies from them instead of keeping a second copy;
the current currency is the store's ``woocommerce_currency`` option.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from woo_connector.sandbox.collection import links
from woo_connector.sandbox.documents import peek
from woo_connector.sandbox.resources.settings import option_value
from woo_connector.sandbox.wire import ApiError, Request, Response

_CURRENCY = re.compile(r"^(?P<name>.*) \((?P<symbol>[^()]*)\) \u2014 (?P<code>[A-Z]{3})$")


def _general_options(option_id: str) -> dict[str, str]:
    for row in peek("settings")["options"]["general"]:
        if row["id"] == option_id:
            return row["options"]
    raise LookupError(option_id)


@lru_cache(maxsize=1)
def countries() -> dict[str, dict[str, Any]]:
    """Country code -> {code, name, states}, in WooCommerce's order."""
    names = _general_options("woocommerce_all_except_countries")
    out = {code: {"code": code, "name": name, "states": []} for code, name in names.items()}
    for key, label in _general_options("woocommerce_default_country").items():
        country, _, state = key.partition(":")
        if state and country in out:
            prefix = out[country]["name"] + " - "
            state_name = label[len(prefix):] if label.startswith(prefix) else label
            out[country]["states"].append({"code": state, "name": state_name})
    return out


@lru_cache(maxsize=1)
def currencies() -> dict[str, dict[str, str]]:
    """Currency code -> {code, name, symbol}."""
    out = {}
    for code, label in _general_options("woocommerce_currency").items():
        found = _CURRENCY.match(label)
        if found:
            out[code] = {"code": code, "name": found["name"], "symbol": found["symbol"]}
    return out


def _country_out(request: Request, country: dict[str, Any]) -> dict[str, Any]:
    block = links(request, f"/data/countries/{country['code'].lower()}", "/data/countries", allow=["GET"])
    return {**country, "states": [dict(s) for s in country["states"]], "_links": block}


def _currency_out(request: Request, currency: dict[str, str]) -> dict[str, Any]:
    block = links(request, f"/data/currencies/{currency['code']}", "/data/currencies", allow=["GET"])
    return {**currency, "_links": block}


def list_data(store: Any, request: Request) -> Response:
    api = f"{request.base_url}/wp-json/wc/v3/data"
    body = [{"slug": slug, "description": description, "_links": {"self": [{"href": f"{api}/{slug}"}],
                                                                   "collection": [{"href": api}]}}
            for slug, description in (("countries", "List of supported states in a given country."),
                                      ("currencies", "List of supported currencies."))]
    return Response(200, body)


def list_countries(store: Any, request: Request) -> Response:
    return Response(200, [_country_out(request, c) for c in countries().values()])


def get_country(store: Any, request: Request) -> Response:
    country = countries().get(request.params["location"].upper())
    if country is None:
        raise ApiError(404, "woocommerce_rest_data_invalid_location", "There are no locations matching these parameters.")
    return Response(200, _country_out(request, country))


def list_currencies(store: Any, request: Request) -> Response:
    return Response(200, [_currency_out(request, c) for c in currencies().values()])


def get_currency(store: Any, request: Request) -> Response:
    code = request.params["currency"].upper()
    if code == "CURRENT":
        code = str(option_value(store, "woocommerce_currency", "AUD"))
    currency = currencies().get(code)
    if currency is None:
        raise ApiError(404, "woocommerce_rest_data_invalid_currency", "There are no currencies matching these parameters.")
    return Response(200, _currency_out(request, currency))


ROUTES = [
    (r"/data", {"GET": list_data}),
    (r"/data/countries", {"GET": list_countries}),
    (r"/data/countries/(?P<location>[\w-]+)", {"GET": get_country}),
    (r"/data/currencies", {"GET": list_currencies}),
    (r"/data/currencies/(?P<currency>[\w-]+)", {"GET": get_currency}),
]
