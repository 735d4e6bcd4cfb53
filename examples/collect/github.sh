#!/usr/bin/env bash
# Collects the GitHub answers `posture import github` reads for one organisation: one JSON file
# per REST endpoint, in the layout documented in docs/import.md ("GitHub"). Read-only: it only
# sends GET requests.
#
#   GH_TOKEN=… examples/collect/github.sh ORG OUT_DIR
#   posture import github OUT_DIR -o snapshot.json     (or: posture scan --from github --snapshot OUT_DIR)
#
# Needs curl and jq. The token (GH_TOKEN, else GITHUB_TOKEN) should be an organisation owner's:
# GitHub shows the two-factor requirement and who has no second factor to owners only (a
# classic token needs read:org and repo; a fine-grained one read access to the organisation's
# members and administration and to the repositories' administration). Environment:
#   GITHUB_API_URL  the API root (default https://api.github.com; GitHub Enterprise Server:
#                   https://HOST/api/v3)
#
# Lists are read 100 a page, following the Link header, and written as one array. An answer
# GitHub refuses (403, 404, 422, or a redirect when the token's user is not a member) is written
# as GitHub's error body with its status, {"message": …, "status": "404"}: posture reads
# "Branch not protected" as the fact it states and any other error as unknown. Any other
# failure (no network, a rejected token) stops here.
set -euo pipefail

org=${1:?usage: github.sh ORG OUT_DIR}
out=${2:?usage: github.sh ORG OUT_DIR}
token=${GH_TOKEN:-${GITHUB_TOKEN:-}}
api=${GITHUB_API_URL:-https://api.github.com}
api=${api%/}
api_version=2022-11-28
[[ -n $token ]] || { echo "github.sh: set GH_TOKEN to a token of an organisation owner" >&2; exit 2; }
[[ $org =~ ^[A-Za-z0-9][A-Za-z0-9-]*$ ]] || { echo "github.sh: '$org' is not an organisation login" >&2; exit 2; }
for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "github.sh: $tool is not on PATH" >&2; exit 2; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calls=0 errors=0

# fetch URL: GETs URL into $tmp/body (headers in $tmp/headers); prints the HTTP status.
fetch() {
    curl -sS -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' \
        -H "Authorization: Bearer $token" \
        -H 'Accept: application/vnd.github+json' \
        -H "X-GitHub-Api-Version: $api_version" \
        "$1"
}

# refused FILE STATUS PATH: writes the error GitHub answered with (its body, with the status).
refused() {
    errors=$((errors + 1))
    if [[ $2 == 401 ]]; then
        echo "github.sh: GET $3 answered 401: the token is missing, expired or revoked" >&2
        exit 1
    fi
    if jq -e 'type == "object" and (.message | type) == "string"' "$tmp/body" >/dev/null 2>&1; then
        jq --arg s "$2" '. + {status: (.status // $s)}' "$tmp/body" >"$1"
    else
        jq -n --arg s "$2" '{message: "HTTP \($s) without a GitHub error body", status: $s}' >"$1"
    fi
}

# call FILE PATH: the answer of a call that returns one object.
call() {
    local file=$out/$1 status
    mkdir -p "$(dirname "$file")"
    calls=$((calls + 1))
    status=$(fetch "$api$2")
    case $status in
        2??) jq . "$tmp/body" >"$file" ;;
        *) refused "$file" "$status" "$2" ;;
    esac
}

# list FILE PATH: every page of a list call, as one array.
list() {
    local file=$out/$1 url=$api$2 status
    [[ $url == *\?* ]] && url+="&per_page=100" || url+="?per_page=100"
    mkdir -p "$(dirname "$file")"
    calls=$((calls + 1))
    : >"$tmp/pages"
    while [[ -n $url ]]; do
        status=$(fetch "$url")
        case $status in
            2??) cat "$tmp/body" >>"$tmp/pages" ;;
            *) refused "$file" "$status" "$2"; return 0 ;;
        esac
        url=$(tr -d '\r' <"$tmp/headers" | sed -n 's/.*<\([^>]*\)>; *rel="next".*/\1/p' | head -n1)
    done
    jq -s 'add // []' "$tmp/pages" >"$file"
}

jq -n --arg t "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg org "$org" \
    --arg api "$api (X-GitHub-Api-Version $api_version)" \
    '{captured_at: $t, org: $org, collector: "posture examples/collect/github.sh 1", api: $api}' \
    >"$out/posture-capture.json"

call org.json "/orgs/$org"
list members.json "/orgs/$org/members"
list owners.json "/orgs/$org/members?role=admin"
list members-2fa-disabled.json "/orgs/$org/members?filter=2fa_disabled"
list outside-collaborators.json "/orgs/$org/outside_collaborators"
list outside-collaborators-2fa-disabled.json "/orgs/$org/outside_collaborators?filter=2fa_disabled"
call actions-permissions.json "/orgs/$org/actions/permissions"
call actions-workflow-permissions.json "/orgs/$org/actions/permissions/workflow"

list repos.json "/orgs/$org/repos?type=all"
while IFS=$'\t' read -r name branch; do
    [[ -n $name && -n $branch && $name != . && $name != .. && $name != */* ]] || continue
    call "repos/$name/branch-protection.json" \
        "/repos/$org/$name/branches/$(jq -rn --arg b "$branch" '$b | @uri')/protection"
done < <(jq -r 'if type == "array" then unique_by(.name)[] | [.name, (.default_branch // "")] | @tsv else empty end' \
    "$out/repos.json")

echo "github.sh: $calls calls ($errors answered with an error) for organisation $org → $out" >&2
