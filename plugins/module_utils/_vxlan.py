# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the VTEP and its peers, read, planned, then applied.

The logic of the vxlan_link and vxlan_peers modules, and of the unit that restores the data
plane at boot: each step takes its options and a ``_host.Host``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan, argv_text
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import PEER_OPTIONS, VTEP_NAME, VTEP_VNI, VXLAN_PORT
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError
from ansible_collections.mesos.overlay.plugins.module_utils._iproute import (
    ROUTE_PROTOCOL, WRITE, IPRoute, normalize_mac, parse_address, parse_interface, parse_network)

# What the kernel cannot change on an existing VXLAN device: a difference means recreating it
# (Group Based Policy too: "vxlan: cannot change GBP flag").
FIXED = ("vni", "port", "local", "dev", "gbp")


class _DeviceStep(object):
    """A step on one device: its options, the host, and iproute2 on that host."""

    def __init__(self, params, host, iproute=None):
        self.host = host
        self.params = params
        self.iproute = iproute or IPRoute(host)


class VxlanLink(_DeviceStep):
    """Reads the device, plans what differs from the options, then applies the plan."""

    # The vxlan_link module's options.
    ARGUMENT_SPEC = dict(
        name=dict(type="str", default=VTEP_NAME),
        vni=dict(type="int", default=VTEP_VNI),
        port=dict(type="int", default=VXLAN_PORT),
        mac=dict(type="str"),
        mtu=dict(type="int"),
        addresses=dict(type="list", elements="str", default=[]),
        local=dict(type="str"),
        dev=dict(type="str"),
        learning=dict(type="bool", default=False),
        gbp=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )

    def __init__(self, params, host, iproute=None):
        super(VxlanLink, self).__init__(params, host, iproute)
        self.name = self.params["name"]

    def validate(self):
        """Every option checked before anything is read or touched."""
        params = self.params
        if not 1 <= params["vni"] <= 16777215:
            raise ParameterError("vni: %r is out of range 1-16777215" % params["vni"])
        if not 1 <= params["port"] <= 65535:
            raise ParameterError("port: %r is out of range 1-65535" % params["port"])
        if params["mtu"] is not None and not 68 <= params["mtu"] <= 65535:
            raise ParameterError("mtu: %r is out of range 68-65535" % params["mtu"])
        if not self.name or len(self.name) > 15 or "/" in self.name or " " in self.name:
            raise ParameterError("name: %r is not a valid interface name" % self.name)
        self.mac = None if params["mac"] is None else normalize_mac("mac", params["mac"])
        self.addresses = sorted({str(parse_interface("addresses", a)) for a in params["addresses"]})
        self.local = None if params["local"] is None else str(parse_address("local", params["local"], 4))
        if params["dev"] is not None and params["state"] == "present" and self.iproute.link(params["dev"]) is None:
            raise ParameterError("dev: %r: there is no such device on this host" % params["dev"])

    def current(self):
        link = self.iproute.link(self.name)
        if link is None:
            return None
        info = link.get("linkinfo", {})
        if info.get("info_kind") != "vxlan":
            raise ParameterError("name: %s exists but is a %s device, not vxlan: remove it or choose another name"
                                 % (self.name, info.get("info_kind") or "plain"))
        data = info.get("info_data", {})
        dev = None
        if data.get("link") is not None:
            dev = data["link"] if isinstance(data["link"], str) else self.iproute.link_name(data["link"])
        return {
            "name": self.name,
            "ifindex": link.get("ifindex"),
            "vni": data.get("id"),
            "port": data.get("port"),
            "local": data.get("local"),
            "dev": dev,
            "learning": bool(data.get("learning")),
            "gbp": bool(data.get("gbp")),
            "mac": (link.get("address") or "").lower(),
            "mtu": link.get("mtu"),
            "up": "UP" in link.get("flags", []),
            "addresses": sorted(self.iproute.addresses(self.name)),
        }

    def wanted(self, before):
        """The device as it should be; unset options keep what is there."""
        keep = before or {}
        return {
            "name": self.name,
            "ifindex": keep.get("ifindex"),
            "vni": self.params["vni"],
            "port": self.params["port"],
            "local": self.local,
            "dev": self.params["dev"],
            "learning": self.params["learning"],
            "gbp": bool(self.params.get("gbp")),
            "mac": self.mac or keep.get("mac"),
            "mtu": self.params["mtu"] or keep.get("mtu"),
            "up": True,
            "addresses": self.addresses,
        }

    def _create_argv(self, want):
        argv = [self.iproute.ip, "link", "add", self.name, "type", "vxlan", "id", str(want["vni"]),
                "dstport", str(want["port"])]
        if want["local"]:
            argv += ["local", want["local"]]
        if want["dev"]:
            argv += ["dev", want["dev"]]
        argv.append("learning" if want["learning"] else "nolearning")
        if want["gbp"]:
            argv.append("gbp")
        return argv

    def plan(self, before):
        """The whole list of changes from ``before`` (None: no device) to the options."""
        plan = Plan()
        ip = self.iproute.ip
        if self.params["state"] == "absent":
            if before is not None:
                plan.add("device", self.name, _fixed(before), None, commands=[[ip, "link", "del", self.name]])
            return plan
        want = self.wanted(before)
        have = before
        if before is not None:
            differs = [key for key in FIXED if before[key] != want[key]]
            if differs:
                # The kernel cannot change these in place; recreating flushes the device's entries.
                plan.add("device", self.name, _fixed(before), _fixed(want),
                         reason="; ".join(_why(key, before[key], want[key]) for key in differs),
                         commands=[[ip, "link", "del", self.name], self._create_argv(want)])
                have = None
        else:
            plan.add("device", self.name, None, _fixed(want), reason="%s does not exist" % self.name,
                     commands=[self._create_argv(want)])
        if have is None:
            # A new device: kernel-chosen MAC and MTU, no addresses, down.
            have = dict(want, mac=None, mtu=None, addresses=[], up=False)
        if have["learning"] != want["learning"]:
            plan.add("learning", self.name, have["learning"], want["learning"],
                     commands=[[ip, "link", "set", self.name, "type", "vxlan",
                                "learning" if want["learning"] else "nolearning"]])
        if want["mac"] and have["mac"] != want["mac"]:
            plan.add("mac", self.name, have["mac"], want["mac"],
                     commands=[[ip, "link", "set", "dev", self.name, "address", want["mac"]]])
        if want["mtu"] and have["mtu"] != want["mtu"]:
            plan.add("mtu", self.name, have["mtu"], want["mtu"],
                     commands=[[ip, "link", "set", "dev", self.name, "mtu", str(want["mtu"])]])
        if any(":" in address for address in want["addresses"]):
            self._plan_ipv6(plan, exists=before is not None and have is before)
        for address in have["addresses"]:
            if address not in want["addresses"]:
                plan.add("address", address, address, None, commands=[[ip, "addr", "del", address, "dev", self.name]])
        for address in want["addresses"]:
            if address not in have["addresses"]:
                argv = [ip, "addr", "add", address, "dev", self.name]
                if ":" in address:
                    argv.append("nodad")  # the allocation already makes it unique
                plan.add("address", address, None, address, commands=[argv])
        if not have["up"]:
            plan.add("up", self.name, False, True, commands=[[ip, "link", "set", "dev", self.name, "up"]])
        return plan

    def _plan_ipv6(self, plan, exists):
        """Let the device hold IPv6 addresses: hosts and containers often start new devices with
        disable_ipv6=1. Only this device is touched."""
        path = self.iproute.disable_ipv6_path(self.name)
        # A device about to be created takes the host's default setting.
        disabled = self.iproute.ipv6_disabled(self.name if exists else "default")
        if disabled is None:
            raise ParameterError("addresses: IPv6 addresses are asked for but IPv6 is not available on this host "
                                 "(%s is missing)" % path)
        if disabled:
            plan.add("sysctl", path, "1", "0", commands=[[WRITE, path, "0\n"]])

    def run(self):
        self.validate()
        before = self.current()
        plan = self.plan(before)
        check = self.host.check_mode
        if plan and not check:
            self.iproute.apply(plan.commands())
        if self.params["state"] == "absent":
            after = {}
        elif check or not plan:
            after = self.wanted(before)
        else:
            after = self.current()
            if after is None:
                raise HostError("%s vanished after it was configured" % self.name)
        result = {
            "changed": bool(plan),
            "recreated": any(c.kind == "device" and c.action == "change" for c in plan.changes),
            "changes": plan.as_result(),
            "commands": [argv_text(argv) for argv in plan.commands()],
            "device": after if self.params["state"] == "present" else {},
        }
        if self.host.diff:
            result["diff"] = plan.diff(self.name, before or {}, after or {})
        return result


