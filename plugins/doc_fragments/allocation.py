# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """What the filters take: an allocation (the default) or one host's view of it (C(VIEW))."""

    DOCUMENTATION = r"""
options:
  _input:
    description:
      - An allocation, a result of M(mesos.overlay.allocate#filter) or of M(mesos.overlay.saved_allocation#filter).
      - A saved state is refused (turn it into an allocation once with M(mesos.overlay.saved_allocation#filter)).
    type: dict
    required: true
"""

    VIEW = r"""
options:
  _input:
    description: A host view, what M(mesos.overlay.host_view#filter) returns (the roles' fact C(mesos_overlay_host)).
    type: dict
    required: true
"""
