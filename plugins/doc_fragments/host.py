# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """What every module that changes a host shares: it reads, plans, then applies."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: Reads and plans, then reports what would change; changes nothing on the host.
  diff_mode:
    support: full
    description: Shows what changes, before and after.
"""
