"""Avvikelse: deviations and complaints between region and kommun, handled together."""
import os

from flask import Flask

from avvikelse import resources


def create_app(config: str | None = None, **overrides) -> Flask:
    # Here, not at the top: config.py imports avvikelse.resources, and `import config` done
    # first must not come back here to a config that is only half imported.
    from config import CONFIGS

    app = Flask(__name__, instance_path=_instance_path(), template_folder=resources.folder("templates"))
    app.config.from_object(CONFIGS[config or os.environ.get("AVVIKELSE_ENV", "development")])
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)

    from avvikelse import factory

    factory.check_security_config(app)
    factory.register_proxies(app)
    factory.register_extensions(app)
    factory.register_cipher(app)
    factory.register_models()
    factory.register_events(app)
    factory.register_policies(app)
    factory.register_blueprints(app)
    factory.register_request_cycle(app)
    factory.register_security(app)
    factory.register_errors(app)
    factory.register_templates(app)
    factory.register_cli(app)
    return app


def _instance_path() -> str:
    from config import INSTANCE

    return str(INSTANCE)
