//! The entity types of the normalised snapshot schema v1, one per WIT record or enum of
//! `wit/types.wit`, in the same field order: [`Account`] and [`Tag`] here, the
//! rest by family ([`identity`], [`data`], [`operations`], [`tenant`]).
//!
//! Each type serves three purposes at once: it is deserialised from the snapshot JSON (serde;
//! keys are the snake_case field names, enum values kebab-case), it documents the JSON Schema
//! (schemars, from these doc comments), and it is lowered straight into plugins (wasmtime's
//! component derives, names matching the WIT) without an intermediate copy. The test
//! `host_snapshot_functions_match_the_wit_types` in [`crate::contract`] links a component
//! generated from `wit/` against these types, so any drift from the contract fails the tests.

pub mod data;
pub mod identity;
pub mod operations;
pub mod raw_json;
pub mod tenant;
pub mod time;

pub use data::*;
pub use identity::*;
pub use operations::*;
pub use tenant::*;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use wasmtime::component::{ComponentType, Lift, Lower};

/// An entity's `account`: may be omitted (validation then fills in the snapshot's only
/// account, which is why the field defaults to the empty string) but never given empty.
pub(crate) fn account_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    if id.is_empty() {
        return Err(serde::de::Error::custom(
            "`account` is empty; name an account of `accounts` or omit the field",
        ));
    }
    Ok(id)
}

/// Schema of an entity's `account`: a non-empty string that may be omitted (no default value).
pub(crate) fn account_schema(schema: &mut schemars::Schema) {
    schema.remove("default");
    schema.insert("minLength".into(), 1.into());
}

/// A key/value tag on a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

/// An account the snapshot covers (WIT `account`): an AWS account, a Microsoft 365 tenant, a
/// Google Workspace customer, a GitHub organisation, …
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower, Lift,
)]
#[component(record)]
pub struct Account {
    /// Id referenced by each entity's `account` field (AWS account id, tenant domain, …);
    /// unique within the snapshot.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Provider: `aws`, `m365`, `google-workspace`, `github`, `azure`, `gcp`, …
    pub provider: String,
    /// Human name, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
