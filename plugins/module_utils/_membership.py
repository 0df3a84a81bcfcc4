# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: what the host daemon does for group policy membership, each
a thread of ``mesos-overlay run`` on an agent with a policed overlay.

- ``MemberService``, the group plugin's service (Mesos containerizer): the plugin
  (``_groups``) asks on a root-only Unix socket for its containers' addresses to be added to or
  removed from their group's nftables sets, and the daemon applies that with libnftables on a
  netlink socket it keeps open, under the apply lock. A container's start and stop then run no
  nft process. Without libnftables for Python (Debian's ``python3-nftables``) nothing is served
  and the plugin runs nft itself.
- ``DockerGroups``, the Docker watcher (Docker containerizer), while the watcher's config
  exists: it follows Docker's events and gives each container on an overlay's Docker network the
  group of its label ``mesos.overlay.group`` while it is connected (files
  ``docker-<container>-<network>.json``); at start, and whenever Docker comes back, it
  reconciles with the running containers. It talks to Docker through the Docker SDK for Python
  (``_docker``).

Both record members with the plugin's own steps (``_groups.join``, ``leave``,
``change_members``); the names are ``_dataplane``'s, the nft syntax ``_nftables``'s.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import threading
import time

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    GROUP_LABEL, MEMBERS_DIR, NFT_NAME_CHARS, NFT_TABLE, applying)
from ansible_collections.mesos.overlay.plugins.module_utils._groups import (
    GroupError, address_of, change_members, join, leave, resolve)
from ansible_collections.mesos.overlay.plugins.module_utils._jsontext import dumps, loads

# The most addresses one request may name (a container has one or two per network).
MAX_ADDRESSES = 64
# The watcher reads Docker's events in windows of this many seconds, so that it can be stopped
# (a config change, the daemon's stop) between two without closing a stream under a read.
EVENT_WINDOW = 5
# Seconds between two attempts to reach a Docker that does not answer (at boot, a restart).
DOCKER_RETRY = 2.0


# ---------------------------------------------------------------------------------------
# The group plugin's service
# ---------------------------------------------------------------------------------------

def member_request(request):
    """(joining, table, number, addresses) of a request ``ask_daemon`` sent; GroupError naming
    the field and the value when it is not one (the daemon builds nft text from it)."""
    if not isinstance(request, dict):
        raise GroupError("a request is a JSON object, not %r" % (request,))
    op, table, number, addresses = (request.get(key) for key in ("op", "table", "group", "addresses"))
    if op not in ("join", "leave"):
        raise GroupError("op: %r is neither join nor leave" % (op,))
    if not isinstance(table, str) or not table or len(table) > 64 or not set(table) <= NFT_NAME_CHARS:
        raise GroupError("table: %r is not an nftables table name (letters, digits, _)" % (table,))
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise GroupError("group: %r is not a number 1-65535" % (number,))
    if not isinstance(addresses, list) or not 1 <= len(addresses) <= MAX_ADDRESSES:
        raise GroupError("addresses: %r is not a list of 1 to %d addresses" % (addresses, MAX_ADDRESSES))
    canonical = []
    for address in addresses:
        try:
            family, packed = address_of(address)
        except (ValueError, TypeError):
            raise GroupError("addresses: %r is not an IP address" % (address,))
        canonical.append(socket.inet_ntop(family, packed))
    return op == "join", table, number, canonical


