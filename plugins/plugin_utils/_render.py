# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the roles write, computed from a host's view: plain Python, no Ansible imports.

Every file and every firewall chain of a host is rendered here from ``host_view`` and the
role's settings, so that the roles only write and apply data (no JSON or rules built in Jinja).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.mesos.overlay.plugins.module_utils._iptables import (
    accept_sources, forward_rules, nat_rules, udp_port_match)
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    FORWARD_CHAIN, GROUP_LABEL, GROUPS_PLUGIN, LEGACY_COMMENT, MEMBERS_DIR, MEMBERS_SOCKET, NAT_CHAIN, NFT_TABLE, VXLAN_CHAIN)
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import field_error, parse_bool, parse_int
from ansible_collections.mesos.overlay.plugins.plugin_utils._policy import group_table
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view

# Mesos' CNI isolator parses a plugin's result as CNI 0.2.0 (ip4 and ip6 objects); the
# reference plugins answer in the version the config names.
CNI_VERSION = "0.2.0"

# The DC/OS overlay modules as the current dcos-mesos-modules reads them (only when asked).
MASTER_MANAGER = "com_mesosphere_mesos_OverlayMasterManager"
AGENT_MANAGER = "com_mesosphere_mesos_OverlayAgentManager"
# What Mesos isolates with when its isolation flag is not set (mesos-agent --help).
MESOS_DEFAULT_ISOLATION = ("posix/cpu", "posix/mem")


def _view(view):
    if not isinstance(view, dict) or "vtep" not in view or "role" not in view:
        raise field_error("view", type(view).__name__, "is not a host view (see the host_view filter)")
    return view


def to_json(data):
    """The text every JSON file of the collection is written as: sorted keys, two spaces, a final newline."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def cni_config(view, overlay, mtu=1420, port_mapper=False, ipam_dir=None, group_policy=None):
    """The CNI network config of one overlay on an agent (what the DC/OS agent module wrote).

    The bridge plugin on the Mesos bridge with host-local IPAM on the agent's Mesos half:
    gateway on (the bridge holds the half's first address), no IP masquerade (the agent's
    firewall chains masquerade what leaves the overlay), hairpin on, a default route; IPv6
    alongside when the overlay has it. With ``port_mapper`` it is wrapped in the
    mesos-cni-port-mapper plugin, which then delegates to the bridge. With ``ipam_dir``,
    host-local keeps its leases there (under /run: a reboot leaves no address leased to a
    container that no longer exists). With a ``group_policy`` (the group_policy filter's result)
    that polices this overlay, the whole is wrapped in the collection's mesos-overlay-groups
    plugin, which records the container's group and returns the delegate's result unchanged.
    """
    view = _view(view)
    slot = view["overlays"].get(overlay)
    if not slot or not slot.get("mesos_bridge"):
        raise field_error("overlay", overlay, "has no Mesos bridge on %s (is it an agent, and does it hold a "
                          "slice of this overlay?)" % view["name"])
    mtu = parse_int("mtu", mtu, 68, 65535)
    bridge = slot["mesos_bridge"]
    ranges, routes = [], []
    if bridge.get("ip"):
        ranges.append([{"subnet": bridge["ip"]}])
        routes.append({"dst": "0.0.0.0/0"})
    if bridge.get("ip6"):
        ranges.append([{"subnet": bridge["ip6"]}])
        routes.append({"dst": "::/0"})
    delegate = {
        "type": "bridge",
        "bridge": bridge["name"],
        "isGateway": True,
        "ipMasq": False,
        "hairpinMode": True,
        "mtu": mtu,
        "ipam": {"type": "host-local", "ranges": ranges, "routes": routes},
    }
    if ipam_dir:
        delegate["ipam"]["dataDir"] = str(ipam_dir)
    if port_mapper:
        delegate = {"type": "mesos-cni-port-mapper", "excludeDevices": [bridge["name"]],
                    "chain": ("M-" + overlay).upper()[:28], "delegate": delegate}
    if group_policy and overlay in (group_policy.get("overlays") or {}):
        return {"cniVersion": CNI_VERSION, "name": overlay, "type": GROUPS_PLUGIN,
                "groups": dict(group_policy.get("groups") or {}), "label": GROUP_LABEL,
                "membersDir": MEMBERS_DIR, "table": NFT_TABLE, "daemonSocket": MEMBERS_SOCKET, "delegate": delegate}
    return dict(delegate, cniVersion=CNI_VERSION, name=overlay)


def member_cni_config(allocation, name, overlay, mtu=1420, port_mapper=False, group_policy=None):
    """The cni_config filter: one member's config of one overlay, from the allocation (the roles
    render every config of a host from its view, with cni_files)."""
    return cni_config(host_view(allocation, name), overlay, mtu=mtu, port_mapper=port_mapper,
                      group_policy=group_policy)


def cni_files(view, cni_dir, mtu=1420, port_mapper=False, ipam_dir=None, group_policy=None, disabled=False):
    """{path: text} of the CNI config of every enabled overlay on an agent ({} on a master);
    with ``disabled``, also each disabled overlay's path, to None (a file that must not exist)."""
    view = _view(view)
    if view["role"] != "agent":
        return {}
    files = {}
    for name in view["enabled"]:
        files["%s/%s.conf" % (cni_dir, name)] = to_json(cni_config(view, name, mtu=mtu, port_mapper=port_mapper,
                                                                   ipam_dir=ipam_dir, group_policy=group_policy))
    if parse_bool("disabled", disabled):
        files.update(("%s/%s.conf" % (cni_dir, name), None) for name in view["disabled"])
    return files


