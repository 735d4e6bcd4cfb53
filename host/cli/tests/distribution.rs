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

    /// A world whose configuration trusts one key, `acme` ([`ACME_ONLY`]); returns it with
    /// the key's private half.
    fn trusting_acme(registry: &Registry) -> (World, PathBuf) {
        let w = World::new(registry);
        let (key, _) = w.keygen("acme");
        w.trust(ACME_ONLY);
        (w, key)
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
        self.plugins_cmd_in(&[&self.plugins()], verb, args, extra)
    }

    /// [`World::plugins_cmd`] with one `--plugins` per directory of `dirs` (the first is
    /// where `add` installs).
    fn plugins_cmd_in(&self, dirs: &[&Path], verb: &str, args: &[&str], extra: &[&str]) -> Output {
        let (lock, config) = (self.lock(), self.config());
        let mut all = vec!["plugins", verb];
        all.extend(args);
        for dir in dirs {
            all.extend(["--plugins", dir.to_str().expect("utf-8")]);
        }
        all.extend([
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
    let (w, acme_key) = World::trusting_acme(&registry);
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
    let (w, acme_key) = World::trusting_acme(&registry);
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
    let (w, acme_key) = World::trusting_acme(&registry);
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

/// The line of `output` that starts with `prefix` (panics, showing `output`, when none does).
fn line_starting<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("expected a line starting with `{prefix}` in:\n{output}"))
}

/// Asserts that `out` is an `update` that ended with `code`; returns its stdout.
fn update_ended(out: &Output, code: i32) -> String {
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(code),
        "update: expected exit {code}\nstdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    stdout
}

#[test]
fn an_old_release_retagged_as_newer_does_not_roll_back() {
    let registry = Registry::start();
    let (w, acme_key) = World::trusting_acme(&registry);
    let (v1, v2) = (vendor_plugin(), vendor_next_plugin());
    let d1 = w.publish(&v1, "acme/vendor:1.0.0", Some(&acme_key));
    let d2 = w.publish(&v2, "acme/vendor:1.1.0", Some(&acme_key));
    w.add_ok(&w.reference("acme/vendor:1.0.0"), &[]);

    // The signed 1.0.0 artifact, tagged again as 9.9.9 (by mistake or by someone who can
    // push to the repository but not sign).
    let d9 = w.publish(&v1, "acme/vendor:9.9.9", Some(&acme_key));
    assert_eq!(d9, d1, "the same artifact under another tag");

    // `update` passes over 9.9.9 and installs 1.1.0.
    let out = w.plugins_cmd("update", &[], &[]);
    let stdout = update_ended(&out, 0);
    assert!(
        stdout.contains("updated acme-vendor 1.0.0 → 1.1.0 (tag 1.1.0)\n"),
        "{stdout}"
    );
    let skipped = line_starting(&stdout, "  skipped newer tag 9.9.9: ");
    assert!(
        skipped.contains("the tag `9.9.9` holds version 1.0.0 of the plugin"),
        "{skipped}"
    );
    assert_eq!(read(&w.plugins().join("acme-vendor.wasm")), read(&v2));
    let entry = w.locked();
    assert_eq!(entry.version, "1.1.0");
    let source = entry.source.expect("a registry source");
    assert_eq!(source.manifest, d2);
    assert_eq!(source.reference, w.reference("acme/vendor:1.1.0"));

    // A second `update` does not move back to 1.0.0: 9.9.9 is the only newer tag, refused.
    let before = w.installed();
    let out = w.plugins_cmd("update", &[], &[]);
    let stdout = update_ended(&out, 5);
    assert!(
        stdout.contains("acme-vendor 1.1.0: no newer release may be installed; it stays\n"),
        "{stdout}"
    );
    let refused = line_starting(&stdout, "  refused tag 9.9.9: ");
    assert!(refused.contains("holds version 1.0.0"), "{refused}");
    assert!(!stdout.contains("updated"), "{stdout}");
    assert_eq!(
        w.installed(),
        before,
        "a refused update changed the installation"
    );
    assert_eq!(w.locked().version, "1.1.0");

    // Nor does `add` take the tag for the version it names, on a fresh installation.
    let fresh = World::new(&registry);
    std::fs::create_dir_all(fresh.dir.path().join("keys")).expect("keys dir");
    std::fs::copy(
        w.dir.path().join("keys/acme.pub"),
        fresh.dir.path().join("keys/acme.pub"),
    )
    .expect("copy the public key");
    fresh.trust(ACME_ONLY);
    let reference = fresh.reference("acme/vendor:9.9.9");
    let before = fresh.installed();
    let out = fresh.add(&reference, &[]);
    assert_refused(
        &fresh,
        &out,
        &reference,
        &d1,
        &["the tag `9.9.9` holds version 1.0.0"],
        &before,
    );
    assert_eq!(before.lock, None);
}

/// Two keys trusted for anything: `acme` and `other`.
const ACME_AND_OTHER: &str = r#"
[trust.keys.acme]
public-key = "keys/acme.pub"

[trust.keys.other]
public-key = "keys/other.pub"
"#;

#[test]
fn an_update_keeps_its_signer_unless_told() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, _) = w.keygen("acme");
    let (other_key, other_id) = w.keygen("other");
    w.trust(ACME_AND_OTHER);
    let (v1, v2) = (vendor_plugin(), vendor_next_plugin());
    w.publish(&v1, "acme/vendor:1.0.0", Some(&acme_key));
    w.add_ok(&w.reference("acme/vendor:1.0.0"), &[]);
    assert_eq!(
        w.locked().source.expect("source").signer.as_deref(),
        Some("acme")
    );

    // 1.1.0, signed by another key the policy trusts as much.
    let d2 = w.publish(&v2, "acme/vendor:1.1.0", Some(&other_key));
    let before = w.installed();
    for extra in [&["--dry-run"][..], &[]] {
        let out = w.plugins_cmd("update", &[], extra);
        let stdout = update_ended(&out, 5);
        assert!(
            stdout.contains("acme-vendor 1.0.0: no newer release may be installed; it stays\n"),
            "{extra:?}: {stdout}"
        );
        let refused = line_starting(&stdout, "  refused tag 1.1.0: ");
        for expected in [
            "it is signed by key `other`, the installed version is signed by key `acme`",
            "--allow-signer-change",
        ] {
            assert!(refused.contains(expected), "{extra:?}: {refused}");
        }
        assert_eq!(w.installed(), before, "{extra:?}: the installation changed");
    }

    let out = w.plugins_cmd("update", &[], &["--allow-signer-change"]);
    let stdout = update_ended(&out, 0);
    assert!(
        stdout.contains("updated acme-vendor 1.0.0 → 1.1.0 (tag 1.1.0)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  signer: acme → other (CHANGED)\n"),
        "{stdout}"
    );
    assert_eq!(read(&w.plugins().join("acme-vendor.wasm")), read(&v2));
    let source = w.locked().source.expect("source");
    assert_eq!(source.manifest, d2);
    assert_eq!(source.signer.as_deref(), Some("other"));
    assert_eq!(source.signer_key.as_deref(), Some(other_id.as_str()));

    // Accepting unsigned plugins does not let a signed one lose its signature on update.
    let w = World::new(&registry);
    let (acme_key, acme_id) = w.keygen("acme");
    // No key owns a check prefix, so the policy admits the unsigned 1.1.0 as such.
    w.trust(
        "[trust]\nallow-unsigned = true\n\n[trust.keys.acme]\npublic-key = \"keys/acme.pub\"\n",
    );
    w.publish(&v1, "acme/solo:1.0.0", Some(&acme_key));
    w.add_ok(&w.reference("acme/solo:1.0.0"), &[]);
    let d2 = w.publish(&v2, "acme/solo:1.1.0", None);
    let before = w.installed();
    let out = w.plugins_cmd("update", &[], &[]);
    let stdout = update_ended(&out, 5);
    assert!(
        stdout.contains("acme-vendor 1.0.0: no newer release may be installed; it stays\n"),
        "{stdout}"
    );
    let refused = line_starting(&stdout, "  refused tag 1.1.0: ");
    assert!(
        refused.contains("it is unsigned, the installed version is signed by key `acme`"),
        "{refused}"
    );
    assert_eq!(
        w.installed(),
        before,
        "a refused update changed the installation"
    );
    let source = w.locked().source.expect("source");
    assert_eq!(source.signer.as_deref(), Some("acme"));
    assert_eq!(source.signer_key.as_deref(), Some(acme_id.as_str()));

    // Told, it moves to the unsigned release and says so.
    let out = w.plugins_cmd("update", &[], &["--allow-signer-change"]);
    let stdout = update_ended(&out, 0);
    assert!(
        stdout.contains("  signer: acme → unsigned (CHANGED)\n"),
        "{stdout}"
    );
    let source = w.locked().source.expect("source");
    assert_eq!(source.manifest, d2);
    assert_eq!(source.signer, None);
}

