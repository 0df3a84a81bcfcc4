# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host daemon (``mesos-overlay run``, the unit ``mesos-overlay.service``): it restores the
host's plane at boot, then keeps the kernel equal to it.

Every ``interval`` seconds it reads the plane file again when it changed (a run rewrote it) and
reconciles: each step reads the kernel, plans what differs and applies only that, as the
dataplane module does, under the host's apply lock. So an entry deleted or changed by hand is
back within one interval, and only the overlay's own entries are touched. A plane file that
cannot be read or is not a plane is reported once and the last good plane is kept: nothing is
ever flushed for want of a plane. It logs one line per change and one per problem (when it
starts and when it ends), never one per poll.

On an agent with a group policy it also applies the group plugin's changes for it
(``_membership.MemberService``: a container's start then runs no nft process), and follows Docker (``_membership.DockerGroups``, a thread
while the watcher's config exists): each Docker container on a policed overlay gets the group of
its label, as the CNI plugin gives Mesos containers theirs.

With the ZooKeeper store (a ``_follower.Follower``), the peers come from the store: a write
anywhere wakes the daemon at once, it takes the store's peer table into the plane, writes the
plane file (so that a reboot with the store down restores the latest) and reconciles. A store
that cannot be reached or holds a table this host cannot use is reported once and the last good
plane is kept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import json
import os
import pwd
import socket
import threading
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    PLANE_PATH, PLANE_RETRY, StepFailed, apply, applying, change_text, check_plane, count_changes, with_table, write_plane)
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import StoreError

# How often the kernel is compared with the plane: a hand-made change is repaired within this.
RECONCILE_INTERVAL = 5.0
# A change listed key by key up to this many per step; beyond, counted (a first restore of a
# large cluster would otherwise write thousands of lines).
LINES_PER_STEP = 20


