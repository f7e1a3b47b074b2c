#!/usr/bin/env bash
# Make sure a Docker engine answers, for the engine tests (test/engine) and CI.
#
#   tools/engine/ensure-engine.sh
#
# 1. An engine that answers at DOCKER_HOST, or at the default socket, is used as it is.
# 2. DOCKER_HOST set but not answering: fail; starting a local daemon would not help a client aimed elsewhere.
# 3. Nothing answers at the default socket: as root on Debian, install what is missing of docker.io,
#    docker-compose, debootstrap and git with apt-get, start dockerd in the background (its log goes to
#    $DOCKER_BEST_CACHE/dockerd.log) and wait until it answers. Anywhere else, fail and say why.
#
# Exit status: 0 when an engine answers (one line on stdout says which), 1 with the reason on stderr otherwise.
# Debian's client is used (/usr/bin first on PATH): a newer client elsewhere on PATH may lack the plugins
# that BuildKit builds and compose need.
set -euo pipefail

export PATH="/usr/bin:/usr/sbin:/bin:/sbin:${PATH}"
cache="${DOCKER_BEST_CACHE:-/var/cache/docker-best}"
daemon_log="${cache}/dockerd.log"
wait_seconds="${DOCKER_BEST_ENGINE_WAIT:-90}"

fail() {
  echo "ensure-engine: $*" >&2
  exit 1
}

# The server version when an engine answers, nothing otherwise.
server_version() {
  timeout 20 docker version --format '{{.Server.Version}}' 2>/dev/null || true
}

answers() {
  [ -n "$(server_version)" ]
}

say_ready() {
  echo "ensure-engine: Docker engine $(server_version) answers at ${DOCKER_HOST:-the default socket}"
}

# Wait up to $1 seconds (default: DOCKER_BEST_ENGINE_WAIT, 90) for the engine to answer.
wait_for_engine() {
  local limit="${1:-${wait_seconds}}" waited=0
  while [ "${waited}" -lt "${limit}" ]; do
    if answers; then
      return 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  return 1
}

# What earlier test runs left on this engine: a run killed mid-suite leaves its containers, which come back with the
# daemon (restart: unless-stopped) and hold their published ports, and maybe the swarm the swarm suite started.
# Only a daemon this script starts is cleaned, as no other run can be using it yet. Test projects are named
# dbt<10 hex> (tools/engine/project.ts); the swarm suite labels a node whose swarm it started.
LEFTOVER_PROJECTS='dbt[0-9a-f]{10}'

# Remove the containers, networks and volumes of compose projects whose name matches $1 (an extended regex).
remove_leftovers() {
  local pattern="$1" ids names
  ids="$(docker ps -a --format '{{.ID}} {{ .Label "com.docker.compose.project" }}' | grep -E " ${pattern}$" | cut -d' ' -f1 || true)"
  if [ -n "${ids}" ]; then
    echo "ensure-engine: removing $(echo "${ids}" | wc -l) container(s) left by an earlier test run" >&2
    # shellcheck disable=SC2086 # one id per word
    docker rm -f ${ids} >/dev/null 2>&1 || true
  fi
  names="$(docker network ls --format '{{.Name}}' | grep -E "^${pattern}_" || true)"
  # shellcheck disable=SC2086
  [ -z "${names}" ] || docker network rm ${names} >/dev/null 2>&1 || true
  names="$(docker volume ls --format '{{.Name}}' | grep -E "^${pattern}_" || true)"
  # shellcheck disable=SC2086
  [ -z "${names}" ] || docker volume rm ${names} >/dev/null 2>&1 || true
}

# Leave a swarm the swarm suite started (its node label says so); a swarm of anyone else stays.
leave_test_swarm() {
  if [ "$(docker info --format '{{ index .Swarm.LocalNodeState }}' 2>/dev/null)" = active ] &&
    [ "$(docker node inspect --format '{{ index .Spec.Labels "docker-best.swarm-test" }}' self 2>/dev/null)" = 1 ]; then
    docker swarm leave --force >/dev/null 2>&1 || true
  fi
}

