# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's modules: a firewall chain owned whole, planned then applied.

The table is read with ``iptables-save`` (``ip6tables-save``), the differences are planned as
data, and the plan is applied in one ``iptables-restore --noflush`` transaction per family:
the chain is declared (which creates or flushes it) and refilled, and the jumps into it are
put back in first place, atomically. Rules are compared in the form iptables-save prints.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
import shlex

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError

TABLES = ("filter", "nat", "mangle", "raw")
FAMILIES = {4: ("iptables-save", "iptables-restore"), 6: ("ip6tables-save", "ip6tables-restore")}
CHAIN_RE = re.compile(r"^[A-Za-z0-9_.-]{1,28}$")


# The overlay's chains' rules, built here only (the controller calls these with data), written
# the way iptables-save prints them so that a converged host compares equal.
def accept_sources(addresses):
    """The VXLAN chain: each of ``addresses`` (members' underlay IPv4) accepted, anyone else dropped."""
    ordered = sorted(set(addresses), key=ipaddress.ip_address)
    return ["-s %s/32 -j ACCEPT" % address for address in ordered] + ["-j DROP"]


def forward_rules(subnets):
    """The forward chain: traffic from and to each of ``subnets`` (one family) accepted."""
    rules = []
    for subnet in subnets:
        rules += ["-s %s -j ACCEPT" % subnet, "-d %s -j ACCEPT" % subnet]
    return rules


def nat_rules(subnets, internal):
    """The NAT chain: traffic of ``subnets`` to the ``internal`` address spaces left alone, the rest masqueraded."""
    rules = []
    for subnet in subnets:
        rules += ["-s %s -d %s -j RETURN" % (subnet, space) for space in internal]
        rules.append("-s %s -j MASQUERADE" % subnet)
    return rules


def udp_port_match(port):
    """The match of a jump that takes only the VXLAN port's packets."""
    return "-p udp -m udp --dport %d" % int(port)


def normalize_rule(text):
    """A rule with its whitespace collapsed and its words re-quoted as iptables-save does."""
    try:
        words = shlex.split(str(text))
    except ValueError as exc:
        raise ParameterError("rules: %r is not a rule (%s)" % (text, exc))
    return " ".join('"%s"' % word if (" " in word or not word) else word for word in words)


def target_of(rule):
    """The chain or target a rule jumps to (-j/--jump, -g/--goto), or None."""
    words = shlex.split(rule)
    for position, word in enumerate(words[:-1]):
        if word in ("-j", "--jump", "-g", "--goto"):
            return words[position + 1]
    return None


def comment_of(rule):
    words = shlex.split(rule)
    for position, word in enumerate(words[:-1]):
        if word == "--comment":
            return words[position + 1]
    return None


def parse_save(text, table):
    """{chain: [rule, ...]} of one table in iptables-save output (built-in and user chains)."""
    chains = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("*"):
            current = line[1:]
            continue
        if current != table or not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            chains.setdefault(line[1:].split()[0], [])
        elif line.startswith("-A "):
            chain, rule = (line.split(" ", 2) + [""])[1:3]
            chains.setdefault(chain, []).append(normalize_rule(rule))
    return chains