class MemberService:
    """The host daemon's side of ``ask_daemon``: a thread that takes the group plugin's changes
    on a root-only Unix socket at ``path`` and applies them with libnftables (Debian's
    ``python3-nftables``) on one netlink socket kept open, under the apply lock. A container's
    start and stop then run no nft process, and its stop does not wait for the kernel to free
    the removed elements (an nft process's exit waits for that: 8-30 ms). Without the library
    nothing is served and the plugin runs nft itself, as it does when the daemon is down."""

    def __init__(self, path, say):
        self.path = path
        self.say = say
        self.listener = None
        self.thread = None
        self.run_script = None
        self.served = 0
        self.failed = 0
        # Whether libnftables can be used: None before the first try, False while it is missing
        # (said once; tried again at each pass, so that installing it needs no restart).
        self.library = None

    def serving(self):
        return self.thread is not None

    def snapshot(self):
        """What ``mesos-overlay status`` shows of it: {serving, socket, served, failed, library}
        (library: whether libnftables can be used, None before the first try)."""
        return {"serving": self.serving(), "socket": self.path, "served": self.served, "failed": self.failed,
                "library": self.library}

    def check(self, wanted):
        """Serve while ``wanted`` (the plane has a group policy), not otherwise."""
        if wanted and self.thread is None:
            self.start()
        elif not wanted and self.thread is not None:
            self.stop()

    def start(self):
        """Listen at ``path`` and serve from a thread; False when the library is missing."""
        if self.run_script is None:
            try:
                import nftables  # pylint: disable=import-error
            except ImportError:
                if self.library is None:
                    self.say("group members: python3-nftables is not installed: the CNI plugin runs nft "
                             "for each container's start and stop")
                self.library = False
                return False
            library = nftables.Nftables()

            def run_script(script):
                rc, unused, error = library.cmd(script)
                return rc, (error or "").strip()

            self.run_script = run_script
        self.library = True
        os.makedirs(os.path.dirname(self.path), mode=0o755, exist_ok=True)
        try:
            os.unlink(self.path)  # a daemon that ended without removing it
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        # Connecting needs write permission: root only from here on (bind gave 0755 at most).
        os.chmod(self.path, 0o600)
        listener.listen(64)
        self.listener = listener
        self.thread = threading.Thread(target=self._serve, name="group-members")
        self.thread.daemon = True
        self.thread.start()
        self.say("group members: serving the CNI plugin on %s" % self.path)
        return True

    def stop(self):
        """Stop serving (the plugin runs nft itself again) and remove the socket."""
        if self.thread is None:
            return
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        except OSError:
            pass
        self.listener.close()
        self.thread.join(5)
        self.thread = self.listener = None
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def _serve(self):
        while True:
            try:
                conn, unused = self.listener.accept()
            except OSError:
                return  # stopped
            try:
                conn.settimeout(2.0)
                self.answer(conn)
            except OSError:
                pass
            except Exception as exc:  # pylint: disable=broad-except
                # Closed unanswered: the plugin runs nft itself. The thread must live on: a
                # listener nobody serves would make every container start wait for its timeout.
                self.failed += 1
                self.say("group members: a request failed here (%s: %s); the plugin ran nft itself"
                         % (type(exc).__name__, exc))
            finally:
                conn.close()

    def answer(self, conn):
        """Read one request from ``conn``, apply it, write the answer."""
        import struct

        # SO_PEERCRED: the connecting process's pid, uid and gid.
        uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[1]
        data = b""
        while not data.endswith(b"\n") and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        if uid not in (0, os.geteuid()):
            rc, error = 13, "only root may change group members (uid %d)" % uid
        else:
            rc, error = self.handle(data)
        conn.sendall(dumps({"rc": rc, "error": error}).encode() + b"\n")

    def handle(self, data):
        """(rc, error text) of one request's bytes: validated, then applied under the apply lock."""
        self.served += 1
        try:
            joining, table, number, addresses = member_request(loads(data.decode(errors="replace")))
        except (ValueError, GroupError) as exc:
            self.failed += 1
            self.say("group members: refused a request: %s" % exc)
            return 2, "refused: %s" % exc
        with applying():
            rc, error = change_members(self.run_script, joining, table, number, addresses)
        # A leave whose batch failed went element by element: each is out of its set either way.
        if rc != 0 and joining:
            self.failed += 1
            self.say("group members: cannot add %s to group %d: %s" % (", ".join(addresses), number, error))
        return rc, error


