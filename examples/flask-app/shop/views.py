"""The shop's routes: a page, the products, orders kept as JSON lines on the data volume, and /health."""

import json

from flask import Blueprint, abort, current_app, jsonify, render_template_string, request

bp = Blueprint("shop", __name__)

PRODUCTS = [
    {"sku": "tea-green", "name": "Green tea", "price": 4.5},
    {"sku": "tea-black", "name": "Black tea", "price": 3.9},
    {"sku": "mug", "name": "Mug", "price": 9.0},
]

PAGE = """<!doctype html>
<title>Shop</title>
<h1>Shop</h1>
<ul>{% for product in products %}<li>{{ product.name }}: {{ "%.2f"|format(product.price) }}</li>{% endfor %}</ul>
"""


def orders_file():
    data = current_app.config["DATA_DIR"]
    data.mkdir(parents=True, exist_ok=True)
    return data / "orders.jsonl"


@bp.get("/")
def index():
    return render_template_string(PAGE, products=PRODUCTS)


@bp.get("/health")
def health():
    return {"status": "ok"}


@bp.get("/api/products")
def products():
    return jsonify(PRODUCTS)


@bp.get("/api/orders")
def orders():
    path = orders_file()
    lines = path.read_text().splitlines() if path.exists() else []
    return jsonify([json.loads(line) for line in lines])


@bp.post("/api/orders")
def order():
    body = request.get_json(silent=True) or {}
    skus = {product["sku"] for product in PRODUCTS}
    if body.get("sku") not in skus or not isinstance(body.get("quantity"), int) or body["quantity"] < 1:
        abort(400, "an order needs a known sku and a quantity of at least 1")
    entry = {"sku": body["sku"], "quantity": body["quantity"]}
    with orders_file().open("a") as out:
        out.write(json.dumps(entry) + "\n")
    return entry, 201
