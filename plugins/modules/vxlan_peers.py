#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vxlan_peers
short_description: The permanent entries that join a VTEP to the other overlay hosts
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - For each peer, programs on the VTEP device what dcos-net programmed,
    a permanent neighbour entry from the peer's VTEP address (and IPv6 VTEP address) to its MAC,
    a permanent forwarding-database entry sending that MAC to the peer's underlay address,
    and a route to each of the peer's subnets via its VTEP address (IPv6 subnets via its IPv6 VTEP address).
  - With O(purge), permanent neighbour and forwarding entries on the device that belong to no peer are removed,
    and so are the routes this module owns that lead nowhere now.
  - The routes this module owns carry the route protocol number C(121) (C(ip route show proto 121)).
    Routes on the device with any other protocol, such as the kernel's connected routes or routes an operator
    added by hand, are never touched.
  - Runs C(ip) and C(bridge) from iproute2 with argument lists and reads their JSON output. Reads every entry,
    computes the changes as data, then applies them; check mode and diff come from that plan.
  - In check mode, a device that does not exist yet (M(mesos.overlay.vxlan_link) would create it in the same run)
    is taken as empty, and every entry is reported as to be added.
options:
  device:
    description: The VTEP device, which must exist (see M(mesos.overlay.vxlan_link)).
    type: str
    default: vtep1024
  peers:
    description: The other hosts of the overlay.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The peer's name (its inventory hostname), for messages only.
        type: str
      vtep_ip:
        description: The peer's VTEP IPv4 address, with or without prefix length.
        type: str
        required: true
      vtep_ip6:
        description: The peer's VTEP IPv6 address, with or without prefix length. Needed for IPv6 subnets.
        type: str
      mac:
        description: The peer's VTEP MAC address.
        type: str
        required: true
      underlay_ip:
        description: The peer's underlay address, where its VXLAN packets go.
        type: str
        required: true
      subnets:
        description: Networks (CIDR) routed to the peer, IPv4 and IPv6.
        type: list
        elements: str
        default: []
  purge:
    description: Remove the entries on the device that no longer belong to a peer.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Reports what would be added, changed and removed, runs nothing that changes the host.
  diff_mode:
    support: full
    description: Shows the neighbour, forwarding and route entries before and after.
notes:
  - Needs C(CAP_NET_ADMIN) (root) on the host.
seealso:
  - module: mesos.overlay.vxlan_link
"""

EXAMPLES = r"""
- name: Join this host's VTEP to two other hosts
  mesos.overlay.vxlan_peers:
    device: vtep1024
    peers:
      - vtep_ip: 44.128.0.1/20
        vtep_ip6: fd01:a::1/64
        mac: "70:b3:d5:80:00:01"
        underlay_ip: 192.0.2.10
        subnets: [9.0.0.0/24, "fd01:b::/80"]
      - vtep_ip: 44.128.0.3
        mac: "70:b3:d5:80:00:03"
        underlay_ip: 192.0.2.12
        subnets: [9.0.2.0/24]
"""

RETURN = r"""
changes:
  description:
    - The entries added, replaced or removed (in check mode, that would be), in the order applied. Each
      C({kind, key, action, before, after}); C(kind) is C(neighbour), C(fdb), C(route4) or C(route6); C(key) the
      neighbour address, the MAC or the routed network; C(before) and C(after) the MAC, the underlay address
      or the gateway (null when the entry does not exist on that side); C(action) is C(add), C(change) or C(remove).
  returned: always
  type: list
  elements: dict
  sample: [{kind: route4, key: 9.0.2.0/24, action: add, before: null, after: 44.128.0.3}]
commands:
  description: The commands run (in check mode, that would be run).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan, argv_text
from ansible_collections.mesos.overlay.plugins.module_utils._iproute import (
    ROUTE_PROTOCOL, IPRoute, normalize_mac, parse_address, parse_network)

KINDS = ("neighbour", "fdb", "route4", "route6")


def _bare_address(option, value, version):
    """An address given with or without a prefix length, as a plain string."""
    return str(parse_address(option, str(value).split("/", maxsplit=1)[0], version))


