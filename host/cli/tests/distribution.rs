//! Plugin distribution end to end: the real `posture` binary publishing plugin components to a
//! real OCI registry (Distribution, `posture_e2e::registry`, one per test) and adding, listing
//! and updating them under a `[trust]` policy, with skopeo as an independent client checking
//! what was pushed. Covers the artifact layout and its annotations, the lock file's source and
//! signer, a scan that runs offline once the registry is gone, `update` (dry run, install,
//! nothing newer), and every refusal: unsigned, untrusted key, a signature over another
//! manifest, tampered blobs, a tag re-pointed after install, a signer outside its plugin names
//! or check prefixes, a prefix owned by another key, a check colliding with an installed
//! plugin, and a component that does not load. Each refusal exits 5, names the reference, the
//! digest and the reason, and leaves the plugin directory and the lock file untouched.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::lock::{LockEntry, LockFile};
use posture_distribution::registry::parse_reference;
use posture_distribution::signature;
use posture_e2e::registry::Registry;
use posture_e2e::{
    NOW, bad_metadata_plugin, component, example_snapshot, iam_plugin, impostor_check_plugin,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `acme-vendor` 1.0.0: checks `acme.mfa-everywhere` and `acme.no-stale-keys`.
fn vendor_plugin() -> PathBuf {
    component("tests/plugins/vendor")
}

/// `acme-vendor` 1.1.0: keeps `acme.mfa-everywhere`, drops `acme.no-stale-keys`, adds
/// `acme.admin-count`.
fn vendor_next_plugin() -> PathBuf {
    component("tests/plugins/vendor-next")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Hex sha256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `sha256:<hex>` of the file at `path`.
fn digest_of_file(path: &Path) -> String {
    format!("sha256:{}", sha256_hex(&read(path)))
}

/// What `plugins add` may change: every file of the plugin directory (hidden ones included,
/// by content digest) and the lock file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Installed {
    files: BTreeMap<String, String>,
    lock: Option<String>,
}

/// One test's operator and vendor: a scratch directory holding the plugin directory, the lock
/// file, the configuration, the keys and the compile cache, for a registry at `host`.
struct World {
    host: String,
    dir: tempfile::TempDir,
}

impl World {
    fn new(registry: &Registry) -> World {
        World {
            host: registry.host(),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn plugins(&self) -> PathBuf {
        self.dir.path().join("plugins")
    }

    fn lock(&self) -> PathBuf {
        self.dir.path().join("posture.lock")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("posture.toml")
    }

    /// `HOST/<repo_tag>`.
    fn reference(&self, repo_tag: &str) -> String {
        format!("{}/{repo_tag}", self.host)
    }

    /// The `posture` binary with `args`, run in the scratch directory with its own compile
    /// cache, no colour, no log filter, and no configuration, lock or plugin directory from the
    /// environment.
    fn posture(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_posture"))
            .args(args)
            .current_dir(self.dir.path())
            .env("POSTURE_CACHE_DIR", self.dir.path().join("cache"))
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .env_remove("POSTURE_CONFIG")
            .env_remove("POSTURE_LOCK")
            .env_remove("POSTURE_PLUGIN_DIR")
            .env_remove("POSTURE_REGISTRY_USERNAME")
            .env_remove("POSTURE_REGISTRY_PASSWORD")
            .env_remove("POSTURE_REGISTRY_HOST")
            .output()
            .expect("run posture")
    }

    /// Like [`World::posture`], asserting exit 0; returns stdout.
    fn posture_ok(&self, args: &[&str]) -> String {
        let out = self.posture(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "posture {args:?} failed\nstdout:\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `posture keygen --out keys/<name>`: the private key's path and the key id it printed
    /// (checked against the public key's id computed by the library).
    fn keygen(&self, name: &str) -> (PathBuf, String) {
        std::fs::create_dir_all(self.dir.path().join("keys")).expect("keys dir");
        let prefix = self.dir.path().join("keys").join(name);
        let out = self.posture(&["keygen", "--out", prefix.to_str().expect("utf-8")]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "keygen failed: {stderr}");
        let id = stderr
            .split("key id ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap_or_else(|| panic!("keygen printed no key id: {stderr}"))
            .to_owned();
        let public = posture_history::keys::read_verifying_key(&prefix.with_extension("pub"))
            .expect("public key");
        assert_eq!(id, signature::id_of(&public), "keygen's key id");
        (prefix.with_extension("key"), id)
    }

    /// `posture plugins publish COMPONENT HOST/<repo_tag> [--sign-key KEY]`, asserting success;
    /// returns the manifest digest it printed.
    fn publish(&self, component: &Path, repo_tag: &str, key: Option<&Path>) -> String {
        self.publish_with(component, repo_tag, key, &[])
    }

    /// [`World::publish`] with `--force` (replacing what the tag names).
    fn publish_forced(&self, component: &Path, repo_tag: &str, key: Option<&Path>) -> String {
        self.publish_with(component, repo_tag, key, &["--force"])
    }

    fn publish_with(
        &self,
        component: &Path,
        repo_tag: &str,
        key: Option<&Path>,
        extra: &[&str],
    ) -> String {
        let reference = self.reference(repo_tag);
        let mut args = vec![
            "plugins",
            "publish",
            component.to_str().expect("utf-8"),
            &reference,
        ];
        args.extend_from_slice(extra);
        if let Some(k) = key {
            args.extend(["--sign-key", k.to_str().expect("utf-8")]);
        }
        let stdout = self.posture_ok(&args);
        assert!(stdout.contains(&format!("to {reference}\n")), "{stdout}");
        if key.is_some() {
            assert!(stdout.contains("signed by key "), "{stdout}");
        } else {
            assert!(stdout.contains("NOT signed"), "{stdout}");
        }
        let digest = stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("manifest "))
            .unwrap_or_else(|| panic!("publish printed no manifest digest: {stdout}"))
            .to_owned();
        assert!(
            digest.starts_with("sha256:") && digest.len() == 71,
            "{digest}"
        );
        digest
    }

    /// Writes the configuration (a `[trust]` section), key paths relative to it.
    fn trust(&self, toml: &str) {
        std::fs::write(self.config(), toml).expect("write config");
    }

    /// `posture plugins <verb> [ARGS] --plugins DIR --lock FILE --config FILE [extra]`.
    fn plugins_cmd(&self, verb: &str, args: &[&str], extra: &[&str]) -> Output {
        let (plugins, lock, config) = (self.plugins(), self.lock(), self.config());
        let mut all = vec!["plugins", verb];
        all.extend(args);
        all.extend([
            "--plugins",
            plugins.to_str().expect("utf-8"),
            "--lock",
            lock.to_str().expect("utf-8"),
            "--config",
            config.to_str().expect("utf-8"),
        ]);
        all.extend(extra);
        self.posture(&all)
    }

    /// `posture plugins add REFERENCE` with the world's directories and `extra` flags.
    fn add(&self, reference: &str, extra: &[&str]) -> Output {
        self.plugins_cmd("add", &[reference], extra)
    }

    /// `plugins add`, asserting success; returns stdout.
    fn add_ok(&self, reference: &str, extra: &[&str]) -> String {
        let out = self.add(reference, extra);
        assert_eq!(
            out.status.code(),
            Some(0),
            "add {reference} failed\nstdout:\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// The plugin directory's files and the lock file, now.
    fn installed(&self) -> Installed {
        let files = match std::fs::read_dir(self.plugins()) {
            Ok(entries) => entries
                .map(|e| {
                    let e = e.expect("dir entry");
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        sha256_hex(&read(&e.path())),
                    )
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => panic!("list {}: {e}", self.plugins().display()),
        };
        let lock = match std::fs::read_to_string(self.lock()) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("read lock: {e}"),
        };
        Installed { files, lock }
    }

    /// The lock file's only entry.
    fn locked(&self) -> LockEntry {
        let lock = LockFile::load(&self.lock())
            .expect("lock file parses")
            .expect("lock file exists");
        assert_eq!(lock.plugins.len(), 1, "{lock:?}");
        lock.plugins[0].clone()
    }
}

/// Asserts that `out` is a refusal (exit 5) of `reference` at manifest `digest` for a reason
/// containing every one of `reason`, and that nothing changed since `before`.
fn assert_refused(
    w: &World,
    out: &Output,
    reference: &str,
    digest: &str,
    reason: &[&str],
    before: &Installed,
) {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(5),
        "expected a refusal (exit 5)\nstdout:\n{}\nstderr:\n{stderr}",
        text(&out.stdout)
    );
    let head = format!("error: {reference} ({digest}): refused, nothing installed: ");
    assert!(stderr.contains(&head), "expected `{head}` in:\n{stderr}");
    let reason_text = &stderr[stderr.find(&head).expect("head") + head.len()..];
    for r in reason {
        assert!(
            reason_text.contains(r),
            "expected `{r}` in the reason:\n{stderr}"
        );
    }
    assert!(
        !text(&out.stdout).contains("installed"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(&w.installed(), before, "a refusal changed the installation");
}

/// Asserts that `out` is the refusal of a blob the registry served with other bytes than its
/// digest (`what` `expected`, really `actual`), and that nothing changed since `before`.
fn assert_tampered(
    w: &World,
    out: &Output,
    reference: &str,
    what: &str,
    expected: &str,
    actual: &str,
    before: &Installed,
) {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(5),
        "expected a refusal (exit 5)\nstdout:\n{}\nstderr:\n{stderr}",
        text(&out.stdout)
    );
    // When the size differs too, the digest is followed by how many bytes came.
    let message = format!(
        "error: {reference}: the registry served bytes for {what} {expected} whose digest is {actual}"
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&message))
        .unwrap_or_else(|| panic!("expected `{message}` in:\n{stderr}"));
    assert!(
        line.ends_with("; refused; nothing installed"),
        "expected the refusal to end the line: {line}"
    );
    assert_eq!(&w.installed(), before, "a refusal changed the installation");
}

/// A trust policy with one key, `acme` (keys/acme.pub, from [`World::keygen`]), for `acme-*`
/// plugins and `acme.` checks.
const ACME_ONLY: &str = r#"
[trust.keys.acme]
public-key = "keys/acme.pub"
plugins = ["acme-*"]
check-prefixes = ["acme."]
"#;

#[test]
fn a_vendor_publishes_and_an_operator_adds_scans_and_updates() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, acme_id) = w.keygen("acme");
    let (v1, v2) = (vendor_plugin(), vendor_next_plugin());

    // The vendor publishes 1.0.0, signed.
    let d1 = w.publish(&v1, "acme/vendor:1.0.0", Some(&acme_key));
    let manifest = registry.skopeo_inspect_raw("acme/vendor:1.0.0");
    assert_eq!(
        manifest["config"]["mediaType"],
        "application/vnd.wasm.config.v0+json"
    );
    let layers = manifest["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 1, "{manifest}");
    assert_eq!(layers[0]["mediaType"], "application/wasm");
    assert_eq!(layers[0]["digest"], digest_of_file(&v1));
    let annotations = &manifest["annotations"];
    assert_eq!(annotations["org.opencontainers.image.title"], "acme-vendor");
    assert_eq!(annotations["org.opencontainers.image.version"], "1.0.0");
    assert_eq!(
        annotations["dev.posture.plugin.checks"],
        "acme.mfa-everywhere,acme.no-stale-keys"
    );
    assert_eq!(
        registry.skopeo_inspect_raw(&format!("acme/vendor@{d1}")),
        manifest,
        "the printed digest names the manifest"
    );
    let layout = w.dir.path().join("layout");
    let copied = registry.skopeo_copy_to_oci_layout("acme/vendor:1.0.0", &layout);
    assert!(copied.status.success(), "{}", text(&copied.stderr));
    let index: serde_json::Value =
        serde_json::from_slice(&read(&layout.join("index.json"))).expect("index.json");
    assert_eq!(index["manifests"][0]["digest"], *d1);
    let layer_hex = sha256_hex(&read(&v1));
    assert_eq!(
        read(&layout.join("blobs/sha256").join(&layer_hex)),
        read(&v1),
        "skopeo copied the component itself"
    );

    // Someone without posture verifies the signature as docs/distribution.md says.
    let (_, _) = w.keygen("stranger");
    let verify = |key: &str| {
        std::process::Command::new("bash")
            .arg(posture_e2e::root().join("tests/registry/verify-without-posture.sh"))
            .args([registry.host().as_str(), "acme/vendor", "1.0.0"])
            .arg(w.dir.path().join("keys").join(format!("{key}.pub")))
            .output()
            .expect("run verify-without-posture.sh (make registry-tools)")
    };
    let verified = verify("acme");
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert_eq!(
        text(&verified.stdout).trim(),
        d1,
        "openssl verified this manifest"
    );
    let stranger = verify("stranger");
    assert!(!stranger.status.success(), "another key does not verify it");
    assert!(
        text(&stranger.stderr).contains("no signature by key"),
        "{}",
        text(&stranger.stderr)
    );

    // The operator trusts the key and adds the plugin.
    w.trust(ACME_ONLY);
    let reference = w.reference("acme/vendor:1.0.0");
    let stdout = w.add_ok(&reference, &[]);
    assert!(
        stdout.contains("installed acme-vendor 1.0.0 (Acme Security)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("signed by key `acme` ({acme_id})")),
        "{stdout}"
    );
    let file = w.plugins().join("acme-vendor.wasm");
    assert_eq!(read(&file), read(&v1));
    let entry = w.locked();
    assert_eq!(
        (
            entry.file.as_str(),
            entry.name.as_str(),
            entry.version.as_str()
        ),
        ("acme-vendor.wasm", "acme-vendor", "1.0.0")
    );
    assert_eq!(entry.sha256, layer_hex);
    let source = entry.source.expect("a registry source");
    assert_eq!(source.reference, reference);
    assert_eq!(source.repository, w.reference("acme/vendor"));
    assert_eq!(source.manifest, d1);
    assert_eq!(source.signer.as_deref(), Some("acme"));
    assert_eq!(source.signer_key.as_deref(), Some(acme_id.as_str()));

    let plugins = w.plugins();
    let lock = w.lock();
    let listed = w.posture_ok(&[
        "plugins",
        "list",
        "--plugins",
        plugins.to_str().expect("utf-8"),
        "--lock",
        lock.to_str().expect("utf-8"),
    ]);
    assert!(
        listed.contains(&format!("from {reference} ({d1})")),
        "{listed}"
    );
    assert!(listed.contains("signed by key `acme`"), "{listed}");

    // 1.1.0 is published; the operator looks, then updates.
    let d2 = w.publish(&v2, "acme/vendor:1.1.0", Some(&acme_key));
    assert_ne!(d1, d2);
    let before = w.installed();
    let out = w.plugins_cmd("update", &[], &["--dry-run"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("acme-vendor 1.0.0 → 1.1.0"), "{stdout}");
    assert!(stdout.contains("would update"), "{stdout}");
    assert!(
        stdout.contains("checks added: acme.admin-count\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("checks removed: acme.no-stale-keys\n"),
        "{stdout}"
    );
    assert_eq!(w.installed(), before, "a dry run changed the installation");

    let out = w.plugins_cmd("update", &[], &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("updated acme-vendor 1.0.0 → 1.1.0"),
        "{stdout}"
    );
    assert_eq!(read(&file), read(&v2));
    let entry = w.locked();
    assert_eq!(entry.version, "1.1.0");
    assert_eq!(entry.sha256, sha256_hex(&read(&v2)));
    let source = entry.source.expect("a registry source");
    assert_eq!(source.manifest, d2);
    assert_eq!(source.reference, w.reference("acme/vendor:1.1.0"));
    assert_eq!(source.signer.as_deref(), Some("acme"));

    let before = w.installed();
    let out = w.plugins_cmd("update", &[], &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("acme-vendor 1.1.0 is the newest release"),
        "{stdout}"
    );
    assert_eq!(w.installed(), before);

    // With the registry gone, `update` cannot reach it, and `scan` does not need it.
    drop(registry);
    let out = w.plugins_cmd("update", &[], &["--dry-run"]);
    assert!(
        !out.status.success(),
        "update reached a stopped registry: {}",
        text(&out.stdout)
    );
    let snapshot = example_snapshot();
    let stdout = w.posture_ok(&[
        "scan",
        "--snapshot",
        snapshot.to_str().expect("utf-8"),
        "--plugins",
        plugins.to_str().expect("utf-8"),
        "--lock",
        lock.to_str().expect("utf-8"),
        "--now",
        NOW,
        "--fail-on",
        "none",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["plugins"][0]["name"], "acme-vendor");
    assert_eq!(report["plugins"][0]["version"], "1.1.0");
    let checks: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["check_id"].as_str().expect("check_id"))
        .collect();
    assert!(checks.contains(&"acme.mfa-everywhere"), "{checks:?}");
    assert!(!checks.contains(&"acme.no-stale-keys"), "{checks:?}");
}

#[test]
fn unsigned_plugins_are_refused_unless_accepted_explicitly() {
    let registry = Registry::start();
    let w = World::new(&registry);
    w.keygen("acme");
    // The key owns no check prefix, so an unsigned `acme.` check is the policy's to accept.
    w.trust("[trust.keys.acme]\npublic-key = \"keys/acme.pub\"\nplugins = [\"acme-*\"]\n");
    let digest = w.publish(&vendor_plugin(), "acme/vendor:1.0.0", None);
    let reference = w.reference("acme/vendor:1.0.0");

    let before = w.installed();
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &["it is not signed", "--allow-unsigned"],
        &before,
    );
    assert_eq!(before.lock, None);

    let stdout = w.add_ok(&reference, &["--allow-unsigned"]);
    assert!(stdout.contains("UNSIGNED"), "{stdout}");
    assert_eq!(
        read(&w.plugins().join("acme-vendor.wasm")),
        read(&vendor_plugin())
    );
    let source = w.locked().source.expect("a registry source");
    assert_eq!(source.manifest, digest);
    assert_eq!(source.signer, None);
    assert_eq!(source.signer_key, None);
}

#[test]
fn a_key_the_policy_does_not_trust_is_refused() {
    let registry = Registry::start();
    let w = World::new(&registry);
    w.keygen("acme");
    let (rogue_key, rogue_id) = w.keygen("rogue");
    w.trust(ACME_ONLY);
    let digest = w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&rogue_key));
    let reference = w.reference("acme/vendor:1.0.0");
    let before = w.installed();
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &[
            &format!("signed only by key(s) {rogue_id},"),
            "does not trust",
        ],
        &before,
    );
    // Not even --allow-unsigned accepts an untrusted signature.
    let out = w.add(&reference, &["--allow-unsigned"]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &[&rogue_id, "does not trust"],
        &before,
    );
}

#[test]
fn a_signature_over_another_manifest_is_refused() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, _) = w.keygen("acme");
    w.trust(ACME_ONLY);
    let d1 = w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    let d2 = w.publish(&vendor_next_plugin(), "acme/vendor:2.0.0", None);
    let reference_v2 = w.reference("acme/vendor:2.0.0");

    // A valid signature by the trusted key, over 1.0.0's manifest, pushed as 2.0.0's.
    let client = posture_distribution::Registry::new().expect("registry client");
    let parsed = parse_reference(&reference_v2).expect("reference");
    let pulled = client.pull(&parsed).expect("pull 2.0.0");
    assert_eq!(pulled.manifest_digest, d2);
    let subject = oci_client::manifest::OciDescriptor {
        media_type: "application/vnd.oci.image.manifest.v1+json".into(),
        digest: pulled.manifest_digest.clone(),
        size: i64::try_from(pulled.manifest_size).expect("size"),
        ..Default::default()
    };
    let key = posture_history::keys::read_signing_key(&acme_key).expect("signing key");
    let envelope = signature::sign(&d1, &key);
    client
        .push_signature(&parsed, subject, &envelope)
        .expect("push the signature");

    let before = w.installed();
    let out = w.add(&reference_v2, &[]);
    assert_refused(
        &w,
        &out,
        &reference_v2,
        &d2,
        &[&format!(
            "the signature by key `acme` signs manifest {d1}, not this one"
        )],
        &before,
    );
}

#[test]
fn a_layer_whose_bytes_do_not_match_its_digest_is_refused() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, _) = w.keygen("acme");
    w.trust(ACME_ONLY);
    w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    let layer = digest_of_file(&vendor_plugin());
    std::fs::write(registry.blob_data_path(&layer), read(&vendor_next_plugin()))
        .expect("tamper with the layer");

    let reference = w.reference("acme/vendor:1.0.0");
    let before = w.installed();
    let out = w.add(&reference, &[]);
    assert_tampered(
        &w,
        &out,
        &reference,
        "component layer",
        &layer,
        &digest_of_file(&vendor_next_plugin()),
        &before,
    );
    assert_eq!(before.lock, None);
    assert!(before.files.is_empty());
}