def docker_networks(view, mtu=1420):
    """The Docker networks of an agent, as the docker_network module takes them: each enabled
    overlay's on its Docker bridge with the agent's Docker half (no masquerade: the firewall
    chains masquerade what leaves the overlay), each disabled overlay's absent ([] on a master)."""
    view = _view(view)
    mtu = parse_int("mtu", mtu, 68, 65535)
    if view["role"] != "agent":
        return []
    networks = []
    for name in view["enabled"]:
        bridge = view["overlays"][name]["docker_bridge"]
        networks.append({"name": name, "bridge": bridge["name"], "subnet": bridge["ip"], "subnet6": bridge["ip6"],
                         "mtu": mtu, "masquerade": False, "state": "present"})
    networks += [{"name": name, "state": "absent"} for name in view["disabled"]]
    return networks


def module_network(view):
    """The networks as the overlay master module reads them (overlay-config.json): enabled
    overlays only, no null values."""
    network = _view(view)["network"]
    overlays = []
    for overlay in network["overlays"]:
        if overlay["enabled"]:
            overlays.append({key: value for key, value in overlay.items() if value is not None and key != "enabled"})
    result = {"vtep_subnet": network["vtep_subnet"], "vtep_mac_oui": network["vtep_mac_oui"], "overlays": overlays}
    if network.get("vtep_subnet6"):
        result["vtep_subnet6"] = network["vtep_subnet6"]
    return result


def _isolation(current, wanted):
    """The agent's isolation flag: every isolator the host already has, in its order, then the
    ones the overlay needs; Mesos' default set when the host has none."""
    if current is None or (isinstance(current, str) and not current.strip()):
        have = list(MESOS_DEFAULT_ISOLATION)
    elif isinstance(current, str):
        have = [item.strip() for item in current.strip().split(",") if item.strip()]
    else:
        have = list(current)
    wanted = list(wanted or [])
    for field, items in (("isolation (on the host)", have), ("mesos_overlay_agent_isolation", wanted)):
        if not all(isinstance(item, str) and item and "," not in item for item in items):
            raise field_error(field, items, "must be a list of isolator names")
    return ",".join(dict.fromkeys(have + wanted))


