# Shared by the scripts: project paths, stage timing, the build configuration.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BROOK_BUILD_DIR:-$top/build}
jobs=${BROOK_JOBS:-$(nproc)}

stage_start=0
stage() {
  local now
  now=$(date +%s)
  if [ -n "${stage_name:-}" ]; then
    echo "=== stage ${stage_name}: $((now - stage_start)) s"
  fi
  stage_name=${1:-}
  stage_start=$now
  if [ -n "$stage_name" ]; then
    echo "=== stage ${stage_name}"
  fi
}

# configure_build DIR [cmake args...]: configure (once) and build everything in DIR.
configure_build() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$top" -B "$dir" -G Ninja "$@"
  else
    cmake "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" -j "$jobs"
}

release_build() {
  local werror=OFF
  if [ "${CI:-}" = true ]; then werror=ON; fi
  configure_build "$build_dir" -DCMAKE_BUILD_TYPE=Release -DBROOK_WERROR=$werror
}

# sanitizer_build DIR: clang with ASan+UBSan and libFuzzer instrumentation, Asio-free libraries only.
# One build serves the sanitizer unit tests and the fuzz targets (-O1 without debug info: quick to
# compile, still fast enough to fuzz).
sanitizer_build() {
  CC=clang CXX=clang++ configure_build "$1" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 \
    -DCMAKE_C_FLAGS_RELEASE=-O1 -DBROOK_WERROR=ON -DBROOK_FUZZ=ON -DBROOK_ASIO_FREE_ONLY=ON -DBROOK_BENCH=OFF
}