# `ensure-engine.sh --remove-leftovers PATTERN`: only that, on the engine that answers (for its test, which
# passes a pattern of its own so that no other run's projects are touched).
if [ "${1:-}" = --remove-leftovers ]; then
  [ -n "${2:-}" ] || fail "--remove-leftovers needs a project-name pattern"
  remove_leftovers "$2"
  exit 0
fi

if command -v docker >/dev/null 2>&1 && answers; then
  say_ready
  exit 0
fi

# What the client says when it cannot reach the engine, for the messages below.
if command -v docker >/dev/null 2>&1; then
  reason="$(timeout 20 docker version 2>&1 >/dev/null | tail -n 3 || true)"
else
  reason="no docker client on PATH"
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  fail "DOCKER_HOST=${DOCKER_HOST} does not answer (${reason}); start that engine, unset DOCKER_HOST to use the local one, or set DOCKER_BEST_SKIP_ENGINE=1 to skip the engine tests"
fi

if [ "$(id -u)" != 0 ]; then
  fail "no Docker engine answers at the default socket (${reason}), and only root may install and start one here (running as uid $(id -u)); start dockerd (or set DOCKER_HOST), or set DOCKER_BEST_SKIP_ENGINE=1 to skip the engine tests"
fi
if [ ! -r /etc/debian_version ]; then
  fail "no Docker engine answers at the default socket (${reason}), and this is not Debian, so it cannot be installed with apt-get; start one (or set DOCKER_HOST), or set DOCKER_BEST_SKIP_ENGINE=1 to skip the engine tests"
fi

missing=()
command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v git >/dev/null 2>&1 || missing+=(git)
mkdir -p "${cache}"
if [ "${#missing[@]}" -gt 0 ]; then
  apt_log="${cache}/apt.log"
  echo "ensure-engine: installing ${missing[*]} with apt-get (log: ${apt_log})" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >"${apt_log}" 2>&1 ||
    fail "apt-get update failed, so ${missing[*]} cannot be installed; last lines of ${apt_log}:
$(tail -n 20 "${apt_log}")"
  apt-get install -y "${missing[@]}" >>"${apt_log}" 2>&1 ||
    fail "apt-get install ${missing[*]} failed; last lines of ${apt_log}:
$(tail -n 20 "${apt_log}")"
  # The package may have started the daemon through its init script.
  if wait_for_engine 5; then
    say_ready
    exit 0
  fi
fi

pidfile=/var/run/docker.pid
running_pid="$(cat "${pidfile}" 2>/dev/null || true)"
if [ -n "${running_pid}" ] && kill -0 "${running_pid}" 2>/dev/null; then
  # A daemon is running but not answering (starting, stopping, or stuck): give it time, do not start another.
  # One that ends meanwhile (it was stopping) is replaced below.
  echo "ensure-engine: dockerd (pid ${running_pid}) is running but does not answer yet; waiting up to ${wait_seconds}s" >&2
  waited=0
  while [ "${waited}" -lt "${wait_seconds}" ] && kill -0 "${running_pid}" 2>/dev/null; do
    if answers; then
      say_ready
      exit 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "${running_pid}" 2>/dev/null; then
    fail "dockerd (pid ${running_pid}) runs but does not answer after ${wait_seconds}s; see its log (${daemon_log} if this script started it)"
  fi
  echo "ensure-engine: dockerd (pid ${running_pid}) has ended" >&2
fi


echo "ensure-engine: starting dockerd in the background (log: ${daemon_log})" >&2
# setsid and no inherited descriptors: the daemon outlives this script and the test run, and holds no pipe open.
setsid nohup dockerd >>"${daemon_log}" 2>&1 </dev/null &
daemon=$!
if wait_for_engine; then
  leave_test_swarm
  remove_leftovers "${LEFTOVER_PROJECTS}"
  say_ready
  exit 0
fi
# Do not leave a daemon behind that never came up: stop the one started here, and say why it failed.
kill "${daemon}" 2>/dev/null || true
fail "dockerd started but does not answer after ${wait_seconds}s (stopped it again); last lines of ${daemon_log}:
$(tail -n 20 "${daemon_log}" 2>/dev/null || true)"