# ---------------------------------------------------------------------------------------
# Docker watcher
# ---------------------------------------------------------------------------------------

class Docker:
    """What the watcher asks of Docker, through the Docker SDK for Python."""

    def __init__(self, client):
        self.client = client

    def container(self, container_id):
        """A container's inspect data, or None when it is gone."""
        from ansible_collections.mesos.overlay.plugins.module_utils._docker import NotFound

        try:
            return self.client.api.inspect_container(container_id)
        except NotFound:
            return None

    def on_network(self, network):
        """The ids of the running containers attached to ``network``."""
        return [summary["Id"] for summary in self.client.api.containers(filters={"network": network})]

    def events(self, since, until):
        """Network connect and disconnect events from ``since`` to ``until`` (Unix seconds), one
        dict at a time; the stream ends at ``until``. Raises OSError when Docker ends it before."""
        yield from self.client.api.events(since=since, until=until, decode=True,
                                          filters={"type": "network", "event": ["connect", "disconnect"]})
        if time.time() < until - 1:
            raise OSError("docker closed the event stream")


def docker_key(container_id, network):
    """The record key of a Docker container on a network (its file is ``<key>.json``)."""
    return "docker-%s-%s" % (container_id[:12], network)


class Watcher:
    """Keeps the member files and sets of Docker containers in line with Docker."""

    def __init__(self, config, docker, log):
        self.networks = config["networks"]  # Docker network name -> overlay name
        self.groups = config.get("groups") or {}
        self.label = config.get("label") or GROUP_LABEL
        self.members_dir = config.get("membersDir") or MEMBERS_DIR
        self.table = config.get("table") or NFT_TABLE
        self.docker = docker
        self.log = log

    def wanted(self, container_id, network):
        """(key, group, addresses) of a container on a watched network, or None."""
        container = self.docker.container(container_id)
        if not container or not (container.get("State") or {}).get("Running"):
            return None
        labels = (container.get("Config") or {}).get("Labels") or {}
        if self.label not in labels:
            return None
        number = resolve([labels[self.label]], self.groups)
        attached = ((container.get("NetworkSettings") or {}).get("Networks") or {}).get(network) or {}
        addresses = [address for address in (attached.get("IPAddress"), attached.get("GlobalIPv6Address")) if address]
        if not number or not addresses:
            return None
        return docker_key(container["Id"], network), number, addresses

    def connect(self, container_id, network):
        """Record a container's group on ``network``; returns its record's key, or None when it has none."""
        try:
            wanted = self.wanted(container_id, network)
        except GroupError as exc:
            self.log("container %s on %s: %s: no group" % (container_id[:12], network, exc))
            return None
        if not wanted:
            return None
        key, number, addresses = wanted
        join(self.members_dir, self.table, key, number, addresses,
             {"network": network, "container": container_id, "source": "docker"})
        self.log("container %s on %s: group %d (%s)" % (container_id[:12], network, number, ", ".join(addresses)))
        return key

    def disconnect(self, container_id, network):
        if leave(self.members_dir, self.table, docker_key(container_id, network)):
            self.log("container %s left %s" % (container_id[:12], network))

    def reconcile(self):
        """Every running container on a watched network with its group; stale files removed."""
        keep = {self.connect(container_id, network) for network in self.networks
                for container_id in self.docker.on_network(network)}
        try:
            names = os.listdir(self.members_dir)
        except OSError:
            names = []
        for name in names:
            if name.startswith("docker-") and name.endswith(".json") and name[:-5] not in keep:
                leave(self.members_dir, self.table, name[:-5])
                self.log("removed %s: its container is gone" % name[:-5])

    def follow(self, stopping, window=EVENT_WINDOW):
        """Reconcile, then apply Docker's events until ``stopping`` is set (checked between two
        events and at the end of each window)."""
        since = int(time.time())
        self.reconcile()
        while not stopping.is_set():
            until = max(since, int(time.time())) + window
            for event in self.docker.events(since, until):
                if stopping.is_set():
                    return
                attributes = (event.get("Actor") or {}).get("Attributes") or {}
                network, container_id = attributes.get("name"), attributes.get("container")
                if network not in self.networks or not container_id:
                    continue
                if event.get("Action") == "connect":
                    self.connect(container_id, network)
                elif event.get("Action") == "disconnect":
                    self.disconnect(container_id, network)
            # An event in the window's last second may come twice: joining and leaving are idempotent.
            since = until


