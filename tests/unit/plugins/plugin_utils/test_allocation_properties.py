# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Random histories of a cluster: the guarantees of the allocate filter (stable, deterministic, no duplicates) hold after every step."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate

NAMES = ["m0", "m1", "m2"] + ["a%d" % i for i in range(12)]
UNDERLAY = {name: "192.0.2.%d" % (i + 1) for i, name in enumerate(NAMES)}
OVERLAYS = {
    # Small spaces so that released slots are reused and holes appear.
    "o1": {"name": "o1", "subnet": "9.0.0.0/24", "prefix": 28, "subnet6": "fd01:b::/120", "prefix6": 124},
    "o2": {"name": "o2", "subnet": "10.0.0.0/24", "prefix": 28},
    "o3": {"name": "o3", "subnet": "11.0.0.0/16", "prefix": 24, "subnet6": "fd01:c::/64", "prefix6": 80},
}


def config_for(overlays):
    return {
        "vtep_subnet": "44.128.0.0/27",  # 30 host addresses for 15 names
        "vtep_subnet6": "fd01:a::/64",
        "vtep_mac_oui": "70:B3:D5:00:00:00",
        "overlays": [dict(OVERLAYS[name], enabled=enabled) for name, enabled in overlays],
    }


def members_for(names):
    return [{"name": n, "ip": UNDERLAY[n], "role": "master" if n.startswith("m") else "agent"} for n in names]


joins = st.builds(lambda names: ("members", names), st.permutations(NAMES).flatmap(
    lambda order: st.integers(0, len(order)).map(lambda k: order[:k])))
# A release may come with new members in the same run: they can take the freed slots at once.
releases = st.builds(lambda names, joiners: ("release", (names, joiners)),
                     st.lists(st.sampled_from(NAMES), max_size=6), st.lists(st.sampled_from(NAMES), max_size=4, unique=True))
toggles = st.builds(lambda name: ("toggle", name), st.sampled_from(sorted(OVERLAYS)))
additions = st.just(("add", None))
steps = st.lists(st.one_of(joins, joins, releases, toggles, additions), min_size=1, max_size=12)


def held(result):
    """Every allocated value, by pool: [(pool, value, holder)]."""
    out = []
    for name, entry in result["members"].items():
        out.append(("vtep", entry["vtep"]["ip"], name))
        out.append(("mac", entry["vtep"]["mac"], name))
        if entry["vtep"]["ip6"]:
            out.append(("vtep6", entry["vtep"]["ip6"], name))
        for overlay, slot in entry["overlays"].items():
            out.append((overlay + "/4", slot["subnet"], name))
            if slot["subnet6"]:
                out.append((overlay + "/6", slot["subnet6"], name))
    return out


def pool_index(pool, value, network):
    """Position of a value in its pool, to check lowest-free order."""
    if pool in ("vtep", "vtep6"):
        return int(ipaddress.ip_interface(value).ip) - int(ipaddress.ip_network(value, strict=False).network_address)
    net = ipaddress.ip_network(value)
    return (int(net.network_address) - int(network.network_address)) >> (net.max_prefixlen - net.prefixlen)


def check_invariants(previous, result, members, released, overlays):
    values = held(result)
    seen = {}
    for pool, value, name in values:
        assert (pool, value) not in seen, "%s %s held by %s and %s" % (pool, value, seen[(pool, value)], name)
        seen[(pool, value)] = name
    # Nothing already allocated moves; only released names disappear.
    for name, old in previous.get("members", {}).items():
        if name in released:
            assert name not in result["members"]
            continue
        new = result["members"][name]
        assert new["vtep"]["ip"] == old["vtep"]["ip"]
        assert new["vtep"]["mac"] == old["vtep"]["mac"]
        if old["vtep"]["ip6"]:
            assert new["vtep"]["ip6"] == old["vtep"]["ip6"]
        for overlay, slot in old["overlays"].items():
            assert new["overlays"][overlay]["subnet"] == slot["subnet"]
            if slot["subnet6"]:
                assert new["overlays"][overlay]["subnet6"] == slot["subnet6"]
    # Every present member holds everything that is enabled.
    enabled = [name for name, on in overlays if on]
    for member in members:
        entry = result["members"][member["name"]]
        assert entry["vtep"]["ip6"]
        for overlay in enabled:
            assert entry["overlays"][overlay]["subnet"]
            assert bool(entry["overlays"][overlay]["subnet6"]) == ("subnet6" in OVERLAYS[overlay])
            has_bridges = member["role"] == "agent"
            assert (entry["overlays"][overlay]["mesos_bridge"] is not None) == has_bridges
    # Lowest free first: below every new allocation, every slot is held.
    old_values = {(pool, value) for pool, value, _holder in held(previous)} if previous else set()
    networks = {"vtep": ipaddress.ip_network("44.128.0.0/27"), "vtep6": ipaddress.ip_network("fd01:a::/64")}
    for name, spec in OVERLAYS.items():
        networks[name + "/4"] = ipaddress.ip_network(spec["subnet"])
        if "subnet6" in spec:
            networks[name + "/6"] = ipaddress.ip_network(spec["subnet6"])
    by_pool = {}
    for pool, value, _holder in values:
        if pool != "mac":
            by_pool.setdefault(pool, set()).add(pool_index(pool, value, networks[pool]))
    for pool, value, _holder in values:
        if pool == "mac" or (pool, value) in old_values:
            continue
        first = 1 if pool.startswith("vtep") else 0
        index = pool_index(pool, value, networks[pool])
        assert set(range(first, index)) <= by_pool[pool], "%s %s is not the lowest free" % (pool, value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_random_histories_keep_every_guarantee(history):
    overlays = [("o1", True), ("o2", True)]
    present = []
    state = {}
    for action, argument in history:
        release = []
        if action == "members":
            present = list(argument)
        elif action == "release":
            names, joiners = argument
            present = [n for n in present if n not in names] + [n for n in joiners if n not in names and n not in present]
            release = [n for n in names if n not in present]
        elif action == "toggle":
            overlays = [(n, (not on) if n == argument else on) for n, on in overlays]
        elif action == "add" and len(overlays) < len(OVERLAYS):
            overlays.append(("o3", True))
        config = config_for(overlays)
        members = members_for(present)
        result = allocate(config, members, state=state, release=release)
        check_invariants(state, result, members, set(release), overlays)
        # Deterministic: the same inputs in another order give the same bytes.
        again = allocate(config, list(reversed(members)), state=state, release=list(reversed(release)))
        assert json.dumps(again) == json.dumps(result)
        state = json.loads(json.dumps(result))
