# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation in ZooKeeper: the URL, the layout of the znodes, reading and writing them.

Layout under the URL's path (a chroot, as Mesos' own ``--zk`` takes it)::

    <chroot>/state              {"format": 2, "network": {...}, "members": {name: digest}}: the root
    <chroot>/members/<name>     {"record": <the member's record, as a state file holds it>,
                                 "peer": <its peer entry, as every host's data plane takes it>}
    <chroot>/lock/              kazoo's lock recipe (ephemeral sequential nodes)

The root is the commit point: a member's znode counts only while the root names it with the
digest of its content, and every write sets the root at the version it was read at, so a write
based on a stale read is refused (``StoreConflict``), never merged. One member's change
rewrites the root and that member's znode only; a host that follows the store (the daemon)
re-reads only the members whose digest changed. 10,000 members fit under ZooKeeper's default
1 MB limit per znode (the root holds a name and a 16-character digest each, about 40 bytes).
The controller decides every peer entry (a host never derives one); the host daemons read them
as a read-only identity (``reader_of``). Plain Python with kazoo imported lazily: this file is
copied to every host, which needs kazoo only when its store is ZooKeeper.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import hmac
import json
import re

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError

URL_FIELD = "mesos_overlay_zookeeper"
STATE_NODE = "state"
MEMBERS_NODE = "members"
LOCK_NODE = "lock"
STORE_FORMAT = 2
# Member reads in flight at once (read_members): enough to hide the round trips, few enough
# that one read never holds thousands of answers in the client's queue.
READ_PIPELINE = 500
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

    def text(self):
        """The URL with its password: only ever written to a root-only file, never logged."""
        credentials = "%s:%s@" % (self.user, self.password) if self.user else ""
        return "zk://%s%s%s" % (credentials, ",".join(self.hosts), self.chroot)

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


def reader_of(url):
    """The URL the host daemons read the store with: the same servers and chroot, and, when ``url``
    has credentials, a read-only identity derived from them (user ``<user>-reader``, a password
    that is an HMAC of the writer's): a host never holds what lets it change the allocation."""
    if not url.user:
        return url
    password = hmac.new(url.password.encode("utf-8"), b"mesos.overlay host daemons", hashlib.sha256).hexdigest()[:32]
    return ZkUrl(url.hosts, url.chroot, url.user + "-reader", password)


def reader_url(url):
    """The text of the reader's URL (``reader_of``) of the URL text ``url``: what a host's store
    file holds. A ParameterError names mesos_overlay_zookeeper when ``url`` does not parse."""
    return reader_of(parse_url(url)).text()


def acl_for(url):
    """The ACL of the overlay's znodes: with credentials, everything for that user, reading for its
    reader (``reader_of``) and nothing for anyone else (an unauthenticated client can neither read
    nor change them); without, open."""
    if not url.user:
        return None
    from kazoo.security import make_digest_acl  # pylint: disable=import-outside-toplevel
    reader = reader_of(url)
    return [make_digest_acl(url.user, url.password, all=True), make_digest_acl(reader.user, reader.password, read=True)]


def client_of(url, timeout=10.0, writer=True, persistent=False):
    """A kazoo client of ``url`` (a ZkUrl), not started, authenticated when the URL has
    credentials; a writer's creates carry the ACL (``acl_for``). A ``persistent`` client (the
    host daemon's) never stops trying to reconnect after an outage. It talks to the servers
    without the chroot (a writer creates it first); ``connect`` sets it."""
    try:
        from kazoo.client import KazooClient  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise StoreError("the ZooKeeper client kazoo is not installed here (Debian python3-kazoo, PyPI kazoo)")
    auth = [("digest", "%s:%s" % (url.user, url.password))] if url.user else None
    retry = {"max_tries": -1, "delay": 0.5, "max_delay": 5} if persistent else None
    return KazooClient(hosts=",".join(url.hosts), timeout=timeout, auth_data=auth,
                       default_acl=acl_for(url) if writer else None, connection_retry=retry)


def connect(url, timeout=10.0, writer=True):
    """A started client of ``url`` (``client_of``), chrooted to the URL's path.

    A writer creates the chroot when it is missing (with the ACL); a reader (``writer=False``)
    only checks it is there. Raises StoreError naming the servers.
    """
    client = client_of(url, timeout=timeout, writer=writer)
    from kazoo.exceptions import KazooException  # pylint: disable=import-outside-toplevel
    from kazoo.handlers.threading import KazooTimeoutError  # pylint: disable=import-outside-toplevel

    try:
        # A server that is down costs its share of the timeout before kazoo tries the next one:
        # give each server the whole timeout, so that a quorum with one server down is reached.
        client.start(timeout=timeout * len(url.hosts))
        if writer:
            client.ensure_path(url.chroot)
        elif client.exists(url.chroot) is None:
            raise StoreError("ZooKeeper %s: %s does not exist (no run has written the allocation there yet)"
                             % (",".join(url.hosts), url.chroot))
    except (KazooTimeoutError, KazooException) as exc:
        _close(client)
        raise StoreError("ZooKeeper %s: %s" % (",".join(url.hosts), exc or type(exc).__name__))
    except StoreError:
        _close(client)
        raise
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


def digest(data):
    """The digest the root keeps of a member's znode content (bytes)."""
    return hashlib.sha256(data).hexdigest()[:16]


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
        if not isinstance(root.get("network"), dict) or not isinstance(names, dict) or \
                not all(isinstance(name, str) and _NAME.match(name) and isinstance(value, str)
                        for name, value in names.items()):
            raise StoreError("the znode %s is corrupt (no 'network' object or no 'members' object of names and "
                             "digests)" % path)
        return root, stat.version

    def read_member(self, name, expected=None):
        """The content of one member's znode ({"record": ..., "peer": ...}), checked against the
        digest the root keeps of it (``expected``) when given."""
        return self.read_members({name: expected})[name]

    def read_members(self, expected):
        """{name: content} of the members named by ``expected`` ({name: digest or None}), each checked
        as ``read_member`` checks one. The reads are pipelined (at most READ_PIPELINE in flight): a
        daemon's first read of a large cluster costs a few round trips, not one per member."""
        from kazoo.exceptions import NoNodeError  # pylint: disable=import-outside-toplevel
        names = sorted(expected)
        members = {}
        for first in range(0, len(names), READ_PIPELINE):
            pending = [(name, self.client.get_async(member_path(name))) for name in names[first:first + READ_PIPELINE]]
            for name, answer in pending:
                path = member_path(name)
                try:
                    data, _stat = answer.get()
                except NoNodeError:
                    raise StoreError("the znode %s is missing (the root %s names it)" % (path, "/" + STATE_NODE))
                if expected[name] is not None and digest(data) != expected[name]:
                    # Written after the root was read: a write is under way, or it stopped half-way.
                    raise StoreError("the znode %s does not hold what the root %s says (a write under way?)"
                                     % (path, "/" + STATE_NODE))
                member = _decode(path, data)
                if not isinstance(member.get("record"), dict):
                    raise StoreError("the znode %s is corrupt (no 'record' object)" % path)
                members[name] = member
        return members

    def read(self):
        """(state, version): the allocation as a state (format 2, as the state files hold it) and
        the root's version to give to ``write``; ({}, -1) when nothing was written yet."""
        root, version = self.read_root()
        if not root:
            return {}, version
        members = dict((name, member["record"]) for name, member in self.read_members(root["members"]).items())
        return {"format": STORE_FORMAT, "network": root["network"], "members": members}, version

    def read_peers(self, known=None):
        """(peers, version, known): every member's peer entry, as the host daemons take it, by name.

        ``known`` is what the last call returned as ``known`` ({name: (digest, peer)}): only the
        members whose digest changed since are read again. Raises StoreError when there is no
        allocation yet or a member has no peer entry.
        """
        known = known or {}
        root, version = self.read_root()
        if not root:
            raise StoreError("the znode /%s is missing (no run has written the allocation yet)" % STATE_NODE)
        current = dict((name, known[name]) for name, expected in root["members"].items()
                       if name in known and known[name][0] == expected)
        changed = dict((name, expected) for name, expected in root["members"].items() if name not in current)
        for name, member in self.read_members(changed).items():
            peer = member.get("peer")
            if not isinstance(peer, dict):
                raise StoreError("the znode %s has no peer entry" % member_path(name))
            current[name] = (changed[name], peer)
        peers = [dict(current[name][1], name=name) for name in sorted(current)]
        return peers, version, current

    def plan(self, state, version, peers=None):
        """(operations, root): what ``write`` would do to store ``state`` with ``peers`` (name to
        peer entry): the member znodes to create, set or delete, by path, and the new root; no
        operation and the root unchanged when the store already holds it."""
        peers = peers or {}
        current, read_version = self.read_root()
        if read_version != version:
            raise StoreConflict("the allocation in ZooKeeper changed since it was read (version %d, now %d): read it "
                                "again and decide again" % (version, read_version))
        stored = current.get("members") or {}
        members = state.get("members") or {}
        contents = dict((name, _encode({"record": members[name], "peer": peers.get(name)})) for name in members)
        root = {"format": STORE_FORMAT, "network": state.get("network") or {},
                "members": dict((name, digest(data)) for name, data in contents.items())}
        # A znode the root does not name (left by a write that stopped between its parts) is
        # nobody's: it is overwritten or removed like any other.
        existing = set(self.client.get_children("/" + MEMBERS_NODE)) \
            if self.client.exists("/" + MEMBERS_NODE) else set()
        operations = []
        for name in sorted(contents):
            if name not in existing:
                operations.append(("create", member_path(name), contents[name]))
            elif stored.get(name) != root["members"][name]:
                operations.append(("set", member_path(name), contents[name]))
        operations += [("delete", member_path(name), b"") for name in sorted(existing - set(contents))]
        if not operations and root == current:
            return [], current
        return operations, root

    def write(self, state, version, peers=None):
        """Write ``state`` (format 2) and its members' ``peers`` if the root is still at
        ``version``; return (the member znodes written or deleted, the root's version), nothing
        written when the store holds it already. Only the members that differ from what the
        store holds are written. Raises StoreConflict when someone wrote since."""
        from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError  # pylint: disable=import-outside-toplevel
        operations, root = self.plan(state, version, peers)
        written = [path for _kind, path, _data in operations]
        if not operations and version >= 0:
            return written, version
        self.client.ensure_path("/" + MEMBERS_NODE)
        writes = [operation for operation in operations if operation[0] != "delete"]
        removed = [operation[1] for operation in operations if operation[0] == "delete"]
        chunks, chunk, size = [], [], 0
        for operation in writes:
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
                for path in removed:
                    transaction.delete(path)
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
        return written, self.read_root()[1]


__all__ = ("LOCK_NODE", "MEMBERS_NODE", "READ_PIPELINE", "STATE_NODE", "STORE_FORMAT", "URL_FIELD", "Store",
           "StoreConflict", "StoreError", "ZkUrl", "acl_for", "client_of", "connect", "digest", "member_path",
           "parse_url", "reader_of", "reader_url", "session")
