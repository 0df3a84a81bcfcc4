# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the group policy's nftables table on a host.

One table (``inet mesos_overlay``) holds a set of addresses per group (``g<N>_4``,
``g<N>_6``), a map from each of those addresses to its group's mark (``marks4``, ``marks6``),
the forward chain that marks group members' packets and lets judged flows through, and the
chains that judge traffic to local containers. The dataplane module's ``group_policy`` step
owns it whole: it reads the table (``nft list table``), plans what differs from the options as data (chains, sets,
and the members recorded under ``members_dir``, one JSON file per container and network,
``{"group": N, "addresses": [...]}``, written by the CNI plugin and the Docker watcher), and
applies the plan as one nft transaction (atomic: never half a policy).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import zlib

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    GROUP_MARK_MASK, POLICY_GENERATION_SHIFT, group_mark, group_set, mark_map, policy_chain)
from ansible_collections.mesos.overlay.plugins.module_utils._jsontext import dumps, loads

# Where the table hooks in: forward only, before iptables' filter chains, so that a denied flow
# never reaches them. No other hook: the host's own traffic and the VXLAN packets it receives never
# pass through the table (a prerouting hook would see every packet that enters the host).
FORWARD_HOOK = "type filter hook forward priority filter - 1; policy accept;"
FAMILIES = (("ip", 4), ("ip6", 6))


def address_type(version):
    return "ipv4_addr" if int(version) == 4 else "ipv6_addr"


def policy_generation(params):
    """The policy's generation: 16 bits (never 0, the mark of a flow never judged) that change
    whenever what the table decides changes (groups, overlays and their rules, address spaces)."""
    decided = dict((key, value) for key, value in params.items() if key not in ("state", "table", "members_dir"))
    generation = zlib.crc32(dumps(decided, sort_keys=True).encode()) & 0xFFFF
    return generation or 1


def policy_chains(params):
    """The table's chains, ``[{name, hook, rules}]``, from the policy as data (see the plane's
    ``group_policy`` options), with rules written as ``nft list`` prints them.

    ``forward`` first marks the packets of the group members on this host with their group, one
    lookup of the sender's address in the mark map per packet whatever the number of groups (the
    map holds local members only: a packet the VTEP decapsulated carries its sender's group
    already, through gbp, and is left as it is; the host's own traffic and the VXLAN packets are
    not forwarded, so they never meet the table); then it sends traffic from the overlays'
    address spaces to a local container of a policed overlay to that overlay's chain (traffic
    leaving through the VTEP is the next host's to judge; hosts are judged only on the flows they
    open), which accepts or drops by (mark, receiver's set) per direction and ends with the
    overlay's default.

    A flow is judged once: an accepting verdict writes the policy's generation into the flow's
    conntrack mark, and ``forward`` lets the flow's later packets through right after marking (no
    judging rule walk). A policy change changes the generation, so every existing flow is
    judged again at its next packet: a flow the change denies stops at once. Marking has no such
    shortcut: the group a packet carries to the next host (gbp) is what that host judges by.
    """
    generation = policy_generation(params) << POLICY_GENERATION_SHIFT
    # As nft list prints them: the upper 16 bits of the ct mark as a prefix; set, the lower kept.
    judged = "ct mark 0x%08x/16 accept" % generation
    allow = "counter ct mark set ct mark & 0x%08x | 0x%08x accept" % (generation | 0xFFFF, generation)
    vtep = params["vtep"]
    # As nft list prints them. Marking comes before the judged flows' shortcut: the group a packet
    # carries to the next host (gbp) is what that host judges by.
    forward = ["meta mark set %s saddr map @%s" % (family, mark_map(version)) for family, version in FAMILIES]
    forward.append(judged)
    judging = []
    for overlay in params["overlays"]:
        chain = policy_chain(overlay["name"])
        for family, version in FAMILIES:
            subnet = overlay.get("subnet" if version == 4 else "subnet6")
            if not subnet:
                continue
            forward += ['oifname != "%s" %s daddr %s %s saddr %s jump %s' % (vtep, family, subnet, family, space, chain)
                        for space in params["containers%d" % version]]
            forward += ['oifname != "%s" %s daddr %s %s saddr %s ct direction original jump %s'
                        % (vtep, family, subnet, family, space, chain) for space in params["hosts%d" % version]]
        rules = []
        for rule in overlay["rules"]:
            # Every verdict counts its packets: mesos_overlay_policy_packets_total{overlay, verdict}.
            word = allow if rule["action"] == "allow" else "counter drop"
            for direction, sender, receiver in (("original", rule["from"], rule["to"]),
                                                ("reply", rule["to"], rule["from"])):
                for family, version in FAMILIES:
                    rules.append("ct direction %s meta mark & 0x%08x == %s %s daddr @%s %s"
                                 % (direction, GROUP_MARK_MASK, group_mark(sender), family,
                                    group_set(receiver, version), word))
        rules.append(allow if overlay["default"] == "allow" else "counter drop")
        judging.append({"name": chain, "hook": None, "rules": rules})
    return [{"name": "forward", "hook": FORWARD_HOOK, "rules": forward}] + judging


