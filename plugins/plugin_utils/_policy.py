# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Group policy between container groups: plain Python, no Ansible imports.

The policy (``mesos_overlay_group_policy``) is data: group names mapped to numbers in one
place, and per overlay a default (allow or deny) and rules ``{from, to, action}``. A container
belongs to at most one group (Mesos: ``NetworkInfo.groups`` or the label ``mesos.overlay.group``;
Docker: the container label ``mesos.overlay.group``). Its packets are marked with the group on
its own host; the VTEP (VXLAN with Group Based Policy, ``gbp``) carries the mark in the VXLAN
header; the host of the receiver allows or drops by (group of sender, group of receiver).

The rules every host is judged by (the README's "Group policy"):

- A flow is judged by the pair of its originator: packets in the original direction by
  (sender, receiver), replies by the same pair reversed, on every packet, so that a policy
  change applies at once to new and to existing flows.
- A container without a group, a group no rule names, and the hosts themselves (masters and
  agents, from their VTEP addresses) follow the overlay's default.
- Traffic from outside the overlay (a source outside every overlay address space and the
  VTEP subnet: the Internet, the underlay, port-mapped traffic) and an agent's own traffic to
  its containers are not subject to group policy (the firewall chains judge them as before).
- Overlays without a policy are not filtered by group.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import MEMBERS_DIR, policy_chain
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import field_error
from ansible_collections.mesos.overlay.plugins.plugin_utils._network import Network

FIELD = "mesos_overlay_group_policy"
ACTIONS = ("allow", "deny")
MAX_GROUP = 65535
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def _group_number(field, value, names):
    """A group given as a number (1-65535) or as a name of the groups map."""
    if isinstance(value, bool):
        raise field_error(field, value, "is not a group (a number 1-%d or a name of %s.groups)" % (MAX_GROUP, FIELD))
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value)
        if not 1 <= number <= MAX_GROUP:
            raise field_error(field, value, "is out of range 1-%d (0 is a container without a group)" % MAX_GROUP)
        return number
    if isinstance(value, str) and value in names:
        return names[value]
    known = ", ".join("%s=%d" % item for item in sorted(names.items())) or "none defined"
    raise field_error(field, value, "is not a group number 1-%d nor a name of %s.groups (%s)"
                      % (MAX_GROUP, FIELD, known))


def _names(value):
    field = FIELD + ".groups"
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise field_error(field, value, "is not a dictionary of group names to numbers")
    names = {}
    for name, number in value.items():
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise field_error(field, name, "is not a group name (a letter, then letters, digits, '_', '.', '-')")
        if isinstance(number, bool) or not isinstance(number, int) and not (
                isinstance(number, str) and number.isdigit()):
            raise field_error("%s.%s" % (field, name), number, "is not a group number 1-%d" % MAX_GROUP)
        if not 1 <= int(number) <= MAX_GROUP:
            raise field_error("%s.%s" % (field, name), number, "is out of range 1-%d" % MAX_GROUP)
        names[name] = int(number)
    return names


