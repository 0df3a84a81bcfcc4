# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The data plane of M(mesos.overlay.dataplane) and M(mesos.overlay.converge): one schema, the
    argument spec of module_utils._dataplane.DataPlane."""

    DOCUMENTATION = r"""
options:
  dataplane:
    description:
      - What P(mesos.overlay.dataplane#filter) returns for this host - C(host), C(sysctl), C(vxlan_link),
        C(vxlan_peers) and C(firewall_chain), the options of those modules, and C(group_policy), the host's nftables
        table of the group policy (C(state), C(table), C(groups), C(chains), C(members_dir)).
    type: dict
    required: true
  path:
    description: Where the completed data plane is written for the host daemon.
    type: path
    default: /etc/mesos-overlay/dataplane.json
"""
