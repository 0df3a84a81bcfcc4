# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The options of the filters that write an agent's CNI configs."""

    DOCUMENTATION = r"""
options:
  mtu:
    description: MTU of the bridge and of the containers' interfaces.
    type: int
    default: 1420
  port_mapper:
    description: Wrap each config in the C(mesos-cni-port-mapper) plugin, which delegates to the bridge config.
    type: bool
    default: false
  group_policy:
    description:
      - The group policy as M(mesos.overlay.group_policy#filter) returns it. An overlay it polices gets its config
        wrapped in the C(mesos-overlay-groups) plugin (installed by the agent role), which records each container's
        group and returns the real plugin's result unchanged.
    type: dict
    version_added: 4.1.0
"""