def _overlay_policy(field, value, names):
    if not isinstance(value, dict):
        raise field_error(field, value, "is not a dictionary with default and rules")
    unknown = sorted(set(value) - {"default", "rules"})
    if unknown:
        raise field_error(field, unknown, "are not keys of an overlay's policy (default, rules)")
    default = value.get("default", "allow")
    if default not in ACTIONS:
        raise field_error(field + ".default", default, "must be allow or deny")
    rules = value.get("rules") or []
    if not isinstance(rules, list):
        raise field_error(field + ".rules", rules, "is not a list of {from, to, action}")
    verdicts = {}
    normalized = []
    for position, rule in enumerate(rules):
        rule_field = "%s.rules[%d]" % (field, position)
        if not isinstance(rule, dict):
            raise field_error(rule_field, rule, "is not a dictionary {from, to, action}")
        unknown = sorted(set(rule) - {"from", "to", "action"})
        if unknown:
            raise field_error(rule_field, unknown, "are not keys of a rule (from, to, action)")
        for key in ("from", "to"):
            if key not in rule:
                raise field_error(rule_field + "." + key, None, "is required")
        source = _group_number(rule_field + ".from", rule["from"], names)
        target = _group_number(rule_field + ".to", rule["to"], names)
        action = rule.get("action", "allow")
        if action not in ACTIONS:
            raise field_error(rule_field + ".action", action, "must be allow or deny")
        pair = (source, target)
        if pair in verdicts and verdicts[pair][0] != action:
            other_action, other_position = verdicts[pair]
            raise field_error(rule_field, rule, "%s %d -> %d, which rules[%d] %s: a pair has one verdict"
                              % ("denies" if action == "deny" else "allows", source, target, other_position,
                                  "allows" if other_action == "allow" else "denies"))
        if pair in verdicts:
            continue
        verdicts[pair] = (action, position)
        normalized.append({"from": source, "to": target, "action": action})
    return {"default": default, "rules": normalized}


def group_policy(policy, network):
    """``mesos_overlay_group_policy`` validated against the network and normalised.

    Returns ``{"groups": {name: number}, "overlays": {overlay: {"default", "rules"}},
    "numbers": [every group number named], "gbp": whether the VTEPs carry groups}``. An empty
    policy (None, {}) is off: no overlay is filtered by group and the VTEPs stay as they are.
    Raises AllocationError naming the field and the value.
    """
    if isinstance(network, Network):
        overlay_names = [o["name"] for o in network.overlays]
    elif isinstance(network, dict) and isinstance(network.get("overlays"), list):
        overlay_names = [o.get("name") for o in network["overlays"] if isinstance(o, dict)]
    else:
        raise field_error("network", network, "is not the overlay network (mesos_overlay_network)")
    if policy in (None, "", {}):
        policy = {}
    if not isinstance(policy, dict):
        raise field_error(FIELD, policy, "is not a dictionary with groups and overlays")
    unknown = sorted(set(policy) - {"groups", "overlays"})
    if unknown:
        raise field_error(FIELD, unknown, "are not keys of the group policy (groups, overlays)")
    names = _names(policy.get("groups"))
    overlays_value = policy.get("overlays") or {}
    if not isinstance(overlays_value, dict):
        raise field_error(FIELD + ".overlays", overlays_value, "is not a dictionary of overlay names to policies")
    overlays = {}
    for name in sorted(overlays_value):
        if name not in overlay_names:
            raise field_error(FIELD + ".overlays", name, "is not an overlay of mesos_overlay_network (%s)"
                              % ", ".join(overlay_names))
        overlays[name] = _overlay_policy("%s.overlays.%s" % (FIELD, name), overlays_value[name], names)
    chains = {}
    for name in overlays:
        if policy_chain(name) in chains:
            raise field_error(FIELD + ".overlays", name, "and %r name the same nftables chain %s: give one of them "
                              "no policy or another name" % (chains[policy_chain(name)], policy_chain(name)))
        chains[policy_chain(name)] = name
    numbers = set(names.values())
    for overlay in overlays.values():
        for rule in overlay["rules"]:
            numbers.update((rule["from"], rule["to"]))
    return {"groups": dict(sorted(names.items())), "overlays": overlays, "numbers": sorted(numbers),
            "gbp": bool(overlays)}


def _normalized(policy):
    """A policy as group_policy returns it (what the filters pass on), checked for its shape."""
    if not isinstance(policy, dict) or not isinstance(policy.get("overlays"), dict) or "numbers" not in policy:
        raise field_error("policy", policy, "is not a normalised group policy (see the group_policy filter)")
    return policy


