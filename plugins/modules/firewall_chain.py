#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: firewall_chain
short_description: An iptables chain owned whole, IPv4 and IPv6, with the jumps into it
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Makes one chain of one table hold exactly the rules given, in order, and keeps the jump into it as the first
    rule of each chain named in O(jumps). Rules that are not in the list are removed, whatever their number, and so
    are jumps into the chain from chains that are not in O(jumps).
  - Reads the table with C(iptables-save) (C(ip6tables-save)), computes the changes as data, then applies them in one
    C(iptables-restore --noflush) transaction per family, so that the chain is never seen half-written.
  - O(state=absent) removes the chain and every jump into it, in both families.
  - Rules are compared in the form C(iptables-save) prints them (for example C(-s 192.0.2.1/32 -j ACCEPT),
    C(-p udp -m udp --dport 64000)); a rule written otherwise is applied but reported as changed on every run.
options:
  name:
    description: The chain, at most 28 characters.
    type: str
    required: true
  table:
    description: The table of the chain.
    type: str
    choices: [filter, nat, mangle, raw]
    default: filter
  rules:
    description:
      - The IPv4 rules of the chain, in order, each as C(iptables-save) prints it after C(-A <chain>).
      - Null (the default) means the chain does not exist in IPv4 (it is removed there); an empty list, an empty chain.
    type: list
    elements: str
  rules6:
    description: The IPv6 rules, as O(rules); null means the chain does not exist in IPv6.
    type: list
    elements: str
  jumps:
    description: Where the chain is jumped to from; each jump is kept as the first rule of its chain.
    type: list
    elements: dict
    default: []
    suboptions:
      chain:
        description: The chain that jumps (C(INPUT), C(FORWARD), C(POSTROUTING), ...).
        type: str
        required: true
      match:
        description: What the jump matches (for example C(-p udp -m udp --dport 64000)); empty for every packet.
        type: str
        default: ""
      first:
        description:
          - Keep the jump as the first rule of O(jumps[].chain). With V(false), the jump is inserted first when it is
            missing and then left where it is, for chains where another program puts its own rules first each time it
            starts (Docker does so in C(FORWARD)).
        type: bool
        default: true
      create:
        description:
          - Create O(jumps[].chain) when it does not exist, for example C(DOCKER-USER), which Docker then keeps, jumps to
            first from C(FORWARD) and never reorders.
        type: bool
        default: false
  purge_comment:
    description:
      - Rules of the chains in O(jumps) whose comment starts with this text are removed (rules that an earlier
        version of a role wrote straight into the built-in chains).
    type: str
  state:
    description: Whether the chain exists.
    type: str
    choices: [present, absent]
    default: present
attributes:
  diff_mode:
    support: full
    description: Shows the rules of the chain and of the jumps before and after.
notes:
  - Needs C(iptables-save) and C(iptables-restore) (and the C(ip6tables) ones when O(rules6) is set) and root.
  - A host whose kernel has no IPv6 firewall can still use the module with O(rules6) left null.
seealso:
  - module: ansible.builtin.iptables
extends_documentation_fragment:
  - mesos.overlay.host
"""

EXAMPLES = r"""
- name: Accept VXLAN packets only from the members of the overlay
  mesos.overlay.firewall_chain:
    name: MESOS-OVERLAY-VXLAN
    rules:
      - -s 192.0.2.10/32 -j ACCEPT
      - -s 192.0.2.21/32 -j ACCEPT
      - -j DROP
    jumps:
      - {chain: INPUT, match: -p udp -m udp --dport 64000}

- name: Remove it
  mesos.overlay.firewall_chain:
    name: MESOS-OVERLAY-VXLAN
    state: absent
"""

RETURN = r"""
changes:
  description:
    - What differed and was (in check mode, would be) changed. Each C({kind, key, action, before, after}); C(kind) is
      C(chain) (C(before)/C(after) the rule lists), C(jump) (the jumps into the chain from C(key)'s chain) or
      C(rule) (a rule removed by O(purge_comment)); C(key) starts with the family and the table.
  returned: always
  type: list
  elements: dict
  sample:
    - {kind: chain, key: ipv4 filter MESOS-OVERLAY-VXLAN, action: change,
       before: ["-s 192.0.2.10/32 -j ACCEPT", "-j DROP"],
       after: ["-s 192.0.2.10/32 -j ACCEPT", "-s 192.0.2.21/32 -j ACCEPT", "-j DROP"]}
scripts:
  description: The C(iptables-restore) input of each family that was (in check mode, would be) applied.
  returned: always
  type: dict
  sample: {ipv4: "*filter\n:MESOS-OVERLAY-VXLAN - [0:0]\n-A MESOS-OVERLAY-VXLAN -j DROP\nCOMMIT\n"}
"""

from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module
from ansible_collections.mesos.overlay.plugins.module_utils._iptables import FirewallChainModule


def main():
    run_module(FirewallChainModule)


if __name__ == "__main__":
    main()
