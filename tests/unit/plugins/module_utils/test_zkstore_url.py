# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ZooKeeper URL, in the form Mesos' --zk flag takes: checked, and never logged with its password."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import parse_url, reader_url


def test_a_url_of_three_servers_with_a_chroot():
    url = parse_url("zk://10.0.0.1:2181,10.0.0.2:2181,zk-3/mesos-overlay")
    assert url.hosts == ["10.0.0.1:2181", "10.0.0.2:2181", "zk-3:2181"]
    assert url.chroot == "/mesos-overlay"
    assert url.user is None and url.password is None
    assert url.connection == "10.0.0.1:2181,10.0.0.2:2181,zk-3:2181/mesos-overlay"


def test_credentials_are_kept_and_redacted():
    url = parse_url("zk://overlay:s3cret@zk-1:2181,zk-2:2182/dcos/overlay")
    assert (url.user, url.password, url.chroot) == ("overlay", "s3cret", "/dcos/overlay")
    assert "s3cret" not in url.redacted()
    assert url.redacted() == "zk://overlay:***@zk-1:2181,zk-2:2182/dcos/overlay"


def test_an_ipv6_server_in_brackets():
    assert parse_url("zk://[fd00::1]:2181,[fd00::2]/o").hosts == ["[fd00::1]:2181", "[fd00::2]:2181"]


@pytest.mark.parametrize("url, why", [
    ("http://zk-1:2181/o", "is not a zk://"),
    ("zk://zk-1:2181", "needs a path"),
    ("zk://zk-1:2181/", "needs a path"),
    ("zk://zk-1:2181/a//b", "needs a path"),
    ("zk://zk-1:99999/o", "is not a host or host:port"),
    ("zk://zk 1:2181/o", "is not a host or host:port"),
    ("zk://,zk-1/o", "is not a host or host:port"),
    ("zk://user@zk-1/o", "must be user:password"),
    (None, "is not a zk://"),
])
def test_error_names_the_field_and_the_value(url, why):
    with pytest.raises(ParameterError, match=r"^mesos_overlay_zookeeper: .*%s" % why):
        parse_url(url)


def test_error_never_shows_the_password():
    with pytest.raises(ParameterError) as caught:
        parse_url("zk://overlay:s3cret@zk-1:2181")
    assert "s3cret" not in str(caught.value)
    assert "overlay:***@" in str(caught.value)


def test_the_hosts_reader_is_read_only_and_derived_from_the_writer():
    reader = reader_url("zk://overlay:s3cret@zk-1:2181,zk-2/mesos-overlay")
    url = parse_url(reader)
    assert url.user == "overlay-reader" and url.hosts == ["zk-1:2181", "zk-2:2181"] and url.chroot == "/mesos-overlay"
    # Never the writer's password; the same every run (the ACL the writer set names it).
    assert "s3cret" not in reader and len(url.password) == 32
    assert reader_url("zk://overlay:s3cret@zk-1:2181,zk-2/mesos-overlay") == reader
    assert parse_url(reader_url("zk://overlay:other@zk-1:2181/mesos-overlay")).password != url.password
    # Without credentials the store is open, and the hosts read it as it is.
    assert reader_url("zk://zk-1:2181/mesos-overlay") == "zk://zk-1:2181/mesos-overlay"