def verdict(policy, overlay, source, target):
    """allow or deny for a flow from group ``source`` to group ``target`` (0: no group) on ``overlay``;
    None when the overlay has no policy (nothing is filtered by group)."""
    rules = _normalized(policy)["overlays"].get(overlay)
    if rules is None:
        return None
    for rule in rules["rules"]:
        if rule["from"] == source and rule["to"] == target and source and target:
            return rule["action"]
    return rules["default"]


def group_table(policy, view, members_dir=MEMBERS_DIR):
    """What the group policy asks of a host's nftables table (the dataplane's ``group_policy``
    step), as data: the host side (``_nftables.policy_chains``) writes it as nft rules.

    On an agent that carries an overlay with a policy: ``state`` present, ``groups`` (the
    numbers, each with a set of addresses per IP version, filled from ``members_dir``),
    ``overlays`` (each policed overlay's ``name``, ``subnet``, ``subnet6``, ``default`` and the
    ``rules`` that differ from the default, ``{from, to, action}`` with numbers), the VTEP
    device (traffic leaving through it is the next host's to judge), ``containers4``/``6`` (the
    overlays' address spaces: every flow from them is judged) and ``hosts4``/``6`` (the VTEP
    subnets: judged when they open a flow). Masters and agents without a policy: absent.
    """
    policy = _normalized(policy)
    view = view if isinstance(view, dict) else {}
    enabled = view.get("enabled") or []
    policed = [name for name in enabled if name in policy["overlays"]] if view.get("role") == "agent" else []
    if not policed:
        return {"state": "absent", "members_dir": members_dir}
    network = view["network"]
    spaces = {o["name"]: o for o in network["overlays"]}
    overlays = []
    for name in policed:
        default = policy["overlays"][name]["default"]
        overlays.append({
            "name": name, "subnet": spaces[name].get("subnet"), "subnet6": spaces[name].get("subnet6"),
            "default": default,
            "rules": [dict(rule) for rule in policy["overlays"][name]["rules"] if rule["action"] != default],
        })
    return {
        "state": "present", "members_dir": members_dir, "groups": list(policy["numbers"]),
        "vtep": view["vtep"]["name"], "overlays": overlays,
        "containers4": sorted((o["subnet"] for o in network["overlays"] if o.get("subnet")), key=ipaddress.ip_network),
        "containers6": sorted((o["subnet6"] for o in network["overlays"] if o.get("subnet6")),
                              key=ipaddress.ip_network),
        "hosts4": [network["vtep_subnet"]] if network.get("vtep_subnet") else [],
        "hosts6": [network["vtep_subnet6"]] if network.get("vtep_subnet6") else [],
    }


def group_probe_plan(endpoints, host):
    """The pings of verify's group matrix from ``host``: from each of its probe containers to every probe of the
    same overlay on the other agents, IPv4 and IPv6 where both have an address.

    ``endpoints``: ``[{host, overlay, group, netns, ip4, ip6}]`` (every probing agent's). Returns
    ``[{argv, overlay, from, to, family, source, target}]``; ``argv`` pings once, waiting one second.
    """
    if not isinstance(endpoints, list) or not all(isinstance(e, dict) for e in endpoints):
        raise field_error("endpoints", endpoints, "is not a list of probe containers {host, overlay, group, netns, "
                          "ip4, ip6}")
    plan = []
    for mine in (e for e in endpoints if e.get("host") == host):
        for other in (e for e in endpoints if e.get("host") != host and e.get("overlay") == mine.get("overlay")):
            for family, flag in (("ip4", "-4"), ("ip6", "-6")):
                if mine.get(family) and other.get(family):
                    plan.append({"argv": ["ip", "netns", "exec", mine["netns"], "ping", flag, "-c", "1", "-W", "1",
                                          other[family]],
                                 "overlay": mine["overlay"], "from": int(mine["group"]), "to": int(other["group"]),
                                 "family": family, "source": host, "target": other["host"]})
    return plan


__all__ = ("group_policy", "group_probe_plan", "group_table", "verdict")
