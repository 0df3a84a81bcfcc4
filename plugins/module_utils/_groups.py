# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: mesos-overlay-groups, the CNI plugin that gives a Mesos
container its group (group policy), and the membership steps it shares with the host daemon.

The agent role installs a launcher of this module into the CNI plugins dir (the module_utils
are on the host already, copied by the vtep role). The CNI config of an overlay with a group
policy names it as ``type`` and holds the real plugin's config as ``delegate`` (the bridge
plugin, or the port mapper around it), and the names the controller decided: the group names
(``groups``), the label (``label``), the records' directory (``membersDir``), the nftables table
(``table``) and the host daemon's socket (``daemonSocket``). ADD reads the container's group from
what Mesos passes in ``args.org.apache.mesos.network_info``: ``groups`` (a name of the config's
``groups`` map or a number 1-65535), or the label (``labels.labels[]``); then runs the delegate
and returns its result unchanged (Mesos reads ``ip4``/``ip6`` from it), and records the
container's addresses as members of its group: a file ``<membersDir>/cni-<container>-<ifname>.json``
and the addresses in the group's nftables sets. DEL removes exactly what ADD recorded, first
(while the addresses are still the container's), then runs the delegate's DEL; a failing
delegate leaves no membership behind. A container without a group is only delegated.

The sets are changed by the host daemon (``_membership.MemberService``) where it answers on
its socket, else by an nft process here. The Docker containerizer's containers get their
groups from the daemon's Docker watcher (``_membership.DockerGroups``), through ``join`` and
``leave`` below. The nft syntax is ``_nftables``'s.

It runs at every container's start and stop, and Python's start-up is most of its cost: this
module imports only what a CNI call needs (no ipaddress, subprocess, threading, nor json, which
imports re: ``_jsontext``; nor ``_dataplane``: its names come in the CNI config).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import _socket as socket  # the C module: socket.py would import enum and selectors
import sys

from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost, reap_left, spawn
from ansible_collections.mesos.overlay.plugins.module_utils._jsontext import dumps, loads

CNI_VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"]


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


def _nft(script, settle=True):
    """Run ``script`` as one nft transaction in an nft process: (rc, stderr text).

    ``settle=False``: return once the kernel has committed it. A batch that removed set elements
    commits at once, but nft's exit then waits for the kernel to free them (closing its netlink
    socket flushes that work past an RCU grace period: 8-30 ms); the CNI plugin's DEL (every
    container's stop) runs its delegate meanwhile and reaps nft at the end (``reap_left``)."""
    nft = CommandHost().which("nft")
    if nft is None:
        raise GroupError("nft is not installed (the nftables package): group policy needs it")
    # A CNI plugin runs without Ansible: there is no AnsibleModule.run_command to call.
    if settle:
        rc, unused, err = spawn([nft, "-f", "-"], script.encode())
    else:
        rc, unused, err = spawn([nft, "--echo", "-f", "-"], script.encode(), until=NFT_COMMITTED)
    return rc, err.decode(errors="replace").strip()


def change_members(run, joining, table, number, addresses):
    """Add (``joining``) or remove ``addresses`` in the sets of group ``number`` of ``table`` and in
    its mark maps, as one nft transaction run by ``run`` (script text -> (rc, error text)); returns
    its (rc, error).
    A removal that fails (one element gone already: a reconciliation removed it; the batch is all
    or nothing) is done again one element at a time; an addition that fails is tried once more
    after the addresses' old marks are taken out."""
    # Here, not at the top: the plugin's path through the daemon builds no nft text.
    from ansible_collections.mesos.overlay.plugins.module_utils._nftables import (
        join_script, leave_lines, leave_script, unmark_lines)

    if joining:
        rc, err = run(join_script(table, number, addresses))
        if rc != 0:
            # A mark map may hold an address still (a container's leave that did not reach the
            # kernel, until the daemon's next pass): the kernel refuses to add a key a map holds.
            # The address is this container's now: its old mark goes, and the join is tried once more.
            for line in unmark_lines(table, addresses):
                run(line + "\n")
            rc, err = run(join_script(table, number, addresses))
        return rc, err
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
    # Here, not at the top: the daemon holds the lock for the plugin's requests.
    from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import applying

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


def address_of(interface):
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
            found.add(address_of(result[key]["ip"]))
    for entry in result.get("ips") or []:
        if isinstance(entry, dict) and entry.get("address"):
            found.add(address_of(entry["address"]))
    return [socket.inet_ntop(family, packed) for family, packed in sorted(found)]


def container_group(config):
    """The group a container's config names (0: none): NetworkInfo.groups, or the label ``config["label"]``."""
    network_info = (((config.get("args") or {}).get("org.apache.mesos") or {}).get("network_info") or {})
    candidates = list(network_info.get("groups") or [])
    label = config.get("label")
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
    missing = [key for key in ("name", "delegate", "label", "membersDir", "table") if not config.get(key)]
    if missing or not isinstance(config["delegate"], dict):
        return cni_error(version, 7, "the network config needs %s: the real plugin's config as delegate, and the "
                         "names the mesos.overlay agent role writes" % ", ".join(missing or ["delegate"]))
    members_dir, table = config["membersDir"], config["table"]
    # None (a config written before the daemon served the plugin): nft here.
    daemon_socket = config.get("daemonSocket")
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
