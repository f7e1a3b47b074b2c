#!/usr/bin/env bash
# Docker Compose v2 for the engine tests, without installing anything system-wide. Debian bookworm packages
# only docker-compose 1.29, so the `docker-compose` package of a newer Debian release (Compose v2, a Go
# binary that needs nothing but libc) is fetched with `apt-get download` from the Debian mirror this
# machine's apt already uses, against that release's suite, and unpacked with `dpkg-deb -x` into a tools
# folder. docker-buildx comes along: Compose v2 builds through it.
#
#   tools/engine/compose-v2.sh            prints the folder to use as DOCKER_CONFIG (its cli-plugins/ holds
#                                         docker-compose and docker-buildx), fetching them on first use
#
# Use: DOCKER_CONFIG="$(tools/engine/compose-v2.sh)" docker compose version
# (the plugin binary also runs alone: "$DOCKER_CONFIG/cli-plugins/docker-compose" version)
#
# Cache: $DOCKER_BEST_CACHE/compose-v2/<suite>/ (default /var/cache/docker-best), with apt's state for that
# suite kept there too; nothing under /etc or /var/lib/apt changes. A cached copy that runs is used as it is.
# Environment: DOCKER_BEST_CACHE; DOCKER_BEST_COMPOSE_SUITE (default trixie); DOCKER_BEST_DEBIAN_MIRROR (the
# test harness passes the host's own Debian mirror, read from its apt sources: tools/engine/apt-sources.ts;
# default http://deb.debian.org/debian, as for tools/engine/standins.sh).
# Exit status: 0 with the folder on stdout; 1 with the reason on stderr.
set -euo pipefail

export PATH="/usr/bin:/usr/sbin:/bin:/sbin:${PATH}"
cache="${DOCKER_BEST_CACHE:-/var/cache/docker-best}"
suite="${DOCKER_BEST_COMPOSE_SUITE:-trixie}"
packages=(docker-compose docker-buildx)

fail() {
  echo "compose-v2: $*" >&2
  exit 1
}

case "${suite}" in
  '' | *[!a-z-]*) fail "not a Debian suite: ${suite}" ;;
esac

home="${cache}/compose-v2/${suite}"
config="${home}/config"
plugins="${config}/cli-plugins"

# A cached copy is used when both plugins answer.
works() {
  "${plugins}/docker-compose" version >/dev/null 2>&1 && "${plugins}/docker-buildx" version >/dev/null 2>&1
}

mkdir -p "${home}"
exec 9>"${home}.lock"
flock 9

if works; then
  echo "${config}"
  exit 0
fi

for tool in apt-get dpkg-deb; do
  command -v "${tool}" >/dev/null 2>&1 || fail "${tool} is needed to fetch Compose v2 from Debian ${suite}; this is not a Debian machine"
done
mirror="${DOCKER_BEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "${keyring}" ] || fail "${keyring} is missing (package debian-archive-keyring): apt cannot check ${suite}'s signature"

apt_dir="${home}/apt"
mkdir -p "${apt_dir}/lists/partial" "${apt_dir}/cache/archives/partial" "${home}/debs"
echo "deb [signed-by=${keyring}] ${mirror} ${suite} main" >"${apt_dir}/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=${apt_dir}/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=${apt_dir}/lists"
  -o "Dir::Cache=${apt_dir}/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)
log="${home}/fetch.log"
echo "compose-v2: fetching ${packages[*]} from ${mirror} ${suite} (log: ${log})" >&2
apt-get "${apt_options[@]}" update >"${log}" 2>&1 ||
  fail "apt-get update for ${suite} failed; last lines of ${log}:
$(tail -n 20 "${log}")"
rm -f "${home}/debs/"*.deb
(cd "${home}/debs" && apt-get "${apt_options[@]}" download "${packages[@]}") >>"${log}" 2>&1 ||
  fail "apt-get download ${packages[*]} failed; last lines of ${log}:
$(tail -n 20 "${log}")"

root="${home}/root"
rm -rf "${root}" "${config}"
mkdir -p "${root}" "${plugins}"
for deb in "${home}/debs/"*.deb; do
  dpkg-deb -x "${deb}" "${root}"
done
for plugin in docker-compose docker-buildx; do
  [ -x "${root}/usr/libexec/docker/cli-plugins/${plugin}" ] ||
    fail "${plugin} is not in the ${suite} package where it was expected (usr/libexec/docker/cli-plugins)"
  ln -s "${root}/usr/libexec/docker/cli-plugins/${plugin}" "${plugins}/${plugin}"
done
works || fail "the fetched plugins do not run: $("${plugins}/docker-compose" version 2>&1 | tail -n 1)"
echo "compose-v2: $("${plugins}/docker-compose" version) in ${config}" >&2
echo "${config}"
