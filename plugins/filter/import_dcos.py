# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: import_dcos
short_description: Take over the overlay allocation of a DC/OS cluster without renumbering it
version_added: 3.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Turns the JSON that the DC/OS overlay master module serves at C(GET /overlay-master/state) (message C(State) of
    dcos-mesos-modules overlay/overlay.proto) into a state that M(mesos.overlay.allocate#filter) accepts as its
    O(mesos.overlay.allocate#filter:state).
  - Every VTEP address (IPv4 and IPv6), MAC and slice stays exactly as DC/OS left it, whatever order DC/OS allocated
    in (registration order) and whatever gaps deleted agents left. Members that DC/OS never allocated are not in the
    result; M(mesos.overlay.allocate#filter) gives them the lowest free addresses and slices.
  - DC/OS agents are matched to members by underlay IP; the DC/OS masters, listed among its agents without bridges,
    are matched the same way. A member's role comes from the inventory.
  - Refused, naming the field and the value - an agent IP that matches no member (unless listed in O(leave_out)), an
    agent listed twice, a VTEP that is not C(vtep1024)/VNI 1024, a MAC or a bridge half that does not follow from the
    agent's addresses, an overlay unknown to the DC/OS network, and anything the collection refuses in its own saved
    state (an address held twice, a slice outside its subnet or not on a slice boundary).
  - The playbook C(mesos.overlay.import_dcos) reads the DC/OS state from a running master or a file, shows it with
    C(--check --diff) and writes it to every master under the lock.
options:
  _input:
    description: The DC/OS state, as a dictionary or as the JSON text of C(GET /overlay-master/state).
    type: raw
    required: true
  members:
    description: The members, as M(mesos.overlay.allocate#filter) takes them (C(name), C(ip), C(role)).
    type: list
    elements: dict
    required: true
  network:
    description:
      - The overlay configuration the collection will run with (C(mesos_overlay_network)). It must have the same
        C(vtep_subnet), C(vtep_subnet6), C(vtep_mac_oui) and, for every DC/OS overlay, the same subnets and prefixes;
        it may add overlays. The state then carries it.
      - Without it, the state carries the DC/OS network configuration.
    type: dict
  leave_out:
    description: Underlay IPs of DC/OS agents deliberately not taken over (their addresses are freed).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Read the allocation DC/OS made
  ansible.builtin.uri:
    url: "http://{{ groups['mesos_masters'][0] }}:5050/overlay-master/state"
    return_content: true
  register: dcos

- name: Keep every DC/OS address
  ansible.builtin.set_fact:
    imported_state: "{{ dcos.json | mesos.overlay.import_dcos(members, network=mesos_overlay_network) }}"

- name: Allocate the rest (new members get the lowest free addresses)
  ansible.builtin.set_fact:
    allocation: "{{ mesos_overlay_network | mesos.overlay.allocate(members, state=imported_state) }}"
"""

RETURN = r"""
_value:
  description:
    - A state in the format the state role saves (C(format) 2), C({format, network, members}), with one member per DC/OS
      agent that holds an overlay, named as in the inventory.
  type: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("import_dcos", "plugin_utils._dcos")
