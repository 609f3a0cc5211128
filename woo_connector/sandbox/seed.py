"""Deterministic seed data laid out like the captured store, so capture ids mean the same here.

The id layout is fixed (it is what the captures reference): users 1-62 (admin, shop manager,
60 customers from id 3), categories 15 and 23-39, tags 40-45, simple products 35-284 with SKU
``RW-<CAT>-<id-34>``, grouped 285-286, external 287-289, a gift card 290, eight variable products
291-339 with their variations up to 343, coupons 344-353, orders from 355, then refunds. Names,
prices, dates and order contents come from ``random.Random(seed)``, so one seed always builds
the same store, in a few tens of milliseconds.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from woo_connector.sandbox.resources import customers, coupons, order_lines, orders, products, refunds, settings, variations, webhooks
from woo_connector.sandbox.resources.taxes import split_entered
from woo_connector.sandbox.state import ANCHOR, SITE, StoreState, stamp

FIRST = ["Olivia", "Noah", "Amelia", "Jack", "Charlotte", "William", "Isla", "Oliver", "Mia", "Lucas", "Ava",
         "Leo", "Grace", "Henry", "Zoe", "Thomas", "Chloe", "James", "Ruby", "Liam"]
LAST = ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White",
        "Anderson", "Walker", "Thompson", "Patel", "Kelly", "Thomas"]
PLACES = [("Sydney", "NSW", "2000"), ("Melbourne", "VIC", "3000"), ("Brisbane", "QLD", "4000"), ("Perth", "WA", "6000"),
          ("Adelaide", "SA", "5000"), ("Hobart", "TAS", "7000"), ("Darwin", "NT", "0800"), ("Canberra", "ACT", "2600"),
          ("Geelong", "VIC", "3220"), ("Cairns", "QLD", "4870"), ("Newcastle", "NSW", "2300")]
STREETS = ["George St", "Collins St", "King William St", "Beach Rd", "Queen St", "Hay St", "Smith St"]
ADJECTIVES = ["Handmade", "Classic", "Organic", "Coastal", "Minimal", "Rustic", "Sunny", "Alpine", "Outback",
              "Everyday", "Deluxe", "Urban"]
# (id, name as WordPress stores it, parent, SKU prefix, nouns, tax class)
CATEGORIES = [
    (15, "Uncategorized", 0, None, [], ""), (23, "Clothing", 0, None, [], ""), (24, "Homewares", 0, None, [], ""),
    (25, "Food &amp; Drink", 0, None, [], ""), (26, "Books", 0, "BOO", ["Field Guide", "Cookbook", "Novel"], ""),
    (27, "Stationery", 0, "STA", ["Notebook", "Pen Set", "Planner"], ""),
    (28, "Outdoor", 0, "OUT", ["Picnic Blanket", "Camp Chair", "Water Bottle"], ""),
    (29, "Electronics", 0, "ELE", ["Charger", "Earbuds", "Speaker"], ""),
    (30, "T-shirts", 23, "T-S", ["Long Sleeve Tee", "Pocket Tee", "V-Neck"], ""),
    (31, "Hoodies", 23, "HOO", ["Zip Hoodie", "Sherpa Jacket", "Fleece Crew", "Pullover Hoodie"], ""),
    (32, "Socks", 23, "SOC", ["Crew Socks", "Hiking Socks"], ""),
    (33, "Accessories", 23, "ACC", ["Cap", "Tote Bag", "Scarf"], ""),
    (34, "Kitchen", 24, "KIT", ["Tea Towel Set", "Chopping Board", "Mug"], ""),
    (35, "Decor", 24, "DEC", ["Cushion", "Vase", "Wall Print"], ""),
    (36, "Candles", 24, "CAN", ["Soy Candle", "Reed Diffuser"], ""),
    (37, "Coffee", 25, "COF", ["Cold Brew Pack", "Decaf Blend", "Espresso Roast"], "gst-free"),
    (38, "Tea", 25, "TEA", ["English Breakfast", "Green Tea", "Chai"], "gst-free"),
    (39, "Snacks", 25, "SNA", ["Macadamia Mix", "Trail Mix", "Shortbread"], "gst-free"),
]
# the captured SKU numbering cycles through the categories in this order (id - 34) % 14
CYCLE = [29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 26, 27, 28]
TAGS = [(40, "bestseller"), (41, "new"), (42, "eco"), (43, "gift idea"), (44, "limited edition"), (45, "australian made")]
SIZES = ["S", "M", "L", "XL"]
COLOURS = [(51, "Black"), (52, "White"), (53, "Navy"), (54, "Red"), (55, "Forest Green"), (56, "Sand")]
VARIABLE = [(291, "Classic Organic Tee", 12, 30), (304, "Everyday Zip Hoodie", 4, 31), (309, "Merino Hiking Socks", 3, 32),
            (313, "House Espresso Beans", 9, 37), (323, "Canvas Tote", 4, 33), (328, "Linen Cushion", 3, 35),
            (332, "Sherpa Jacket", 6, 31), (339, "Enamel Mug", 4, 34)]
COUPONS = [("welcome10", "percent", "10", "10% off for new customers", None),
           ("save20", "percent", "20", "20% off storewide", None),
           ("freeship", "fixed_cart", "0", "Free shipping on any order", None),
           ("take5", "fixed_cart", "5", "$5 off", None), ("winter15", "percent", "15", "Winter sale", None),
           ("bulk25", "fixed_product", "2.5", "$2.50 off each item", None),
           ("staff30", "percent", "30", "Staff discount", None),
           ("expired2024", "percent", "10", "Last year's promotion", datetime(2024, 12, 31, 13, 0, tzinfo=ANCHOR.tzinfo)),
           ("vip50", "fixed_cart", "50", "VIP voucher", None), ("loyalty10", "fixed_cart", "10", "Loyalty reward", None)]
STATUS_SHARE = [("completed", 138), ("processing", 43), ("awaiting-shipment", 17), ("on-hold", 20), ("pending", 26),
                ("failed", 18), ("cancelled", 22), ("refunded", 16)]
GATEWAYS = [("bacs", "Direct bank transfer"), ("cod", "Cash on delivery"), ("stripe", "Credit Card (Stripe)"),
            ("paypal", "PayPal")]
# orders the captures read by id, with the trait each capture shows
PINNED = {377: "partial_refund", 371: "refunded", 355: "completed", 387: "awaiting-shipment", 605: "structured_meta",
          568: "coupon", 654: "fee", 390: "processing"}


def _moment(rng: random.Random, days_back_max: float, days_back_min: float = 0) -> datetime:
    return ANCHOR - timedelta(seconds=int(rng.uniform(days_back_min, days_back_max) * 86400))


def populate(store: StoreState, rng: random.Random, order_count: int, prices_include_tax: bool = True) -> None:
    """Fill ``store`` with the whole catalogue, people and order history.

    ``prices_include_tax`` picks the store kind before any order is priced: True is the captured
    AU store (prices entered with 10% GST), False a US-style store entering the same prices
    without tax and adding it at checkout."""
    store.settings["options"] = settings.default_values()
    store.settings["options"]["woocommerce_prices_include_tax"] = "yes" if prices_include_tax else "no"
    _users(store, rng)
    _terms(store)
    _catalogue(store, rng)
    _coupons(store, rng)
    _orders(store, rng, order_count)
    _reviews(store, rng)
    _webhooks(store)


def _users(store: StoreState, rng: random.Random) -> None:
    admin = customers.blank_customer(1, "admin@realwoo.test", "admin", ANCHOR - timedelta(minutes=16), "administrator")
    manager = customers.blank_customer(2, "manager@realwoo.test", "manager", ANCHOR - timedelta(minutes=15), "shop_manager")
    store.put("customer", admin)
    store.put("customer", manager)
    for cid in range(3, 63):
        n = cid - 2
        first, last = FIRST[(n - 1) % len(FIRST)], rng.choice(LAST)
        email = f"{first.lower()}.{last.lower()}{n}@example.com"
        doc = customers.blank_customer(cid, email, f"{first.lower()}{n}", _moment(rng, 600, 200))
        stamp(doc, "date_modified", _moment(rng, 199, 1))
        city, state, postcode = rng.choice(PLACES)
        address = f"{rng.randint(1, 300)} {rng.choice(STREETS)}"
        phone = f"04{rng.randint(10000000, 99999999)}"
        doc.update(first_name=first, last_name=last, is_paying_customer=rng.random() < 0.8)
        doc["billing"].update(first_name=first, last_name=last, address_1=address, city=city, state=state,
                              postcode=postcode, country="AU", email=email, phone=phone,
                              company=f"{last} Pty Ltd" if rng.random() < 0.2 else "")
        doc["shipping"].update(first_name=first, last_name=last, address_1=address, city=city, state=state,
                               postcode=postcode, country="AU", phone=phone)
        doc["meta_data"] = [{"id": store.next_id("meta"), "key": "loyalty_tier", "value": rng.choice(["bronze", "silver", "gold"])}]
        store.put("customer", doc)
    store.bump("user", 62)


def _terms(store: StoreState) -> None:
    for cid, name, parent, *_rest in CATEGORIES:
        slug = products.slugify(name.replace("&amp;", "and"))
        store.put("category", {"id": cid, "name": name, "slug": slug, "parent": parent, "description": "",
                               "display": "default", "image": None, "menu_order": 0, "count": 0})
    for tid, name in TAGS:
        store.put("tag", {"id": tid, "name": name, "slug": products.slugify(name), "description": "", "count": 0})
    for aid, name in ((1, "Size"), (2, "Colour")):
        store.put("attribute", {"id": aid, "name": name, "slug": f"pa_{name.lower()}", "type": "select",
                                "order_by": "menu_order", "has_archives": False})
    for index, size in enumerate(SIZES):
        store.put("term", {"id": 46 + index, "name": size, "slug": size.lower(), "description": "", "menu_order": 0,
                           "count": 0, "_attribute_id": 1})
    for tid, colour in COLOURS:
        store.put("term", {"id": tid, "name": colour, "slug": products.slugify(colour), "description": "",
                           "menu_order": 0, "count": 0, "_attribute_id": 2})
    store.bump("term", 56)


def _image(store: StoreState, image_id: int) -> dict[str, Any]:
    index = image_id - 10
    return products.image_doc(store, f"{SITE}/wp-content/uploads/2024/01/product-{index:02d}.png", index,
                              ANCHOR - timedelta(minutes=14), image_id)


def _category_ref(store: StoreState, cid: int) -> dict[str, Any]:
    cat = store.get("category", cid)
    assert cat is not None
    return {"id": cat["id"], "name": cat["name"], "slug": cat["slug"]}


def _catalogue(store: StoreState, rng: random.Random) -> None:
    by_id = {c[0]: c for c in CATEGORIES}
    created_simple = []
    for pid in range(35, 285):
        n = pid - 34
        cid, _name, _parent, prefix, nouns, tax_class = by_id[CYCLE[n % 14]]
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(nouns)}"
        doc = products.blank_product(pid, name, "simple", _moment(rng, 510, 33))
        stamp(doc, "date_modified", _moment(rng, 30, 0))
        price = Decimal(rng.choice(["9.95", "14.95", "19.95", "24.95", "34.95", "49.95", "59.00", "79.95",
                                    "105.54", "116.10", "129.00", "149.00"]))
        doc.update(sku=f"RW-{prefix}-{n:04d}", regular_price=str(price), tax_class=tax_class,
                   description=f"<p>The {name.lower()} from our {html_name(by_id[cid][1]).lower()} range. Prices include GST.</p>\n",
                   short_description=f"<p>{name} &#8211; {by_id[cid][1]}.</p>\n",
                   weight=f"{rng.uniform(0.1, 3):.2f}", total_sales=rng.randint(0, 40),
                   dimensions={"length": str(rng.randint(5, 50)), "width": str(rng.randint(5, 40)), "height": str(rng.randint(2, 30))},
                   categories=[_category_ref(store, cid)], images=[_image(store, 12 + pid % 20)])
        roll = rng.random()
        if roll < 0.2:
            doc["sale_price"] = str((price * Decimal("0.7")).quantize(Decimal("0.01")))
        if rng.random() < 0.09:
            doc["featured"] = True
        if rng.random() < 0.06:
            doc.update(manage_stock=True, stock_quantity=0)
        elif rng.random() < 0.3:
            doc.update(manage_stock=True, stock_quantity=rng.randint(1, 80))
        if rng.random() < 0.03:
            doc["tags"] = [{"id": t, "name": n_, "slug": products.slugify(n_)} for t, n_ in [rng.choice(TAGS)]]
        if n % 40 == 0:
            doc["status"] = "draft"
        elif n % 61 == 0:
            doc["status"] = "private"
        products.reprice(store, doc)
        store.put("product", doc)
        created_simple.append(doc)
    for doc in created_simple:
        same = [p["id"] for p in created_simple if p["categories"] == doc["categories"] and p["id"] != doc["id"]]
        doc["related_ids"] = rng.sample(same, min(5, len(same)))
    for pid, name, kids in ((285, "Coffee Lovers Bundle", [97, 98, 99]), (286, "Kitchen Starter Set", [39, 40, 41])):
        doc = products.blank_product(pid, name, "grouped", _moment(rng, 200, 40))
        doc.update(sku=f"RW-GRP-{pid - 284:04d}", grouped_products=kids, categories=[_category_ref(store, 37 if pid == 285 else 34)])
        products.reprice(store, doc)
        store.put("product", doc)
    for pid, name, price in ((287, "Partner Camping Stove", "89.00"), (288, "Partner Kayak Hire", "120.00"),
                             (289, "Partner Wine Tour", "145.00")):
        doc = products.blank_product(pid, name, "external", _moment(rng, 200, 40))
        doc.update(sku=f"RW-EXT-{pid - 286:04d}", regular_price=price, external_url=f"{SITE}/partner/{products.slugify(name)}",
                   button_text="Buy from partner", categories=[_category_ref(store, 28)])
        products.reprice(store, doc)
        store.put("product", doc)
    gift = products.blank_product(290, "Digital Gift Card $50", "simple", _moment(rng, 200, 40))
    gift.update(sku="RW-GIFT-0050", regular_price="50.00", virtual=True, shipping_required=False, shipping_taxable=False,
                categories=[_category_ref(store, 33)])
    products.reprice(store, gift)
    store.put("product", gift)
    store.counters["post"] = 100_000
    for pid, name, count, cid in VARIABLE:
        _variable(store, rng, pid, name, count, cid)
    store.counters["post"] = 344


def html_name(name: str) -> str:
    return name.replace("&amp;", "&")


def _variable(store: StoreState, rng: random.Random, pid: int, name: str, count: int, cid: int) -> None:
    tax_class = "gst-free" if cid in (37, 38, 39) else ""
    doc = products.blank_product(pid, name, "variable", _moment(rng, 430, 100))
    stamp(doc, "date_modified", _moment(rng, 99, 1))
    doc.update(sku=f"RW-VAR-{VARIABLE.index(next(v for v in VARIABLE if v[0] == pid)) + 1:03d}", tax_class=tax_class,
               categories=[_category_ref(store, cid)], images=[_image(store, 12 + pid % 20)])
    if tax_class:
        weights, grinds = ["250g", "500g", "1kg"], ["Whole bean", "Espresso", "Plunger"]
        doc["attributes"] = [{"id": 0, "name": "Weight", "slug": "Weight", "position": 0, "visible": True, "variation": True, "options": weights},
                             {"id": 0, "name": "Grind", "slug": "Grind", "position": 1, "visible": True, "variation": True, "options": grinds}]
        combos = [[{"name": "Weight", "option": w}, {"name": "Grind", "option": g}] for w in weights for g in grinds]
    else:
        colours = [c for _t, c in COLOURS[: max(1, (count + 3) // 4)]] if count >= 4 else [COLOURS[0][1]]
        sizes = SIZES if count >= 4 else SIZES[:count]
        doc["attributes"] = [{"id": 1, "name": "Size", "slug": "pa_size", "position": 0, "visible": True, "variation": True, "options": sorted(sizes)},
                             {"id": 2, "name": "Colour", "slug": "pa_colour", "position": 1, "visible": True, "variation": True, "options": sorted(colours)}]
        combos = [[{"id": 1, "option": s}, {"id": 2, "option": c}] for c in colours for s in sizes]
        doc["default_attributes"] = [{"id": 1, "name": "Size", "option": "s"}]
    store.put("product", doc)
    base = Decimal(rng.choice(["29.95", "44.95", "59.95", "18.50"]))
    for index, attrs in enumerate(combos[:count]):
        price = base + Decimal(index % 3) * 5
        body = {"sku": f"{doc['sku']}-{index + 1:02d}", "regular_price": str(price),
                "manage_stock": True, "stock_quantity": rng.randint(0, 30), "weight": f"{rng.uniform(0.1, 1):.2f}",
                "attributes": attrs}
        variation = variations.new_variation(store, doc, body, _moment(rng, 99, 40))
        stamp(variation, "date_modified", _moment(rng, 39, 1))
        variation["image"] = _image(store, 12 + (pid + index) % 20)
    # new_variation allocates ids from a scratch range; move them to the captured layout
    _renumber_variations(store, doc, pid)


def _renumber_variations(store: StoreState, parent: dict[str, Any], pid: int) -> None:
    kids = sorted((store.get("product", v) for v in parent["variations"]), key=lambda d: d["id"])
    parent["variations"] = []
    for offset, kid in enumerate(kids):
        store.delete("product", kid["id"])
        kid["id"] = pid + 1 + offset
        store.put("product", kid)
        parent["variations"].append(kid["id"])
    products.reprice(store, parent)
    store.put("product", parent)


def _coupons(store: StoreState, rng: random.Random) -> None:
    for offset, (code, kind, amount, description, expires) in enumerate(COUPONS):
        doc = coupons.blank_coupon(344 + offset, code, _moment(rng, 400, 100))
        doc.update(discount_type=kind, amount=f"{Decimal(amount):.2f}", description=description,
                   individual_use=offset % 2 == 0, usage_count=rng.randint(0, 12), free_shipping=code == "freeship")
        stamp(doc, "date_expires", expires)
        store.put("coupon", doc)


def _address(rng: random.Random, first: str, last: str, email: str | None) -> tuple[dict[str, str], dict[str, str]]:
    city, state, postcode = rng.choice(PLACES)
    street = f"{rng.randint(1, 300)} {rng.choice(STREETS)}"
    phone = f"04{rng.randint(10000000, 99999999)}"
    billing = order_lines.empty_address(True)
    billing.update(first_name=first, last_name=last, address_1=street, city=city, state=state, postcode=postcode,
                   country="AU", email=email or "", phone=phone)
    shipping = order_lines.empty_address(False)
    shipping.update(first_name=first, last_name=last, address_1=street, city=city, state=state, postcode=postcode,
                    country="AU", phone=phone)
    return billing, shipping


def _orders(store: StoreState, rng: random.Random, count: int) -> None:
    total = sum(share for _s, share in STATUS_SHARE)
    statuses: list[str] = []
    for status, share in STATUS_SHARE:
        statuses += [status] * round(share * count / total)
    statuses = (statuses + ["completed"] * count)[:count]
    rng.shuffle(statuses)
    sellable = [p for p in store.all("product") if p["type"] == "simple" and p["status"] == "publish"]
    variations_ = [p for p in store.all("product") if p["type"] == "variation"]
    people = [c for c in store.all("customer") if c["role"] == "customer"]
    coupon_docs = [c for c in store.all("coupon") if c["code"] not in ("expired2024", "freeship")]
    moments = sorted(_moment(rng, 420, 0.3) for _ in range(count))
    store.bump("post", 354)
    refund_jobs = []
    for index in range(count):
        oid = store.next_id("post")
        trait = PINNED.get(oid)
        status = statuses[index]
        if trait in ("completed", "partial_refund", "fee", "coupon"):
            status = "completed"
        elif trait in ("refunded", "awaiting-shipment", "processing"):
            status = trait
        created = moments[index]
        order = orders.blank_order(store, oid, created)
        guest = rng.random() < 0.2
        if guest:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            order["billing"], order["shipping"] = _address(rng, first, last, f"{first.lower()}.{last.lower()}@example.org")
        else:
            person = rng.choice(people)
            order["customer_id"] = person["id"]
            order["billing"] = dict(person["billing"])
            order["shipping"] = dict(person["shipping"])
        method, title = rng.choice(GATEWAYS)
        order.update(payment_method=method, payment_method_title=title, status=status,
                     transaction_id=f"ch_{rng.randint(10**11, 10**12)}" if method == "stripe" else "")
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.15:
                variation = rng.choice(variations_)
                line = order_lines.line_item(store, variation, rng.randint(1, 2), parent=store.get("product", variation["parent_id"]))
                line["image"]["id"] = str(line["image"]["id"])  # stored orders read image ids back as strings
            else:
                line = order_lines.line_item(store, rng.choice(sellable), rng.randint(1, 3))
            order["line_items"].append(line)
        order["shipping_lines"].append(order_lines.shipping_line(store, "9.05"))
        if trait == "fee" or rng.random() < 0.05:
            order["fee_lines"].append(order_lines.fee_line(store, "Gift wrapping", "4.55"))
        if trait == "coupon" or rng.random() < 0.12:
            order["coupon_lines"].append(order_lines.coupon_line(store, rng.choice(coupon_docs)))
        order["meta_data"] = [{"id": store.next_id("meta"), "key": "sales_channel", "value": rng.choice(["web", "pos", "marketplace"])}]
        if trait == "structured_meta":
            order["meta_data"].append({"id": store.next_id("meta"), "key": "fulfilment",
                                       "value": {"warehouse": "SYD-1", "priority": 0, "tags": ["fragile", "gift"]}})
        order_lines.recalculate(store, order)
        modified = min(ANCHOR, created + timedelta(hours=rng.uniform(0.2, 72)))
        stamp(order, "date_modified", modified)
        if status in ("processing", "completed", "awaiting-shipment", "refunded"):
            stamp(order, "date_paid", created + timedelta(minutes=rng.randint(1, 60)))
        if status in ("completed", "refunded"):
            stamp(order, "date_completed", modified)
        orders.derive_flags(order)
        store.put("order", order)
        if status == "refunded":
            refund_jobs.append((order, Decimal(order["total"]), "Order fully refunded", modified))
        elif status == "completed" and (trait == "partial_refund" or rng.random() < 0.07) and order["line_items"]:
            line = order["line_items"][0]
            unit = sum(split_entered(Decimal(line["_unit_incl"]), line["tax_class"],
                                      bool(order["prices_include_tax"])), Decimal(0))
            refund_jobs.append((order, unit, "Partial refund: one item returned", modified))
    for order, amount, reason, when in refund_jobs:
        lines = [(order["line_items"][0], 1)] if reason.startswith("Partial") else None
        refunds.make_refund(store, order, amount, reason, lines, when)
        store.put("order", order)


def _reviews(store: StoreState, rng: random.Random) -> None:
    store.bump("comment", 488)
    published = [p for p in store.all("product") if p["type"] == "simple" and p["status"] == "publish"]
    people = [c for c in store.all("customer") if c["role"] == "customer"]
    for _ in range(20):
        product = rng.choice(published)
        person = rng.choice(people)
        doc = {"id": store.next_id("comment"), "date_created": None, "date_created_gmt": None,
               "product_id": product["id"], "product_name": product["name"], "product_permalink": product["permalink"],
               "status": "approved", "reviewer": person["first_name"], "reviewer_email": person["email"],
               "review": f"<p>{rng.choice(['Arrived quickly. Happy.', 'Great quality.', 'As described.'])}</p>\n",
               "rating": rng.randint(3, 5), "verified": rng.random() < 0.5,
               "reviewer_avatar_urls": {size: customers.avatar(person["email"]).replace("s=96", f"s={size}")
                                        for size in ("24", "48", "96")}}
        stamp(doc, "date_created", _moment(rng, 0.5, 0.01))
        store.put("review", doc)
    store.bump("comment", 537)


def _webhooks(store: StoreState) -> None:
    sink = "http://127.0.0.1:8080/wp-json/realwoo/v1/webhook-sink"
    for wid, name, topic in ((1, "ERP order sync", "order.created"), (2, "ERP order updates", "order.updated"),
                             (3, "Stock feed", "product.updated"), (4, "CRM customers", "customer.created")):
        doc = webhooks.new_webhook(store, wid, name, topic, sink, ANCHOR - timedelta(minutes=10))
        store.put("webhook", doc)
    store.bump("webhook", 4)
