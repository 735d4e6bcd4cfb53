//! The plugin artifact: a component in the CNCF TAG Runtime Wasm OCI artifact layout (an OCI
//! image manifest whose config is `application/vnd.wasm.config.v0+json` and whose one layer is
//! the component, `application/wasm`), annotated with the plugin's own description.
//!
//! The annotations are written from the metadata the component reports when loaded, never
//! from flags, so a plugin cannot be published under another plugin's description; `plugins
//! add` compares them with what the component reports again.

use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciDescriptor, OciImageManifest};
use posture::model::PluginInfo;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Media type of the artifact's config blob.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";
/// Media type of the component layer.
pub const LAYER_MEDIA_TYPE: &str = "application/wasm";
/// Largest component `plugins add` downloads (64 MiB; first-party plugins are < 1 MiB).
pub const MAX_COMPONENT_BYTES: i64 = 64 << 20;

/// The annotations carrying the plugin's description.
pub mod annotation {
    /// The plugin's name.
    pub const TITLE: &str = "org.opencontainers.image.title";
    /// The plugin's version.
    pub const VERSION: &str = "org.opencontainers.image.version";
    /// The plugin's vendor.
    pub const VENDOR: &str = "org.opencontainers.image.vendor";
    /// The contract version the plugin was built for.
    pub const CONTRACT: &str = "dev.posture.plugin.contract";
    /// The plugin's check ids, sorted, comma-separated.
    pub const CHECKS: &str = "dev.posture.plugin.checks";
}

/// sha256 of `bytes`, lowercase hex (the lock file's form).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `sha256:<hex>` of `bytes` (the OCI form).
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
}

/// The config blob (CNCF Wasm OCI artifact layout, v0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WasmConfig {
    /// Always `wasm`.
    pub architecture: String,
    /// `wasip2` for components.
    pub os: String,
    /// The digests of the layers, in order.
    pub layer_digests: Vec<String>,
}

/// A plugin ready to push: its manifest, config and component, each with its digest.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// The manifest's bytes, as pushed (its digest is the artifact's identity).
    pub manifest: Vec<u8>,
    /// `sha256:…` of [`Artifact::manifest`].
    pub manifest_digest: String,
    /// The config blob.
    pub config: Vec<u8>,
    /// The component.
    pub component: Vec<u8>,
}

impl Artifact {
    /// The artifact of `component`, described by `info` (what the component reported).
    pub fn new(component: Vec<u8>, info: &PluginInfo) -> Artifact {
        let layer_digest = digest_of(&component);
        let config = serde_json::to_vec(&WasmConfig {
            architecture: "wasm".into(),
            os: "wasip2".into(),
            layer_digests: vec![layer_digest.clone()],
        })
        .unwrap_or_default();
        let manifest = OciImageManifest {
            schema_version: 2,
            media_type: Some(OCI_IMAGE_MEDIA_TYPE.into()),
            config: OciDescriptor {
                media_type: CONFIG_MEDIA_TYPE.into(),
                digest: digest_of(&config),
                size: config.len() as i64,
                ..Default::default()
            },
            layers: vec![OciDescriptor {
                media_type: LAYER_MEDIA_TYPE.into(),
                digest: layer_digest,
                size: component.len() as i64,
                ..Default::default()
            }],
            subject: None,
            artifact_type: None,
            annotations: Some(annotations(info).into_iter().collect()),
        };
        let manifest = serde_json::to_vec(&manifest).unwrap_or_default();
        Artifact {
            manifest_digest: digest_of(&manifest),
            manifest,
            config,
            component,
        }
    }

    /// The descriptor other manifests (signatures) use to refer to this one.
    pub fn descriptor(&self) -> OciDescriptor {
        OciDescriptor {
            media_type: OCI_IMAGE_MEDIA_TYPE.into(),
            digest: self.manifest_digest.clone(),
            size: self.manifest.len() as i64,
            ..Default::default()
        }
    }
}

/// The annotations describing a plugin.
pub fn annotations(info: &PluginInfo) -> BTreeMap<String, String> {
    let mut checks: Vec<&str> = info.checks.iter().map(|c| c.id.as_str()).collect();
    checks.sort_unstable();
    BTreeMap::from([
        (annotation::TITLE.into(), info.name.clone()),
        (annotation::VERSION.into(), info.version.clone()),
        (annotation::VENDOR.into(), info.vendor.clone()),
        (annotation::CONTRACT.into(), info.contract_version.clone()),
        (annotation::CHECKS.into(), checks.join(",")),
    ])
}

/// The first annotation of `manifest` that contradicts what the component reports, as
/// (annotation, annotated value, reported value). Annotations that are absent are not
/// compared (artifacts pushed by other tools carry none).
pub fn contradiction(
    manifest: &OciImageManifest,
    info: &PluginInfo,
) -> Option<(String, String, String)> {
    let found = manifest.annotations.as_ref()?;
    annotations(info)
        .into_iter()
        .find_map(|(key, reported)| match found.get(&key) {
            Some(annotated) if *annotated != reported => Some((key, annotated.clone(), reported)),
            _ => None,
        })
}

