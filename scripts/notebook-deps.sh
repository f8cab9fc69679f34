#!/usr/bin/env bash
# What executing notebooks needs on this machine (the shipped runner, the example, the tests): nbclient,
# a python kernel and matplotlib (the example plots) for /usr/bin/python3. When one is missing, the
# Debian packages are installed, as root or with sudo: on a terminal after asking, under CI without
# asking; otherwise the command to run is printed. Used by `npm run example` (scripts/example.mjs)
# and .ci/run. Exit 0 when everything is there (or now installed), 1 otherwise.
# MYMLOPS_DEPS_PYTHON: the python to check instead of /usr/bin/python3 (the tests' stand-in).
set -euo pipefail

PACKAGES=(python3-nbclient python3-ipykernel python3-matplotlib)
PY="${MYMLOPS_DEPS_PYTHON:-/usr/bin/python3}"
have() { [ -x "$PY" ] && "$PY" -c 'import nbclient, ipykernel, matplotlib' 2>/dev/null; }

have && exit 0
if ! command -v apt-get >/dev/null; then
  echo "notebook-deps: $PY lacks nbclient, ipykernel or matplotlib and this is not a Debian-like system:" >&2
  echo "  install them for your python (pip install nbclient ipykernel matplotlib)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "notebook-deps: missing ${PACKAGES[*]}, and neither root nor sudo: as root run" >&2
  echo "  apt-get install -y ${PACKAGES[*]}" >&2
  exit 1
fi
if [ -z "${CI:-}" ]; then
  if [ ! -t 0 ]; then
    echo "notebook-deps: executing notebooks needs ${PACKAGES[*]}: run" >&2
    echo "  ${as_root[*]} apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
  fi
  read -r -p "Executing notebooks needs the Debian packages ${PACKAGES[*]}. Install them now${as_root:+ (with sudo)}? [Y/n] " answer
  case "${answer:-y}" in
    [Yy]*) ;;
    *) echo "notebook-deps: not installed; run: ${as_root[*]} apt-get install -y ${PACKAGES[*]}" >&2; exit 1 ;;
  esac
fi
echo "notebook-deps: installing ${PACKAGES[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
have || { echo "notebook-deps: installed, but $PY still cannot import nbclient, ipykernel and matplotlib" >&2; exit 1; }
echo "notebook-deps: ready"
