#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: converge
short_description: A host's whole part of the overlay in one module call
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - What the vtep, master and agent roles apply on a host, in one module run, in this order - the boot files (the host
    daemon's code, command and unit), the store the daemon follows, the daemon itself (systemd), the data plane as
    M(mesos.overlay.dataplane) applies it, the files of the containerizers and of Mesos, the Docker networks as
    M(mesos.overlay.docker_network) makes them, and the removal of the bridges of disabled overlays.
  - Every file, network and the data plane's shape are checked before the first change; a bad one fails the task
    naming the option, the entry and the value, and nothing is changed.
  - Each step plans before it applies, with the code of the single modules; check mode and diff come from the plans.
    The result says what changed by area (RV(areas)), the names the roles report in C(mesos_overlay_changes).
options:
  boot_files:
    description:
      - Files written first, before the daemon is started, each as M(mesos.overlay.files) takes it (C(path),
        C(content), C(state), C(mode), C(owner), C(group), C(only_if_exists)) and C(area), the area it is reported
        under (default C(boot files)). A change restarts the daemon.
    type: list
    elements: dict
    default: []
  store:
    description:
      - The file that names the store the daemon follows (C(path), C(content), C(state)), written root-only (mode
        C(0600)). Its content holds credentials - never logged, never in a diff. A change restarts the daemon.
    type: dict
    suboptions:
      path:
        description: Where the daemon reads it.
        type: path
        required: true
      content:
        description: Its text. Required with O(store.state=present).
        type: str
      state:
        description: Whether it must exist.
        type: str
        choices: [present, absent]
        default: present
  daemon:
    description:
      - The host daemon's systemd unit. When its file is written (not skipped by its C(only_if_exists)), the daemon is
        enabled and running, restarted when a boot file or the store changed, systemd reloaded when a unit file
        changed. Without it, or where the unit's file is skipped (no systemd), no service is touched (RV(supervised)
        false); in the second case the task warns, naming O(daemon.command).
    type: dict
    suboptions:
      unit:
        description: The unit's file, one of O(boot_files).
        type: path
        required: true
      command:
        description: The daemon's command line, which an init other than systemd must run at boot (named in the warning).
        type: str
      retired:
        description: Unit files of earlier versions - each stopped, removed with its C(multi-user.target.wants) link.
        type: list
        elements: path
        default: []
  files:
    description:
      - Files written after the data plane (CNI configs, the group watcher's config, Mesos flags), each as in
        O(boot_files), C(area) defaulting to C(files).
    type: list
    elements: dict
    default: []
  docker_networks:
    description:
      - Docker networks, each as M(mesos.overlay.docker_network) takes it (C(name), C(bridge), C(subnet), C(subnet6),
        C(mtu), C(masquerade), C(state)); never forced - a network that differs fails the task, listing the
        differences. The Docker SDK is needed only when this is not empty.
    type: list
    elements: dict
    default: []
  disabled_overlays:
    description: Overlays disabled on this host - their Mesos bridges (C(m-<overlay>)) are removed where they exist.
    type: list
    elements: str
    default: []
  directory_mode:
    description: The mode of the parent directories created for files.
    type: str
    default: "0755"
attributes:
  diff_mode:
    description: The files' text before and after (never the store's), and each step's changes.
    support: full
notes:
  - Runs what M(mesos.overlay.dataplane) runs, and C(systemctl) for the daemon.
seealso:
  - module: mesos.overlay.dataplane
  - module: mesos.overlay.files
  - module: mesos.overlay.docker_network
extends_documentation_fragment:
  - mesos.overlay.host
  - mesos.overlay.dataplane
  - mesos.overlay.peers
"""

EXAMPLES = r"""
- name: An agent's part of the overlay in one call
  mesos.overlay.converge:
    dataplane: "{{ view | mesos.overlay.dataplane }}"
    peers: "{{ peer_table }}"
    boot_files:
      - path: /etc/systemd/system/mesos-overlay.service
        content: "{{ lookup('ansible.builtin.template', 'mesos-overlay.service.j2') }}"
        only_if_exists: /run/systemd/system
    daemon:
      unit: /etc/systemd/system/mesos-overlay.service
    files:
      - path: /etc/mesos-slave/isolation
        content: "cgroups/cpu,cgroups/mem,network/cni\n"
        area: mesos
    docker_networks:
      - name: dcos
        subnet: 9.0.1.128/25
        mtu: 1420
  register: converged
"""

RETURN = r"""
changes:
  description: Every change (in check mode, that would be made), in the order applied, each C({kind, key, action, before, after}).
  returned: always
  type: list
  elements: dict
  sample: [{kind: file, key: /etc/mesos-slave/isolation, action: change, before: "25 bytes, mode 0644, owner 0:0",
            after: "37 bytes, mode 0644, owner 0:0"}]
areas:
  description:
    - What changed by area, each C({changed, changes}) (C(docker) and C(firewall) also C(results), one per network or
      chain) - C(boot files), C(store), C(daemon), C(boot data plane), C(sysctl), C(vtep), C(peers), C(firewall),
      C(group policy), C(teardown bridges), C(teardown docker), C(docker) and the areas of O(files).
      What P(mesos.overlay.changes_of#filter) takes.
  returned: always
  type: dict
  sample: {vtep: {changed: false, changes: []}, mesos: {changed: true, changes: [{kind: file, key: /etc/mesos-slave/isolation}]}}
skipped_paths:
  description: The boot files left alone because their C(only_if_exists) path does not exist.
  returned: always
  type: list
  elements: str
supervised:
  description: Whether the daemon runs under systemd here (its unit was written).
  returned: always
  type: bool
check_mode:
  description: Whether the run was a check (nothing changed); the roles' handlers restart nothing after a check.
  returned: always
  type: bool
vtep:
  description: The result of the VTEP step, as M(mesos.overlay.vxlan_link) returns it.
  returned: always
  type: dict
peers:
  description: The result of the peers step, as M(mesos.overlay.vxlan_peers) returns it.
  returned: always
  type: dict
"""

from ansible_collections.mesos.overlay.plugins.module_utils._converge import Converge
from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module


def main():
    run_module(Converge)


if __name__ == "__main__":
    main()
