# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The peer entries of M(mesos.overlay.vxlan_peers) and M(mesos.overlay.dataplane): one schema, the
    argument spec C(PEER_OPTIONS) of module_utils._dataplane."""

    DOCUMENTATION = r"""
options:
  peers:
    description:
      - Peer entries, as P(mesos.overlay.peers#filter) returns them.
      - M(mesos.overlay.vxlan_peers) takes the other hosts of the overlay.
      - M(mesos.overlay.dataplane) and M(mesos.overlay.converge) take the run's whole peer table (P(mesos.overlay.peers#filter) without a name),
        this host's entry included; it is required when its C(dataplane) option leaves its peers or its VXLAN chain's rules null.
    default: []
    type: list
    elements: dict
    suboptions:
      name:
        description: The peer's inventory hostname (in messages; the data plane finds its own entry by it).
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
        description: Networks (CIDR) routed to the peer, IPv4 and IPv6 (its slices of every enabled overlay).
        type: list
        elements: str
        default: []
"""
