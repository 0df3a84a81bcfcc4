# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The daemon's Prometheus metrics on recorded kernel answers, read back with prometheus-client's
own text parser and over HTTP from the library's server (the live scenario scrapes real hosts)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ansible_collections.mesos.overlay.plugins.module_utils import _daemon, _metrics
from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost
from ansible_collections.mesos.overlay.tests.unit.plugins.module_utils import test_status
from ansible_collections.mesos.overlay.tests.unit.plugins.module_utils.test_status import (
    Lines, RecordedKernel, changes, plane_of)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "iproute")
# The same plane as the status tests'.
plane_file = test_status.plane_file


def samples(text):
    """{(name, labels as a sorted tuple): value} of an exposition, as Prometheus parses it."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


@pytest.mark.parametrize("value, expected", [
    ("192.0.2.1:9732", ("192.0.2.1", 9732)),
    ("[fd00::1]:9732", ("fd00::1", 9732)),
])
def test_a_listen_address_parses(value, expected):
    assert _metrics.parse_listen(value) == expected


@pytest.mark.parametrize("value", ["192.0.2.1", "192.0.2.1:0", "192.0.2.1:70000", "fd00::1:9732", "host:9732",
                                   "192.0.2.1:+80", "[192.0.2.1]:80", None])
def test_a_listen_address_that_does_not_parse_is_named(value):
    with pytest.raises(ParameterError) as error:
        _metrics.parse_listen(value, field="mesos_overlay_metrics_listen")
    assert str(error.value).startswith("mesos_overlay_metrics_listen: %r is not ADDRESS:PORT" % (value,))


def sysfs(tmp_path, device="vtep1024"):
    directory = tmp_path / "net" / device / "statistics"
    directory.mkdir(parents=True)
    for number, name in enumerate(_metrics.VTEP_COUNTERS):
        (directory / name).write_text("%d\n" % (100 + number))
    return str(tmp_path / "net")


def test_a_daemons_passes_and_the_kernel_as_prometheus_reads_them(plane_file, tmp_path, monkeypatch):
    plane = plane_of(plane_file)
    lost = plane["vxlan_peers"]["peers"][0]
    kernel = RecordedKernel(plane, drop=[lost["mac"]], extra_fdb={"70:b3:d5:80:00:09": ["192.0.2.9"]})
    metrics = _metrics.Metrics(lambda: plane, CommandHost(check_mode=True), iproute=kernel, sysfs=sysfs(tmp_path))
    answers = [changes(3), changes(0), changes(2)]
    monkeypatch.setattr(_daemon, "apply", lambda plane, host, log=None: answers.pop(0))
    daemon = _daemon.Daemon(str(plane_file), CommandHost(stream=Lines()), interval=0.01, metrics=metrics)
    for _pass in range(3):
        daemon.reconcile()
    got = samples(metrics.text())
    assert got[("mesos_overlay_reconcile_total", (("result", "ok"),))] == 3
    assert got[("mesos_overlay_reconcile_total", (("result", "error"),))] == 0
    assert got[("mesos_overlay_reconcile_duration_seconds_count", ())] == 3
    assert got[("mesos_overlay_drift_repairs_total", ())] == 2
    assert got[("mesos_overlay_store_up", ())] == 1
    assert got[("mesos_overlay_last_reconcile_timestamp_seconds", ())] > 1.7e9
    assert [got[("mesos_overlay_peers", (("state", state),))] for state in ("desired", "programmed", "missing", "stale")] \
        == [2, 1, 1, 1]
    assert got[("mesos_overlay_vtep_rx_packets_total", (("device", "vtep1024"),))] == 100
    assert got[("mesos_overlay_vtep_tx_dropped_total", (("device", "vtep1024"),))] == 107


def test_a_plane_file_that_is_no_plane_sets_the_store_down(plane_file, tmp_path):
    metrics = _metrics.Metrics(lambda: None, CommandHost(check_mode=True), sysfs=str(tmp_path))
    plane_file.write_text("{not json")
    daemon = _daemon.Daemon(str(plane_file), CommandHost(stream=Lines()), interval=0.01, metrics=metrics)
    daemon.reconcile()
    got = samples(metrics.text())
    assert got[("mesos_overlay_store_up", ())] == 0
    # Nothing read from the kernel without a plane.
    assert not [key for key in got if key[0] == "mesos_overlay_peers"]


def exposition(metrics):
    """What the library's HTTP server answers a scrape with (its WSGI app on the same registry)."""
    from prometheus_client import make_wsgi_app

    answer = {}
    body = make_wsgi_app(metrics.registry)({"REQUEST_METHOD": "GET", "PATH_INFO": "/metrics", "QUERY_STRING": ""},
                                           lambda status, headers: answer.update(status=status))
    assert answer["status"].startswith("200")
    return b"".join(body).decode()