#[test]
fn a_registry_serving_other_bytes_on_a_second_pull_is_refused() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, _) = w.keygen("acme");
    w.trust(ACME_ONLY);
    let reference = w.reference("acme/vendor:1.0.0");
    let d1 = w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    w.add_ok(&reference, &[]);
    let installed = w.installed();

    // A vendor cannot move a release tag by mistake.
    let next = vendor_next_plugin();
    let out = w.posture(&[
        "plugins",
        "publish",
        next.to_str().expect("utf-8"),
        &reference,
    ]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("{reference} already names manifest {d1}")),
        "{}",
        text(&out.stderr)
    );
    // A tag moved to another version's artifact: refused for what it holds.
    let moved = w.publish_forced(&next, "acme/vendor:1.0.0", Some(&acme_key));
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &moved,
        &["the tag `1.0.0` holds version 1.1.0 of the plugin"],
        &installed,
    );

    // With --force, the tag now names another (validly signed) build of the same version:
    // the same component with one more custom section, as a rebuild would differ.
    let rebuilt = w.dir.path().join("rebuilt.wasm");
    let mut bytes = read(&vendor_plugin());
    let name = b"rebuild";
    bytes.extend_from_slice(&[0, (1 + name.len() + 1) as u8, name.len() as u8]);
    bytes.extend_from_slice(name);
    bytes.push(1);
    std::fs::write(&rebuilt, &bytes).expect("write the rebuild");
    let other = w.publish_forced(&rebuilt, "acme/vendor:1.0.0", Some(&acme_key));
    assert_ne!(other, d1);
    let out = w.add(&reference, &[]);
    let lock = w.lock().display().to_string();
    assert_refused(
        &w,
        &out,
        &reference,
        &other,
        &[
            &format!("{lock} pins manifest {d1} for acme-vendor 1.0.0"),
            &format!("the registry now serves {other}"),
            "the tag was moved after it was installed",
        ],
        &installed,
    );

    // Published again, the reproducible artifact is the one locked: adding it changes nothing.
    let again = w.publish_forced(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    assert_eq!(again, d1, "publishing the same component is reproducible");
    let stdout = w.add_ok(&reference, &[]);
    assert!(stdout.contains("already installed:"), "{stdout}");
    assert_eq!(w.installed(), installed);

    // One bit of its layer flipped in the registry's storage (the size is right, the digest
    // is not): refused, the installed file untouched.
    let layer = digest_of_file(&vendor_plugin());
    let mut forged = read(&vendor_plugin());
    *forged.last_mut().expect("a non-empty component") ^= 1;
    std::fs::write(registry.blob_data_path(&layer), &forged).expect("tamper with the layer");
    let out = w.add(&reference, &[]);
    assert_tampered(
        &w,
        &out,
        &reference,
        "component layer",
        &layer,
        &format!("sha256:{}", sha256_hex(&forged)),
        &installed,
    );
    assert_eq!(
        read(&w.plugins().join("acme-vendor.wasm")),
        read(&vendor_plugin())
    );
}

