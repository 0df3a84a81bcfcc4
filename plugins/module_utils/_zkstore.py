# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation in ZooKeeper: the URL, the layout of the znodes, reading and writing them.

Layout under the URL's path (a chroot, as Mesos' own ``--zk`` takes it)::

    <chroot>/state              {"format": 2, "network": {...}, "members": [names]}: the root
    <chroot>/members/<name>     one member's record, as a state file holds it
    <chroot>/lock/              kazoo's lock recipe (ephemeral sequential nodes)

The root is the commit point: a member's znode counts only while the root names it, and every
write sets the root at the version it was read at, so a write based on a stale read is refused
(``StoreConflict``), never merged. One member's change rewrites the root and that member's
znode only, and 10,000 members fit under ZooKeeper's default 1 MB limit per znode (the root
holds their names, about 15 bytes each). Plain Python with kazoo imported lazily: this file is
copied to every host, which needs kazoo only when its store is ZooKeeper.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import re

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError

URL_FIELD = "mesos_overlay_zookeeper"
STATE_NODE = "state"
MEMBERS_NODE = "members"
LOCK_NODE = "lock"
STORE_FORMAT = 2
# What one transaction may carry: ZooKeeper refuses a request above jute.maxbuffer (1 MB by
# default); a larger change is written in several, the root last, so readers see it at once.
TRANSACTION_BYTES = 900 * 1024
_HOST = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class StoreError(Exception):
    """The store is unreachable, refused a request, or holds what is not an allocation."""


class StoreConflict(StoreError):
    """Someone wrote the allocation since it was read: read again, decide again."""


class ZkUrl(object):
    """A ``zk://[user:password@]host:port,host:port/path`` URL, checked."""

    def __init__(self, hosts, chroot, user=None, password=None):
        self.hosts = hosts
        self.chroot = chroot
        self.user = user
        self.password = password

    @property
    def connection(self):
        """kazoo's ``hosts`` argument: the servers and the chroot."""
        return ",".join(self.hosts) + self.chroot

    def redacted(self):
        """The URL as it may be logged: the password never appears."""
        credentials = "%s:***@" % self.user if self.user else ""
        return "zk://%s%s%s" % (credentials, ",".join(self.hosts), self.chroot)


def parse_url(url, field=URL_FIELD):
    """The ZkUrl of ``url``; a ParameterError naming ``field`` and the (redacted) value otherwise."""
    if not isinstance(url, str) or not url.startswith("zk://"):
        raise ParameterError("%s: %r is not a zk://[user:password@]host:port,.../path URL" % (field, _redact(url)))
    rest = url[len("zk://"):]
    user = password = None
    if "@" in rest:
        credentials, rest = rest.rsplit("@", 1)
        user, colon, password = credentials.partition(":")
        if not user or not colon or not password:
            raise ParameterError("%s: %r: the credentials must be user:password" % (field, _redact(url)))
    hosts, slash, path = rest.partition("/")
    if not slash or not path or path.endswith("/") or "//" in path:
        raise ParameterError("%s: %r needs a path (the overlay's chroot, for example /mesos-overlay)"
                             % (field, _redact(url)))
    servers = hosts.split(",")
    for server in servers:
        match = _HOST.match(server)
        if not match or (match.group(2) and not 0 < int(match.group(2)[1:]) < 65536):
            raise ParameterError("%s: %r: %r is not a host or host:port" % (field, _redact(url), server))
    return ZkUrl([server if ":" in server.lstrip("[").split("]")[-1] else server + ":2181" for server in servers],
                 "/" + path, user, password)


def _redact(url):
    if isinstance(url, str) and "@" in url and url.startswith("zk://"):
        credentials, rest = url[len("zk://"):].rsplit("@", 1)
        return "zk://%s:***@%s" % (credentials.partition(":")[0], rest)
    return url


def acl_for(url):
    """The ACL of the overlay's znodes: with credentials, everything for that user and nothing for
    anyone else (an unauthenticated client can neither read nor change them); without, open."""
    if not url.user:
        return None
    from kazoo.security import make_digest_acl  # pylint: disable=import-outside-toplevel
    return [make_digest_acl(url.user, url.password, all=True)]


def connect(url, timeout=10.0):
    """A started kazoo client of ``url`` (a ZkUrl), authenticated when the URL has credentials.

    The chroot is created when missing (with the ACL). Raises StoreError naming the servers.
    """
    try:
        from kazoo.client import KazooClient  # pylint: disable=import-outside-toplevel
        from kazoo.exceptions import KazooException  # pylint: disable=import-outside-toplevel
        from kazoo.handlers.threading import KazooTimeoutError  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise StoreError("the ZooKeeper client kazoo is not installed here (Debian python3-kazoo, PyPI kazoo)")
    auth = [("digest", "%s:%s" % (url.user, url.password))] if url.user else None
    # The chroot's parent is created outside the chroot first, so connect without it.
    client = KazooClient(hosts=",".join(url.hosts), timeout=timeout, auth_data=auth, default_acl=acl_for(url))
    try:
        client.start(timeout=timeout)
        client.ensure_path(url.chroot)
    except (KazooTimeoutError, KazooException) as exc:
        _close(client)
        raise StoreError("ZooKeeper %s: %s" % (",".join(url.hosts), exc or type(exc).__name__))
    client.chroot = url.chroot
    return client


def _close(client):
    try:
        client.stop()
        client.close()
    except Exception:  # pylint: disable=broad-except
        pass