def mark_map_type(version):
    """An nft map's type, from an address of ``version`` to a packet mark."""
    return "%s : mark" % address_type(version)


def mark_element(address, number):
    """A mark map's element, ``address`` to group ``number``'s mark, as ``nft list`` prints it."""
    return "%s : %s" % (address, group_mark(number))


def declare_line(table, kind, name, type_text):
    """The nft command that makes set or map (``kind``) ``name`` of ``table`` with its type (kept when there)."""
    return "add %s inet %s %s { type %s; }" % (kind, table, name, type_text)


def element_line(verb, table, name, items):
    """The nft command that adds or deletes (``verb``) ``items`` (element texts) in set or map ``name`` of ``table``."""
    return "%s element inet %s %s { %s }" % (verb, table, name, ", ".join(items))


def join_script(table, number, addresses):
    """The nft script that adds ``addresses`` to the sets of group ``number`` and to the mark maps
    (each made when missing). Where a map holds one of the addresses already (with another
    group: a mark a container's leave did not take out), the kernel refuses the batch and
    nothing is applied; ``unmark_lines`` takes such marks out."""
    lines = ["add table inet %s" % table]
    for version, members in sorted(by_version(addresses).items()):
        name = group_set(number, version)
        lines += [declare_line(table, "set", name, address_type(version)), element_line("add", table, name, members),
                  declare_line(table, "map", mark_map(version), mark_map_type(version)),
                  element_line("add", table, mark_map(version), [mark_element(member, number) for member in members])]
    return "\n".join(lines) + "\n"


def leave_lines(table, number, addresses):
    """The nft lines that remove ``addresses`` from the sets of group ``number`` and from the mark
    maps, one per element."""
    return [element_line("delete", table, name, [address])
            for version, members in sorted(by_version(addresses).items()) for address in members
            for name in (group_set(number, version), mark_map(version))]


def unmark_lines(table, addresses):
    """The nft lines that remove ``addresses`` from the mark maps, one per element."""
    return [element_line("delete", table, mark_map(version), [address])
            for version, members in sorted(by_version(addresses).items()) for address in members]


def leave_script(table, number, addresses):
    """The nft transaction that removes ``addresses`` from the sets of group ``number``. It starts
    with an add of the (existing) table: ``nft --echo`` echoes that once the kernel has committed
    the batch (deletions alone echo nothing), so a caller can go on before nft has ended. Where
    the table is missing, the deletions fail and the whole batch makes nothing."""
    return "\n".join(["add table inet %s" % table] + leave_lines(table, number, addresses)) + "\n"


def _ip_address(text):
    """``ipaddress.ip_address``, imported at first use: the group plugin (every container's start)
    imports this file for join_script and leave_lines alone."""
    import ipaddress

    return ipaddress.ip_address(text)