def mesos_files(view, settings):
    """{path: text, or None for a file that must not exist} of the Mesos flags of a master or an agent.

    A packaged Apache Mesos reads one file per flag. Agents get ``network_cni_config_dir``,
    ``network_cni_plugins_dir`` and ``isolation``: the host's current isolators (``settings.isolation``,
    the text of the flag file, None when there is none) plus ``settings.isolators`` (network/cni).
    No ``modules`` flag: a module Mesos cannot load stops it at start. With ``dcos_modules``,
    the DC/OS overlay modules as the current dcos-mesos-modules reads them
    (OverlayMasterManager with master_config, OverlayAgentManager with agent_config) and the
    ``modules`` flag naming them. Without, the files an earlier version wrote for them are
    removed: the module configs in ``config_dir``, and the ``modules`` flag when it names one
    of them (``settings.modules_flag``, its current text; a flag the operator wrote is kept).

    ``settings``: ``dcos_modules``, ``config_dir``, ``module_library``, ``master_flags_dir``,
    ``agent_flags_dir``, ``replicated_log_dir``, ``master_address``, ``cni_dir``,
    ``cni_plugins_dir``, ``isolation``, ``isolators``, ``modules_flag``, ``mtu``, ``docker_networks``.
    """
    view = _view(view)
    settings = settings or {}

    def setting(key):
        if settings.get(key) in (None, ""):
            raise field_error("settings.%s" % key, settings.get(key), "is required for a %s" % view["role"])
        return settings[key]

    role = view["role"]
    config_dir = setting("config_dir")
    flags_dir = setting("master_flags_dir" if role == "master" else "agent_flags_dir")
    modules_json = "%s/%s_modules.json" % (config_dir, role)
    module_config = "%s/%s-config.json" % (config_dir, role)
    files = {}
    if role == "agent":
        files[flags_dir + "/network_cni_config_dir"] = setting("cni_dir") + "\n"
        files[flags_dir + "/network_cni_plugins_dir"] = setting("cni_plugins_dir") + "\n"
        files[flags_dir + "/isolation"] = _isolation(settings.get("isolation"), settings.get("isolators")) + "\n"
    modules_flag = "file://%s\n" % modules_json
    if not parse_bool("mesos_overlay_dcos_modules", settings.get("dcos_modules", False)):
        # What 2.x and earlier wrote for the 2016 helper modules or for the managers.
        for path in (modules_json, module_config, config_dir + "/overlay-config.json"):
            files[path] = None
        if (settings.get("modules_flag") or "").strip() == modules_flag.strip():
            files[flags_dir + "/modules"] = None
        return files
    if role == "master":
        files[module_config] = to_json({"replicated_log_dir": setting("replicated_log_dir"),
                                        "network": module_network(view)})
        module = {"name": MASTER_MANAGER, "parameters": [{"key": "master_config", "value": module_config}]}
    else:
        docker_bridge = parse_bool("mesos_overlay_docker_networks", settings.get("docker_networks", True))
        files[module_config] = to_json({
            "master": setting("master_address"),
            "cni_dir": setting("cni_dir"),
            "network_config": {"allocate_subnet": True, "mesos_bridge": True,
                               "docker_bridge": docker_bridge,
                               "overlay_mtu": int(setting("mtu")), "enable_ipv6": view["ipv6"]},
        })
        module = {"name": AGENT_MANAGER, "parameters": [{"key": "agent_config", "value": module_config}]}
    files[modules_json] = to_json({"libraries": [{"file": setting("module_library"), "modules": [module]}]})
    files[config_dir + "/overlay-config.json"] = None
    files[flags_dir + "/modules"] = modules_flag
    return files


def firewall_chains(view, vxlan_port=64000, vxlan_firewall=True, vxlan_chain=VXLAN_CHAIN, docker=False):
    """The overlay's firewall chains on a host, as the firewall_chain module takes them.

    ``MESOS-OVERLAY-VXLAN`` (filter, from INPUT for the VXLAN port): members' underlay
    addresses accepted, anyone else dropped; absent when ``vxlan_firewall`` is off.
    On agents, ``MESOS-OVERLAY-FORWARD`` (filter): traffic from and to every enabled overlay
    accepted, IPv4 and IPv6; jumped to from FORWARD (inserted first, then left where Docker
    puts it), and with ``docker`` from DOCKER-USER too (created when missing), which Docker
    evaluates before its own rules and never reorders, so that a Docker start cannot put its
    rules in front of the overlay's; ``MESOS-OVERLAY-NAT`` (nat, from POSTROUTING):
    overlay traffic to the overlay address spaces left alone, the rest masqueraded.
    Rules are written the way iptables-save prints them, so that a converged host compares equal.
    """
    view = _view(view)
    port = parse_int("vxlan_port", vxlan_port, 1, 65535)
    chains = [{
        "name": vxlan_chain,
        "table": "filter",
        "state": "present" if vxlan_firewall else "absent",
        # A view without members (the roles') leaves them to the host: see _dataplane.complete.
        "rules": accept_sources(view["members"]) if "members" in view else None,
        "rules6": None,
        "jumps": [{"chain": "INPUT", "match": udp_port_match(port), "first": True, "create": False}],
        "purge_comment": LEGACY_COMMENT,
    }]
    agent = view["role"] == "agent"
    # An overlay's whole address space, not only this agent's slice: traffic between
    # containers of different agents is forwarded here too.
    spaces = {o["name"]: o for o in view["network"]["overlays"]}
    enabled = [spaces[name] for name in view["enabled"]] if agent else []
    subnets4 = [overlay["subnet"] for overlay in enabled if overlay.get("subnet")]
    subnets6 = [overlay["subnet6"] for overlay in enabled if overlay.get("subnet6")]
    forward4, forward6 = forward_rules(subnets4), forward_rules(subnets6)
    nat, nat6 = nat_rules(subnets4, view["internal4"]), nat_rules(subnets6, view["internal6"])
    forward_jumps = [{"chain": "FORWARD", "match": "", "first": False, "create": False}]
    if docker:
        forward_jumps.insert(0, {"chain": "DOCKER-USER", "match": "", "first": True, "create": True})
    chains.append({"name": FORWARD_CHAIN, "table": "filter", "state": "present" if agent else "absent",
                   "rules": forward4, "rules6": forward6, "jumps": forward_jumps, "purge_comment": LEGACY_COMMENT})
    chains.append({"name": NAT_CHAIN, "table": "nat", "state": "present" if agent else "absent",
                   "rules": nat, "rules6": nat6,
                   "jumps": [{"chain": "POSTROUTING", "match": "", "first": False, "create": False}],
                   "purge_comment": LEGACY_COMMENT})
    return chains


