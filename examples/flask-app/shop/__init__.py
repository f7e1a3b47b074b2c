"""A small shop: a Flask application factory, served by gunicorn (`gunicorn 'shop:create_app()'`)."""

import os
from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(DATA_DIR=Path(os.environ.get("DATA_DIR", "/home/app/data")))
    if config:
        app.config.update(config)

    from . import views

    app.register_blueprint(views.bp)
    return app
