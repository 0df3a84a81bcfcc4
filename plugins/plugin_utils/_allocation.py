# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation engine of mesos.overlay: plain Python, no Ansible imports.

It does what the DC/OS overlay master module did as IPAM: it gives every cluster member a
VTEP address and MAC, and a slice of every overlay subnet, split in halves for the Mesos
and the Docker bridges on agents.  Unlike the master module it keeps its state outside
(the caller stores what ``allocate`` returns and gives it back next time), and it
guarantees that allocations never move.

Addresses are handled as integers inside the engine: parsing and formatting go through
``ipaddress`` only at the edges, which keeps 100,000 members well under a second.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc

from ansible_collections.mesos.overlay.plugins.plugin_utils._addresses import Pool, parse_cidr
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError, field_error
from ansible_collections.mesos.overlay.plugins.plugin_utils._members import Entries, masters_of
from ansible_collections.mesos.overlay.plugins.plugin_utils._network import ROLES, Network
from ansible_collections.mesos.overlay.plugins.plugin_utils._state import STATE_FORMAT, Holder, load_holders


def parse_members(members, network):
    if not isinstance(members, (list, tuple)):
        raise field_error("members", members, "is not a list")
    by_name = {}
    by_ip = {}
    for position, member in enumerate(members):
        field = "members[%d]" % position
        if not isinstance(member, dict):
            raise field_error(field, member, "is not a dictionary")
        name = member.get("name")
        if not isinstance(name, str) or not name:
            raise field_error(field + ".name", name, "must be a non-empty string")
        if name in by_name:
            raise field_error(field + ".name", name, "is listed twice")
        ip = member.get("ip")
        underlay = parse_cidr(ip)
        if underlay is None or underlay[0] != 4 or underlay[2] is not None:
            raise field_error(field + ".ip", ip, "is not an IPv4 address (member %s)" % name)
        # inet_pton takes only the canonical dotted quad (no leading zeros, four parts): the
        # text is the address as it is written everywhere.
        address = ip
        inside = network.contains_address(underlay[1])
        if inside:
            raise field_error(field + ".ip", ip, "lies inside the %s: the underlay must be "
                              "outside the overlay address spaces (member %s)" % (inside, name))
        if address in by_ip:
            raise field_error(field + ".ip", ip, "is also the address of member %s" % by_ip[address])
        by_ip[address] = name
        role = member.get("role")
        if role not in ROLES:
            raise field_error(field + ".role", role, "must be one of %s (member %s)" % (", ".join(ROLES), name))
        by_name[name] = {"ip": address, "role": role}
    return by_name


def build_pools(network):
    pools = {
        "vtep": Pool("vtep_subnet %s" % network.vtep_subnet, network.vtep_subnet, 32,
                     skip_first=True, skip_last=True),
    }
    if network.vtep_subnet6 is not None:
        pools["vtep6"] = Pool("vtep_subnet6 %s" % network.vtep_subnet6, network.vtep_subnet6, 128,
                              skip_first=True)
    for overlay in network.overlays:
        name = overlay["name"]
        if overlay["subnet"] is not None:
            pools[(name, 4)] = Pool("overlay %r subnet %s" % (name, overlay["subnet"]),
                                    overlay["subnet"], overlay["prefix"])
        if overlay["subnet6"] is not None:
            pools[(name, 6)] = Pool("overlay %r subnet6 %s" % (name, overlay["subnet6"]),
                                    overlay["subnet6"], overlay["prefix6"])
    return pools


# ---------------------------------------------------------------------------------------
# Allocation
# ---------------------------------------------------------------------------------------

def check_capacity(pool, missing):
    """Fail before allocating anything when the pool cannot serve every member that needs it."""
    demand = len(pool.used) + missing
    if demand > pool.capacity:
        raise AllocationError("%s is full: its capacity is %d and the demand is %d (%d already "
                              "allocated, %d members need one more)"
                              % (pool.label, pool.capacity, demand, len(pool.used), missing))


def allocate(config, members, state=None, release=None):
    """Allocate VTEPs and overlay slices to every member; keep what ``state`` holds.

    Returns ``{"network": <normalised config>, "members": {name: entry}, "agents": [names of the
    agents], "masters": [underlay addresses of the masters, by name], "released": [names],
    "state": <what to save>}`` in name order, so equal inputs give byte-identical JSON.
    ``state`` holds only what was allocated (see ``_state.normalize_state``); ``members`` is
    every member's entry derived from it by ``_members.member_entry``.
    Raises AllocationError, naming the field and the value, before anything is allocated.
    """
    # The run builds hundreds of thousands of small acyclic dicts: pausing the cyclic
    # collector keeps the time linear in the member count (it would rescan them all).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _allocate(config, members, state, release)
    finally:
        if collecting:
            gc.enable()


def _allocate(config, members, state, release):
    network = Network(config)
    current = parse_members(members, network)
    if release is None:
        release = []
    if isinstance(release, str):
        release = [release]
    if not isinstance(release, (list, tuple, set)):
        raise field_error("release", release, "is not a list of names")
    for name in release:
        if name in current:
            raise field_error("release", name, "is still a member: remove it from the inventory "
                              "before releasing its allocation")

    pools = build_pools(network)
    holders = load_holders(state, network, pools)
    released = sorted(name for name in set(release) if name in holders)
    for name in released:
        holder = holders.pop(name)
        # Free the slots so that later members can reuse them (lowest free first).
        pools["vtep"].used.discard(holder.vtep)
        if holder.vtep6 is not None:
            pools["vtep6"].used.discard(holder.vtep6)
        for key, index in holder.slices.items():
            pools[key].used.discard(index)

    # Present members keep their slots; their underlay IP and role follow the inventory.
    for name, member in current.items():
        holder = holders.get(name)
        if holder is None:
            holders[name] = Holder(name, member["ip"], member["role"])
        else:
            holder.ip, holder.role = member["ip"], member["role"]

    # New allocations go to present members only, masters first, then agents, by name.
    ordered = sorted((holders[name] for name in current),
                     key=lambda h: (ROLES.index(h.role), h.name))
    check_capacity(pools["vtep"], sum(1 for h in ordered if h.vtep is None))
    if "vtep6" in pools:
        check_capacity(pools["vtep6"], sum(1 for h in ordered if h.vtep6 is None))
    wanted_slices = [(o["name"], version) for o in network.overlays if o["enabled"]
                     for version in (4, 6) if (o["name"], version) in pools]
    for key in wanted_slices:
        check_capacity(pools[key], sum(1 for h in ordered if key not in h.slices))

    for holder in ordered:
        if holder.vtep is None:
            holder.vtep = pools["vtep"].take_lowest()
        if holder.vtep6 is None and "vtep6" in pools:
            holder.vtep6 = pools["vtep6"].take_lowest()
    for key in wanted_slices:
        pool = pools[key]
        for holder in ordered:
            if key not in holder.slices:
                holder.slices[key] = pool.take_lowest()

    records, entries = {}, {}
    allocated = Entries(network).allocator(pools)
    for name in sorted(holders):
        records[name], entries[name] = allocated(holders[name])
    return {
        "network": network.as_dict(),
        "members": entries,
        "agents": [name for name in entries if entries[name]["role"] == "agent"],
        "masters": masters_of(records),
        "released": released,
        "state": {"format": STATE_FORMAT, "network": network.as_dict(), "members": records},
    }
