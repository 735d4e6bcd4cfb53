//! A real OCI registry for the end-to-end tests of `posture plugins publish/add/update`: Debian's
//! `docker-registry` (the CNCF Distribution registry) serving plain HTTP on a free loopback port,
//! its storage in a throwaway directory the tests may tamper with, and `skopeo`, an OCI client
//! independent of posture, to check what posture pushed. `make registry-tools` installs both.
//!
//! Distribution 2.8 predates OCI 1.1: it stores manifests carrying `artifactType` and `subject`
//! byte for byte but has no referrers API (`GET /v2/<name>/referrers/<digest>` is a 404), and it
//! answers a manifest GET with 404 `MANIFEST_UNKNOWN` unless the `Accept` header names the OCI
//! manifest type. skopeo 1.9.3 inspects (`--raw`) and copies artifacts whose config is not an
//! image config (e.g. `application/vnd.wasm.config.v0+json`), but its non-raw `inspect` refuses
//! them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// What to tell whoever meets a missing tool.
const INSTALL_HINT: &str = "run `make registry-tools`";

/// A running `docker-registry` with filesystem storage in a fresh temporary directory, killed
/// when dropped.
pub struct Registry {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Registry {
    /// Starts a registry on a free loopback port (plain HTTP, no authentication, deletes
    /// enabled) and waits until `GET /v2/` answers 200. Panics, saying to run
    /// `make registry-tools`, when `docker-registry` is not on PATH, and with the registry's log
    /// when it exits or does not answer within 20 s.
    pub fn start() -> Registry {
        assert!(
            on_path("docker-registry"),
            "`docker-registry` is not on PATH: {INSTALL_HINT}"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\n\
                 log:\n  level: warn\n\
                 storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
                 http:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("data").display()
            ),
        )
        .expect("write registry config");
        let log = std::fs::File::create(dir.path().join("registry.log")).expect("registry log");
        let mut cmd = Command::new("docker-registry");
        cmd.arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("registry log"))
            .stderr(log);
        // REGISTRY_* variables override the configuration file.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("REGISTRY_") {
                cmd.env_remove(name);
            }
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting docker-registry failed: {e} ({INSTALL_HINT})"));
        let mut registry = Registry { child, port, dir };
        registry.wait_ready(Duration::from_secs(20));
        registry
    }

    fn wait_ready(&mut self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let last = match request(&self.host(), "GET", "/v2/", &[], &[]) {
                Ok(r) if r.status == 200 => return,
                Ok(r) => format!("{} {}", r.status, String::from_utf8_lossy(&r.body)),
                Err(e) => e.to_string(),
            };
            if let Some(status) = self.child.try_wait().expect("poll docker-registry") {
                panic!(
                    "docker-registry exited ({status}) before answering on {}; log:\n{}\n\
                     ({INSTALL_HINT} if it is missing or broken)",
                    self.host(),
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not answer GET /v2/ with 200 on {} within {} s (last: {last}); \
                 log:\n{}\n({INSTALL_HINT} if it is missing or broken)",
                self.host(),
                within.as_secs(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The registry's address as a reference's host part: `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The registry's log so far (its access log and warnings).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// Where the registry stores the blob `digest` (`sha256:<hex>`) on disk, so a test can
    /// tamper with it: the registry serves whatever bytes are there, unverified.
    pub fn blob_data_path(&self, digest: &str) -> PathBuf {
        let hex = digest
            .strip_prefix("sha256:")
            .unwrap_or_else(|| panic!("not a sha256 digest: {digest}"));
        assert!(
            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "not a sha256 digest: {digest}"
        );
        self.dir
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// The manifest of `reference_without_host` (`repo:tag` or `repo@digest`) exactly as the
    /// registry serves it, read by `skopeo inspect --raw`, parsed as JSON. Panics with skopeo's
    /// message when it fails.
    pub fn skopeo_inspect_raw(&self, reference_without_host: &str) -> serde_json::Value {
        let image = format!("docker://{}/{reference_without_host}", self.host());
        let out = skopeo(&["inspect", "--tls-verify=false", "--raw", &image]);
        assert!(
            out.status.success(),
            "skopeo inspect --raw {image} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "skopeo inspect --raw {image} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Copies `reference_without_host` (`repo:tag`, `repo@digest` or `repo`) into the OCI image
    /// layout `dir` under its tag (`latest` when it names none) with `skopeo copy`, which checks
    /// every blob's digest. Returns skopeo's output for the caller to judge.
    pub fn skopeo_copy_to_oci_layout(&self, reference_without_host: &str, dir: &Path) -> Output {
        let image = format!("docker://{}/{reference_without_host}", self.host());
        let dest = format!(
            "oci:{}:{}",
            dir.display(),
            tag_or_latest(reference_without_host)
        );
        // The local signature policy is beside the point here (and a developer's may reject all).
        skopeo(&[
            "--insecure-policy",
            "copy",
            "--src-tls-verify=false",
            &image,
            &dest,
        ])
    }

    /// The tags of the repository `repo`, by `skopeo list-tags`. Panics with skopeo's message
    /// when it fails (e.g. the repository does not exist).
    pub fn skopeo_list_tags(&self, repo: &str) -> Vec<String> {
        let image = format!("docker://{}/{repo}", self.host());
        let out = skopeo(&["list-tags", "--tls-verify=false", &image]);
        assert!(
            out.status.success(),
            "skopeo list-tags {image} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let listing: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("skopeo list-tags {image} printed no JSON: {e}"));
        listing["Tags"]
            .as_array()
            .unwrap_or_else(|| panic!("skopeo list-tags {image}: no Tags array in {listing}"))
            .iter()
            .map(|t| t.as_str().expect("a tag is a string").to_string())
            .collect()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `program` is an executable file in a PATH directory.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program)).is_ok_and(|m| {
                m.is_file()
                    && std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
            })
        })
    })
}

/// Runs skopeo with `args`; panics, saying how to install it, when it cannot be started.
fn skopeo(args: &[&str]) -> Output {
    Command::new("skopeo")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running skopeo failed: {e} ({INSTALL_HINT})"))
}

/// The tag of a reference without host (`repo:tag`), `latest` for `repo` or `repo@digest`.
fn tag_or_latest(reference: &str) -> &str {
    let name = reference.split('@').next().unwrap_or(reference);
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.split_once(':') {
        Some((_, tag)) if !tag.is_empty() => tag,
        _ => "latest",
    }
}

/// An HTTP response read by [`request`].
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (case-insensitive).
    #[cfg_attr(not(test), allow(dead_code))]
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request to `host` over a fresh connection (closed after the response).
fn request(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid("no end of headers"))?;
    let text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or_else(|| invalid("bad chunked body"))?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// The payload of a chunked HTTP body.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hex SHA-256 digest of `bytes`, by coreutils' `sha256sum` (no hashing crate here).
    fn sha256(bytes: &[u8]) -> String {
        let mut child = Command::new("sha256sum")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run sha256sum");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("feed sha256sum");
        let out = child.wait_with_output().expect("sha256sum");
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).expect("utf-8");
        format!("sha256:{}", &text[..64])
    }

    /// Pushes `bytes` as a blob of `repo` (monolithic upload) and returns its digest.
    fn push_blob(reg: &Registry, repo: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let started = request(
            &reg.host(),
            "POST",
            &format!("/v2/{repo}/blobs/uploads/"),
            &[],
            &[],
        )
        .expect("start upload");
        assert_eq!(
            started.status,
            202,
            "{}",
            String::from_utf8_lossy(&started.body)
        );
        let location = started.header("Location").expect("upload location");
        let location = location
            .strip_prefix(&format!("http://{}", reg.host()))
            .unwrap_or(location);
        let sep = if location.contains('?') { '&' } else { '?' };
        let done = request(
            &reg.host(),
            "PUT",
            &format!("{location}{sep}digest={digest}"),
            &[("Content-Type", "application/octet-stream")],
            bytes,
        )
        .expect("finish upload");
        assert_eq!(done.status, 201, "{}", String::from_utf8_lossy(&done.body));
        digest
    }

    /// Pushes a WebAssembly artifact (config `application/vnd.wasm.config.v0+json`, one
    /// `application/wasm` layer) as `repo:tag`, with `extra` fields appended to the manifest.
    /// Returns the PUT's response, the manifest's digest and the layer's digest.
    fn push_wasm(
        reg: &Registry,
        repo: &str,
        tag: &str,
        wasm: &[u8],
        extra: &str,
    ) -> (Response, String, String) {
        let config = push_blob(reg, repo, b"{}");
        let layer = push_blob(reg, repo, wasm);
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.wasm.config.v0+json","digest":"{config}","size":2}},"layers":[{{"mediaType":"application/wasm","digest":"{layer}","size":{}}}]{extra}}}"#,
            wasm.len()
        );
        let put = request(
            &reg.host(),
            "PUT",
            &format!("/v2/{repo}/manifests/{tag}"),
            &[("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
            manifest.as_bytes(),
        )
        .expect("put manifest");
        (put, sha256(manifest.as_bytes()), layer)
    }

    const WASM: &[u8] = b"\0asm\x01\0\0\0";

    #[test]
    fn answers_v2_and_stops_when_dropped() {
        let reg = Registry::start();
        let host = reg.host();
        assert!(host.starts_with("127.0.0.1:"), "{host}");
        let r = request(&host, "GET", "/v2/", &[], &[]).expect("GET /v2/");
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("Docker-Distribution-Api-Version"),
            Some("registry/2.0")
        );
        let missing = request(&host, "GET", "/v2/nothing/tags/list", &[], &[]).expect("GET tags");
        assert_eq!(missing.status, 404);
        drop(reg);
        assert!(
            request(&host, "GET", "/v2/", &[], &[]).is_err(),
            "the registry still answers after being dropped"
        );
    }

    #[test]
    fn list_tags_of_a_missing_repository_fails() {
        let reg = Registry::start();
        let out = Command::new("skopeo")
            .args(["list-tags", "--tls-verify=false"])
            .arg(format!("docker://{}/nothing/here", reg.host()))
            .output()
            .expect("run skopeo (make registry-tools)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "listed a missing repository: {stderr}"
        );
        assert!(stderr.contains("404"), "{stderr}");
    }

    #[test]
    #[should_panic(expected = "skopeo list-tags")]
    fn list_tags_helper_panics_on_a_missing_repository() {
        Registry::start().skopeo_list_tags("nothing/here");
    }

    #[test]
    fn wasm_artifact_is_inspected_copied_and_tamper_is_caught() {
        let reg = Registry::start();
        let (put, manifest_digest, layer) = push_wasm(&reg, "plugins/iam", "1.0.0", WASM, "");
        assert_eq!(put.status, 201, "{}", String::from_utf8_lossy(&put.body));
        assert_eq!(put.header("Docker-Content-Digest"), Some(&*manifest_digest));
        assert_eq!(reg.skopeo_list_tags("plugins/iam"), ["1.0.0"]);

        let manifest = reg.skopeo_inspect_raw("plugins/iam:1.0.0");
        assert_eq!(
            manifest["config"]["mediaType"],
            "application/vnd.wasm.config.v0+json"
        );
        assert_eq!(manifest["layers"][0]["digest"], *layer);
        assert_eq!(
            reg.skopeo_inspect_raw(&format!("plugins/iam@{manifest_digest}")),
            manifest
        );

        let out_dir = tempfile::tempdir().expect("temp dir");
        let layout = out_dir.path().join("layout");
        let out = reg.skopeo_copy_to_oci_layout("plugins/iam:1.0.0", &layout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(layout.join("index.json")).expect("index.json"))
                .expect("index.json is JSON");
        assert_eq!(index["manifests"][0]["digest"], *manifest_digest);
        assert_eq!(
            index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
            "1.0.0"
        );
        let hex = &layer["sha256:".len()..];
        assert_eq!(
            std::fs::read(layout.join("blobs/sha256").join(hex)).expect("layer in layout"),
            WASM
        );

        // The registry serves a tampered blob as is; skopeo's digest check refuses it.
        let stored = reg.blob_data_path(&layer);
        assert_eq!(std::fs::read(&stored).expect("stored blob"), WASM);
        std::fs::write(&stored, b"\0asm\x02\0\0\0").expect("tamper");
        let out =
            reg.skopeo_copy_to_oci_layout("plugins/iam:1.0.0", &out_dir.path().join("tampered"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "copied a tampered blob");
        assert!(stderr.contains("Digest did not match"), "{stderr}");
    }

    #[test]
    fn oci_1_1_fields_are_stored_but_there_is_no_referrers_api() {
        let reg = Registry::start();
        let (put, subject, _) = push_wasm(&reg, "plugins/iam", "1.0.0", WASM, "");
        assert_eq!(put.status, 201);
        let extra = format!(
            r#","artifactType":"application/vnd.example.sig.v1","subject":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{subject}","size":1}}"#
        );
        let (put, referrer, _) = push_wasm(&reg, "plugins/iam", "sig", b"sig", &extra);
        assert_eq!(put.status, 201, "{}", String::from_utf8_lossy(&put.body));
        assert_eq!(put.header("Docker-Content-Digest"), Some(&*referrer));
        let stored = reg.skopeo_inspect_raw(&format!("plugins/iam@{referrer}"));
        assert_eq!(stored["artifactType"], "application/vnd.example.sig.v1");
        assert_eq!(stored["subject"]["digest"], *subject);

        let referrers = request(
            &reg.host(),
            "GET",
            &format!("/v2/plugins/iam/referrers/{subject}"),
            &[],
            &[],
        )
        .expect("GET referrers");
        assert_eq!(referrers.status, 404);

        // A manifest GET must accept the OCI manifest type.
        let path = "/v2/plugins/iam/manifests/1.0.0";
        let plain = request(&reg.host(), "GET", path, &[], &[]).expect("GET manifest");
        assert_eq!(plain.status, 404);
        let oci = request(
            &reg.host(),
            "GET",
            path,
            &[("Accept", "application/vnd.oci.image.manifest.v1+json")],
            &[],
        )
        .expect("GET manifest");
        assert_eq!(oci.status, 200);
        assert_eq!(sha256(&oci.body), subject);
    }

    #[test]
    fn tags_of_references() {
        assert_eq!(tag_or_latest("plugins/iam:1.0.0"), "1.0.0");
        assert_eq!(tag_or_latest("plugins/iam"), "latest");
        assert_eq!(tag_or_latest("plugins/iam@sha256:00"), "latest");
        assert_eq!(tag_or_latest("plugins/iam:1.0@sha256:00"), "1.0");
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").as_deref(),
            Some(&b"abcde"[..])
        );
        assert_eq!(dechunk(b"5\r\nab"), None);
    }
}
