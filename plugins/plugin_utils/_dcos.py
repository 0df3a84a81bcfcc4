# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Taking over the allocation of a DC/OS cluster: plain Python, no Ansible imports.

The DC/OS overlay master module serves its allocation at ``GET /overlay-master/state`` as
JSON (message ``State`` of dcos-mesos-modules overlay/overlay.proto). ``import_dcos`` turns it
into a state of this collection (format 2) that keeps every VTEP address, MAC and slice
exactly where DC/OS put them, whatever order DC/OS allocated them in (registration order).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import VTEP_NAME, VTEP_VNI
from ansible_collections.mesos.overlay.plugins.plugin_utils._addresses import format_ipv4, format_ipv6, parse_cidr
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import build_pools, parse_members
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError, field_error
from ansible_collections.mesos.overlay.plugins.plugin_utils._members import member_entry
from ansible_collections.mesos.overlay.plugins.plugin_utils._network import Network
from ansible_collections.mesos.overlay.plugins.plugin_utils._state import STATE_FORMAT, load_holders

# The keys of overlay.proto's NetworkConfig and OverlayInfo that this collection reads
# (vtep_mtu and the agents' configuration_attempts are DC/OS's own business).
_NETWORK_KEYS = ("vtep_subnet", "vtep_subnet6", "vtep_mac_oui")
_OVERLAY_KEYS = ("name", "subnet", "prefix", "subnet6", "prefix6", "enabled")


def _dcos_network(dcos_network):
    if not isinstance(dcos_network, dict):
        raise field_error("dcos_state.network", dcos_network, "is not a dictionary (is this the JSON of "
                          "GET /overlay-master/state?)")
    config = {key: dcos_network.get(key) for key in _NETWORK_KEYS}
    overlays = dcos_network.get("overlays")
    if isinstance(overlays, list):
        config["overlays"] = [{key: o.get(key) for key in _OVERLAY_KEYS if o.get(key) is not None}
                              if isinstance(o, dict) else o for o in overlays]
    else:
        config["overlays"] = overlays
    try:
        return Network(config)
    except AllocationError as exc:
        raise AllocationError("dcos_state.network.%s" % exc)


def _same_network(configured, dcos):
    """Refuse a configuration that would move what DC/OS allocated (overlays may be added)."""
    mine, theirs = configured.as_dict(), dcos.as_dict()
    for key in _NETWORK_KEYS:
        if mine[key] != theirs[key]:
            raise field_error("network." + key, mine[key], "differs from what DC/OS used (%r): set "
                              "mesos_overlay_network to the cluster's overlay configuration" % theirs[key])
    configured_overlays = {o["name"]: o for o in mine["overlays"]}
    for overlay in theirs["overlays"]:
        have = configured_overlays.get(overlay["name"])
        if have is None:
            raise field_error("network.overlays", overlay["name"], "is an overlay of the DC/OS cluster missing "
                              "from the configuration (keep it, with 'enabled: false' if it is not wanted)")
        for key in ("subnet", "prefix", "subnet6", "prefix6"):
            if have[key] != overlay[key]:
                raise field_error("network.overlays[%s].%s" % (overlay["name"], key), have[key],
                                  "differs from what DC/OS used (%r)" % overlay[key])


