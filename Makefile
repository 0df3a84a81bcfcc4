# mesos.overlay: everything a developer or CI runs. `make test` is the README's test command.
SHELL := /bin/bash
VENV ?= .venv
PYTHON := $(abspath $(VENV))/bin/python
BIN := $(abspath $(VENV))/bin
# Debian packages the tests need on the machine itself.
DEBIAN_PACKAGES := iproute2 iptables iputils-ping shellcheck git python3-venv docker.io debootstrap busybox-static \
	containernetworking-plugins ethtool nftables python3-nftables
# Molecule and ansible-playbook must be the venv's.
export PATH := $(BIN):$(PATH)

.PHONY: test deps venv venv-current units units-unprivileged units-current integration sanity sanity-current lint build-check molecule \
	docker-engine image bench clean lab lab-down

# Every stage of tests/stages.sh, timed (a table at the end): the units, the image, then two
# lanes side by side - the integration tests and Molecule scenarios in one, the static checks
# (units on the current ansible-core, sanity on both, ansible-lint, the build check) and another
# scenario in the other - then live alone.
# make test SCENARIOS="default live": only those scenarios, one after the other.
SCENARIOS ?=
test: deps venv venv-current
	SCENARIOS="$(SCENARIOS)" tests/stages.sh
	@echo "make test: all checks passed"

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-test.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $@

# Unit tests with the branch coverage of the modules and module_utils (every branch that
# decides a change is exercised on recorded answers).
COVERAGE := --cov=ansible_collections.mesos.overlay.plugins.modules \
	--cov=ansible_collections.mesos.overlay.plugins.module_utils --cov-branch --cov-report=term-missing:skip-covered
units: venv
	$(PYTHON) -m pytest tests/unit $(COVERAGE)

# The unit tests once more as an unprivileged user (nobody), so that none comes to need root.
units-unprivileged: venv
	tests/units-unprivileged.sh $(abspath $(VENV))

# The current Ansible: ansible-core 2.21 needs Python 3.12 or later (pyenv's 3.13).
VENV_CURRENT ?= .venv-current
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
PYTHON313 ?= $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13)))
venv-current: $(VENV_CURRENT)/.installed
$(VENV_CURRENT)/.installed: requirements-current.txt
	@test -x "$(PYTHON313)" || { echo "Python 3.13 not found under $(PYENV_ROOT)/versions (set PYTHON313)"; exit 1; }
	$(PYTHON313) -m venv $(VENV_CURRENT)
	$(VENV_CURRENT)/bin/pip install -q --disable-pip-version-check -r requirements-current.txt
	touch $@

units-current: venv-current
	$(abspath $(VENV_CURRENT))/bin/python -m pytest tests/unit -q

sanity-current: venv-current
	PYTHON=$(abspath $(VENV_CURRENT))/bin/python tests/sanity.sh

integration: venv docker-engine image
	@if [ -d tests/integration ] && ls tests/integration/test_*.py >/dev/null 2>&1; then \
	  $(PYTHON) -m pytest tests/integration; else echo "no integration tests yet"; fi

sanity: venv
	PYTHON=$(PYTHON) tests/sanity.sh

lint: venv
	$(BIN)/ansible-lint
	$(BIN)/antsibull-changelog lint

# What a user does: build the collection, install it elsewhere, read its docs from there.
build-check: venv
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/ansible-galaxy collection build --force --output-path "$$tmp" . && \
	cd "$$tmp" && printf "[defaults]\n" > ansible.cfg && export ANSIBLE_CONFIG="$$tmp/ansible.cfg" ANSIBLE_COLLECTIONS_PATH="$$tmp/collections" && \
	$(BIN)/ansible-galaxy collection install "$$tmp"/mesos-overlay-*.tar.gz && \
	$(BIN)/ansible-doc -t filter mesos.overlay.allocate | grep -q "EXAMPLES" && \
	echo "build-check: built, installed and documented"

# A Docker engine for Molecule: Debian's docker.io, started by hand when none runs (no systemd here).
docker-engine: deps
	@if ! docker info >/dev/null 2>&1; then \
	  echo "starting dockerd (log: /var/log/mesos-overlay-dockerd.log)"; \
	  nohup dockerd >/var/log/mesos-overlay-dockerd.log 2>&1 & \
	  for i in $$(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done; \
	  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 /var/log/mesos-overlay-dockerd.log; exit 1; }; \
	fi

# The test-host image, built locally (no registry): does nothing when it is current.
image: docker-engine
	molecule/image/build.sh

