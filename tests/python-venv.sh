# Sourced by the installers of the tests' Python tools (tests/aws/install-emulator.sh,
# tests/oscal/install-trestle.sh). Defines `venv NAME SPEC CHECK`: a virtual environment
# $dir/NAME with the pinned SPEC (`package==version`) installed, CHECK being a program its
# bin/ must hold. Idempotent: an environment with the pinned version is kept. Installs
# Debian's python3-venv when venv is missing.

venv() {
    local name=$1 spec=$2 check=$3
    local package=${spec%%==*}
    package=${package%%[*}
    if [[ -x $dir/$name/bin/$check ]] && "$dir/$name/bin/pip" show "$package" 2>/dev/null \
        | grep -x "Version: ${spec##*==}" >/dev/null; then
        return 0
    fi
    rm -rf "${dir:?}/$name"
    if ! python3 -m venv "$dir/$name" 2>/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq python3-venv >/dev/null \
            || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
        python3 -m venv "$dir/$name"
    fi
    echo "installing $spec into $dir/$name" >&2
    "$dir/$name/bin/pip" install --quiet --disable-pip-version-check "$spec"
}
