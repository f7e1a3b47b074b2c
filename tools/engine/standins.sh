#!/usr/bin/env bash
# Build the stand-in base images the engine tests build on. No image registry is reachable here, so the
# official images the generated Dockerfiles name are imitated from Debian packages and tagged with those names.
#
#   tools/engine/standins.sh python RELEASE IMAGE...     Debian RELEASE + Debian's python3, pip and venv
#   tools/engine/standins.sh converter RELEASE IMAGE...  Debian RELEASE + jupyter nbconvert, user jovyan (1000)
#   tools/engine/standins.sh root RELEASE                only the Debian root (docker-best-standin/debian:RELEASE)
#   tools/engine/standins.sh --check KIND RELEASE IMAGE...  exit 0 when up to date, 3 when it would build
#
# Every IMAGE (e.g. python:3.15.0-slim-trixie, quay.io/jupyter/base-notebook:2026-10-05) is tagged on one image.
# The engine harness (tools/engine/engine.ts) reads the names from the version catalogue and calls this script.
#
# The Debian root: debootstrap --variant=minbase, given the settings of the official slim images (apt cleans
# its caches after every install, dpkg leaves out docs, man pages and locales; lists, caches and logs
# removed), then `docker import`. The stand-ins are built on it with BuildKit.
#
# Wheelhouse: with DOCKER_BEST_WHEELHOUSE=DIR (a folder of wheels with a SHA256SUMS list, made by
# tools/engine/wheelhouse.ts), the stand-in gets those wheels in /opt/docker-best-wheels and an /etc/pip.conf
# with no-index and find-links there: no package index is reachable from a build, so pip installs from them.
#
# Cache: each image carries the label docker-best.recipe=<sha256 of its recipe>: the code of the functions
# that make it, the release and the package list; for the stand-ins also the Dockerfile, the root's recipe
# and the wheelhouse's SHA256SUMS. An image whose label matches is not rebuilt; change the recipe and it is.
# The root tarball is kept in $DOCKER_BEST_CACHE/roots (default /var/cache/docker-best), so
# `docker image prune -a` costs no debootstrap.
#
# Lock: $DOCKER_BEST_CACHE/standins.lock, taken exclusively only to build (then the images are looked at again:
# another run may have built them meanwhile). A run that uses the images holds it shared while it runs
# (tools/engine/engine.ts), so that no image is rebuilt under a build that starts FROM it.
#
# Environment: DOCKER_BEST_CACHE; DOCKER_BEST_DEBIAN_MIRROR, the Debian mirror for debootstrap (the harness
# passes the one the host's apt sources name; needed only when a root must be made); DOCKER_BEST_WHEELHOUSE.
# Needs root (debootstrap) only when a root must be made.
set -euo pipefail

export PATH="/usr/bin:/usr/sbin:/bin:/sbin:${PATH}"
export DOCKER_BUILDKIT=1
cache="${DOCKER_BEST_CACHE:-/var/cache/docker-best}"
mirror="${DOCKER_BEST_DEBIAN_MIRROR:-}"
wheelhouse="${DOCKER_BEST_WHEELHOUSE:-}"
label=docker-best.recipe

fail() {
  echo "standins: $*" >&2
  exit 1
}

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

sha256() {
  sha256sum | cut -d ' ' -f 1
}

# The recipe label of image $1, empty when the image does not exist.
recipe_of() {
  docker image inspect --format "{{ index .Config.Labels \"${label}\" }}" "$1" 2>/dev/null || true
}

# True when every image named after $1 carries recipe $1.
up_to_date() {
  local want="$1" image
  shift
  for image in "$@"; do
    [ "$(recipe_of "${image}")" = "${want}" ] || return 1
  done
}