class FirewallChain:
    """One chain in one table, IPv4 and IPv6, with the jumps into it."""

    def __init__(self, name, table, rules, rules6, jumps, state="present", legacy_comment=None):
        if not CHAIN_RE.match(name or ""):
            raise ParameterError("name: %r is not a chain name (letters, digits, '_', '.', '-', at most 28)" % name)
        if table not in TABLES:
            raise ParameterError("table: %r is not one of %s" % (table, ", ".join(TABLES)))
        self.name = name
        self.table = table
        self.state = state
        self.legacy_comment = legacy_comment or None
        self.wanted = {4: None if rules is None else [normalize_rule(r) for r in rules],
                       6: None if rules6 is None else [normalize_rule(r) for r in rules6]}
        self.jumps = []
        for position, jump in enumerate(jumps or []):
            jump = jump or {}
            parent = jump.get("chain")
            if not CHAIN_RE.match(parent or ""):
                raise ParameterError("jumps[%d].chain: %r is not a chain name" % (position, parent))
            if parent == name or parent in [j["chain"] for j in self.jumps]:
                raise ParameterError("jumps[%d].chain: %r is listed twice or is the chain itself" % (position, parent))
            match = normalize_rule(jump.get("match") or "")
            if target_of(match + " -j X") != "X":
                raise ParameterError("jumps[%d].match: %r must only match, not jump" % (position, jump.get("match")))
            self.jumps.append({"chain": parent, "rule": (match + " -j " + name).strip(),
                               "first": jump.get("first", True) is not False, "create": bool(jump.get("create"))})

    def present_in(self, family):
        return self.state == "present" and self.wanted[family] is not None

    def plan(self, family, chains):
        """(Plan, restore script or None) that makes the table ``chains`` (parse_save) as wanted."""
        plan = Plan()
        label = "ipv%d %s" % (family, self.table)
        lines = []
        have = chains.get(self.name)
        references = {parent: [rule for rule in rules if target_of(rule) == self.name]
                      for parent, rules in chains.items() if parent != self.name}
        if not self.present_in(family):
            if have is None:
                return plan, None
            for parent in sorted(references):
                for rule in references[parent]:
                    plan.add("jump", "%s %s" % (label, parent), rule, None)
                    lines.append("-D %s %s" % (parent, rule))
            plan.add("chain", "%s %s" % (label, self.name), have, None)
            lines += ["-F %s" % self.name, "-X %s" % self.name]
            return plan, self._script(lines)
        want = self.wanted[family]
        if have != want:
            plan.add("chain", "%s %s" % (label, self.name), have, want)
            lines.append(":%s - [0:0]" % self.name)
            lines += ["-A %s %s" % (self.name, rule) if rule else "-A %s" % self.name for rule in want]
        parents = [jump["chain"] for jump in self.jumps]
        # The chain is owned whole, and so is who jumps to it: jumps from anywhere else go.
        for parent in sorted(references):
            if parent not in parents and references[parent]:
                plan.add("jump", "%s %s" % (label, parent), references[parent], None,
                         reason="%s is not jumped to from %s" % (self.name, parent))
                lines += ["-D %s %s" % (parent, rule) for rule in references[parent]]
        for jump in self.jumps:
            parent, rule = jump["chain"], jump["rule"]
            if parent not in chains:
                if not jump["create"]:
                    raise ParameterError("jumps: the chain %s does not exist in the %s table (IPv%d)"
                                         % (parent, self.table, family))
                plan.add("chain", "%s %s" % (label, parent), None, [], reason="created to jump from")
                lines.append(":%s - [0:0]" % parent)
            ours = references.get(parent, [])
            rules = chains.get(parent, [])
            if jump["first"]:
                # Kept as the first rule, wherever something else put itself above it.
                wrong = rules[:1] != [rule] or len(ours) != 1
                reason = "the jump to %s must be the first rule of %s" % (self.name, parent)
            else:
                # Inserted first when missing, then left where it is (Docker puts its own jumps
                # above every rule of FORWARD each time it starts).
                wrong = ours != [rule]
                reason = "%s must jump to %s once" % (parent, self.name)
            if wrong:
                plan.add("jump", "%s %s" % (label, parent), ours or None, [rule], reason=reason)
                lines += ["-D %s %s" % (parent, old) for old in ours]
                lines.append("-I %s 1 %s" % (parent, rule))
        if self.legacy_comment:
            for parent in parents:
                for rule in chains.get(parent, []):
                    comment = comment_of(rule) or ""
                    if target_of(rule) != self.name and comment.startswith(self.legacy_comment):
                        plan.add("rule", "%s %s" % (label, parent), rule, None,
                                 reason="a rule an earlier version wrote outside its chains")
                        lines.append("-D %s %s" % (parent, rule))
        return plan, (self._script(lines) if lines else None)

    def _script(self, lines):
        return "*%s\n%s\nCOMMIT\n" % (self.table, "\n".join(lines))


class FirewallChainModule:
    """Reads each family's table, plans, then applies one restore transaction per family."""

    # The firewall_chain module's options.
    ARGUMENT_SPEC = dict(
        name=dict(type="str", required=True),
        table=dict(type="str", choices=["filter", "nat", "mangle", "raw"], default="filter"),
        rules=dict(type="list", elements="str"),
        rules6=dict(type="list", elements="str"),
        jumps=dict(type="list", elements="dict", default=[], options=dict(
            chain=dict(type="str", required=True),
            match=dict(type="str", default=""),
            first=dict(type="bool", default=True),
            create=dict(type="bool", default=False),
        )),
        purge_comment=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )

    def __init__(self, params, host):
        self.host = host
        self.chain = FirewallChain(params["name"], params["table"], params["rules"], params["rules6"],
                                   params["jumps"], state=params["state"], legacy_comment=params["purge_comment"])

    def read(self, family):
        """The table's chains, or None when the family's tools or kernel support are missing."""
        save = self.host.which(FAMILIES[family][0])
        if save is None:
            return None
        rc, out, err = self.host.run([save, "-t", self.chain.table], env={"LC_ALL": "C"})
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
        if scripts and not self.host.check_mode:
            for family in (4, 6):
                script = scripts.get("ipv%d" % family)
                if script:
                    restore = self.host.require(FAMILIES[family][1])
                    rc, out, err = self.host.run([restore, "-w", "--noflush"], data=script,
                                                 env={"LC_ALL": "C"})
                    if rc != 0:
                        raise HostError("%s refused the change of %s: %s" % (
                            FAMILIES[family][1], self.chain.name, (err or out).strip()), script=script)
        result = {"changed": bool(plan), "changes": plan.as_result(), "scripts": scripts}
        if self.host.diff:
            result["diff"] = plan.diff("%s %s" % (self.chain.table, self.chain.name))
        return result