def by_version(addresses):
    """{4: [...], 6: [...]} of address texts (valid ones: nft refuses any other)."""
    result = {}
    for address in addresses:
        result.setdefault(6 if ":" in address else 4, []).append(address)
    return result


# A counter as ``nft list`` prints it: its values are the kernel's, not part of the rule.
COUNTER = r"\bcounter packets ([0-9]+) bytes ([0-9]+)"
VERDICTS = {"accept": "allow", "drop": "deny"}


def _counted(rule, counted):
    """``rule`` without its counter's values; adds the packets it counted to ``counted`` by its verdict."""
    import re  # here: the group plugin (every container's start) imports this file, not re

    match = re.search(COUNTER, rule)
    if match is None:
        return rule
    verdict = VERDICTS.get(rule.rsplit(" ", 1)[-1])
    if verdict is not None:
        counted[verdict] += int(match.group(1))
    return re.sub(COUNTER, "counter", rule)


def parse_listing(text):
    """``nft list table`` text as ``{"chains": {name: {"hook": line or None, "rules": [...],
    "counted": {"allow": packets, "deny": packets}}}, "sets": {name: [elements]}, "maps": {name:
    [elements]}}`` (a map's element as ``key : value``); the rules as written (a counter without
    its values), what their counters hold apart."""
    chains, sets, maps = {}, {}, {}
    lines = [line.strip() for line in text.splitlines()]
    position = 0
    while position < len(lines):
        line = lines[position]
        position += 1
        if line.startswith("chain ") and line.endswith("{"):
            name = line[len("chain "):-1].strip()
            chain = {"hook": None, "rules": [], "counted": {"allow": 0, "deny": 0}}
            while position < len(lines) and lines[position] != "}":
                body = lines[position]
                position += 1
                if body.startswith("type ") and chain["hook"] is None and not chain["rules"]:
                    chain["hook"] = body
                elif body:
                    chain["rules"].append(_counted(body, chain["counted"]))
            chains[name] = chain
        elif line.startswith(("set ", "map ")) and line.endswith("{"):
            kind, name = line[:-1].split(None, 1)
            elements = []
            while position < len(lines) and lines[position] != "}":
                body = lines[position]
                position += 1
                if body.startswith("elements = {"):
                    text_of_elements = body[len("elements = {"):]
                    while "}" not in text_of_elements and position < len(lines):
                        text_of_elements += " " + lines[position]
                        position += 1
                    text_of_elements = text_of_elements.split("}")[0]
                    elements += [item.strip() for item in text_of_elements.split(",") if item.strip()]
            (sets if kind == "set" else maps)[name.strip()] = elements
    return {"chains": chains, "sets": sets, "maps": maps}


def read_members(directory, warn=None):
    """What the members recorded under ``directory`` (missing: none) put in the table:
    ``{"sets": {set name: [addresses]}, "maps": {map name: [elements]}}``. An address recorded
    in two groups (a record left over) is in both groups' sets; the mark maps give it the group
    of the first record by file name, and ``warn`` says so."""
    members, marks = {}, {}
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    for name in names:
        if not name.endswith(".json"):
            continue
        path = os.path.join(directory, name)
        try:
            with open(path) as handle:
                record = loads(handle.read())
            number = int(record["group"])
            addresses = [_ip_address(address) for address in record.get("addresses") or []]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if warn:
                warn("group_policy: %s is not a member record (%s): ignored" % (path, exc))
            continue
        for address in addresses:
            members.setdefault(group_set(number, address.version), set()).add(str(address))
            marked = marks.setdefault(mark_map(address.version), {}).setdefault(str(address), number)
            if marked != number and warn:
                warn("group_policy: %s records %s in group %d, which an earlier record has in group %d: its packets"
                     " are marked with group %d" % (path, address, number, marked, marked))
    return {"sets": dict((key, sorted(value, key=_ip_address)) for key, value in members.items()),
            "maps": dict((key, [mark_element(address, value[address]) for address in sorted(value, key=_ip_address)])
                         for key, value in marks.items())}


