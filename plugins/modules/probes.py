#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: probes
short_description: Run a host's connectivity probes side by side, in one call
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Runs the probes that P(mesos.overlay.probe_plan#filter) plans for this host (pings of every other host's VTEP,
    of its full MTU with don't-fragment set and one byte more, of its Docker bridges) at the same time, and returns
    one result per probe, so that a verify run prints one line per host instead of one per probe.
  - Where the host daemon C(mesos-overlay.service) probes its peers, a VTEP or full-MTU probe that the daemon saw
    pass within two of its probe intervals and one of its passes (its status file, O(health)) is taken from it and not sent again.
    A probe the daemon saw fail is always sent again, so a failure is only reported when this run saw it.
  - Changes nothing on the host.
options:
  probes:
    description: The probes, as P(mesos.overlay.probe_plan#filter) returns them.
    type: list
    elements: dict
    required: true
    suboptions:
      to:
        description: The host probed.
        type: str
        required: true
      kind:
        description: What is probed, C(vtep), C(vtep6), C(mtu), C(mtu+1) or C(docker <overlay>).
        type: str
        required: true
      target:
        description: The address probed.
        type: str
        required: true
      argv:
        description: The command that probes it, an argument list (never a shell).
        type: list
        elements: str
        required: true
      expect_ok:
        description: Whether the command must succeed (false for a packet that must not cross).
        type: bool
        default: true
      mtu:
        description: For C(mtu) probes, the VTEP MTU the probe fills (the daemon's full-MTU result counts only at it).
        type: int
  health:
    description: The host daemon's status file; an empty string probes everything.
    type: path
    default: /run/mesos-overlay/status.json
  parallel:
    description: How many probes run at the same time at most.
    type: int
    default: 16
attributes:
  check_mode:
    support: full
    description: Probes as in a normal run (nothing is changed either way).
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show before and after.
notes:
  - Needs C(ping) (iputils) on the host; probing the overlay needs no root beyond what C(ping) needs.
seealso:
  - module: mesos.overlay.vxlan_peers
"""

EXAMPLES = r"""
- name: Probe every other host from this one
  mesos.overlay.probes:
    probes: "{{ mesos_overlay_allocation | mesos.overlay.probe_plan(inventory_hostname) }}"
  register: probed
"""

RETURN = r"""
probes:
  description:
    - One result per probe, in the order given, each the probe's options and C(ok) (whether it did what
      C(expect_ok) says), C(source) (C(probe) when it ran, C(daemon) when the daemon's health answered it),
      C(rc), C(seconds) and C(error) (null for a probe the daemon answered).
  returned: always
  type: list
  elements: dict
  sample: [{to: agent-2, kind: vtep, target: 44.128.0.3, expect_ok: true, ok: true, source: daemon, rc: null,
            seconds: null, error: null, mtu: null, argv: [ping, -c, "1", -W, "2", 44.128.0.3]}]
broken:
  description: How many probes did not do what they should (the module itself succeeds; the report judges).
  returned: always
  type: int
from_daemon:
  description: How many probes the daemon's health answered.
  returned: always
  type: int
"""

from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module
from ansible_collections.mesos.overlay.plugins.module_utils._probes import Probes


def main():
    run_module(Probes)


if __name__ == "__main__":
    main()