def dataplane(view, settings=None):
    """What a host's kernel must hold for the overlay, as the modules take it: the file the roles
    write for the unit that restores it at boot, and the options the vtep role gives the modules.

    ``settings``: ``vxlan_port``, ``vtep_mtu``, ``underlay_dev``, ``vxlan_firewall``,
    ``vxlan_chain``, ``docker`` (the agent runs Docker networks), ``group_policy`` (the
    group_policy filter's result: the VTEP carries groups (gbp) when any overlay has a policy,
    and ``group_policy`` holds the host's nftables table; without the key, neither is
    managed), ``members_dir``. ``sysctl``: the kernel
    settings an agent forwards with (none on masters). A view without peers (the
    roles') gives null ``vxlan_peers.peers`` and VXLAN chain ``rules``, which the dataplane
    module completes from the run's peer table on the host. Returns
    ``{"host", "sysctl": {name: value}, "vxlan_link": options, "vxlan_peers": options,
    "firewall_chain": [options], "peer_chains": [the chains whose rules follow the peer table],
    "overlays": {name: {subnet, subnet6, enabled}}}`` (the last only for ``mesos-overlay status``).
    """
    view = _view(view)
    settings = settings or {}
    vxlan_chain = settings.get("vxlan_chain") or VXLAN_CHAIN
    vxlan_firewall = settings.get("vxlan_firewall", True)
    mtu = parse_int("mesos_overlay_vtep_mtu", settings.get("vtep_mtu", 1450), 68, 65535)
    vtep = view["vtep"]
    port = settings.get("vxlan_port", 64000)
    sysctl = {}
    if view["role"] == "agent":
        # An agent routes its containers' traffic; with IPv6, bridges created later (CNI,
        # Docker) must come up with IPv6 on.
        sysctl["net.ipv4.ip_forward"] = "1"
        if view["ipv6"]:
            sysctl.update({"net.ipv6.conf.all.forwarding": "1", "net.ipv6.conf.default.disable_ipv6": "0"})
    policy = settings.get("group_policy")
    plane = {
        "host": view["name"],
        "sysctl": sysctl,
        "vxlan_link": {
            "name": vtep["name"], "vni": vtep["vni"], "port": int(port), "mac": vtep["mac"], "mtu": mtu,
            "addresses": [address for address in (vtep["ip"], vtep["ip6"]) if address],
            "local": view["ip"], "dev": settings.get("underlay_dev") or None, "learning": False, "state": "present",
            # Every host's VTEP carries the groups when any overlay has a policy: a VTEP without
            # gbp drops the packets that carry one.
            "gbp": bool(policy and policy.get("gbp")),
        },
        "vxlan_peers": {
            "device": vtep["name"], "purge": True,
            "peers": [dict(peer) for peer in view["peers"]] if "peers" in view else None,
        },
        "firewall_chain": firewall_chains(view, vxlan_port=port, vxlan_firewall=vxlan_firewall,
                                          vxlan_chain=vxlan_chain,
                                          docker=bool(settings.get("docker")) and view["role"] == "agent"),
        # The host daemon replaces these chains' members when the store's peer table changes.
        "peer_chains": [vxlan_chain] if vxlan_firewall else [],
        # Not applied: what mesos-overlay status names (the host's slice of every overlay it carries).
        "overlays": dict((name, {"subnet": slot.get("subnet"), "subnet6": slot.get("subnet6"),
                                 "enabled": slot.get("enabled", True)})
                         for name, slot in sorted((view.get("overlays") or {}).items())),
    }
    if policy is not None:
        plane["group_policy"] = group_table(policy, view, members_dir=settings.get("members_dir") or MEMBERS_DIR)
    return plane


__all__ = ("dataplane", "cni_config", "cni_files", "docker_networks", "firewall_chains", "mesos_files", "module_network",
           "to_json")
