# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: mesos-overlay-groups, the group of a container (group policy).

The agent role installs a launcher of this module into the CNI plugins dir (the module_utils
are on the host already, copied by the vtep role). Two uses:

CNI plugin (Mesos containerizer). The CNI config of an overlay with a group policy names it as
``type`` and holds the real plugin's config as ``delegate`` (the bridge plugin, or the port
mapper around it). ADD reads the container's group from what Mesos passes in
``args.org.apache.mesos.network_info``: ``groups`` (a name of the config's ``groups`` map or a
number 1-65535), or the label ``mesos.overlay.group`` (``labels.labels[]``); then runs the
delegate and returns its result unchanged (Mesos reads ``ip4``/``ip6`` from it), and records the
container's addresses as members of its group: a file ``<membersDir>/cni-<container>-<ifname>.json``
and the addresses in the group's nftables sets. DEL removes exactly what ADD recorded, first
(while the addresses are still the container's), then runs the delegate's DEL; a failing
delegate leaves no membership behind. A container without a group is only delegated.

Docker watcher (Docker containerizer), a thread of the host daemon (``DockerGroups``) while the
watcher's config exists (an agent with a policed overlay): it follows Docker's events and gives
each container on an overlay's Docker network the group of its label ``mesos.overlay.group``
while it is connected (files ``docker-<container>-<network>.json``); at start, and whenever
Docker comes back, it reconciles with the running containers. It talks to Docker through the
Docker SDK for Python (``_docker``), imported only there: a CNI call (every task start) needs the
standard library alone, and Python's start-up is most of its cost.
The names (table, sets, records' directory, label) and the nft syntax are ``_dataplane``'s and
``_nftables``'s.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Only what a CNI call needs is imported here (no ipaddress, subprocess, threading, nor json,
# which imports re: _jsontext): Python's imports are most of what the plugin adds to a container's start.
import os
import _socket as socket  # the C module: socket.py would import enum and selectors
import sys
import time

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    GROUP_LABEL, MEMBERS_DIR, MEMBERS_SOCKET, NFT_NAME_CHARS, NFT_TABLE, applying)
from ansible_collections.mesos.overlay.plugins.module_utils._host import SEARCH_PATH, reap_left, spawn
from ansible_collections.mesos.overlay.plugins.module_utils._jsontext import dumps, loads

CNI_VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"]
# The watcher reads Docker's events in windows of this many seconds, so that it can be stopped
# (a config change, the daemon's stop) between two without closing a stream under a read.
EVENT_WINDOW = 5
# Seconds between two attempts to reach a Docker that does not answer (at boot, a restart).
DOCKER_RETRY = 2.0


class GroupError(Exception):
    """A container whose group cannot be decided; the message says why."""


def resolve(candidates, names):
    """The one group number named by ``candidates`` (names of ``names`` or numbers), or 0."""
    found = {}
    for candidate in candidates:
        text = str(candidate).strip()
        if text.isdigit():
            number = int(text)
            if not 1 <= number <= 65535:
                raise GroupError("group %s is out of range 1-65535" % text)
        elif text in names:
            number = int(names[text])
        else:
            known = ", ".join("%s=%s" % item for item in sorted(names.items())) or "none"
            raise GroupError("group %r is neither a number 1-65535 nor a group name of this overlay (%s)"
                             % (text, known))
        found.setdefault(number, text)
    if len(found) > 1:
        raise GroupError("a container belongs to one group, not %s" % ", ".join(sorted(found.values())))
    return next(iter(found), 0)


# What nft --echo prints once the kernel has committed its batch (nftables 0.9 and later).
NFT_COMMITTED = b"# new generation "
# How long the plugin waits for the host daemon's answer (it holds the apply lock during a
# reconciliation pass, well under a second) before it runs nft itself.
DAEMON_TIMEOUT = 10.0
# The most addresses one request may name (a container has one or two per network).
MAX_ADDRESSES = 64


def _nft(script, settle=True):
    """Run ``script`` as one nft transaction in an nft process: (rc, stderr text).

    ``settle=False``: return once the kernel has committed it. A batch that removed set elements
    commits at once, but nft's exit then waits for the kernel to free them (closing its netlink
    socket flushes that work past an RCU grace period: 8-30 ms); the CNI plugin's DEL (every
    container's stop) runs its delegate meanwhile and reaps nft at the end (``reap_left``)."""
    nft = None
    for directory in os.environ.get("PATH", "").split(os.pathsep) + list(SEARCH_PATH):
        if directory and os.access(os.path.join(directory, "nft"), os.X_OK):
            nft = os.path.join(directory, "nft")
            break
    if nft is None:
        raise GroupError("nft is not installed (the nftables package): group policy needs it")
    # A CNI plugin runs without Ansible: there is no AnsibleModule.run_command to call.
    if settle:
        rc, unused, err = spawn([nft, "-f", "-"], script.encode())
    else:
        rc, unused, err = spawn([nft, "--echo", "-f", "-"], script.encode(), until=NFT_COMMITTED)
    return rc, err.decode(errors="replace").strip()


def change_members(run, joining, table, number, addresses):
    """Add (``joining``) or remove ``addresses`` in the sets of group ``number`` of ``table``, as
    one nft transaction run by ``run`` (script text -> (rc, error text)); returns its (rc, error).
    A removal that fails (one element gone already: a reconciliation removed it; the batch is all
    or nothing) is done again one element at a time."""
    # Here, not at the top: the plugin's path through the daemon builds no nft text.
    from ansible_collections.mesos.overlay.plugins.module_utils._nftables import join_script, leave_lines, leave_script

    if joining:
        return run(join_script(table, number, addresses))
    rc, err = run(leave_script(table, number, addresses))
    if rc != 0:
        for line in leave_lines(table, number, addresses):
            run(line + "\n")
    return rc, err


def ask_daemon(path, request):
    """The host daemon's answer to ``request`` (a dict; see ``MemberService``) on its socket at
    ``path``: (rc, error text), or None when no daemon answers there (not running, stopping,
    too old to serve): the caller then runs nft itself."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(DAEMON_TIMEOUT)
        sock.connect(path)
        sock.sendall(dumps(request).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                # Gone before it answered (stopped): whatever it did, doing it again is harmless.
                return None
            reply += chunk
    except OSError:
        return None
    finally:
        sock.close()
    try:
        answer = loads(reply.decode())
        return int(answer["rc"]), str(answer.get("error") or "")
    except (ValueError, KeyError, TypeError):
        return None


def _members(daemon_socket, joining, table, number, addresses, settle=True):
    """Change the members through the host daemon, else with an nft process (under the apply lock)."""
    request = {"op": "join" if joining else "leave", "table": table, "group": number, "addresses": addresses}
    answer = ask_daemon(daemon_socket, request) if daemon_socket else None
    if answer is not None:
        return answer
    with applying():
        return change_members(lambda script: _nft(script, settle), joining, table, number, addresses)


def join(members_dir, table, key, number, addresses, details, daemon_socket=None):
    """Record ``addresses`` as members of group ``number`` (the file first: the dataplane module
    reconciles the sets from the files), then add them to the group's sets (``daemon_socket``:
    through the host daemon there, when it answers)."""
    os.makedirs(members_dir, mode=0o755, exist_ok=True)
    path = os.path.join(members_dir, key + ".json")
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        handle.write(dumps(dict(details, group=number, addresses=addresses), sort_keys=True) + "\n")
    os.rename(temporary, path)
    rc, err = _members(daemon_socket, True, table, number, addresses)
    if rc != 0:
        leave(members_dir, table, key, daemon_socket=daemon_socket)
        raise GroupError("cannot add %s to group %d: %s" % (", ".join(addresses), number, err))


def leave(members_dir, table, key, settle=True, daemon_socket=None):
    """Remove what ``join`` recorded under ``key`` (the file first, then each set element);
    ``settle``: see ``_nft``."""
    path = os.path.join(members_dir, key + ".json")
    try:
        with open(path) as handle:
            record = loads(handle.read())
    except (OSError, ValueError):
        return None
    os.unlink(path)
    number, addresses = int(record["group"]), record.get("addresses") or []
    if addresses:
        _members(daemon_socket, False, table, number, addresses, settle)
    return record


# ---------------------------------------------------------------------------------------
# CNI plugin
# ---------------------------------------------------------------------------------------

def cni_error(version, code, message):
    sys.stdout.write(dumps({"cniVersion": version, "code": code, "msg": message}) + "\n")
    return 1


def _address(interface):
    """(family, packed) of an ``address/prefix`` text; ValueError when it is no address."""
    text = str(interface).split("/", 1)[0]
    family = socket.AF_INET6 if ":" in text else socket.AF_INET
    try:
        return family, socket.inet_pton(family, text)
    except OSError:
        raise ValueError("%r is not an IP address" % interface)


def result_addresses(result):
    """The container's addresses in a CNI result: 0.2.0 (ip4, ip6) or 0.3.0 and later (ips),
    in their canonical text, IPv4 first, each family in address order."""
    found = set()
    for key in ("ip4", "ip6"):
        if isinstance(result.get(key), dict) and result[key].get("ip"):
            found.add(_address(result[key]["ip"]))
    for entry in result.get("ips") or []:
        if isinstance(entry, dict) and entry.get("address"):
            found.add(_address(entry["address"]))
    return [socket.inet_ntop(family, packed) for family, packed in sorted(found)]


def container_group(config):
    network_info = (((config.get("args") or {}).get("org.apache.mesos") or {}).get("network_info") or {})
    candidates = list(network_info.get("groups") or [])
    label = config.get("label") or GROUP_LABEL
    for entry in (network_info.get("labels") or {}).get("labels") or []:
        if isinstance(entry, dict) and entry.get("key") == label:
            candidates.append(entry.get("value", ""))
    return resolve(candidates, config.get("groups") or {})


def run_delegate(config, stdin_config):
    delegate = dict(config["delegate"])
    delegate.setdefault("cniVersion", config.get("cniVersion"))
    delegate["name"] = config["name"]
    if "args" in stdin_config:
        delegate["args"] = stdin_config["args"]
    for directory in os.environ.get("CNI_PATH", "").split(os.pathsep):
        path = os.path.join(directory, delegate.get("type", ""))
        if directory and delegate.get("type") and os.access(path, os.X_OK):
            # The delegate plugin, as a CNI runtime runs it (no Ansible here); its stderr is ours.
            rc, output, unused = spawn([path], dumps(delegate).encode(), stderr=False)
            return rc, output
    message = "delegate plugin %r is not in CNI_PATH %s" % (delegate.get("type"), os.environ.get("CNI_PATH"))
    return 1, (dumps({"cniVersion": config.get("cniVersion"), "code": 1, "msg": message}) + "\n").encode()


def cni_main(stdin):
    command = os.environ.get("CNI_COMMAND", "")
    if command == "VERSION":
        sys.stdout.write(dumps({"cniVersion": "0.2.0", "supportedVersions": CNI_VERSIONS}) + "\n")
        return 0
    try:
        config = loads(stdin or "{}")
    except ValueError as exc:
        return cni_error("0.2.0", 6, "the network config is not JSON: %s" % exc)
    version = config.get("cniVersion", "0.2.0")
    if not isinstance(config.get("delegate"), dict) or not config.get("name"):
        return cni_error(version, 7, "the network config needs name and delegate (the real plugin's config)")
    members_dir = config.get("membersDir") or MEMBERS_DIR
    table = config.get("table") or NFT_TABLE
    daemon_socket = config.get("daemonSocket") or MEMBERS_SOCKET
    key = "cni-%s-%s" % (os.environ.get("CNI_CONTAINERID", ""), os.environ.get("CNI_IFNAME", ""))
    if command == "ADD":
        try:
            number = container_group(config)
        except GroupError as exc:
            return cni_error(version, 7, "%s: %s" % (config["name"], exc))
        rc, output = run_delegate(config, config)
        if rc != 0 or not number:
            sys.stdout.write(output.decode(errors="replace"))
            return rc
        try:
            addresses = result_addresses(loads(output.decode()))
            if not addresses:
                raise GroupError("the delegate's result has no address")
            join(members_dir, table, key, number, addresses,
                 {"network": config["name"], "container": os.environ.get("CNI_CONTAINERID", ""),
                  "ifname": os.environ.get("CNI_IFNAME", ""), "source": "cni"}, daemon_socket)
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever went wrong, the container must not run outside its group: undo the delegate's ADD.
            os.environ["CNI_COMMAND"] = "DEL"
            run_delegate(config, config)
            return cni_error(version, 11, "%s: %s" % (config["name"], exc))
        # Unchanged: Mesos parses the delegate's own result.
        sys.stdout.write(output.decode())
        return 0
    if command == "DEL":
        # Out of its group before the delegate frees the addresses (nft has committed when this
        # returns); nft's end, the kernel freeing the elements, goes on beside the delegate's DEL.
        leave(members_dir, table, key, settle=False, daemon_socket=daemon_socket)
    try:
        rc, output = run_delegate(config, config)
    finally:
        reap_left()
    sys.stdout.write(output.decode(errors="replace"))
    return rc


# ---------------------------------------------------------------------------------------
# The host daemon's side of the plugin
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
            family, packed = _address(address)
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
        # Whether the missing library was said already (said once, not at every pass).
        self.said_missing = False

    def serving(self):
        return self.thread is not None

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
                if not self.said_missing:
                    self.say("group members: python3-nftables is not installed: the CNI plugin runs nft "
                             "for each container's start and stop")
                    self.said_missing = True
                return False
            library = nftables.Nftables()

            def run_script(script):
                rc, unused, error = library.cmd(script)
                return rc, (error or "").strip()

            self.run_script = run_script
        import socket as sockets  # the module (this file imports the C one as socket)
        import threading

        os.makedirs(os.path.dirname(self.path), mode=0o755, exist_ok=True)
        try:
            os.unlink(self.path)  # a daemon that ended without removing it
        except FileNotFoundError:
            pass
        listener = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
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
        import socket as sockets

        try:
            self.listener.shutdown(sockets.SHUT_RDWR)  # wakes the accept()
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
            finally:
                conn.close()

    def answer(self, conn):
        """Read one request from ``conn``, apply it, write the answer."""
        import socket as sockets
        import struct

        # SO_PEERCRED: the connecting process's pid, uid and gid.
        uid = struct.unpack("3i", conn.getsockopt(sockets.SOL_SOCKET, sockets.SO_PEERCRED, struct.calcsize("3i")))[1]
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
            import threading  # here: the CNI plugin, which imports this file too, needs no thread

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


def main():
    """The CNI plugin's process: runs the call, writes its result and ends the process (never
    returns). It leaves by ``os._exit`` once stdout and stderr are flushed: Python's finalization
    (its modules torn down one by one, a few ms) would only make the container wait; nothing of
    the plugin is left to finalize (its files are closed, its children reaped)."""
    rc = cni_main(sys.stdin.read())
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        rc = rc or 1  # the runtime did not read the result: a failure it must see
    os._exit(rc)  # pylint: disable=protected-access


if __name__ == "__main__":
    main()
