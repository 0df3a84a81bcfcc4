# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in host (``_host.Host``) that answers reads with what the real tools printed.

Reads (ip/bridge -j ..., iptables-save) are answered from tests/unit/fixtures/iproute, recorded
by tests/unit/fixtures/record.sh on a real kernel; a read that has no answer fails the test.
Every other command is recorded as run (with its stdin) and succeeds.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

from ansible_collections.mesos.overlay.plugins.module_utils._host import Host, HostError

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "iproute")


def recorded(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def recorded_json(name):
    return json.loads(recorded(name))


# What a step raises when a command fails (and what fail_json raises for the Docker module).
Failed = HostError


def _is_read(argv):
    return "-j" in argv or any(part.endswith("-save") for part in argv) or argv[1:2] == ["list"]


class FakeModule(Host):
    """A host for the steps (``run``, ``which``, ``warn``), holding the step's ``params`` too; for the
    Docker module, which takes an AnsibleModule, also ``fail_json`` and ``_diff``."""

    def __init__(self, params, check_mode=False, diff=False, answers=None, missing_bins=()):
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self._diff = diff
        self.answers = dict(answers or {})
        self.after_apply = None  # answers that replace these once a change has run
        self.missing_bins = set(missing_bins)
        self.ran = []
        self.warnings = []
        self.stdin = []
        self.fail_with = None  # (command, rc, stderr): that command fails so

    def which(self, name):
        return None if name in self.missing_bins else "/sbin/" + name

    def run(self, argv, data=None, env=None):
        key = " ".join(argv)
        if _is_read(argv):
            if key not in self.answers:
                raise AssertionError("unexpected read: %s" % key)
            return self.answers[key]
        self.ran.append(key)
        self.stdin.append(data)
        if self.fail_with is not None and key == self.fail_with[0]:
            return self.fail_with[1], "", self.fail_with[2]
        if self.after_apply is not None:
            self.answers.update(self.after_apply)
        return 0, "", ""

    @property
    def applied(self):
        """Every command applied, in order, with each ``-batch -`` process expanded into its
        lines (as `<binary> <line>`); ``ran`` holds the processes themselves."""
        commands = []
        for key, data in zip(self.ran, self.stdin):
            if key.endswith(" -batch -"):
                binary = key[:-len(" -batch -")]
                commands += ["%s %s" % (binary, line) for line in (data or "").splitlines()]
            else:
                commands.append(key)
        return commands

    def fail_json(self, msg, **result):
        raise HostError(msg, **result)

    def warn(self, text):
        self.warnings.append(text)


def vtep_answers(link=None, missing=False):
    """The reads of a VTEP as recorded (link: the recorded `ip -j -d link` JSON, changed)."""
    device = "vtep1024"
    answers = {
        "/sbin/ip -j -d link show dev u0": (0, recorded("bridge-link.json"), ""),
        "/sbin/ip -j addr show dev %s" % device: (0, recorded("addr.json"), ""),
        "/sbin/ip -j neigh show dev %s nud permanent" % device: (0, recorded("neigh.json"), ""),
        "/sbin/bridge -j fdb show dev %s" % device: (0, recorded("fdb.json"), ""),
        "/sbin/ip -j -4 route show dev %s proto 121" % device: (0, recorded("route4.json"), ""),
        "/sbin/ip -j -6 route show dev %s proto 121" % device: (0, recorded("route6.json"), ""),
        "/sbin/ip -j link show": (0, recorded("links.json"), ""),
    }
    if missing:
        answers["/sbin/ip -j -d link show dev %s" % device] = (1, "", recorded("missing.txt").replace("nosuch", device))
    else:
        answers["/sbin/ip -j -d link show dev %s" % device] = (
            0, json.dumps(link if link is not None else recorded_json("link.json")), "")
    return answers


def changed_link(**changes):
    """The recorded link with some attributes changed (mtu=..., id=... for the VNI)."""
    link = copy.deepcopy(recorded_json("link.json"))
    for key, value in changes.items():
        if key in ("id", "port", "local", "learning", "gbp"):
            link[0]["linkinfo"]["info_data"][key] = value
        else:
            link[0][key] = value
    return link