/// Why a manifest is not a plugin artifact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// Not JSON, or not an OCI image manifest.
    #[error("not an OCI image manifest ({0})")]
    NotAManifest(String),
    /// The config is of another media type.
    #[error(
        "not a Wasm artifact: the config's media type is `{0}`, expected `{CONFIG_MEDIA_TYPE}`"
    )]
    Config(String),
    /// Not exactly one layer, or a layer of another type.
    #[error("not a Wasm component artifact: expected one `{LAYER_MEDIA_TYPE}` layer, found {0}")]
    Layers(String),
    /// The component is larger than `plugins add` accepts.
    #[error("the component is {0} bytes, more than the {MAX_COMPONENT_BYTES} accepted")]
    TooLarge(i64),
}

/// Parses a pulled manifest and returns it with its component layer, checking the layout.
pub fn parse(bytes: &[u8]) -> Result<(OciImageManifest, OciDescriptor), LayoutError> {
    let manifest: OciImageManifest =
        serde_json::from_slice(bytes).map_err(|e| LayoutError::NotAManifest(e.to_string()))?;
    if manifest.schema_version != 2 {
        return Err(LayoutError::NotAManifest(format!(
            "schema version {}",
            manifest.schema_version
        )));
    }
    if manifest.config.media_type != CONFIG_MEDIA_TYPE {
        return Err(LayoutError::Config(manifest.config.media_type.clone()));
    }
    let layer = match manifest.layers.as_slice() {
        [one] if one.media_type == LAYER_MEDIA_TYPE => one.clone(),
        layers => {
            let types: Vec<&str> = layers.iter().map(|l| l.media_type.as_str()).collect();
            return Err(LayoutError::Layers(if types.is_empty() {
                "none".into()
            } else {
                types.join(", ")
            }));
        }
    };
    if layer.size > MAX_COMPONENT_BYTES {
        return Err(LayoutError::TooLarge(layer.size));
    }
    Ok((manifest, layer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture::model::CheckInfo;

    pub(crate) fn info() -> PluginInfo {
        let check = |id: &str| CheckInfo {
            id: id.into(),
            ..serde_json::from_value(serde_json::json!({
                "id": "", "title": "t", "description": "d", "default_severity": "high",
                "domain": "iam", "rationale": "r", "remediation": "m", "controls": [],
                "params": [], "reads": []
            }))
            .expect("check info")
        };
        PluginInfo {
            name: "acme-vendor".into(),
            version: "1.0.0".into(),
            vendor: "Acme Security".into(),
            contract_version: "0.2.0".into(),
            checks: vec![check("acme.b"), check("acme.a")],
        }
    }

    #[test]
    fn the_layout_is_the_cncf_one_and_parses_back() {
        let art = Artifact::new(b"\0asm component".to_vec(), &info());
        let json: serde_json::Value = serde_json::from_slice(&art.manifest).expect("json");
        assert_eq!(json["mediaType"], OCI_IMAGE_MEDIA_TYPE);
        assert_eq!(json["config"]["mediaType"], CONFIG_MEDIA_TYPE);
        assert_eq!(json["layers"][0]["mediaType"], LAYER_MEDIA_TYPE);
        assert_eq!(json["layers"][0]["digest"], digest_of(b"\0asm component"));
        assert_eq!(json["annotations"][annotation::CHECKS], "acme.a,acme.b");
        let config: serde_json::Value = serde_json::from_slice(&art.config).expect("config");
        assert_eq!(config["layerDigests"][0], json["layers"][0]["digest"]);
        assert_eq!(config["architecture"], "wasm");
        let (manifest, layer) = parse(&art.manifest).expect("parses");
        assert_eq!(layer.size, 14);
        assert_eq!(contradiction(&manifest, &info()), None);
        assert_eq!(
            Artifact::new(b"\0asm component".to_vec(), &info()).manifest_digest,
            art.manifest_digest,
            "reproducible"
        );
    }

    #[test]
    fn other_artifacts_and_false_descriptions_are_named() {
        let art = Artifact::new(b"x".to_vec(), &info());
        let mut json: serde_json::Value = serde_json::from_slice(&art.manifest).expect("json");
        json["annotations"][annotation::TITLE] = "posture-iam".into();
        let (manifest, _) = parse(&serde_json::to_vec(&json).expect("ser")).expect("layout");
        assert_eq!(
            contradiction(&manifest, &info()),
            Some((
                annotation::TITLE.to_owned(),
                "posture-iam".to_owned(),
                "acme-vendor".to_owned()
            ))
        );
        json["config"]["mediaType"] = "application/vnd.oci.image.config.v1+json".into();
        let e = parse(&serde_json::to_vec(&json).expect("ser")).expect_err("image");
        assert!(matches!(e, LayoutError::Config(_)), "{e}");
        assert!(matches!(parse(b"{}"), Err(LayoutError::NotAManifest(_))));
    }
}
