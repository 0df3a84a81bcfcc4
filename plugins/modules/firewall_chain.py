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
    rule of each chain named in O(jumps). Rules that are not in the list are removed, whatever their number.
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
      prefer:
        description:
          - A chain to jump from instead of O(jumps[].chain) whenever it exists in the table, for example C(DOCKER-USER),
            which Docker evaluates first from C(FORWARD) and never reorders, while it puts its own rules above any
            other rule of C(FORWARD) each time it starts. A jump left in the other chain is removed.
        type: str
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
  check_mode:
    support: full
    description: Reports what would change, runs nothing that changes the host.
  diff_mode:
    support: full
    description: Shows the rules of the chain and of the jumps before and after.
notes:
  - Needs C(iptables-save) and C(iptables-restore) (and the C(ip6tables) ones when O(rules6) is set) and root.
  - A host whose kernel has no IPv6 firewall can still use the module with O(rules6) left null.
seealso:
  - module: ansible.builtin.iptables
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._iptables import FAMILIES, FirewallChain, parse_save


class FirewallChainModule:
    """Reads each family's table, plans, then applies one restore transaction per family."""

    def __init__(self, module):
        self.module = module
        params = module.params
        self.chain = FirewallChain(params["name"], params["table"], params["rules"], params["rules6"],
                                   params["jumps"], state=params["state"], legacy_comment=params["purge_comment"])

    def read(self, family):
        """The table's chains, or None when the family's tools or kernel support are missing."""
        save = self.module.get_bin_path(FAMILIES[family][0])
        if save is None:
            return None
        rc, out, err = self.module.run_command([save, "-t", self.chain.table], environ_update={"LC_ALL": "C"})
        if rc != 0:
            return None
        return parse_save(out, self.chain.table)

    def run(self):
        plan = Plan()
        scripts = {}
        for family in (4, 6):
            chains = self.read(family)
            if chains is None:
                if self.chain.present_in(family):
                    raise ParameterError("rules%s: IPv%d rules are given but %s -t %s does not work on this host"
                                         % ("" if family == 4 else "6", family, FAMILIES[family][0],
                                            self.chain.table))
                continue
            family_plan, script = self.chain.plan(family, chains)
            plan.changes += family_plan.changes
            if script:
                scripts["ipv%d" % family] = script
        if scripts and not self.module.check_mode:
            for family in (4, 6):
                script = scripts.get("ipv%d" % family)
                if script:
                    restore = self.module.get_bin_path(FAMILIES[family][1], required=True)
                    rc, out, err = self.module.run_command([restore, "-w", "--noflush"], data=script,
                                                           binary_data=True, environ_update={"LC_ALL": "C"})
                    if rc != 0:
                        self.module.fail_json(msg="%s refused the change of %s: %s" % (
                            FAMILIES[family][1], self.chain.name, (err or out).strip()), script=script)
        result = {"changed": bool(plan), "changes": plan.as_result(), "scripts": scripts}
        if self.module._diff:
            result["diff"] = plan.diff("%s %s" % (self.chain.table, self.chain.name))
        return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            table=dict(type="str", choices=["filter", "nat", "mangle", "raw"], default="filter"),
            rules=dict(type="list", elements="str"),
            rules6=dict(type="list", elements="str"),
            jumps=dict(type="list", elements="dict", default=[], options=dict(
                chain=dict(type="str", required=True),
                match=dict(type="str", default=""),
                prefer=dict(type="str"),
            )),
            purge_comment=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    try:
        result = FirewallChainModule(module).run()
    except ParameterError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