def read_table(host, nft, table):
    """The table ``inet <table>`` as it is (``parse_listing``), None when there is none; raises
    ParameterError when nft cannot list it."""
    rc, out, err = host.run([nft, "list", "table", "inet", table], env={"LC_ALL": "C"})
    if rc != 0:
        if "No such file or directory" in err or "does not exist" in err:
            return None
        raise ParameterError("group_policy: nft list table inet %s failed: %s" % (table, err.strip()))
    return parse_listing(out)


def policy_packets(host, policy):
    """{overlay: {"allow": packets, "deny": packets}} that each policed overlay's chain judged,
    read from the kernel's counters now (``policy``: the plane's ``group_policy``); {} without a
    table or without nft."""
    if (policy or {}).get("state") != "present":
        return {}
    nft = host.which("nft")
    if nft is None:
        return {}
    try:
        table = read_table(host, nft, policy["table"])
    except ParameterError:
        return {}
    chains = (table or {}).get("chains") or {}
    return dict((overlay["name"], dict(chains[policy_chain(overlay["name"])]["counted"]))
                for overlay in policy.get("overlays") or [] if policy_chain(overlay["name"]) in chains)


class GroupPolicy:
    """The dataplane's ``group_policy`` step (options: the plane's ``group_policy``, the policy as data)."""

    def __init__(self, params, host):
        self.host = host
        self.params = params
        self.table = self.params["table"]
        self.nft = None

    def validate(self):
        if self.params["state"] not in ("present", "absent"):
            raise ParameterError("group_policy.state: %r must be present or absent" % self.params["state"])
        if not self.table or not self.table.replace("_", "").isalnum():
            raise ParameterError("group_policy.table: %r is not an nftables table name" % self.table)
        for overlay in self.params["overlays"]:
            if not isinstance(overlay, dict) or not overlay.get("name") or not isinstance(overlay.get("rules"), list) \
                    or overlay.get("default") not in ("allow", "deny"):
                raise ParameterError("group_policy.overlays: %r is not {name, subnet, subnet6, default, rules}"
                                     % (overlay,))
        for number in self.params["groups"]:
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
                raise ParameterError("group_policy.groups: %r is not a group number 1-65535" % (number,))

    def read(self):
        """The table as it is (None when there is none)."""
        return read_table(self.host, self.nft, self.table)

    def plan(self, have, members):
        """What differs between ``have`` (``parse_listing``'s, None: no table) and the policy with
        ``members`` (``read_members``'), as one transaction."""
        plan = Plan()
        chains = policy_chains(self.params) if self.params["state"] == "present" else []
        prefix = "inet %s" % self.table
        if self.params["state"] == "absent":
            if have is not None:
                plan.add("table", self.table, sorted(have["chains"]), None,
                         reason="no overlay of this host has a group policy",
                         commands=["delete table %s" % prefix])
            return plan
        if have is None:
            plan.add("table", self.table, None, [chain["name"] for chain in chains],
                     commands=["add table %s" % prefix])
            have = {"chains": {}, "sets": {}, "maps": {}}
        member_sets, member_marks = members.get("sets", {}), members.get("maps", {})
        wanted_sets = set(member_sets)
        for number in self.params["groups"]:
            wanted_sets.update((group_set(number, 4), group_set(number, 6)))
        for name in sorted(wanted_sets - set(have["sets"])):
            family = address_type(name[-1])
            plan.add("set", name, None, family, commands=[declare_line(self.table, "set", name, family)])
        # The mark maps before the forward chain's rules that look them up.
        for version in (4, 6):
            name = mark_map(version)
            if name not in have.get("maps", {}):
                plan.add("map", name, None, mark_map_type(version),
                         commands=[declare_line(self.table, "map", name, mark_map_type(version))])
        wanted_chains = {chain["name"]: chain for chain in chains}
        # Every chain exists before any rule jumps to it; stale chains go after the rules that jump.
        rules_now = {}
        for name, chain in wanted_chains.items():
            current = have["chains"].get(name)
            hook = chain.get("hook")
            header = " { %s }" % hook if hook else ""
            if current is not None and (current["hook"] or None) != (hook or None):
                plan.add("chain", name, current["hook"], hook, reason="its hook changes: recreated",
                         commands=["delete chain %s %s" % (prefix, name), "add chain %s %s%s" % (prefix, name, header)])
                current = None
            elif current is None:
                plan.add("chain", name, None, hook or "(regular chain)",
                         commands=["add chain %s %s%s" % (prefix, name, header)])
            rules_now[name] = current["rules"] if current else []
        for name, chain in wanted_chains.items():
            if rules_now[name] != chain["rules"]:
                plan.add("rules", name, rules_now[name] or None, chain["rules"] or None,
                         commands=["flush chain %s %s" % (prefix, name)]
                         + ["add rule %s %s %s" % (prefix, name, rule) for rule in chain["rules"]])
        for name in sorted(set(have["chains"]) - set(wanted_chains)):
            plan.add("chain", name, have["chains"][name]["rules"], None,
                     commands=["flush chain %s %s" % (prefix, name), "delete chain %s %s" % (prefix, name)])
        for name in sorted(wanted_sets):
            current = set(have["sets"].get(name, []))
            wanted = set(member_sets.get(name, []))
            for address in sorted(wanted - current, key=_ip_address):
                plan.add("member", "%s %s" % (name, address), None, address,
                         commands=[element_line("add", self.table, name, [address])])
            for address in sorted(current - wanted, key=_ip_address):
                plan.add("member", "%s %s" % (name, address), address, None,
                         reason="no container of this host records it",
                         commands=[element_line("delete", self.table, name, [address])])
        for name in sorted(set(have["sets"]) - wanted_sets):
            if not have["sets"][name]:
                plan.add("set", name, "empty", None, commands=["delete set %s %s" % (prefix, name)])
        for version in (4, 6):
            self._plan_marks(plan, mark_map(version), have.get("maps", {}).get(mark_map(version), []),
                             member_marks.get(mark_map(version), []))
        return plan

    def _plan_marks(self, plan, name, current, wanted):
        """A mark map's elements (``key : value`` texts) from ``current`` to ``wanted``: a key whose
        group changes is deleted, then added (the kernel refuses to add a key that is there)."""
        current = dict(element.split(" : ", 1) for element in current)
        wanted = dict(element.split(" : ", 1) for element in wanted)
        for address in sorted(current, key=_ip_address):
            if current[address] != wanted.get(address):
                plan.add("mark", "%s %s" % (name, address), current[address], None,
                         reason="no container of this host records it" if address not in wanted else None,
                         commands=[element_line("delete", self.table, name, [address])])
        for address in sorted(wanted, key=_ip_address):
            if current.get(address) != wanted[address]:
                plan.add("mark", "%s %s" % (name, address), None, wanted[address],
                         commands=[element_line("add", self.table, name, ["%s : %s" % (address, wanted[address])])])

    def run(self):
        self.validate()
        self.nft = self.host.which("nft")
        if self.nft is None:
            if self.params["state"] == "present":
                raise ParameterError("group_policy: nft is not installed (Debian and Ubuntu: the nftables package); "
                                     "the group policy of this host's overlays needs it")
            # Without nft no table of ours can exist: nothing to remove.
            return {"changed": False, "changes": [], "table": self.table, "commands": []}
        have = self.read()
        members = read_members(self.params["members_dir"], warn=self.host.warn) \
            if self.params["state"] == "present" else {}
        plan = self.plan(have, members)
        script = "\n".join(plan.commands()) + "\n"
        if plan and not self.host.check_mode:
            rc, out, err = self.host.run([self.nft, "-f", "-"], data=script)
            if rc != 0:
                raise ParameterError("group_policy: nft refused the change (nothing was applied: one transaction): "
                                     "%s" % err.strip())
        result = {"changed": bool(plan), "changes": plan.as_result(), "table": self.table,
                  "commands": plan.commands()}
        if self.host.diff:
            result["diff"] = plan.diff("nftables table inet %s" % self.table)
        return result