def _text(field, value):
    """An address or network 'a/len' in its canonical form (DC/OS and ipaddress may write IPv6
    differently), or None; what does not parse is kept and refused later, naming it."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise field_error(field, value, "is not a string")
    parsed = parse_cidr(value)
    if parsed is None or parsed[2] is None:
        return value
    version, address, length = parsed
    return "%s/%d" % ((format_ipv4 if version == 4 else format_ipv6)(address), length)


def _vxlan_of(field, overlay):
    backend = overlay.get("backend")
    vxlan = backend.get("vxlan") if isinstance(backend, dict) else None
    if not isinstance(vxlan, dict):
        raise field_error(field + ".backend.vxlan", vxlan, "is missing: DC/OS gives every overlay of an "
                          "agent its VTEP")
    return {
        "vni": vxlan.get("vni"),
        "vtep_name": vxlan.get("vtep_name"),
        "vtep_ip": _text(field + ".backend.vxlan.vtep_ip", vxlan.get("vtep_ip")),
        "vtep_ip6": _text(field + ".backend.vxlan.vtep_ip6", vxlan.get("vtep_ip6")),
        "vtep_mac": _text(field + ".backend.vxlan.vtep_mac", vxlan.get("vtep_mac")),
    }


def _agent_record(field, agent, network, role):
    """What one DC/OS agent holds, as a member of a state in the current format, and what DC/OS
    said about it (checked by ``_check_derived``); None when it holds no overlay (then this
    collection allocates it like a new member)."""
    overlays = agent.get("overlays") or []
    if not isinstance(overlays, list):
        raise field_error(field + ".overlays", overlays, "is not a list")
    configured = {o["name"] for o in network.overlays}
    vtep, vtep_field, slices = None, None, {}
    for position, overlay in enumerate(overlays):
        where = "%s.overlays[%d]" % (field, position)
        if not isinstance(overlay, dict) or not isinstance(overlay.get("info"), dict):
            raise field_error(where, overlay, "is not an AgentOverlayInfo (no 'info')")
        name = overlay["info"].get("name")
        if name not in configured:
            raise field_error(where + ".info.name", name, "is not an overlay of the DC/OS network")
        if name in slices:
            raise field_error(where + ".info.name", name, "is listed twice for this agent")
        vxlan = _vxlan_of(where, overlay)
        if vtep is None:
            vtep, vtep_field = vxlan, where
        elif vxlan != vtep:
            raise field_error(where + ".backend.vxlan", vxlan, "differs from the VTEP of %s (%r): one agent has "
                              "one VTEP" % (vtep_field, vtep))
        slices[name] = {"subnet": _text(where + ".subnet", overlay.get("subnet")),
                        "subnet6": _text(where + ".subnet6", overlay.get("subnet6")),
                        "bridges": {key: overlay.get(key) for key in ("mesos_bridge", "docker_bridge")},
                        "field": where}
    if vtep is None:
        return None
    if vtep["vni"] != VTEP_VNI or vtep["vtep_name"] != VTEP_NAME:
        raise field_error(vtep_field + ".backend.vxlan", {"vni": vtep["vni"], "vtep_name": vtep["vtep_name"]},
                          "is not the VTEP this collection configures (vni %d, %s)" % (VTEP_VNI, VTEP_NAME))
    parsed = parse_cidr(vtep["vtep_ip"])
    if parsed is None or parsed[0] != 4 or parsed[2] is None:
        raise field_error(vtep_field + ".backend.vxlan.vtep_ip", vtep["vtep_ip"], "is not an IPv4 address "
                          "with a prefix length")
    record = {"ip": agent["ip"], "role": role, "vtep_ip": vtep["vtep_ip"], "vtep_ip6": vtep["vtep_ip6"],
              "overlays": {name: {"subnet": slot["subnet"], "subnet6": slot["subnet6"]}
                           for name, slot in sorted(slices.items())}}
    return record, {"vtep": vtep, "vtep_field": vtep_field, "slices": slices}


def _check_derived(network, record, seen):
    """The MAC and the bridges' halves follow from the addresses by the rules DC/OS followed
    too: a value that differs is a state this collection cannot keep as it is."""
    derived = member_entry(network, dict(record, role="agent"))
    vtep = seen["vtep"]
    if (vtep["vtep_mac"] or "").lower() != derived["vtep"]["mac"]:
        raise field_error(seen["vtep_field"] + ".backend.vxlan.vtep_mac", vtep["vtep_mac"],
                          "is not the MAC derived from vtep_ip %s and vtep_mac_oui (%s)"
                          % (vtep["vtep_ip"], derived["vtep"]["mac"]))
    for name, slot in seen["slices"].items():
        for key, bridge in slot["bridges"].items():
            if bridge in (None, {}):
                continue  # masters (and DC/OS agents without Docker) have no bridge
            if not isinstance(bridge, dict):
                raise field_error("%s.%s" % (slot["field"], key), bridge, "is not a BridgeInfo")
            want = derived["overlays"][name][key]
            for family in ("ip", "ip6"):
                if bridge.get(family) not in (None, "") and _text(key, bridge[family]) != want[family]:
                    raise field_error("%s.%s.%s" % (slot["field"], key, family), bridge[family],
                                      "is not the %s half of the agent's slice (%s)"
                                      % ("first" if key == "mesos_bridge" else "second", want[family]))


def import_dcos(dcos_state, members, network=None, leave_out=None):
    """A state of this collection (format 2) from the JSON of DC/OS's ``/overlay-master/state``.

    ``members`` is the list ``allocate`` takes; DC/OS agents are matched to members by underlay
    IP (masters appear among DC/OS's agents, without bridges). ``network`` (optional) is the
    configuration the collection will run with: it must describe the same VTEP subnets, OUI
    and overlays (it may add overlays); the state then carries it. ``leave_out`` lists DC/OS
    agent IPs deliberately not taken over (their addresses stay taken by nobody). Members that
    DC/OS never allocated are not in the result: ``allocate`` gives them the lowest free slots.
    Raises AllocationError naming the field and the value.
    """
    if isinstance(dcos_state, str):
        try:
            dcos_state = json.loads(dcos_state)
        except ValueError as exc:
            raise field_error("dcos_state", dcos_state[:60], "is not JSON (%s)" % exc)
    if not isinstance(dcos_state, dict):
        raise field_error("dcos_state", type(dcos_state).__name__, "is not the JSON object of GET "
                          "/overlay-master/state")
    dcos_network = _dcos_network(dcos_state.get("network"))
    chosen = dcos_network
    if network not in (None, {}):
        chosen = Network(network)
        _same_network(chosen, dcos_network)
    by_name = parse_members(members, chosen)
    by_ip = {member["ip"]: name for name, member in by_name.items()}
    skip = leave_out or []
    if isinstance(skip, str):
        skip = [skip]
    if not isinstance(skip, (list, tuple)):
        raise field_error("leave_out", leave_out, "is not a list of DC/OS agent IPs")
    agents = dcos_state.get("agents") or []
    if not isinstance(agents, list):
        raise field_error("dcos_state.agents", agents, "is not a list")
    seen_ips = {}
    records, seen = {}, {}
    for position, agent in enumerate(agents):
        field = "dcos_state.agents[%d]" % position
        if not isinstance(agent, dict):
            raise field_error(field, agent, "is not an AgentInfo")
        parsed = parse_cidr(agent.get("ip"))
        if parsed is None or parsed[0] != 4 or parsed[2] is not None:
            raise field_error(field + ".ip", agent.get("ip"), "is not an IPv4 address")
        ip = format_ipv4(parsed[1])
        if ip in seen_ips:
            raise field_error(field + ".ip", ip, "is listed twice (also dcos_state.agents[%d])" % seen_ips[ip])
        seen_ips[ip] = position
        if ip in skip:
            continue
        name = by_ip.get(ip)
        if name is None:
            raise field_error(field + ".ip", ip, "matches no member of the inventory: add the host to mesos_masters "
                              "or mesos_agents, or leave it out explicitly (leave_out; the playbook import_dcos "
                              "takes dcos_leave_out)")
        taken = _agent_record(field, dict(agent, ip=ip), dcos_network, by_name[name]["role"])
        if taken is not None:
            records[name], seen[name] = taken
    state = {"format": STATE_FORMAT, "network": chosen.as_dict(),
             "members": {name: records[name] for name in sorted(records)}}
    # The collection's own rules (inside the subnets, on slice boundaries, no address held
    # twice) are checked by the code that reads every saved state.
    try:
        load_holders(state, chosen, build_pools(chosen))
    except AllocationError as exc:
        raise AllocationError("the DC/OS allocation breaks a rule of this collection (members named as in "
                              "the inventory): %s" % exc)
    for name, record in records.items():
        _check_derived(dcos_network, record, seen[name])
    return state
