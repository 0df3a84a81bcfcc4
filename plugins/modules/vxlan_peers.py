#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vxlan_peers
short_description: The permanent entries that join a VTEP to the other overlay hosts
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - For each peer, programs on the VTEP device what dcos-net programmed,
    a permanent neighbour entry from the peer's VTEP address (and IPv6 VTEP address) to its MAC,
    a permanent forwarding-database entry sending that MAC to the peer's underlay address,
    and a route to each of the peer's subnets via its VTEP address (IPv6 subnets via its IPv6 VTEP address).
  - With O(purge), permanent neighbour and forwarding entries on the device that belong to no peer are removed,
    and so are the routes this module owns that lead nowhere now.
  - The routes this module owns carry the route protocol number C(121) (C(ip route show proto 121)).
    Routes on the device with any other protocol, such as the kernel's connected routes or routes an operator
    added by hand, are never touched.
  - Runs C(ip) and C(bridge) from iproute2 with argument lists and reads their JSON output. Reads every entry,
    computes the changes as data, then applies them; check mode and diff come from that plan.
  - The plan is applied in one C(bridge -batch -) and one C(ip -batch -) process per run of consecutive commands, not
    one process per entry (1,000 peers from scratch in a fraction of a second); a line that fails stops the run and is
    named as the command of its entry.
  - In check mode, a device that does not exist yet (M(mesos.overlay.vxlan_link) would create it in the same run)
    is taken as empty, and every entry is reported as to be added.
options:
  device:
    description: The VTEP device, which must exist (see M(mesos.overlay.vxlan_link)).
    type: str
    default: vtep1024
  purge:
    description: Remove the entries on the device that no longer belong to a peer.
    type: bool
    default: true
attributes:
  diff_mode:
    support: full
    description: Shows the neighbour, forwarding and route entries before and after.
notes:
  - Needs C(CAP_NET_ADMIN) (root) on the host.
seealso:
  - module: mesos.overlay.vxlan_link
extends_documentation_fragment:
  - mesos.overlay.host
  - mesos.overlay.peers
"""

EXAMPLES = r"""
- name: Join this host's VTEP to two other hosts
  mesos.overlay.vxlan_peers:
    device: vtep1024
    peers:
      - vtep_ip: 44.128.0.1/20
        vtep_ip6: fd01:a::1/64
        mac: "70:b3:d5:80:00:01"
        underlay_ip: 192.0.2.10
        subnets: [9.0.0.0/24, "fd01:b::/80"]
      - vtep_ip: 44.128.0.3
        mac: "70:b3:d5:80:00:03"
        underlay_ip: 192.0.2.12
        subnets: [9.0.2.0/24]
"""

RETURN = r"""
changes:
  description:
    - The entries added, replaced or removed (in check mode, that would be), in the order applied. Each
      C({kind, key, action, before, after}); C(kind) is C(neighbour), C(fdb), C(route4) or C(route6); C(key) the
      neighbour address, the MAC or the routed network; C(before) and C(after) the MAC, the underlay address
      or the gateway (null when the entry does not exist on that side); C(action) is C(add), C(change) or C(remove).
  returned: always
  type: list
  elements: dict
  sample: [{kind: route4, key: 9.0.2.0/24, action: add, before: null, after: 44.128.0.3}]
commands:
  description: The commands run (in check mode, that would be run), one per entry, as the lines of the batches.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanPeers


def main():
    run_module(VxlanPeers)


if __name__ == "__main__":
    main()
