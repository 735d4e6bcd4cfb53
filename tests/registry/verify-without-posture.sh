#!/usr/bin/env bash
# Verifies a posture plugin signature without posture, as docs/distribution.md describes:
# skopeo fetches the plugin's manifest and its signature manifest (the sha256-<hex>.sig tag),
# curl the DSSE envelope, python3 decodes it, openssl checks the Ed25519 signature over the
# DSSE pre-authentication encoding with the vendor's public key.
#
#   verify-without-posture.sh HOST REPOSITORY TAG PUBLIC_KEY.pem
#
# Prints the verified manifest digest; exits non-zero when anything does not verify. Plain
# HTTP: meant for the loopback registry of the tests.
set -euo pipefail
host=$1 repo=$2 tag=$3 key=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

skopeo inspect --tls-verify=false --raw "docker://$host/$repo:$tag" >"$work/manifest.json"
digest="sha256:$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
skopeo inspect --tls-verify=false --raw "docker://$host/$repo:${digest/:/-}.sig" >"$work/signature.json"
python3 - "$work" "$digest" <<'PY'
import base64, json, sys
work, digest = sys.argv[1], sys.argv[2]
sig = json.load(open(f"{work}/signature.json"))
assert sig["artifactType"] == "application/vnd.dev.posture.plugin.signature.v1+json", sig
assert sig["subject"]["digest"] == digest, "the signature manifest is about another manifest"
layer = sig["layers"][0]
assert layer["mediaType"] == "application/vnd.dsse.envelope.v1+json", layer
open(f"{work}/envelope-digest", "w").write(layer["digest"])
PY
curl -fsS "http://$host/v2/$repo/blobs/$(cat "$work/envelope-digest")" >"$work/envelope.json"
test "sha256:$(sha256sum "$work/envelope.json" | cut -d' ' -f1)" = "$(cat "$work/envelope-digest")"
keyid=$(openssl pkey -pubin -in "$key" -outform DER | sha256sum | cut -d' ' -f1)
python3 - "$work" "$digest" "$keyid" <<'PY'
import base64, json, sys
work, digest, keyid = sys.argv[1], sys.argv[2], sys.argv[3]
env = json.load(open(f"{work}/envelope.json"))
body = base64.b64decode(env["payload"])
ptype = env["payloadType"].encode()
assert ptype == b"application/vnd.dev.posture.plugin.signature.v1+json", ptype
assert json.loads(body) == {"manifest-digest": digest}, "the payload signs another manifest"
sigs = [s for s in env["signatures"] if s["keyid"] == keyid]
assert sigs, f"no signature by key {keyid}"
pae = b"DSSEv1 %d %s %d " % (len(ptype), ptype, len(body)) + body
open(f"{work}/pae.bin", "wb").write(pae)
open(f"{work}/sig.bin", "wb").write(base64.b64decode(sigs[0]["sig"]))
PY
openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$work/pae.bin" -sigfile "$work/sig.bin" >/dev/null
echo "$digest"
