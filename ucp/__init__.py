"""The project package. The Celery app is `ucp.celery.app` (`celery -A ucp` finds it
there); it is not imported here, so that a web worker that queues nothing never loads
Celery. `ucp.celery_app` still names it, imported on first use."""


def __getattr__(name: str):
    if name == "celery_app":
        from ucp.celery import app  # on first use: see the module's docstring

        return app
    raise AttributeError(f"module 'ucp' has no attribute {name!r}")
