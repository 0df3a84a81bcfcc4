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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import socket
import threading

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    PLANE_PATH, StepFailed, apply, applying, change_text, check_plane, count_changes)

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

    def __init__(self, path, host, interval=RECONCILE_INTERVAL, attempts=30):
        self.path = path
        self.host = host
        self.interval = interval
        self.attempts = attempts
        self.stopping = threading.Event()
        self.plane = None
        self.signature = None
        self.problems = {}
        self.changes = 0

    def say_once(self, kind, problem):
        """Report a problem of ``kind`` (``plane``, ``reconcile``) when it starts, not at every
        poll; None says it ended."""
        if problem == self.problems.get(kind):
            return
        if problem is None:
            self.host.say("recovered: %s" % self.problems.pop(kind))
        else:
            self.host.say("problem: %s" % problem)
            self.problems[kind] = problem

    def load(self):
        """Read the plane file when it changed; keep the last good plane when it is not one.
        Returns True when there is a plane to apply."""
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
        self.plane, self.signature = plane, signature
        self.say_once("plane", None)
        return True

    def reconcile(self):
        """One pass: the kernel made equal to the plane. Returns the number of changes, or None on failure."""
        if not self.load():
            return None
        try:
            with applying():
                results = apply(self.plane, self.host)
        except StepFailed as exc:
            self.say_once("reconcile", "reconcile failed, will try again: %s" % exc)
            return None
        for line in change_lines(results, self.host.check_mode):
            self.host.say(line)
        count = count_changes(results)
        self.changes += count
        self.say_once("reconcile", None)
        return count

    def restore(self):
        """The first pass, at boot: the underlay may still be coming up, so try for a while."""
        if not self.load():
            return False
        self.host.say("restoring the overlay data plane of %s from %s" % (self.plane.get("host"), self.path))
        for attempt in range(1, self.attempts + 1):
            count = self.reconcile()
            if count is not None:
                self.host.say("restored: %d change(s)" % count)
                return True
            if attempt < self.attempts and self.stopping.wait(2):
                break
        return False

    def run(self):
        """Restore, say READY, then reconcile every interval until ``stopping`` is set."""
        restored = self.restore()
        notify("READY=1")
        if not restored:
            self.host.say("starting without a restored plane: reconciling every %gs" % self.interval)
        while not self.stopping.wait(self.interval):
            self.reconcile()
        notify("STOPPING=1")
        self.host.say("stopped (%d change(s) made since start); the kernel keeps the plane" % self.changes)
        return 0


__all__ = ("LINES_PER_STEP", "PLANE_PATH", "RECONCILE_INTERVAL", "Daemon", "change_lines", "notify")
