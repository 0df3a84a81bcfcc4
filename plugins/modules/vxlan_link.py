#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vxlan_link
short_description: The VXLAN tunnel endpoint (VTEP) of a Mesos overlay host
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Creates, reconciles or removes the VXLAN device that joins a host to the Mesos overlay network,
    as dcos-net did on every DC/OS host.
  - What the kernel can change in place is changed in place (MTU, MAC, addresses, learning, up).
    The device is recreated only when the VNI, UDP port, underlay source address, underlay device or
    O(gbp) differ, because the kernel refuses to change those; the result says so in RV(recreated) and in the
    C(reason) of the C(device) change in RV(changes).
  - Reads the device, computes every change as data, then applies them; check mode and diff come from that plan.
  - The MAC is only written when it differs, since rewriting it flushes the permanent neighbour entries.
  - Runs C(ip) from iproute2 with argument lists and reads its JSON output; needs nothing else on the host.
options:
  name:
    description: Name of the device.
    type: str
    default: vtep1024
  vni:
    description: VXLAN network identifier, 1 to 16777215.
    type: int
    default: 1024
  port:
    description: UDP destination port of the tunnel, 1 to 65535.
    type: int
    default: 64000
  mac:
    description:
      - MAC address of the device (unicast). Left as the kernel chose it when not given.
    type: str
  mtu:
    description: MTU of the device, 68 to 65535. Left alone when not given.
    type: int
  addresses:
    description:
      - The exact set of addresses, with prefix lengths, that the device holds (IPv4 and IPv6);
        others are removed. The kernel's own IPv6 link-local address is left alone.
      - An IPv6 address turns IPv6 on for this device only (C(disable_ipv6=0)) and is added without
        duplicate address detection, since the overlay allocation already makes it unique.
    type: list
    elements: str
    default: []
  local:
    description: Underlay IPv4 source address of the tunnel.
    type: str
  dev:
    description: Underlay device the tunnel sends through; must exist.
    type: str
  learning:
    description: Whether the device learns remote MACs from traffic. Off for the overlay, which programs them.
    type: bool
    default: false
  gbp:
    description:
      - VXLAN Group Based Policy - the low 16 bits of a sent packet's mark travel in the VXLAN header and become
        the mark of the packet on the receiving host (the group policy of M(mesos.overlay.dataplane)).
      - The kernel cannot switch it on an existing device - turning it on or off recreates the device once
        (RV(recreated), with the reason in RV(changes)).
    type: bool
    default: false
    version_added: 4.1.0
  state:
    description: Whether the device should exist.
    type: str
    choices: [present, absent]
    default: present
attributes:
  diff_mode:
    support: full
    description: Shows the device before and after.
notes:
  - Needs C(CAP_NET_ADMIN) (root) on the host. Writing C(disable_ipv6) needs a writable C(/proc/sys).
seealso:
  - module: mesos.overlay.vxlan_peers
extends_documentation_fragment:
  - mesos.overlay.host
"""

EXAMPLES = r"""
- name: Bring up the VTEP of this host
  mesos.overlay.vxlan_link:
    name: vtep1024
    vni: 1024
    port: 64000
    mac: "70:b3:d5:80:00:02"
    mtu: 1450
    addresses:
      - 44.128.0.2/20
      - fd01:a::2/64

- name: Remove it
  mesos.overlay.vxlan_link:
    name: vtep1024
    state: absent
"""

RETURN = r"""
device:
  description: The device after the run (in check mode, as it would be). Empty when absent.
  returned: always
  type: dict
  sample:
    name: vtep1024
    ifindex: 7
    vni: 1024
    port: 64000
    local: null
    dev: null
    learning: false
    mac: "70:b3:d5:80:00:02"
    mtu: 1450
    up: true
    addresses: [44.128.0.2/20, fd01:a::2/64]
recreated:
  description: Whether the device was (or would be) deleted and created again.
  returned: always
  type: bool
changes:
  description:
    - What differed and was (in check mode, would be) changed, in the order applied. Each C({kind, key, action,
      before, after}) and, for a recreation, C(reason). C(kind) is C(device), C(learning), C(mac), C(mtu),
      C(address), C(sysctl) or C(up); C(action) is C(add), C(change) or C(remove).
  returned: always
  type: list
  elements: dict
  sample:
    - {kind: device, key: vtep1024, action: change, before: {vni: 1025}, after: {vni: 1024}, reason: "vni: 1025 -> 1024"}
    - {kind: address, key: 44.128.0.2/20, action: add, before: null, after: 44.128.0.2/20}
commands:
  description: The commands run (in check mode, that would be run).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanLink


def main():
    run_module(VxlanLink)


if __name__ == "__main__":
    main()
