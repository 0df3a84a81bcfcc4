# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's modules: a Docker client that says clearly what is missing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import sys
import traceback

try:
    import docker
    from docker.errors import DockerException, NotFound
    HAS_DOCKER_SDK = True
    DOCKER_SDK_ERROR = None
except ImportError:  # pragma: no cover - depends on the host
    HAS_DOCKER_SDK = False
    DOCKER_SDK_ERROR = traceback.format_exc()

    class DockerException(Exception):
        pass

    class NotFound(DockerException):
        pass


__all__ = ("DockerException", "DockerProblem", "NotFound", "connect", "ipam_config")


class DockerProblem(Exception):
    """Docker cannot be used; the message says why and what to do."""


def connect(timeout=30):
    """A connected docker.DockerClient, or DockerProblem naming which of SDK, engine, daemon is missing."""
    if not HAS_DOCKER_SDK:
        raise DockerProblem("the Docker SDK for Python is not installed for %s: install python3-docker "
                            "(Debian/Ubuntu) or 'pip install docker'" % sys.executable)
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except DockerException as exc:
        socket_path = "/var/run/docker.sock"
        host = os.environ.get("DOCKER_HOST")
        if not host and not shutil.which("dockerd") and not shutil.which("docker") and not os.path.exists(socket_path):
            raise DockerProblem("Docker is not installed on this host (no dockerd, no docker, no %s)" % socket_path)
        raise DockerProblem("Docker is installed but not running or not reachable at %s: %s"
                            % (host or "unix://" + socket_path, exc))


def ipam_config(subnets):
    """The IPAM config of a network holding these subnets (Docker picks the first host as gateway)."""
    return docker.types.IPAMConfig(driver="default",
                                   pool_configs=[docker.types.IPAMPool(subnet=subnet) for subnet in subnets])