# The settings of the official Debian slim images (debuerreotype's minimizing config and slimify).
slim_root() {
  local dir="$1" pattern
  printf '#!/bin/sh\nexit 101\n' >"${dir}/usr/sbin/policy-rc.d"
  chmod 0755 "${dir}/usr/sbin/policy-rc.d"
  printf 'force-unsafe-io\n' >"${dir}/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"${dir}/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  printf 'Acquire::GzipIndexes "true";\n' >"${dir}/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Acquire::Languages "none";\n' >"${dir}/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"${dir}/etc/apt/apt.conf.d/docker-autoremove-suggests"
  cat >"${dir}/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
# The "slim" variant: files that containers do not need are left out, and stay out.
path-exclude /usr/share/doc/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
path-include /usr/share/doc/*/copyright
path-include /usr/share/locale/all_languages
path-include /usr/share/locale/currency/*
path-include /usr/share/locale/l10n/*
path-include /usr/share/locale/languages
path-include /usr/share/locale/locale.alias
DPKG
  # What dpkg already installed: delete what the excludes name, keep the includes.
  for pattern in doc groff info linda lintian/overrides locale man; do
    [ -d "${dir}/usr/share/${pattern}" ] || continue
    find "${dir}/usr/share/${pattern}" -mindepth 1 -depth \
      -not \( -path "${dir}/usr/share/doc/*/copyright" -o -path "${dir}/usr/share/locale/locale.alias" \
      -o -path "${dir}/usr/share/locale/languages" -o -path "${dir}/usr/share/locale/all_languages" \
      -o -path "${dir}/usr/share/locale/currency/*" -o -path "${dir}/usr/share/locale/l10n/*" \) \
      -not \( -type d -o -type l \) -delete
    find "${dir}/usr/share/${pattern}" -mindepth 1 -depth \( -empty -o -xtype l \) -delete
  done
  rm -rf "${dir}/var/lib/apt/lists/"* "${dir}/var/cache/apt/"* "${dir}/var/cache/ldconfig/aux-cache"
  find "${dir}/var/log" -type f -delete
  rm -f "${dir}/etc/apt/apt.conf.d/01autoremove-kernels" "${dir}/run/mount/utab"
  : >"${dir}/etc/machine-id"
}

# debootstrap a minimal Debian $1 into $2.
make_root() {
  local release="$1" dir="$2"
  debootstrap --variant=minbase "${release}" "${dir}" "${mirror}"
  slim_root "${dir}"
}

root_recipe() {
  local release="$1"
  {
    declare -f make_root slim_root
    echo "release=${release}"
  } | sha256
}

root_image() {
  echo "docker-best-standin/debian:$1"
}

check_only=0
locked=0

# Take the lock to build (once), waiting for other builders and for runs that use the images.
lock_for_building() {
  [ "${locked}" = 0 ] || return 0
  exec 9>"${cache}/standins.lock"
  if ! flock -n 9; then
    echo "standins: waiting for ${cache}/standins.lock (another build, or a run that uses the stand-ins)" >&2
    flock 9
  fi
  locked=1
}

# True when the images named after recipe $1 carry it; else, in --check mode, exit 3; else take the lock and
# look again (false when they must still be built).
built_already() {
  if up_to_date "$@"; then
    return 0
  fi
  [ "${check_only}" = 0 ] || exit 3
  lock_for_building
  up_to_date "$@"
}

ensure_root() {
  local release="$1" recipe image tarball work
  recipe="$(root_recipe "${release}")"
  image="$(root_image "${release}")"
  if built_already "${recipe}" "${image}"; then
    echo "standins: ${image} is up to date (recipe ${recipe:0:12})" >&2
    return 0
  fi
  mkdir -p "${cache}/roots"
  tarball="${cache}/roots/${release}-${recipe:0:16}.tar"
  if [ ! -s "${tarball}" ]; then
    command -v debootstrap >/dev/null 2>&1 ||
      fail "debootstrap is needed to make the Debian ${release} root: apt-get install debootstrap (tools/engine/ensure-engine.sh does, as root)"
    [ "$(id -u)" = 0 ] || fail "debootstrap needs root to make the Debian ${release} root (running as uid $(id -u))"
    [ -n "${mirror}" ] ||
      fail "no Debian mirror to debootstrap ${release} from: set DOCKER_BEST_DEBIAN_MIRROR (the engine harness passes the one the host's apt sources name)"
    work="${cache}/roots/${release}-${recipe:0:16}.work"
    rm -rf "${work}"
    echo "standins: debootstrap ${release} from ${mirror} into ${work}" >&2
    local attempt
    for attempt in 1 2; do
      if make_root "${release}" "${work}" >"${work}.log" 2>&1; then
        break
      fi
      if [ "${attempt}" = 2 ]; then
        fail "debootstrap of ${release} failed twice; last lines of ${work}.log:
$(tail -n 30 "${work}.log")"
      fi
      echo "standins: debootstrap of ${release} failed, trying once more" >&2
      rm -rf "${work}"
    done
    tar --numeric-owner -C "${work}" \
      --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
      -cf "${tarball}.part" .
    mv "${tarball}.part" "${tarball}"
    rm -rf "${work}" "${work}.log"
    # Older roots of this release are stale now.
    find "${cache}/roots" -maxdepth 1 -name "${release}-*.tar" ! -name "${release}-${recipe:0:16}.tar" -delete
  fi
  echo "standins: importing ${tarball} as ${image}" >&2
  docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL ${label}=${recipe}" \
    "${tarball}" "${image}" >/dev/null
}

python_dockerfile() {
  local release="$1"
  cat <<DOCKERFILE
# Stand-in for the official python:<version>-slim-${release} images: Debian's own Python 3, whatever version
# the tag names. pip and venv as the official images have them; no EXTERNALLY-MANAGED marker, as there.
FROM $(root_image "${release}")
ENV LANG=C.UTF-8
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 python3-venv python3-pip python-is-python3 \\
 && rm -rf /var/lib/apt/lists/* \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && if [ ! -e /usr/bin/pip ]; then ln -s pip3 /usr/bin/pip; fi \\
 && python --version && pip --version
CMD ["python3"]
DOCKERFILE
}

converter_dockerfile() {
  local release="$1"
  cat <<DOCKERFILE
# Stand-in for the Jupyter Docker Stacks base-notebook image: Debian's jupyter nbconvert (and IPython, which
# nbconvert uses to turn magics into get_ipython calls), pip as the real image has it, user jovyan (uid 1000,
# group users) with a writable home, as the real image runs.
FROM $(root_image "${release}")
ENV LANG=C.UTF-8
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \\
 && apt-get install -y --no-install-recommends jupyter-core jupyter-nbconvert python3-ipython python3-pip \\
 && rm -rf /var/lib/apt/lists/* \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && useradd --no-log-init --create-home --uid 1000 --gid 100 --shell /bin/bash jovyan \\
 && jupyter nbconvert --version
ENV NB_USER=jovyan \\
    NB_UID=1000 \\
    NB_GID=100 \\
    HOME=/home/jovyan \\
    SHELL=/bin/bash
WORKDIR /home/jovyan
USER 1000
CMD ["jupyter", "nbconvert", "--help"]
DOCKERFILE
}

# The wheelhouse's part of a stand-in's Dockerfile (nothing without DOCKER_BEST_WHEELHOUSE): the wheels, a pip
# configuration that installs from them alone, and the check that the stand-in's Python is the wheels' target.
wheelhouse_dockerfile() {
  [ -n "${wheelhouse}" ] || return 0
  local target
  target="$(sed -n 's/^# python-version: //p' "${wheelhouse}/requirements.in")"
  cat <<DOCKERFILE
# The wheelhouse (tools/engine/wheelhouse.ts): no package index is reachable from a build here.
USER root
COPY wheels/ /opt/docker-best-wheels/
RUN printf '[global]\\nno-index = true\\nfind-links = /opt/docker-best-wheels\\n' >/etc/pip.conf \\
 && python3 -c 'import sys; v = "%d.%d" % sys.version_info[:2]; assert v == "${target}", f"Python {v}, wheels for ${target}"'
DOCKERFILE
}

# The user a stand-in of kind $1 runs as, restored after the wheelhouse's lines (which run as root).
final_user() {
  case "$1" in
    converter) echo 'USER 1000' ;;
    *) echo 'USER root' ;;
  esac
}

# Build stand-in $1 (python|converter) for Debian $2, tagged with every further argument.
ensure_standin() {
  local kind="$1" release="$2" dockerfile recipe context log status
  shift 2
  [ "$#" -gt 0 ] || fail "${kind}: name at least one image to tag"
  ensure_root "${release}"
  dockerfile="$("${kind}_dockerfile" "${release}")"
  if [ -n "${wheelhouse}" ]; then
    [ -s "${wheelhouse}/SHA256SUMS" ] || fail "DOCKER_BEST_WHEELHOUSE=${wheelhouse} has no SHA256SUMS"
    dockerfile="$(printf '%s\n%s\n%s' "${dockerfile}" "$(wheelhouse_dockerfile)" "$(final_user "${kind}")")"
  fi
  recipe="$(
    {
      echo "${dockerfile}"
      echo "root=$(root_recipe "${release}")"
      if [ -n "${wheelhouse}" ]; then
        echo "wheels=$(sha256 <"${wheelhouse}/SHA256SUMS")"
      fi
    } | sha256
  )"
  if built_already "${recipe}" "$@"; then
    echo "standins: $* up to date (recipe ${recipe:0:12})" >&2
    return 0
  fi
  # In the cache folder, so that the wheels are hard links rather than copies.
  context="$(mktemp -d "${cache}/context.XXXXXX")"
  printf '%s\nLABEL %s=%s\n' "${dockerfile}" "${label}" "${recipe}" >"${context}/Dockerfile"
  if [ -n "${wheelhouse}" ]; then
    mkdir "${context}/wheels"
    cp -l "${wheelhouse}"/*.whl "${context}/wheels/" 2>/dev/null || cp "${wheelhouse}"/*.whl "${context}/wheels/"
  fi
  local tags=() image
  for image in "$@"; do
    tags+=(--tag "${image}")
  done
  echo "standins: building the ${kind} stand-in on Debian ${release} for $*" >&2
  log="${context}/build.log"
  status=0
  docker build --progress=plain "${tags[@]}" "${context}" >"${log}" 2>&1 || status=$?
  if [ "${status}" != 0 ]; then
    echo "standins: building the ${kind} stand-in for ${release} failed; last lines of the build log:" >&2
    tail -n 40 "${log}" >&2
    rm -rf "${context}"
    exit 1
  fi
  rm -rf "${context}"
}

if [ "${1:-}" = --check ]; then
  check_only=1
  shift
fi
[ "$#" -ge 2 ] || {
  usage >&2
  exit 2
}
command -v docker >/dev/null 2>&1 || fail "no docker client on PATH (tools/engine/ensure-engine.sh installs one)"
mkdir -p "${cache}"

kind="$1"
release="$2"
shift 2
case "${release}" in
  '' | *[!a-z]*) fail "not a Debian codename: ${release}" ;;
esac
case "${kind}" in
  root)
    ensure_root "${release}"
    ;;
  python | converter)
    ensure_standin "${kind}" "${release}" "$@"
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
