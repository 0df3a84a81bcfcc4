#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dataplane
short_description: A host's whole overlay data plane in one call, as it is restored at boot
version_added: 4.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Applies what the P(mesos.overlay.dataplane#filter) filter computes for a host, an agent's forwarding sysctls
    (under C(/proc/sys)), the VTEP
    (M(mesos.overlay.vxlan_link)), the entries of every peer (M(mesos.overlay.vxlan_peers)) and each firewall chain
    (M(mesos.overlay.firewall_chain)), with those modules' own code, in one module call, after writing it to
    O(path), the file the host daemon C(mesos-overlay.service) applies at every boot and keeps the kernel equal to.
  - A data plane computed from a view without peers (C(mesos.overlay.host_view(name, peers=false)), what the roles
    keep per host) has no peers and no VXLAN chain members. They are filled in here, on the host, from O(peers),
    the run's one peer table (P(mesos.overlay.peers#filter) without a name) - every member but this host become
    peers, every member's underlay address is accepted on the VXLAN port. So no host holds a per-host list of every
    member on the controller, and a run grows linearly with the cluster.
  - With C(group_policy) in O(dataplane) (the filter adds it when given the checked group policy), the last step owns
    the host's nftables table C(inet mesos_overlay) - a set of addresses per group (C(g<N>_4), C(g<N>_6)), the chain
    that marks the packets of each group's members with the group, and the chains that accept or drop traffic to
    local containers by (group of the sender, group of the receiver) - in one nft transaction. The members are the
    files under C(/run/mesos-overlay/groups) that the C(mesos-overlay-groups) CNI plugin and Docker watcher write;
    set elements without a file are removed. The VTEP then carries the group in the VXLAN header (C(gbp)); turning it
    on or off recreates the VTEP once, which the C(vtep) result says.
  - Each step reads, plans, then applies; check mode and diff come from the plans. The result keeps each step's
    result apart.
attributes:
  diff_mode:
    description: The file's text before and after, and each step's changes.
    support: full
notes:
  - Runs C(ip) and C(bridge) from iproute2 and C(iptables-save)/C(iptables-restore) (and their IPv6 twins), and
    C(nft) for a group policy (package nftables; not needed when no overlay of the host has one).
seealso:
  - module: mesos.overlay.vxlan_link
  - module: mesos.overlay.vxlan_peers
  - module: mesos.overlay.firewall_chain
extends_documentation_fragment:
  - mesos.overlay.host
  - mesos.overlay.dataplane
  - mesos.overlay.peers
"""

EXAMPLES = r"""
- name: The peer table of the run, once
  ansible.builtin.set_fact:
    peer_table: "{{ allocation | mesos.overlay.peers }}"
  run_once: true

- name: This host's data plane, in one call
  mesos.overlay.dataplane:
    dataplane: "{{ allocation | mesos.overlay.host_view(inventory_hostname, peers=false) | mesos.overlay.dataplane }}"
    peers: "{{ peer_table }}"
"""

RETURN = r"""
changes:
  description:
    - Every change (in check mode, that would be made), in the order applied - the file's, the sysctls', then those of
      M(mesos.overlay.vxlan_link), M(mesos.overlay.vxlan_peers) and M(mesos.overlay.firewall_chain) for each chain.
      Each C({kind, key, action, before, after}).
  returned: always
  type: list
  elements: dict
  sample: [{kind: route4, key: 9.0.2.0/24, action: add, before: null, after: 44.128.0.3}]
file:
  description: Whether the file at O(path) changed (C(changed), C(path), C(changes)).
  returned: always
  type: dict
sysctl:
  description: The result of the sysctl step (C(changed), C(changes) of kind C(sysctl), key the setting's name).
  returned: always
  type: dict
vtep:
  description: The result of the VTEP step, as M(mesos.overlay.vxlan_link) returns it.
  returned: always
  type: dict
peers:
  description: The result of the peers step, as M(mesos.overlay.vxlan_peers) returns it.
  returned: always
  type: dict
firewall:
  description:
    - The chains' results, as a loop of M(mesos.overlay.firewall_chain) returns them (C(results), each with
      C(item.name), the chain).
  returned: always
  type: dict
group_policy:
  description:
    - The result of the group policy step (C(changed), C(changes) of kind C(table), C(set), C(chain), C(rules) or
      C(member), C(commands), the nft script lines applied). Unchanged when the data plane has no C(group_policy).
  returned: always
  type: dict
  version_added: 4.1.0
"""

from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import DataPlane


def main():
    run_module(DataPlane)


if __name__ == "__main__":
    main()