#[test]
fn a_signer_may_publish_only_its_names_and_prefixes() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, _) = w.keygen("acme");
    let digest = w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    let reference = w.reference("acme/vendor:1.0.0");
    let before = w.installed();

    w.trust("[trust.keys.acme]\npublic-key = \"keys/acme.pub\"\nplugins = [\"other-*\"]\n");
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &["key `acme` may publish only plugins named `other-*`, not `acme-vendor`"],
        &before,
    );

    w.trust(
        "[trust.keys.acme]\npublic-key = \"keys/acme.pub\"\nplugins = [\"acme-*\"]\ncheck-prefixes = [\"other.\"]\n",
    );
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &["key `acme` may publish only checks under `other.`, not `acme."],
        &before,
    );

    // Within its names and prefixes, the same signed artifact is accepted.
    w.trust(ACME_ONLY);
    w.add_ok(&reference, &[]);
    assert_eq!(w.locked().source.expect("source").manifest, digest);
}

#[test]
fn only_the_owner_of_a_prefix_may_publish_its_checks() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (posture_key, posture_id) = w.keygen("posture");
    let (acme_key, _) = w.keygen("acme");
    w.trust(
        r#"
[trust.keys.posture]
public-key = "keys/posture.pub"
check-prefixes = ["iam."]

[trust.keys.acme]
public-key = "keys/acme.pub"
"#,
    );
    let impostor = impostor_check_plugin();
    let before = w.installed();

    let digest = w.publish(&impostor, "acme/mfa:9.9.9", Some(&acme_key));
    let reference = w.reference("acme/mfa:9.9.9");
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &[
            "check `iam.admin-mfa` is under `iam.`, which only `posture` may publish",
            "key `acme` does not own it",
        ],
        &before,
    );

    let unsigned = w.publish(&impostor, "rogue/mfa:9.9.9", None);
    assert_eq!(unsigned, digest, "the same artifact");
    let reference = w.reference("rogue/mfa:9.9.9");
    let out = w.add(&reference, &["--allow-unsigned"]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &[
            "check `iam.admin-mfa` is under `iam.`, which only `posture` may publish",
            "an unsigned plugin does not own it",
        ],
        &before,
    );

    w.publish(&impostor, "posture/mfa:9.9.9", Some(&posture_key));
    let reference = w.reference("posture/mfa:9.9.9");
    let stdout = w.add_ok(&reference, &[]);
    assert!(stdout.contains("signed by key `posture`"), "{stdout}");
    assert_eq!(read(&w.plugins().join("vendor-mfa.wasm")), read(&impostor));
    let source = w.locked().source.expect("source");
    assert_eq!(source.signer.as_deref(), Some("posture"));
    assert_eq!(source.signer_key.as_deref(), Some(posture_id.as_str()));
}