def _why(key, before, after):
    if key == "gbp":
        return ("group policy (gbp): %s -> %s (the kernel cannot change it on a device: %s is recreated once)"
                % ("on" if before else "off", "on" if after else "off", "the VTEP"))
    return "%s: %s -> %s" % (key, before, after)


def _fixed(device):
    return {key: device[key] for key in FIXED}


KINDS = ("neighbour", "fdb", "route4", "route6")


def _bare_address(option, value, version):
    """An address given with or without a prefix length, as a plain string."""
    return str(parse_address(option, str(value).split("/", maxsplit=1)[0], version))


class VxlanPeers(_DeviceStep):
    """Reads the device's neighbour, forwarding and owned route entries, plans, then applies."""

    # The vxlan_peers module's options.
    ARGUMENT_SPEC = dict(
        device=dict(type="str", default=VTEP_NAME),
        peers=dict(type="list", elements="dict", default=[], options=PEER_OPTIONS),
        purge=dict(type="bool", default=True),
    )

    def __init__(self, params, host, iproute=None):
        super(VxlanPeers, self).__init__(params, host, iproute)
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

    # No -4/-6: iproute2 takes the family from the address, and a batch line cannot carry it.
    def _set_argv(self, kind, key, value):
        ip, dev = self.iproute.ip, self.device
        if kind == "neighbour":
            return [ip, "neigh", "replace", key, "lladdr", value, "dev", dev, "nud", "permanent"]
        if kind == "fdb":
            # On a VXLAN device, replace swaps the MAC's existing destination (append would add one).
            return [self.iproute.bridge, "fdb", "replace", key, "dev", dev, "dst", value, "self", "permanent"]
        return [ip, "route", "replace", key, "via", value, "dev", dev, "proto", str(ROUTE_PROTOCOL)]

    def _remove_argv(self, kind, key, value):
        ip, dev = self.iproute.ip, self.device
        if kind == "neighbour":
            return [ip, "neigh", "del", key, "dev", dev]
        if kind == "fdb":
            return [self.iproute.bridge, "fdb", "del", key, "dev", dev, "dst", value, "self"]
        return [ip, "route", "del", key, "dev", dev, "proto", str(ROUTE_PROTOCOL)]

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
        if own is None and not self.host.check_mode:
            raise ParameterError("device: %r: there is no such device on this host (create it with "
                                 "mesos.overlay.vxlan_link first)" % self.device)
        wanted = self.desired(own or set())
        plan = self.plan(have, extra, wanted)
        if plan and not self.host.check_mode:
            self.iproute.apply(plan.commands())
        result = {
            "changed": bool(plan),
            "changes": plan.as_result(),
            "commands": [argv_text(argv) for argv in plan.commands()],
        }
        if self.host.diff:
            result["diff"] = plan.diff(self.device)
        return result
