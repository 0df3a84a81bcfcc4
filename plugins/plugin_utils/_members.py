# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A member's record and entry: what it holds, and everything derived from it, in one place (``Entries``).

The MAC, the VTEP's name and VNI, the bridges with their halves and gateways: ``allocate``, the
host views, the reports and the DC/OS import all take them from here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import VTEP_NAME, VTEP_VNI, docker_bridge, mesos_bridge
from ansible_collections.mesos.overlay.plugins.plugin_utils._addresses import format_ipv4, format_ipv6, parse_cidr


def halves(cidr, start=None):
    """The Mesos and the Docker half of a slice 'address/len', as 'address/len+1' strings.

    ``start``: the slice's first address as an int when the caller has it (no parsing again).
    """
    if not cidr:
        return None, None
    address, _slash, length = cidr.partition("/")
    version = 6 if ":" in address else 4
    if start is None:
        start = parse_cidr(cidr)[1]
    length = int(length)
    suffix = "/%d" % (length + 1)
    if version == 4:
        return address + suffix, format_ipv4(start + (1 << (31 - length))) + suffix
    return address + suffix, format_ipv6(start + (1 << (127 - length))) + suffix


class Entries(object):
    """Derives member entries for one network: what does not depend on the member (bridge names,
    the halves' sizes and suffixes per overlay) is worked out once, not once per member."""

    def __init__(self, network):
        self.network = network
        self.vtep_suffix = "/%d" % network.vtep_subnet.prefixlen
        self.vtep_suffix6 = None if network.vtep_subnet6 is None else "/%d" % network.vtep_subnet6.prefixlen
        self.overlays = []
        for overlay in network.overlays:
            name = overlay["name"]
            families = []
            for key, prefix_key, bits, form in (((name, 4), "prefix", 32, format_ipv4),
                                                ((name, 6), "prefix6", 128, format_ipv6)):
                prefix = overlay.get(prefix_key)
                if prefix is None:
                    families.append((key, None, None, None, form))
                    continue
                # A half is the slice's prefix plus one: its size and suffix are the overlay's.
                families.append((key, 1 << (bits - 1 - prefix), "/%d" % prefix, "/%d" % (prefix + 1), form))
            self.overlays.append((name, overlay["enabled"], mesos_bridge(name), docker_bridge(name), families))

    def allocator(self, pools):
        """``allocated(holder)``: a holder's record (what is saved in the state, format 2: nothing
        that can be derived) and its entry, from the integers ``pools`` handed out (nothing is
        parsed). What depends on the pools but not on the holder is looked up here, once a run."""
        plan = []
        for name, enabled, mesos_name, docker_name, families in self.overlays:
            cutters = []
            for key, half, slice_suffix, half_suffix, form in families:
                pool = pools.get(key)
                cutters.append(None if pool is None or half is None else
                               (key, pool.base, pool.step, half, slice_suffix, half_suffix, form))
            plan.append((name, enabled, mesos_name, docker_name, cutters[0], cutters[1]))
        vtep_pool, vtep6_pool = pools["vtep"], pools.get("vtep6")
        vtep_suffix, vtep_suffix6, slot = self.vtep_suffix, self.vtep_suffix6, self._slot
        nothing = (None, None, None)

        def cut(cutter, slices):
            # (slice, Mesos half, Docker half) as 'address/len' strings, or None when not held.
            if cutter is None:
                return None
            index = slices.get(cutter[0])
            if index is None:
                return None
            start = cutter[1] + index * cutter[2]
            address = cutter[6](start)
            return address + cutter[4], address + cutter[5], cutter[6](start + cutter[3]) + cutter[5]

        def allocated(holder):
            slices = holder.slices
            is_agent = holder.role == "agent"
            held, overlays = {}, {}
            for name, enabled, mesos_name, docker_name, cutter4, cutter6 in plan:
                four, six = cut(cutter4, slices), cut(cutter6, slices)
                if four is None and six is None:
                    continue
                held[name], overlays[name] = slot(four or nothing, six or nothing, enabled, is_agent,
                                                  mesos_name, docker_name)
            vtep = vtep_pool.base + holder.vtep * vtep_pool.step
            vtep6 = None
            if holder.vtep6 is not None:
                vtep6 = format_ipv6(vtep6_pool.base + holder.vtep6 * vtep6_pool.step) + vtep_suffix6
            record = {"ip": holder.ip, "role": holder.role, "vtep_ip": format_ipv4(vtep) + vtep_suffix,
                      "vtep_ip6": vtep6, "overlays": held}
            return record, self._entry(record, vtep, overlays)

        return allocated

    @staticmethod
    def _cut(family, start, address):
        """(slice, Mesos half, Docker half) as 'address/len' strings of the slice of one family of
        an overlay that starts at ``start`` (an int; ``address`` is its text)."""
        half, slice_suffix, half_suffix, form = family[1:]
        return address + slice_suffix, address + half_suffix, form(start + half) + half_suffix

    def _cut_text(self, cidr, family):
        """``_cut`` of a slice read as text; one of another size (a record of another network)
        the general way."""
        if not cidr:
            return None
        if family[1] is None or not cidr.endswith(family[2]):
            return (cidr,) + halves(cidr)
        return self._cut(family, parse_cidr(cidr)[1], cidr[:-len(family[2])])

    @staticmethod
    def _slot(four, six, enabled, is_agent, mesos_name, docker_name):
        """A member's record and entry of one overlay, from its two families' cuts (each
        (slice, Mesos half, Docker half), all None where the family is not held)."""
        held = {"subnet": four[0], "subnet6": six[0]}
        if not is_agent:
            return held, dict(held, enabled=enabled, mesos_bridge=None, docker_bridge=None)
        return held, {"subnet": four[0], "subnet6": six[0], "enabled": enabled,
                      "mesos_bridge": {"name": mesos_name, "ip": four[1], "ip6": six[1]},
                      "docker_bridge": {"name": docker_name, "ip": four[2], "ip6": six[2]}}

    def _entry(self, record, vtep_address, overlays):
        return {
            "ip": record["ip"],
            "role": record["role"],
            "vtep": {"name": VTEP_NAME, "vni": VTEP_VNI, "ip": record["vtep_ip"], "ip6": record.get("vtep_ip6"),
                     "mac": "%s:%02x:%02x:%02x" % (self.network.mac_prefix, (vtep_address >> 16) & 0xFF,
                                                   (vtep_address >> 8) & 0xFF, vtep_address & 0xFF)},
            "overlays": overlays,
        }

    def entry(self, record):
        """A member's entry of ``allocate``'s ``members`` mapping, derived from what it holds
        (``record``: a member of a state in the current format)."""
        is_agent = record["role"] == "agent"
        overlays = {}
        held = record.get("overlays") or {}
        for name, enabled, mesos_name, docker_name, families in self.overlays:
            slot = held.get(name)
            if not slot:
                continue
            cuts = [self._cut_text(slot.get("subnet"), families[0]), self._cut_text(slot.get("subnet6"), families[1])]
            if is_agent:
                overlays[name] = self._slot(cuts[0] or (None, None, None), cuts[1] or (None, None, None), enabled,
                                            is_agent, mesos_name, docker_name)[1]
            else:
                # A master's record may hold a family the agents' halves are not made from.
                overlays[name] = {"subnet": slot.get("subnet"), "subnet6": slot.get("subnet6"), "enabled": enabled,
                                  "mesos_bridge": None, "docker_bridge": None}
        return self._entry(record, parse_cidr(record["vtep_ip"])[1], overlays)