#[test]
fn a_plugin_colliding_with_an_installed_one_is_refused() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let iam = iam_plugin();
    std::fs::create_dir_all(w.plugins()).expect("plugin dir");
    let iam_file = w.plugins().join(iam.file_name().expect("file name"));
    std::fs::copy(&iam, &iam_file).expect("install iam");
    let (acme_key, _) = w.keygen("acme");
    w.trust("[trust.keys.acme]\npublic-key = \"keys/acme.pub\"\n");
    let digest = w.publish(&impostor_check_plugin(), "acme/mfa:9.9.9", Some(&acme_key));
    let reference = w.reference("acme/mfa:9.9.9");

    let before = w.installed();
    let out = w.add(&reference, &[]);
    assert_refused(
        &w,
        &out,
        &reference,
        &digest,
        &[
            "check `iam.admin-mfa` is already declared by plugin `posture-iam`",
            &iam_file.display().to_string(),
        ],
        &before,
    );
    assert_eq!(before.files.len(), 1);
    assert_eq!(before.lock, None);
}

#[test]
fn publish_refuses_a_component_that_does_not_load() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let bad = bad_metadata_plugin();
    let reference = w.reference("acme/bad:1.0.0");
    let out = w.posture(&[
        "plugins",
        "publish",
        bad.to_str().expect("utf-8"),
        &reference,
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: {} (sha256 {}): not published: the component does not load",
            bad.display(),
            sha256_hex(&read(&bad))
        )),
        "{stderr}"
    );
    assert!(stderr.contains("declared twice"), "{stderr}");
    assert!(!text(&out.stdout).contains("published"));

    // Nothing was pushed: the repository does not exist.
    let listed = Command::new("skopeo")
        .args(["list-tags", "--tls-verify=false"])
        .arg(format!("docker://{}", w.reference("acme/bad")))
        .output()
        .expect("run skopeo (make registry-tools)");
    let skopeo_err = text(&listed.stderr);
    assert!(
        !listed.status.success() && skopeo_err.contains("404"),
        "the repository exists after a refused publish: {}{skopeo_err}",
        text(&listed.stdout)
    );
}