def test_served_on_the_address_given_and_a_port_in_use_named(plane_file, tmp_path, monkeypatch):
    # The socket itself is the live scenario's (scrapes over the underlay, a port taken on a host).
    import errno
    import prometheus_client

    plane = plane_of(plane_file)
    served = []
    monkeypatch.setattr(prometheus_client, "start_http_server",
                        lambda port, addr, registry: served.append((addr, port, registry)))
    metrics = _metrics.metrics_of("192.0.2.1:9732", lambda: plane, CommandHost(check_mode=True),
                                  iproute=RecordedKernel(plane), sysfs=sysfs(tmp_path))
    assert served == [("192.0.2.1", 9732, metrics.registry)]
    assert samples(exposition(metrics))[("mesos_overlay_peers", (("state", "programmed"),))] == 2

    def in_use(port, addr, registry):
        raise OSError(errno.EADDRINUSE, "Address already in use")
    monkeypatch.setattr(prometheus_client, "start_http_server", in_use)
    with pytest.raises(OSError) as error:
        _metrics.metrics_of("192.0.2.1:9732", lambda: plane, CommandHost(check_mode=True))
    assert error.value.strerror == "--metrics 192.0.2.1:9732: cannot listen there (Address already in use)"


def test_no_setting_no_metrics():
    assert _metrics.metrics_of("", lambda: None, CommandHost(check_mode=True)) is None


def test_the_daemon_runs_on_without_metrics_when_they_cannot_be_served(plane_file, tmp_path, monkeypatch):
    monkeypatch.setattr(_daemon, "apply", lambda plane, host, log=None: changes(0))
    from ansible_collections.mesos.overlay.plugins.module_utils import _boot

    out = Lines()
    started = {}

    def run_once(self):
        started["metrics"] = self.metrics
        started["problems"] = dict(self.problems)
        return 0
    monkeypatch.setattr(_daemon.Daemon, "run", run_once)
    code = _boot.run([str(plane_file)], CommandHost(stream=out), store_path=str(tmp_path / "no-store.json"),
                     groups_path=str(tmp_path / "no-groups.json"), status_path=str(tmp_path / "status.json"),
                     metrics_listen="192.0.2.1:99999")
    assert code == 0
    assert started["metrics"] is None
    assert started["problems"]["metrics"].startswith("--metrics: '192.0.2.1:99999' is not ADDRESS:PORT")
    assert "problem: --metrics: '192.0.2.1:99999' is not ADDRESS:PORT" in out.lines[-1]
    assert json.load(open(str(tmp_path / "status.json")))["problems"]["metrics"].endswith("reconciling without metrics")


class NftHost(CommandHost):
    """A host whose nft lists the recorded demo table with its counters (record.sh)."""

    def __init__(self):
        CommandHost.__init__(self, check_mode=True)
        self.ran = []

    def which(self, name):
        return "/usr/sbin/" + name

    def run(self, argv, data=None, env=None):
        self.ran.append(argv)
        with open(os.path.join(FIXTURES, "nft-demo-counted.txt")) as handle:
            return 0, handle.read(), ""


def test_the_group_policy_s_verdicts_per_overlay_from_the_nftables_counters(plane_file, tmp_path):
    plane = dict(plane_of(plane_file), group_policy={
        "state": "present", "table": "mesos_overlay", "groups": [100, 200],
        "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "subnet6": None, "default": "deny", "rules": []}]})
    host = NftHost()
    counters = sysfs(tmp_path)
    metrics = _metrics.Metrics(lambda: plane, host, iproute=RecordedKernel(plane), sysfs=counters)
    got = samples(metrics.text())
    assert got[("mesos_overlay_policy_packets_total", (("overlay", "dcos"), ("verdict", "allow")))] == 56
    assert got[("mesos_overlay_policy_packets_total", (("overlay", "dcos"), ("verdict", "deny")))] == 3
    assert host.ran == [["/usr/sbin/nft", "list", "table", "inet", "mesos_overlay"]]
    # Without a policy there is no nft to ask and no sample.
    host.ran = []
    plain = _metrics.Metrics(lambda: plane_of(plane_file), host, iproute=RecordedKernel(plane), sysfs=counters)
    assert not [key for key in samples(plain.text()) if key[0].startswith("mesos_overlay_policy")]
    assert host.ran == []


def test_the_group_plugins_service_as_prometheus_reads_it(plane_file, tmp_path):
    from ansible_collections.mesos.overlay.plugins.module_utils._membership import MemberService

    service = MemberService(str(tmp_path / "members.sock"), lambda line: None)
    metrics = _metrics.Metrics(lambda: plane_of(plane_file), CommandHost(check_mode=True),
                               iproute=RecordedKernel(plane_of(plane_file)), sysfs=sysfs(tmp_path))
    metrics.follow_members(service)
    got = samples(metrics.text())
    assert got[("mesos_overlay_group_plugin_served", ())] == 0
    assert got[("mesos_overlay_group_plugin_requests_total", (("result", "ok"),))] == 0
    service.served, service.failed = 7, 2
    service.thread = object()  # serving, as far as the account goes
    got = samples(metrics.text())
    assert got[("mesos_overlay_group_plugin_served", ())] == 1
    assert got[("mesos_overlay_group_plugin_requests_total", (("result", "ok"),))] == 5
    assert got[("mesos_overlay_group_plugin_requests_total", (("result", "failed"),))] == 2
