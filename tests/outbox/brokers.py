"""Redis away, on loopback only: a broker URL for each way it can be away, and a way to point
the Celery app at a broker for one test.

- "refused": nothing listens on the port (Redis stopped): connect fails at once.
- "no_answer": connection attempts get no reply (a host gone from the network, a firewall
  dropping packets): the listener's accept queue is full, so Linux drops the SYNs and
  connect() waits for its timeout.
- "hung": the connection is accepted but nothing is ever said back (a Redis stuck or paused):
  each read waits for its timeout.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

UNREACHABLE = ("refused", "no_answer", "hung")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def unreachable_redis(kind: str) -> Iterator[str]:
    """A redis:// URL on 127.0.0.1 that fails in the way `kind` names."""
    with ExitStack() as stack:
        if kind == "refused":
            port = free_port()
        elif kind == "no_answer":
            server = stack.enter_context(socket.socket())
            server.bind(("127.0.0.1", 0))
            server.listen(0)
            port = server.getsockname()[1]
            # Fill the accept queue (never accepted); later SYNs are dropped.
            for _ in range(4):
                filler = stack.enter_context(socket.socket())
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
            probe = stack.enter_context(socket.socket())
            probe.settimeout(0.5)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                pass
            else:
                raise AssertionError("the no-answer stand-in accepted a connection")
        elif kind == "hung":
            server = stack.enter_context(socket.socket())
            server.bind(("127.0.0.1", 0))
            server.listen(8)
            server.settimeout(0.2)
            port = server.getsockname()[1]
            stop = threading.Event()
            accepted: list[socket.socket] = []

            def accept_and_say_nothing() -> None:
                while not stop.is_set():
                    try:
                        accepted.append(server.accept()[0])
                    except TimeoutError:
                        continue
                    except OSError:
                        return

            thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
            thread.start()

            def close_accepted() -> None:
                stop.set()
                thread.join(2)
                for conn in accepted:
                    conn.close()

            stack.callback(close_accepted)
        else:
            raise ValueError(kind)
        yield f"redis://127.0.0.1:{port}/14"


def _forget_pools(app) -> None:
    # Celery keeps the connection and producer pools it made for its first publish; they
    # would go on pointing at the old broker. (Celery does the same after a fork.)
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def _close_pools(app) -> None:
    """Close the pools kombu keeps, process-wide, for the app's current broker, and drop
    them from its registry: a closed pool left there would be handed to the next user."""
    from kombu import pools
    from kombu.utils.collections import eqhash

    key = eqhash(app.connection_for_write())
    for group in (pools.producers, pools.connections):
        pool = group.pop(key, None)
        if pool is not None:
            pool.force_close_all()


@contextmanager
def celery_broker(url: str) -> Iterator:
    """Publish to `url` for real (tasks not eager) until the block ends; then put back
    whatever the environment had (eager locally, CI's Redis in CI), pools included."""
    from ucp.celery import app

    keys = ("broker_url", "task_always_eager", "task_eager_propagates")
    before = {key: app.conf.get(key) for key in keys}
    _forget_pools(app)
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield app
    finally:
        _close_pools(app)
        _forget_pools(app)
        app.conf.update(before)