@contextlib.contextmanager
def session(url, timeout=10.0):
    """A connected client of ``url`` for the ``with`` block (``connect``), closed after it."""
    client = connect(url, timeout=timeout)
    try:
        yield client
    finally:
        _close(client)


def member_path(name):
    return "/%s/%s" % (MEMBERS_NODE, name)


def _decode(path, data):
    try:
        value = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoreError("the znode %s is corrupt (not JSON: %s)" % (path, exc))
    if not isinstance(value, dict):
        raise StoreError("the znode %s is corrupt (not a JSON object)" % path)
    return value


def _encode(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Store(object):
    """The allocation of one cluster in ZooKeeper (``client`` is chrooted to the overlay's path)."""

    def __init__(self, client):
        self.client = client

    def read_root(self):
        """(root, version): the root's content ({} when there is none yet) and its znode version
        (-1 when there is none), checked."""
        from kazoo.exceptions import NoNodeError  # pylint: disable=import-outside-toplevel
        path = "/" + STATE_NODE
        try:
            data, stat = self.client.get(path)
        except NoNodeError:
            return {}, -1
        root = _decode(path, data)
        if root.get("format") != STORE_FORMAT:
            raise StoreError("the znode %s is corrupt (format %r, this collection reads %d)"
                             % (path, root.get("format"), STORE_FORMAT))
        names = root.get("members")
        if not isinstance(root.get("network"), dict) or not isinstance(names, list) or \
                not all(isinstance(name, str) and _NAME.match(name) for name in names):
            raise StoreError("the znode %s is corrupt (no 'network' object or no 'members' list of names)" % path)
        if len(set(names)) != len(names):
            raise StoreError("the znode %s is corrupt (a member is named twice)" % path)
        return root, stat.version

    def read_member(self, name):
        """(record, znode version) of one member the root names."""
        from kazoo.exceptions import NoNodeError  # pylint: disable=import-outside-toplevel
        path = member_path(name)
        try:
            data, stat = self.client.get(path)
        except NoNodeError:
            raise StoreError("the znode %s is missing (the root %s names it)" % (path, "/" + STATE_NODE))
        return _decode(path, data), stat.version

    def read(self):
        """(state, version): the allocation as a state (format 2, as the state files hold it) and
        the root's version to give to ``write``; ({}, -1) when nothing was written yet."""
        root, version = self.read_root()
        if not root:
            return {}, version
        members = {}
        for name in root["members"]:
            members[name] = self.read_member(name)[0]
        return {"format": STORE_FORMAT, "network": root["network"], "members": members}, version

    def write(self, state, version, before=None):
        """Write ``state`` (format 2) if the root is still at ``version``; return the new version.

        ``before`` is the state that was read at ``version`` (what ``read`` returned): only the
        members that differ from it are written. Raises StoreConflict when someone wrote since.
        """
        from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError  # pylint: disable=import-outside-toplevel
        before = before or {}
        old_members = before.get("members") or {}
        members = state.get("members") or {}
        names = sorted(members)
        root = {"format": STORE_FORMAT, "network": state.get("network") or {}, "members": names}
        self.client.ensure_path("/" + MEMBERS_NODE)
        # A znode the root does not name (left by a write that stopped between its parts) is
        # nobody's: it is overwritten or removed like any other.
        existing = set(self.client.get_children("/" + MEMBERS_NODE))
        operations = []
        for name in names:
            if name not in existing:
                operations.append(("create", member_path(name), _encode(members[name])))
            elif old_members.get(name) != members[name]:
                operations.append(("set", member_path(name), _encode(members[name])))
        removed = sorted(name for name in existing if name not in members)
        chunks, chunk, size = [], [], 0
        for operation in operations:
            if chunk and size + len(operation[2]) + 200 > TRANSACTION_BYTES:
                chunks.append(chunk)
                chunk, size = [], 0
            chunk.append(operation)
            size += len(operation[2]) + 200
        chunks.append(chunk)
        root_path = "/" + STATE_NODE
        for position, chunk in enumerate(chunks):
            last = position == len(chunks) - 1
            transaction = self.client.transaction()
            # Every part is guarded by the version read: a stale writer fails at its first part.
            if version >= 0:
                transaction.check(root_path, version)
            for kind, path, data in chunk:
                if kind == "create":
                    transaction.create(path, data)
                else:
                    transaction.set_data(path, data)
            if last:
                if version >= 0:
                    transaction.set_data(root_path, _encode(root), version=version)
                else:
                    transaction.create(root_path, _encode(root))
                for name in removed:
                    transaction.delete(member_path(name))
            results = transaction.commit()
            failures = [result for result in results if isinstance(result, Exception)]
            if any(isinstance(failure, (BadVersionError, NodeExistsError)) for failure in failures) or \
                    (version < 0 and any(isinstance(failure, NoNodeError) for failure in failures)):
                raise StoreConflict("the allocation in ZooKeeper changed since it was read (version %d): read it "
                                    "again and decide again" % version)
            real = [failure for failure in failures if type(failure).__name__ != "RolledBackError"]
            if real:
                raise StoreError("ZooKeeper refused the write: %s" % ", ".join(type(failure).__name__
                                                                               for failure in real))
        return self.read_root()[1]


__all__ = ("LOCK_NODE", "MEMBERS_NODE", "STATE_NODE", "STORE_FORMAT", "URL_FIELD", "Store", "StoreConflict",
           "StoreError", "ZkUrl", "acl_for", "connect", "member_path", "parse_url", "session")