def follow_docker(config, log, stopping, connect=None, retry=DOCKER_RETRY):
    """The watcher of ``config`` until ``stopping`` is set, through Docker restarts: a Docker that
    does not answer (at boot it starts after the daemon) is said once, and once it answers again."""
    if connect is None:
        from ansible_collections.mesos.overlay.plugins.module_utils._docker import connect as docker_connect  # pylint: disable=import-outside-toplevel
        connect = docker_connect
    problem = None
    while not stopping.is_set():
        try:
            watcher = Watcher(config, Docker(connect(timeout=30)), log)
            if problem is not None:
                log("recovered: docker answers again")
                problem = None
            log("following Docker's events for %s" % ", ".join(sorted(watcher.networks)))
            watcher.follow(stopping)
        except Exception as exc:  # pylint: disable=broad-except
            # Docker going away shows as any of the SDK's, requests' or the socket's errors, and a
            # container whose group cannot be recorded as a GroupError: reconcile again after a pause.
            if stopping.is_set():
                break
            if problem is None:
                problem = str(exc)
                log("problem: docker: %s; following it again once it answers (every %g s)" % (problem, retry))
            stopping.wait(retry)


class DockerGroups(object):
    """The Docker watcher in the host daemon: a thread following Docker while the watcher's
    config at ``path`` exists, restarted when the file changes, stopped when it goes. ``check``
    is called at every pass of the daemon; ``say`` logs a line."""

    def __init__(self, path, say, connect=None, window=EVENT_WINDOW):
        self.path = path
        self.say = say
        self.connect = connect
        self.window = window
        self.config = None
        self.thread = None
        self.stopping = None
        self.problem = None

    def read(self):
        """The config in the file, None without one; raises ValueError when it is not a config."""
        try:
            with open(self.path) as handle:
                config = loads(handle.read())
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ValueError("cannot read it (%s)" % exc.strerror)
        if not isinstance(config, dict) or not isinstance(config.get("networks"), dict):
            raise ValueError("it is not a watcher config (it needs networks, a mapping)")
        return config

    def check(self):
        """Start, restart or stop the thread as the file says; a file that is not a config is
        said once and the running watcher kept."""
        try:
            config = self.read()
        except ValueError as exc:
            problem = "the Docker watcher's config %s: %s; keeping the running watcher" % (self.path, exc)
            if problem != self.problem:
                self.say("problem: " + problem)
                self.problem = problem
            return
        if self.problem is not None:
            self.say("recovered: " + self.problem)
            self.problem = None
        alive = self.thread is not None and self.thread.is_alive()
        if config == self.config and (alive or config is None):
            return
        self.stop(wait=True)
        if config is None:
            self.say("docker groups: no policed overlay on this host any more, not following Docker")
        self.config = config
        if config is not None:
            self.stopping = threading.Event()
            self.thread = threading.Thread(target=follow_docker, name="docker-groups",
                                           args=(config, self.say, self.stopping, self.connect))
            self.thread.daemon = True
            self.thread.start()

    def stop(self, wait=False):
        """Stop the thread; ``wait``: until it has (at most one event window), so that no event is
        applied with a config that is no longer the file's."""
        if self.thread is None:
            return
        self.stopping.set()
        if wait:
            self.thread.join(self.window + 5)
        self.thread = None


__all__ = ("DOCKER_RETRY", "EVENT_WINDOW", "MAX_ADDRESSES", "Docker", "DockerGroups", "MemberService", "Watcher",
           "docker_key", "follow_docker", "member_request")