# The test scenarios (the lab scenario is make lab's). The hosts of daytwo, takeover, policy
# and live keep /var/lib/docker on named volumes (mo-<prefix>-<host>-docker): those of the
# scenarios run are removed before (a Docker engine left by an earlier run would hold the
# networks of another allocation) and after, also on failure, with the logs their stages leave in
# /tmp (mo-<prefix>*.log); another scenario's are left alone,
# so that two scenarios can run at once (tests/stages.sh).
MOLECULE_SCENARIOS := default daytwo takeover live
VOLUMES_daytwo := mo-d2-
VOLUMES_takeover := mo-to-
VOLUMES_live := mo-lv-
molecule: venv image
	set -e; prefixes="$(strip $(foreach s,$(MOLECULE_SCENARIOS),$(VOLUMES_$(s))))"; \
	drop_volumes() { [ -z "$$prefixes" ] || { docker volume ls -q | grep -E "^($${prefixes// /|})" \
	  | xargs -r docker volume rm >/dev/null; for p in $$prefixes; do rm -f /tmp/$$p*.log; done; }; }; \
	drop_volumes || true; trap drop_volumes EXIT; \
	for s in $(MOLECULE_SCENARIOS); do $(BIN)/molecule test -s $$s; done

# All benchmarks in one run (docs/benchmarks.md): the engine, the allocation playbook at
# scale, and the clusters on containers (data plane and convergence).
bench: deps venv image
	$(PYTHON) bench/allocation.py
	$(PYTHON) bench/allocation_playbook.py
	$(PYTHON) bench/peers.py
	@dpkg -s iperf3 linux-perf >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 linux-perf; }
	$(PYTHON) bench/policy.py
	$(PYTHON) bench/views_playbook.py
	$(PYTHON) bench/cluster.py
	$(PYTHON) bench/store.py
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-bench.txt
	$(PYTHON) bench/live.py --plot docs/images/lab-metrics.png

# The lab: one master and three agents as containers with their own Docker engines, then the
# main job (site.yml) and the proof (verify.yml) through inventories/lab. Run it again: it
# converges with no change. `make lab-down` removes it all.
# STORE=zookeeper: the live store instead (molecule/lab-live, inventories/lab-live): three masters
# with a ZooKeeper ensemble and three agents on hosts that boot with systemd, so that every host
# runs the daemon that follows the store; a spare agent-4 to add with --limit (README).
STORE ?= files
lab: venv image
	@case "$(STORE)" in files|zookeeper) ;; *) echo "make lab: STORE must be files or zookeeper, not '$(STORE)'"; exit 2;; esac
ifeq ($(STORE),zookeeper)
	@echo "== lab: starting three masters and three agents, spare agent-4 (molecule/lab-live)"
	$(BIN)/molecule create -s lab-live
	$(BIN)/molecule prepare -s lab-live
	@echo "== lab: the ZooKeeper ensemble on the masters (playbooks/zookeeper.yml)"
	$(BIN)/ansible-playbook -i inventories/lab-live playbooks/zookeeper.yml
	@echo "== lab: site.yml through inventories/lab-live (store: ZooKeeper)"
	$(BIN)/ansible-playbook -i inventories/lab-live site.yml
	@echo "== lab: verify.yml, one verdict (the stdout callback mesos.overlay.brief)"
	ANSIBLE_STDOUT_CALLBACK=mesos.overlay.brief $(BIN)/ansible-playbook -i inventories/lab-live playbooks/verify.yml
else
	@echo "== lab: starting one master and three agents (molecule/lab)"
	$(BIN)/molecule create -s lab
	$(BIN)/molecule prepare -s lab
	@echo "== lab: site.yml through inventories/lab"
	$(BIN)/ansible-playbook -i inventories/lab site.yml
	@echo "== lab: verify.yml, one verdict (the stdout callback mesos.overlay.brief)"
	ANSIBLE_STDOUT_CALLBACK=mesos.overlay.brief $(BIN)/ansible-playbook -i inventories/lab playbooks/verify.yml
endif

# Removes either lab, with the named volumes of the live one's Docker engines.
lab-down: venv
	$(BIN)/molecule destroy -s lab
	$(BIN)/molecule destroy -s lab-live
	docker volume ls -q | grep -E "^mesos-live-" | xargs -r docker volume rm >/dev/null

clean:
	rm -rf $(VENV) $(VENV_CURRENT) tests/output .pytest_cache
