"""Sessions read from the cache, kept in the database (Django's `cached_db`), and never
an outage when the cache is.

With `REDIS_URL` set, the session of each request is read from Redis instead of a query
(`settings.SESSION_ENGINE`); the database stays the record, written on every save. Django's
`cached_db` already survives a cache that fails to answer a read or to take a save; this
store also survives it on the other three calls (the copy put back after a database read,
the check that a new key is free, the removal on signing out): the database answers, and the
failure is logged. A copy the cache could not forget while it was away goes stale for at
most the idle timeout: the session middleware signs out a session whose last activity is
older than that (`ucp/sessions.py`), whichever copy it was read from.

Without `REDIS_URL` sessions stay in the database: a per-process memory cache would let one
worker serve a session that another has signed out.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db, db

log = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:  # the cache refused the copy of what the database gave
            log.warning("Session cache unavailable: session read from the database")
            return db.SessionStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            log.warning("Session cache unavailable: session key checked in the database")
            return db.SessionStore.exists(self, session_key)

    def delete(self, session_key=None):
        # The database row goes first (cached_db's order); then the cache's copy.
        try:
            super().delete(session_key)
        except Exception:
            log.exception("Session cache unavailable: a signed-out session's cached copy "
                          "was not removed (it lapses with the idle timeout)")
