# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the ZooKeeper store as the host daemon follows it.

One kazoo client of the store's reader (read-only) identity for the daemon's life, started in
the background: kazoo keeps trying to connect, and reconnects after an outage by itself, so
the daemon's loop never waits for the store. A data watch on the root (kazoo's ``DataWatch``
recipe, which re-registers after a session loss) wakes the daemon at every write; so does
every change of the connection's state, because a new session may have missed writes (it is
taken as "read everything again", not as a stream of changes to trust). Between writes, the
whole table is read again on a long timer anyway. Only the members whose digest in the root
changed are read (``_zkstore.Store.read_peers``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import (
    STATE_NODE, Store, StoreError, client_of, parse_url)

# The whole table is read again this often even when no watch fired.
RESYNC_INTERVAL = 300.0
# The daemon's session timeout, the least ZooKeeper grants by default (2 ticks of 2 s). kazoo
# also waits this long for a TCP connection to a server: when a master goes away, its server's
# clients and, during the election, the others' are dropped, and a client that then tries the
# absent server first waits this out before the next one. With 10 s, a host came back to the
# store up to 20 s after a master stopped (the same absent server tried twice in a row); with
# 4 s, within about 9. A session that expires costs a reader nothing: the watch is set again
# and only the members whose digest changed are read.
SESSION_TIMEOUT = 4.0


def load_store_file(path):
    """The reader URL (a ZkUrl) of the store file the vtep role writes (``{"zookeeper": URL}``),
    or None when there is no such file (the files store). Raises ParameterError naming the file."""
    try:
        with open(path) as handle:
            config = json.load(handle)
    except (IOError, OSError) as exc:
        if getattr(exc, "errno", None) == 2:
            return None
        raise ParameterError("%s: %s" % (path, exc))
    except ValueError as exc:
        raise ParameterError("%s: not JSON (%s)" % (path, exc))
    if not isinstance(config, dict) or not isinstance(config.get("zookeeper"), str):
        raise ParameterError("%s: has no \"zookeeper\" URL" % path)
    return parse_url(config["zookeeper"], field="%s: zookeeper" % path)


class Follower(object):
    """The peer table in the store at ``url`` (the reader's ZkUrl); ``wake`` (a threading.Event)
    is set whenever it may have changed."""

    def __init__(self, url, wake, timeout=SESSION_TIMEOUT, resync=RESYNC_INTERVAL):
        self.url = url
        self.wake = wake
        self.timeout = timeout
        self.resync = resync
        self.client = None
        self.started = None
        self.watching = False
        self.known = {}
        self.dirty = True
        self.last_full = None

    def describe(self):
        return self.url.redacted()

    def connected(self):
        """Whether the client is connected to a server now."""
        return self.client is not None and bool(self.client.connected)

    def _changed(self, *_args):
        self.dirty = True
        self.wake.set()
        # A DataWatch callback that returns False would end the watch: this one returns None.

    def _start(self):
        self.client = client_of(self.url, timeout=self.timeout, writer=False, persistent=True)
        self.client.chroot = self.url.chroot
        self.client.add_listener(self._changed)
        self.client.start_async()
        self.started = time.monotonic()

    def close(self):
        if self.client is not None:
            try:
                self.client.stop()
                self.client.close()
            except Exception:  # pylint: disable=broad-except
                pass
            self.client = None

    def peers(self):
        """The store's peer table when it may have changed since the last call, else None.

        Raises StoreError while the store cannot be reached or holds what is not a table; the
        next call tries again.
        """
        if self.client is None:
            self._start()
        if not self.client.connected:
            # A client just started is still connecting (every daemon start): no news yet, not a
            # problem to report; one that has not connected within its timeout is.
            if time.monotonic() - self.started < self.timeout:
                return None
            raise StoreError("not connected to ZooKeeper %s" % ",".join(self.url.hosts))
        from kazoo.exceptions import KazooException  # pylint: disable=import-outside-toplevel
        from kazoo.recipe.watchers import DataWatch  # pylint: disable=import-outside-toplevel
        now = time.monotonic()
        if self.last_full is None or now - self.last_full >= self.resync:
            self.known, self.dirty = {}, True
        try:
            if not self.watching:
                # Once connected; the recipe keeps it across reconnections and session losses.
                DataWatch(self.client, "/" + STATE_NODE, self._changed)
                self.watching = True
            if not self.dirty:
                return None
            self.dirty = False
            table, _version, known = Store(self.client).read_peers(self.known)
        except KazooException as exc:
            self.dirty = True
            raise StoreError("ZooKeeper %s: %s" % (",".join(self.url.hosts), exc or type(exc).__name__))
        except StoreError:
            self.dirty = True
            raise
        if not self.known:
            self.last_full = now
        self.known = known
        return table


__all__ = ("RESYNC_INTERVAL", "SESSION_TIMEOUT", "Follower", "load_store_file")
