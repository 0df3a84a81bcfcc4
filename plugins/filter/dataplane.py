# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dataplane
short_description: What a host's kernel must hold for the overlay, as the modules take it
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a host's view (M(mesos.overlay.host_view#filter)), the kernel settings an agent forwards with
    (C(net.ipv4.ip_forward), and with IPv6 C(net.ipv6.conf.all.forwarding) and C(net.ipv6.conf.default.disable_ipv6)),
    the options of M(mesos.overlay.vxlan_link), M(mesos.overlay.vxlan_peers) and of every
    M(mesos.overlay.firewall_chain) of the host.
  - The vtep role gives it to M(mesos.overlay.dataplane), which writes it to
    C(/etc/mesos-overlay/dataplane.json), from which the unit the role installs restores the data plane at boot with
    the same code, before Docker and Mesos start, and applies it.
  - From a view without peers (C(host_view(name, peers=false)), the roles'), C(vxlan_peers.peers) and the VXLAN
    chain's C(rules) are null - M(mesos.overlay.dataplane) fills them in on the host from the run's peer
    table, so the result is the same size whatever the cluster's.
options:
  settings:
    description:
      - C(vxlan_port), C(vtep_mtu), C(underlay_dev), C(vxlan_firewall), C(vxlan_chain), and C(docker) (the agent
        runs the overlay's Docker networks, so its forward chain is also jumped to from C(DOCKER-USER)).
    type: dict
    default: {}
extends_documentation_fragment:
  - mesos.overlay.allocation.view
"""

EXAMPLES = r"""
- name: The data plane of this host
  ansible.builtin.set_fact:
    dataplane: "{{ mesos_overlay_host | mesos.overlay.dataplane({'vxlan_port': 64000, 'vtep_mtu': 1450}) }}"
"""

RETURN = r"""
_value:
  description:
    - C({host, sysctl, vxlan_link, vxlan_peers, firewall_chain, peer_chains, overlays}) and, with a group policy,
      C(group_policy); C(firewall_chain) is a list of chains.
    - C(overlays) (since 5.0.0) is not applied; it names the host's slice of every overlay it carries, a dict by
      overlay name of C(subnet), C(subnet6) and C(enabled), for C(mesos-overlay status).
  type: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("dataplane", "plugin_utils._render")
