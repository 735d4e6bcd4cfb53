//! KMS: keys with their manager, state, rotation status and aliases.

use super::scope::Scoped;
use super::time::{AwsTime, secs};
use crate::import::common::ImportError;
use crate::import::files::safe_component;
use crate::snapshot::{Key, KeyManager};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListKeys {
    #[serde(default)]
    keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyEntry {
    key_id: String,
    #[serde(default)]
    key_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeKey {
    key_metadata: KeyMetadata,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyMetadata {
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    key_manager: Option<String>,
    #[serde(default)]
    key_state: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    creation_date: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RotationStatus {
    key_rotation_enabled: bool,
    #[serde(default)]
    rotation_period_in_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRotations {
    #[serde(default)]
    rotations: Vec<Rotation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Rotation {
    #[serde(default)]
    rotation_date: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListAliases {
    #[serde(default)]
    aliases: Vec<Alias>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Alias {
    alias_name: String,
    #[serde(default)]
    target_key_id: Option<String>,
}

/// Days AWS rotates a key by when rotation is on and no period is given.
const DEFAULT_ROTATION_DAYS: u32 = 365;

/// Reads the KMS files; `None` when `list-keys` was not collected.
pub fn collect(files: &mut Scoped<'_>, account: &str) -> Result<Option<Vec<Key>>, ImportError> {
    let Some(list) = files.answer::<ListKeys>("kms/list-keys.json")?.ok() else {
        return Ok(None);
    };
    let aliases = files
        .answer::<ListAliases>("kms/list-aliases.json")?
        .ok()
        .map(|a| a.aliases)
        .unwrap_or_default();
    let mut out = Vec::new();
    for entry in list.keys {
        if !safe_component(&entry.key_id) {
            return Err(ImportError::Invalid {
                path: files.display("kms/list-keys.json"),
                message: format!("key id `{}` cannot be a directory name", entry.key_id),
            });
        }
        let dir = format!("kms/keys/{}", entry.key_id);
        let meta = files
            .answer::<DescribeKey>(&format!("{dir}/describe-key.json"))?
            .ok()
            .map(|d| d.key_metadata);
        // Keys that cannot rotate (asymmetric, HMAC, imported) answer an error: unknown.
        let rotation = files
            .answer::<RotationStatus>(&format!("{dir}/get-key-rotation-status.json"))?
            .ok();
        let last_rotated = files
            .answer::<ListRotations>(&format!("{dir}/list-key-rotations.json"))?
            .ok()
            .and_then(|r| {
                r.rotations
                    .into_iter()
                    .filter_map(|r| secs(r.rotation_date))
                    .max()
            });
        let manager = meta.as_ref().and_then(|m| match m.key_manager.as_deref() {
            Some("CUSTOMER") => Some(KeyManager::Customer),
            Some("AWS") => Some(KeyManager::Provider),
            _ => None,
        });
        let name = aliases
            .iter()
            .find(|a| a.target_key_id.as_deref() == Some(entry.key_id.as_str()))
            .map(|a| a.alias_name.clone());
        let enabled = meta
            .as_ref()
            .and_then(|m| m.key_state.as_deref().map(|s| s == "Enabled").or(m.enabled));
        out.push(Key {
            id: meta
                .as_ref()
                .and_then(|m| m.arn.clone())
                .or(entry.key_arn)
                .unwrap_or_else(|| entry.key_id.clone()),
            account: account.to_string(),
            name,
            manager,
            enabled,
            rotation_enabled: rotation.as_ref().map(|r| r.key_rotation_enabled),
            rotation_period_days: rotation
                .as_ref()
                .filter(|r| r.key_rotation_enabled)
                .map(|r| r.rotation_period_in_days.unwrap_or(DEFAULT_ROTATION_DAYS)),
            last_rotated,
            created: meta.as_ref().and_then(|m| secs(m.creation_date)),
            attributes: None,
        });
    }
    Ok(Some(out))
}