def notify(state):
    """Tell systemd ``state`` (``READY=1``, ``STOPPING=1``) when it asked to be told (Type=notify)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.connect(address)
        sock.sendall(state.encode())
    except OSError:
        pass
    finally:
        sock.close()


def watchdog_enabled():
    """Whether systemd expects keep-alive pings (``WATCHDOG=1``) from this process: the unit sets
    ``WatchdogSec=``, and systemd passes it as ``WATCHDOG_USEC`` (for ``WATCHDOG_PID``, when set)."""
    if not os.environ.get("WATCHDOG_USEC"):
        return False
    pid = os.environ.get("WATCHDOG_PID")
    return not pid or pid == str(os.getpid())


def follower_of(store_path):
    """The Follower of the store the store file at ``store_path`` names; None without the file
    (the files store). Raises ParameterError naming the file."""
    from ansible_collections.mesos.overlay.plugins.module_utils._follower import Follower, load_store_file

    url = load_store_file(store_path)
    return None if url is None else Follower(url, threading.Event())


def change_lines(results, check_mode=False):
    """One line per change in what ``apply`` returned, ``<step>: <change>``, at most LINES_PER_STEP per step."""
    lines = []
    named = [(key, result) for key, result in sorted(results.items()) if key != "firewall"]
    named += [("firewall %s" % result["item"]["name"], result) for result in results["firewall"]]
    for label, result in named:
        changes = result.get("changes") or []
        for change in changes[:LINES_PER_STEP]:
            lines.append("%s: %s%s" % (label, change_text(change), " (check mode)" if check_mode else ""))
        if len(changes) > LINES_PER_STEP:
            lines.append("%s: and %d more change(s)" % (label, len(changes) - LINES_PER_STEP))
    return lines


class Daemon(object):
    """Follows the plane file at ``path`` on ``host`` (a ``_host.CommandHost``)."""

    def __init__(self, path, host, interval=RECONCILE_INTERVAL, attempts=30, follower=None, docker_groups=None,
                 status=None, metrics=None, health=None, members=None):
        self.path = path
        self.host = host
        # A _status.DaemonStatus (what `mesos-overlay status` reads) and a _metrics.Metrics (what
        # Prometheus scrapes), each or None: both are told of every pass, problem and store read.
        self.status = status
        self.metrics = metrics
        # A _health.PeerHealth probing the plane's peers, or None.
        self.health = health
        # A _membership.DockerGroups, or None (no Docker watcher, as in a restore).
        self.docker_groups = docker_groups
        # A _membership.MemberService (the group plugin's changes, applied here), or None.
        self.members = members
        self.interval = interval
        self.attempts = attempts
        self.follower = follower
        self.stopping = threading.Event()
        # Set by stop() and by the follower when the store may have changed.
        self.wake = follower.wake if follower is not None else threading.Event()
        self.plane = None
        self.signature = None
        self.table = None
        self.problems = {}
        self.changes = 0
        # Whether the plane changed (a run rewrote the file, or the store's table) since the last
        # pass: the changes of a pass without are repairs of hand-made changes (drift).
        self.plane_changed = True
        self.reloading = threading.Event()

    def stop(self):
        """End the loop (SIGTERM, SIGINT)."""
        self.stopping.set()
        self.wake.set()

    def pause(self):
        """Seconds until the next pass: the interval, or PLANE_RETRY while there is no plane yet."""
        return self.interval if self.plane is not None else min(self.interval, PLANE_RETRY)

    def reload(self):
        """A pass now, the plane file read again (SIGHUP: ``systemctl reload mesos-overlay``). Safe in
        a signal handler: it only sets events; the loop says it."""
        self.reloading.set()
        self.wake.set()

    def say_once(self, kind, problem):
        """Report a problem of ``kind`` (``plane``, ``store``, ``reconcile``) when it starts, not
        at every poll; None says it ended."""
        if problem == self.problems.get(kind):
            return
        if problem is None:
            self.host.say("recovered: %s" % self.problems.pop(kind))
        else:
            self.host.say("problem: %s" % problem)
            self.problems[kind] = problem
        self.tell("problems", self.problems)

    def load(self):
        """Read the plane file when it changed; keep the last good plane when it is not one.
        Returns True when there is a plane to apply."""
        loaded = self._load()
        if self.follower is None:
            # With the files store, the plane file is the store.
            self.tell("store_read", "plane" not in self.problems)
        return loaded

    def _load(self):
        try:
            stat = os.stat(self.path)
        except OSError as exc:
            self.say_once("plane", "cannot read %s (%s): keeping %s" % (
                self.path, exc.strerror, "the last good plane" if self.plane else "the kernel as it is"))
            return self.plane is not None
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if signature == self.signature:
            return self.plane is not None
        try:
            with open(self.path) as handle:
                plane = json.load(handle)
            check_plane(plane)
        except (OSError, ValueError, ParameterError) as exc:
            # Read again only when it is rewritten.
            self.signature = signature
            self.say_once("plane", "%s is not a plane (%s): keeping %s" % (
                self.path, exc, "the last good plane" if self.plane else "the kernel as it is"))
            return self.plane is not None
        if self.plane is not None and plane != self.plane:
            self.host.say("plane: %s changed, applying it" % self.path)
        if plane != self.plane:
            self.plane_changed = True
        self.plane, self.signature = plane, signature
        self.say_once("plane", None)
        return True

    def follow(self):
        """Take the store's peer table when it changed; keep the last one when it cannot be read."""
        if self.follower is None:
            return
        try:
            table = self.follower.peers()
        except (StoreError, ParameterError) as exc:
            self.tell("store_read", False)
            self.say_once("store", "cannot read the store %s (%s): keeping the last good plane"
                          % (self.follower.describe(), exc))
            return
        self.tell("store_read", True if self.follower.connected() else None)
        self.say_once("store", None)
        if table is not None:
            self.table = table

    def adopt(self):
        """The plane with the store's peers, written to the plane file when that changes it (so
        that a reboot restores it); under the apply lock."""
        if self.table is None:
            return
        try:
            plane = with_table(self.plane, self.table)
        except ParameterError as exc:
            self.say_once("table", "the store's peer table does not fit this host (%s): keeping the last good plane"
                          % exc)
            return
        self.say_once("table", None)
        if plane == self.plane:
            return
        before = set(peer["name"] for peer in self.plane["vxlan_peers"].get("peers") or [])
        after = set(peer["name"] for peer in plane["vxlan_peers"]["peers"])
        # The file keeps the owner the run gave it (root).
        stat = os.stat(self.path)
        write_plane(self.path, plane, self.host, owner=pwd.getpwuid(stat.st_uid).pw_name,
                    group=grp.getgrgid(stat.st_gid).gr_name)
        stat = os.stat(self.path)
        self.plane, self.signature = plane, (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        self.plane_changed = True
        self.host.say("store: %d peer(s)%s%s%s" % (
            len(after), "; added " + ", ".join(sorted(after - before)) if after - before else "",
            "; removed " + ", ".join(sorted(before - after)) if before - after else "",
            "; entries changed" if after == before else ""))

    def reconcile(self, follow=True):
        """One pass: the kernel made equal to the plane (with the store's peers, unless ``follow``
        is off: the restore at boot does not wait for the store). Returns the number of changes,
        or None on failure."""
        if not self.load():
            return None
        if follow:
            self.follow()
        started = time.monotonic()
        try:
            with applying():
                self.adopt()
                results = apply(self.plane, self.host)
        except StepFailed as exc:
            self.passed("error", 0, started)
            self.say_once("reconcile", "reconcile failed, will try again: %s" % exc)
            return None
        for line in change_lines(results, self.host.check_mode):
            self.host.say(line)
        count = count_changes(results)
        self.changes += count
        # The restore at boot (follow off) puts back what the reboot took, not a hand-made change.
        self.passed("ok", count, started, repairs=0 if self.plane_changed or not follow else count)
        self.plane_changed = False
        self.say_once("reconcile", None)
        return count

    def serve_members(self):
        """Serve the group plugin while the plane has a group policy (an agent's plugin may ask), not otherwise."""
        if self.members is not None:
            self.members.check(bool(self.plane) and (self.plane.get("group_policy") or {}).get("state") == "present")

    def passed(self, result, count, started, repairs=0):
        """Tell the status file and the metrics how a pass ended."""
        self.tell("passed", result, count, repairs, time.monotonic() - started)

    def tell(self, what, *args):
        """Call ``what`` (``passed``, ``problems``, ``store_read``) of the status file and the
        metrics; the status file is written after all but a store read (a pass follows it)."""
        for reporter in (self.status, self.metrics):
            if reporter is not None:
                getattr(reporter, what)(*args)
        if self.status is not None and what != "store_read":
            self.status.write()

    def restore(self):
        """The first pass, at boot: the underlay may still be coming up, so try for a while."""
        if not self.load():
            return False
        self.host.say("restoring the overlay data plane of %s from %s" % (self.plane.get("host"), self.path))
        for attempt in range(1, self.attempts + 1):
            count = self.reconcile(follow=False)
            if count is not None:
                self.host.say("restored: %d change(s)" % count)
                return True
            if attempt < self.attempts and self.stopping.wait(2):
                break
        return False

    def run(self):
        """Restore, say READY, then reconcile every interval until ``stopping`` is set."""
        if self.status is not None:
            self.status.write()
        restored = self.restore()
        # Before READY: Mesos starts after it and attaches (and recovers) containers at once.
        self.serve_members()
        notify("READY=1")
        if self.health is not None and not self.health.start():
            self.say_once("health", "peer health: ping is not installed (iputils-ping): no peer is probed")
        if not restored:
            self.host.say("starting without a restored plane: reconciling every %gs%s" % (
                self.interval, "" if self.plane is not None else ", looking for %s every %gs until there is one"
                % (self.path, self.pause())))
        watchdog = watchdog_enabled()
        while not self.stopping.is_set():
            if watchdog:
                # Once a pass: a loop stuck in one (a command that never returns) stops the pings,
                # and systemd kills the daemon and starts it again (WatchdogSec=, Restart=on-failure).
                notify("WATCHDOG=1")
            self.serve_members()
            if self.docker_groups is not None:
                # Docker starts after the daemon (it waits for the restore): the thread waits for it.
                self.docker_groups.check()
            self.wake.wait(self.pause())
            self.wake.clear()
            if self.stopping.is_set():
                break
            if self.reloading.is_set():
                self.reloading.clear()
                self.host.say("reload: a pass now")
            self.reconcile()
        notify("STOPPING=1")
        if self.health is not None:
            self.health.stop()
        if self.status is not None:
            self.status.remove()
        if self.docker_groups is not None:
            self.docker_groups.stop()
        if self.members is not None:
            self.members.stop()
        if self.follower is not None:
            self.follower.close()
        self.host.say("stopped (%d change(s) made since start); the kernel keeps the plane" % self.changes)
        return 0


__all__ = ("LINES_PER_STEP", "PLANE_PATH", "RECONCILE_INTERVAL", "Daemon", "change_lines", "follower_of", "notify",
           "watchdog_enabled")