/// Pushes, with the library, the artifact `manifest` (JSON, rewritten by the caller) to
/// `HOST/<repo_tag>` with the vendor component and its config blob; returns the manifest's
/// digest.
fn push_manifest(w: &World, repo_tag: &str, manifest: &serde_json::Value) -> String {
    let component = read(&vendor_plugin());
    let layer_digest = digest_of_file(&vendor_plugin());
    let config = serde_json::to_vec(&posture_distribution::artifact::WasmConfig {
        architecture: "wasm".into(),
        os: "wasip2".into(),
        layer_digests: vec![layer_digest],
    })
    .expect("config JSON");
    assert_eq!(
        posture_distribution::artifact::digest_of(&config),
        manifest["config"]["digest"],
        "the config blob is published 1.0.0's"
    );
    let manifest = serde_json::to_vec(manifest).expect("manifest JSON");
    let artifact = posture_distribution::artifact::Artifact {
        manifest_digest: posture_distribution::artifact::digest_of(&manifest),
        manifest,
        config,
        component,
    };
    let reference = parse_reference(&w.reference(repo_tag)).expect("reference");
    posture_distribution::Registry::new()
        .expect("registry client")
        .push_artifact(&reference, &artifact)
        .expect("push the rewritten manifest")
}

#[test]
fn what_a_manifest_declares_is_bounded() {
    let registry = Registry::start();
    let (w, acme_key) = World::trusting_acme(&registry);
    w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    let manifest = registry.skopeo_inspect_raw("acme/vendor:1.0.0");
    let layer = digest_of_file(&vendor_plugin());
    assert_eq!(manifest["layers"][0]["digest"], *layer);
    let before = w.installed();

    // A config declared 1 TiB (its blob is the real one, 1.0.0's).
    let mut huge = manifest.clone();
    huge["config"]["size"] = serde_json::json!(1_u64 << 40);
    let d2 = push_manifest(&w, "acme/vendor:2.0.0", &huge);
    assert_eq!(
        registry.skopeo_inspect_raw(&format!("acme/vendor@{d2}"))["config"]["size"],
        1_u64 << 40,
        "the registry holds the manifest as pushed"
    );
    let reference = w.reference("acme/vendor:2.0.0");
    let started = std::time::Instant::now();
    let out = w.add(&reference, &["--allow-unsigned"]);
    let took = started.elapsed();
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(2 | 5)),
        "expected exit 2 or 5, not {:?}\nstdout:\n{}\nstderr:\n{stderr}",
        out.status,
        text(&out.stdout)
    );
    assert!(
        stderr.contains(&format!(
            "{reference}: the manifest declares a config of 1099511627776 bytes; at most 65536 are accepted"
        )),
        "{stderr}"
    );
    assert!(
        took < std::time::Duration::from_secs(60),
        "took {took:?}: {stderr}"
    );
    assert_eq!(w.installed(), before, "a refusal changed the installation");

    // A component layer declared 1000 bytes, served whole: no more than 1000 are read.
    let mut short = manifest.clone();
    short["layers"][0]["size"] = serde_json::json!(1000);
    push_manifest(&w, "acme/vendor:3.0.0", &short);
    let reference = w.reference("acme/vendor:3.0.0");
    let out = w.add(&reference, &["--allow-unsigned"]);
    assert_tampered(
        &w,
        &out,
        &reference,
        "component layer",
        &format!("{layer} (1000 bytes)"),
        "unknown (more than 1000 bytes served)",
        &before,
    );
    assert_eq!(before.lock, None);
    assert!(before.files.is_empty());
}

