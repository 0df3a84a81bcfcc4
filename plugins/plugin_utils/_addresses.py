# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Addresses as integers, and the lowest-free pool of equal blocks.

Parsing and formatting go through ``socket`` at the edges; inside the engine an address is an
int, which keeps 100,000 members well under a second."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import struct

_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}


def parse_cidr(text):
    """(version, address as int, prefix length or None) of 'address[/len]', or None when malformed.

    inet_pton is strict (no short forms like '10.1') and ten times faster than ipaddress,
    which matters when a state of 100,000 members is read back.
    """
    if not isinstance(text, str):
        return None
    address, slash, length = text.partition("/")
    version = 6 if ":" in address else 4
    try:
        packed = socket.inet_pton(_FAMILY[version], address)
    except (OSError, ValueError):
        return None
    if not slash:
        return version, int.from_bytes(packed, "big"), None
    if not length.isdigit() or int(length) > len(packed) * 8:
        return None
    return version, int.from_bytes(packed, "big"), int(length)


_PACK_IPV4 = struct.Struct("!I").pack


def format_ipv4(value, _ntoa=socket.inet_ntoa, _pack=_PACK_IPV4):
    return _ntoa(_pack(value))


def format_ipv6(value, _ntop=socket.inet_ntop, _family=socket.AF_INET6):
    return _ntop(_family, value.to_bytes(16, "big"))


class Pool:
    """Lowest-free allocator of equal blocks (single addresses or slices) of one network."""

    def __init__(self, label, network, block_prefix, skip_first=False, skip_last=False):
        self.label = label
        self.version = network.version
        self.bits = network.max_prefixlen
        self.base = int(network.network_address)
        self.block_prefix = block_prefix
        self.step = 1 << (self.bits - block_prefix)
        first = 1 if skip_first else 0
        count = 1 << (block_prefix - network.prefixlen)
        self.first = first
        self.end = count - (1 if skip_last else 0)  # exclusive
        self.used = set()
        self._cursor = first
        self.format = format_ipv4 if self.version == 4 else format_ipv6
        self.suffix = "/%d" % block_prefix

    @property
    def capacity(self):
        return self.end - self.first

    def index_of(self, value):
        """Index of an address (int) in the pool, or None when it is not a block start inside."""
        offset = value - self.base
        if offset < 0 or offset % self.step:
            return None
        index = offset // self.step
        if index < self.first or index >= self.end:
            return None
        return index

    def take_lowest(self):
        index = self._cursor
        while index in self.used:
            index += 1
        if index >= self.end:
            return None
        self.used.add(index)
        # Everything below the cursor is used: a later call can start from here.
        self._cursor = index + 1
        return index

    def address(self, index):
        return self.base + index * self.step

    def cidr(self, index):
        return self.format(self.base + index * self.step) + self.suffix