class VxlanPeers:
    """Reads the device's neighbour, forwarding and owned route entries, plans, then applies."""

    def __init__(self, module, iproute=None):
        self.module = module
        self.params = module.params
        self.iproute = iproute or IPRoute(module)
        self.device = self.params["device"]

    def desired(self, own_addresses):
        """{kind: {key: value}} wanted on the device, checked before anything is touched."""
        wanted = {kind: {} for kind in KINDS}
        for position, peer in enumerate(self.params["peers"]):
            field = "peers[%d]" % position
            if peer.get("name"):
                field += " (%s)" % peer["name"]
            vtep_ip = _bare_address(field + ".vtep_ip", peer["vtep_ip"], 4)
            vtep_ip6 = None if not peer.get("vtep_ip6") else _bare_address(field + ".vtep_ip6", peer["vtep_ip6"], 6)
            mac = normalize_mac(field + ".mac", peer["mac"])
            underlay = str(parse_address(field + ".underlay_ip", peer["underlay_ip"]))
            for address, option in ((vtep_ip, "vtep_ip"), (vtep_ip6, "vtep_ip6")):
                if address is None:
                    continue
                if address in own_addresses:
                    raise ParameterError("%s.%s: %r is an address of %s itself, not of a peer"
                                         % (field, option, peer[option], self.device))
                if address in wanted["neighbour"]:
                    raise ParameterError("%s.%s: %r is listed for two peers" % (field, option, peer[option]))
                wanted["neighbour"][address] = mac
            if mac in wanted["fdb"] and wanted["fdb"][mac] != underlay:
                raise ParameterError("%s.mac: %r is listed for two peers" % (field, peer["mac"]))
            wanted["fdb"][mac] = underlay
            for subnet in peer.get("subnets") or []:
                network = parse_network(field + ".subnets", subnet)
                if network.version == 6 and vtep_ip6 is None:
                    raise ParameterError("%s.subnets: %r is IPv6 but the peer has no vtep_ip6" % (field, subnet))
                key = "route%d" % network.version
                if str(network) in wanted[key]:
                    raise ParameterError("%s.subnets: %r is routed to two peers" % (field, subnet))
                wanted[key][str(network)] = vtep_ip if network.version == 4 else vtep_ip6
        return wanted

    def current(self):
        """({kind: {key: value}} on the device, {mac: [extra destinations]}); empty for no device."""
        if self.iproute.link(self.device) is None:
            return None, {kind: {} for kind in KINDS}, {}
        fdb_destinations = self.iproute.permanent_fdb(self.device)
        have = {
            "neighbour": self.iproute.permanent_neighbours(self.device),
            "fdb": {mac: dsts[0] for mac, dsts in fdb_destinations.items()},
            "route4": self.iproute.owned_routes(self.device, 4),
            "route6": self.iproute.owned_routes(self.device, 6),
        }
        # A MAC with several permanent destinations (set by hand) is reset to the one wanted.
        extra = {mac: dsts[1:] for mac, dsts in fdb_destinations.items() if len(dsts) > 1}
        own = {a.split("/")[0] for a in self.iproute.addresses(self.device)}
        return own, have, extra

    def _set_argv(self, kind, key, value):
        ip, dev = self.iproute.ip, self.device
        if kind == "neighbour":
            family = "-6" if ":" in key else "-4"
            return [ip, family, "neigh", "replace", key, "lladdr", value, "dev", dev, "nud", "permanent"]
        if kind == "fdb":
            # On a VXLAN device, replace swaps the MAC's existing destination (append would add one).
            return [self.iproute.bridge, "fdb", "replace", key, "dev", dev, "dst", value, "self", "permanent"]
        family = "-6" if kind == "route6" else "-4"
        return [ip, family, "route", "replace", key, "via", value, "dev", dev, "proto", str(ROUTE_PROTOCOL)]

    def _remove_argv(self, kind, key, value):
        ip, dev = self.iproute.ip, self.device
        if kind == "neighbour":
            family = "-6" if ":" in key else "-4"
            return [ip, family, "neigh", "del", key, "dev", dev]
        if kind == "fdb":
            return [self.iproute.bridge, "fdb", "del", key, "dev", dev, "dst", value, "self"]
        family = "-6" if kind == "route6" else "-4"
        return [ip, family, "route", "del", key, "dev", dev, "proto", str(ROUTE_PROTOCOL)]

    def plan(self, have, extra, wanted):
        plan = Plan()
        # Removals first: a stale neighbour or MAC must not linger while the new ones go in.
        if self.params["purge"]:
            for kind in ("route4", "route6", "neighbour", "fdb"):
                for key in sorted(have[kind]):
                    if key not in wanted[kind]:
                        plan.add(kind, key, have[kind][key], None,
                                 commands=[self._remove_argv(kind, key, have[kind][key])])
        for mac, dsts in sorted(extra.items()):
            for dst in dsts:
                plan.add("fdb", mac, dst, None, reason="a second destination of %s" % mac,
                         commands=[self._remove_argv("fdb", mac, dst)])
        # Then adds: forwarding entries before neighbours before routes, so that a route never
        # points at a neighbour whose MAC has nowhere to go.
        for kind in ("fdb", "neighbour", "route4", "route6"):
            for key in sorted(wanted[kind]):
                value = wanted[kind][key]
                if have[kind].get(key) != value:
                    plan.add(kind, key, have[kind].get(key), value, commands=[self._set_argv(kind, key, value)])
        return plan

    def run(self):
        own, have, extra = self.current()
        if own is None and not self.module.check_mode:
            raise ParameterError("device: %r: there is no such device on this host (create it with "
                                 "mesos.overlay.vxlan_link first)" % self.device)
        wanted = self.desired(own or set())
        plan = self.plan(have, extra, wanted)
        if plan and not self.module.check_mode:
            self.iproute.apply(plan.commands())
        result = {
            "changed": bool(plan),
            "changes": plan.as_result(),
            "commands": [argv_text(argv) for argv in plan.commands()],
        }
        if self.module._diff:
            result["diff"] = plan.diff(self.device)
        return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            device=dict(type="str", default="vtep1024"),
            peers=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str"),
                vtep_ip=dict(type="str", required=True),
                vtep_ip6=dict(type="str"),
                mac=dict(type="str", required=True),
                underlay_ip=dict(type="str", required=True),
                subnets=dict(type="list", elements="str", default=[]),
            )),
            purge=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    try:
        result = VxlanPeers(module).run()
    except ParameterError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