#[test]
fn a_local_plugin_file_is_never_overwritten() {
    let registry = Registry::start();
    let w = World::new(&registry);
    let (acme_key, _) = w.keygen("acme");
    // acme may publish anything, so that only collisions refuse.
    w.trust("[trust.keys.acme]\npublic-key = \"keys/acme.pub\"\n");
    let d1 = w.publish(&vendor_plugin(), "acme/vendor:1.0.0", Some(&acme_key));
    let vendor_ref = w.reference("acme/vendor:1.0.0");

    // A build of acme-vendor copied in by hand under the name `add` would write.
    let a = w.plugins();
    std::fs::create_dir_all(&a).expect("plugin dir");
    let local = a.join("acme-vendor.wasm");
    std::fs::copy(vendor_next_plugin(), &local).expect("copy the local build");
    let before = w.installed();
    let out = w.add(&vendor_ref, &[]);
    assert_refused(
        &w,
        &out,
        &vendor_ref,
        &d1,
        &[
            &format!(
                "plugin `acme-vendor` is already installed as {}",
                local.display()
            ),
            "remove it first",
        ],
        &before,
    );
    assert_eq!(read(&local), read(&vendor_next_plugin()), "the local file");
    assert_eq!(before.lock, None);
    std::fs::remove_file(&local).expect("remove the local build");

    // Two plugin directories: `b` holds the first-party IAM plugin, whose check the impostor
    // claims; adding the impostor into `a` is refused for it.
    let b = w.dir.path().join("b");
    std::fs::create_dir_all(&b).expect("second plugin dir");
    let iam = iam_plugin();
    let iam_file = b.join(iam.file_name().expect("file name"));
    std::fs::copy(&iam, &iam_file).expect("copy iam");
    let impostor_digest = w.publish(&impostor_check_plugin(), "acme/mfa:9.9.9", Some(&acme_key));
    let impostor_ref = w.reference("acme/mfa:9.9.9");
    let before = w.installed();
    let out = w.plugins_cmd_in(&[&a, &b], "add", &[&impostor_ref], &[]);
    assert_refused(
        &w,
        &out,
        &impostor_ref,
        &impostor_digest,
        &[
            "check `iam.admin-mfa` is already declared by plugin `posture-iam`",
            &iam_file.display().to_string(),
        ],
        &before,
    );
    assert_eq!(read(&iam_file), read(&iam));

    // The vendor added into `a`: the lock it creates pins the plugin in `b` too.
    let out = w.plugins_cmd_in(&[&a, &b], "add", &[&vendor_ref], &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!(
            "created {}: it also pins the 1 plugin(s) already installed (posture-iam)",
            w.lock().display()
        )),
        "{stdout}"
    );
    let lock = LockFile::load(&w.lock())
        .expect("lock file parses")
        .expect("lock file exists");
    assert_eq!(lock.plugins.len(), 2, "{lock:?}");
    let iam_entry = lock.by_name("posture-iam").expect("posture-iam pinned");
    assert_eq!(iam_entry.sha256, sha256_hex(&read(&iam)));
    assert_eq!(
        iam_entry.file,
        iam.file_name().expect("file name").to_string_lossy()
    );
    assert!(iam_entry.source.is_none(), "{iam_entry:?}");
    let vendor_entry = lock.by_name("acme-vendor").expect("acme-vendor pinned");
    assert_eq!(vendor_entry.source.as_ref().expect("source").manifest, d1);

    // A scan of both directories under that lock runs both plugins.
    let snapshot = example_snapshot();
    let stdout = w.posture_ok(&[
        "scan",
        "--plugins",
        a.to_str().expect("utf-8"),
        "--plugins",
        b.to_str().expect("utf-8"),
        "--lock",
        w.lock().to_str().expect("utf-8"),
        "--snapshot",
        snapshot.to_str().expect("utf-8"),
        "--fail-on",
        "none",
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let mut names: Vec<&str> = report["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["acme-vendor", "posture-iam"]);
}
