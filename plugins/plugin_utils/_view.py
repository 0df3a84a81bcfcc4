# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one host must be, derived from the saved allocation: plain Python, no Ansible imports.

The state holds only what was allocated. Everything a host is configured from (its VTEP with
MAC, name and VNI, its bridges, halves and gateways, which overlays are on, its peers, the
address spaces that are overlay traffic) is derived here, by ``host_view``, and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError, field_error
from ansible_collections.mesos.overlay.plugins.plugin_utils._members import Entries, masters_of, with_gateways
from ansible_collections.mesos.overlay.plugins.plugin_utils._network import Network
from ansible_collections.mesos.overlay.plugins.plugin_utils._state import normalize_state


def is_allocation(value):
    """Whether ``value`` is an allocation (what ``allocate`` and ``saved_allocation`` return)."""
    return isinstance(value, dict) and isinstance(value.get("members"), dict) and isinstance(value.get("state"), dict) \
        and isinstance(value.get("agents"), list) and isinstance(value.get("network"), dict)


def saved_allocation(state):
    """The allocation a saved state (either format) holds: what ``allocate`` would return for it,
    without allocating anything new. Done once per run (the state role, verify); every other
    function takes its result."""
    state = normalize_state(state)
    if not state:
        raise field_error("allocation", state, "is empty: no member has been allocated yet")
    try:
        network = Network(state["network"])
    except AllocationError as exc:
        raise AllocationError("the state's network is not valid: %s" % exc)
    derive = Entries(network)
    members = {name: derive.entry(record) for name, record in state["members"].items()}
    return {
        "network": network.as_dict(),
        "members": members,
        "agents": [name for name in members if members[name]["role"] == "agent"],
        "masters": masters_of(state["members"]),
        "released": [],
        "state": state,
    }


def as_allocation(value):
    """``value`` itself when it is an allocation; anything else is refused, naming what it is."""
    if is_allocation(value):
        return value
    if isinstance(value, dict) and ("format" in value or "agents" in value or "members" in value):
        raise field_error("allocation", type(value).__name__, "is a saved state, not an allocation: turn it into "
                          "one once with the saved_allocation filter")
    raise field_error("allocation", value, "is not an allocation (what the allocate or saved_allocation filter "
                      "returns)")


def peers_of(allocation, name=None, exclude=None):
    """What host ``name`` must know of every other member: the peer list of vxlan_peers.

    Routes go to each peer's slice of every enabled overlay (masters' slices included: a
    master reaches containers through them too). Members in ``exclude`` are left out.
    Without ``name``, every member: the peer table of a run, computed once, from which each
    host's data plane leaves out its own entry on the host.
    """
    allocation = as_allocation(allocation)
    agents = allocation["members"]
    if name is not None and name not in agents:
        raise field_error("name", name, "has no entry in the allocation")
    enabled = {o["name"] for o in allocation["network"]["overlays"] if o["enabled"]}
    skip = set(exclude or [])
    peers = []
    for peer_name in sorted(agents):
        if peer_name == name or peer_name in skip:
            continue
        entry = agents[peer_name]
        vtep = entry["vtep"]
        subnets = []
        for overlay_name in sorted(entry["overlays"]):
            if overlay_name not in enabled:
                continue
            slot = entry["overlays"][overlay_name]
            if slot.get("subnet"):
                subnets.append(slot["subnet"])
            if slot.get("subnet6") and vtep.get("ip6"):
                subnets.append(slot["subnet6"])
        peers.append({
            "name": peer_name,
            "vtep_ip": vtep["ip"].split("/")[0],
            "vtep_ip6": vtep["ip6"].split("/")[0] if vtep.get("ip6") else None,
            "mac": vtep["mac"],
            "underlay_ip": entry["ip"],
            "subnets": subnets,
        })
    return peers


def host_view(allocation, name, peers=True):
    """Everything host ``name`` is configured from, derived from the allocation (or saved state).

    ``allocate``'s entry for the host (``ip``, ``role``, ``vtep``, ``overlays``), with each
    bridge's ``gateway`` and ``gateway6`` added, and:
    ``name``; ``enabled`` and ``disabled``, the names of the overlays the host carries and of
    those switched off; ``peers`` (see ``peers_of``); ``members``, the underlay addresses of
    every member (who may send VXLAN packets); ``masters``, the underlay addresses of the
    masters by name; ``internal4`` and ``internal6``, the address
    spaces that are overlay traffic (never masqueraded); ``ipv6``, whether any overlay has IPv6;
    ``network``, the normalised configuration.
    With ``peers`` false, ``peers`` and ``members`` are left out: the view stays the same size
    whatever the member count (what the roles keep per host), and the data plane takes them
    from the run's peer table instead (``peers_of`` without a name).
    """
    allocation = as_allocation(allocation)
    agents = allocation["members"]
    if name not in agents:
        raise field_error("name", name, "has no entry in the allocation (is it in mesos_masters or mesos_agents?)")
    entry = with_gateways(agents[name])
    network = allocation["network"]
    overlays = entry["overlays"]
    internal4 = [network["vtep_subnet"]] + [o["subnet"] for o in network["overlays"] if o.get("subnet")]
    internal6 = [s for s in [network.get("vtep_subnet6")] + [o.get("subnet6") for o in network["overlays"]] if s]
    view = {
        "name": name,
        "ip": entry["ip"],
        "role": entry["role"],
        "vtep": dict(entry["vtep"]),
        "overlays": overlays,
        "enabled": [o["name"] for o in network["overlays"] if o["enabled"] and o["name"] in overlays],
        "disabled": [o["name"] for o in network["overlays"] if not o["enabled"]],
        # Read from the allocation, not scanned per host: under Ansible every member read costs.
        "masters": list(allocation["masters"]),
        "internal4": internal4,
        "internal6": internal6,
        "ipv6": bool(internal6) and any(o.get("subnet6") for o in network["overlays"]),
        "network": network,
    }
    if peers:
        view["peers"] = peers_of(allocation, name)
        view["members"] = sorted({agents[member]["ip"] for member in agents}, key=ipaddress.ip_address)
    return view