def member_entry(network, record):
    """A member's entry of ``allocate``'s ``members`` mapping, derived from what it holds.

    The one place where the MAC, the VTEP name and VNI, the bridge names and the halves are
    derived (the bridges' gateways too: ``with_gateways``): ``allocate``, the per-host view,
    the reports and the DC/OS import all go through it (many members of one network: one
    ``Entries(network)`` and its ``entry``). ``network`` is a validated Network.
    """
    return Entries(network).entry(record)


def gateway(half):
    """The first host address of a half: the bridge's own address (CNI bridge plugin and Docker)."""
    if not half:
        return None
    version, start, _length = parse_cidr(half)
    return (format_ipv4 if version == 4 else format_ipv6)(start + 1)


def with_gateways(entry):
    """A member's entry (``member_entry``) with each bridge's ``gateway`` and ``gateway6``: a host's own view."""
    overlays = {}
    for name, slot in entry["overlays"].items():
        slot = dict(slot)
        for key in ("mesos_bridge", "docker_bridge"):
            if slot[key]:
                slot[key] = dict(slot[key], gateway=gateway(slot[key]["ip"]), gateway6=gateway(slot[key]["ip6"]))
        overlays[name] = slot
    return dict(entry, overlays=overlays)


def masters_of(members):
    """The underlay addresses of the masters among ``members`` ({name: entry or record}), by name.

    Kept in the allocation once, so that each host's view does not scan every member for them.
    """
    return [members[name]["ip"] for name in sorted(members) if members[name]["role"] == "master"]
