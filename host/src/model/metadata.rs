//! Plugin and check metadata as the host keeps it: what a plugin says about itself in
//! `describe`, converted from the WIT types once at load.

use super::Severity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A compliance control.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Control {
    /// Framework, e.g. `soc2`, `iso27001`.
    pub framework: String,
    /// Control id, e.g. `CC6.1`.
    pub id: String,
}

/// A parameter value (also its type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// Whole number.
    Integer(i64),
    /// Real number.
    Number(f64),
    /// Text.
    Text(String),
    /// Boolean.
    Flag(bool),
    /// List of texts.
    TextList(Vec<String>),
}

impl ParamValue {
    /// Name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ParamValue::Integer(_) => "integer",
            ParamValue::Number(_) => "number",
            ParamValue::Text(_) => "text",
            ParamValue::Flag(_) => "boolean",
            ParamValue::TextList(_) => "list of texts",
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Integer(v) => write!(f, "{v}"),
            ParamValue::Number(v) => write!(f, "{v}"),
            ParamValue::Text(v) => write!(f, "{v:?}"),
            ParamValue::Flag(v) => write!(f, "{v}"),
            ParamValue::TextList(v) => write!(f, "{v:?}"),
        }
    }
}

/// A check parameter and its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    /// Name used in configuration.
    pub name: String,
    /// Meaning and unit.
    pub description: String,
    /// Default value; fixes the type.
    pub default: ParamValue,
}

/// Metadata of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInfo {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it inspects.
    pub description: String,
    /// Default severity of failures.
    pub default_severity: Severity,
    /// Domain (iam, logging, …).
    pub domain: String,
    /// Why it matters.
    pub rationale: String,
    /// How to fix.
    pub remediation: String,
    /// Controls evidenced.
    pub controls: Vec<Control>,
    /// Parameters.
    pub params: Vec<ParamSpec>,
    /// Entity kinds read.
    pub reads: Vec<EntityKind>,
    /// Providers the check applies to (`aws`, `m365`, …), sorted, as the plugin's optional
    /// `scope` export states them; empty: every provider. A scan whose snapshot covers no
    /// account of these providers lists the check as not applicable instead of running it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
}

impl CheckInfo {
    /// Whether the check applies to a snapshot whose accounts have `providers`: it declares
    /// no provider (it applies everywhere), or one of its providers is among them.
    pub fn applies_to<'a>(&self, mut providers: impl Iterator<Item = &'a str>) -> bool {
        self.providers.is_empty() || providers.any(|p| self.providers.iter().any(|q| q == p))
    }
}

/// One entry of a plugin's `scope` export: the providers one check applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckScope {
    /// The check's id.
    pub check: String,
    /// Its providers, as the plugin listed them.
    pub providers: Vec<String>,
}

/// A plugin's self-description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// Unique name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Vendor.
    pub vendor: String,
    /// Contract version it was built for.
    pub contract_version: String,
    /// Its checks.
    pub checks: Vec<CheckInfo>,
}

/// A check to run in one evaluation, with its effective parameters.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// Check id.
    pub id: String,
    /// Every declared parameter with its effective value.
    pub params: Vec<(String, ParamValue)>,
}

/// The kinds of entity a snapshot holds (WIT `entity-kind`; converted at the contract
/// boundary, so this type carries no wasmtime derive).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    /// Users and service identities.
    Principals,
    /// Groups and roles.
    Groups,
    /// Permissions granted to principals or groups.
    Grants,
    /// Buckets, drives, sites, repositories.
    Storage,
    /// Databases, volumes, file systems.
    DataStores,
    /// Audit-log configurations.
    AuditLogs,
    /// Backup plans.
    BackupPlans,
    /// Resources covered by backups.
    ProtectedResources,
    /// Encryption keys.
    Keys,
    /// Sharing grants on items.
    Shares,
    /// Tenant-wide settings per service.
    TenantSettings,
}

impl EntityKind {
    /// Every kind, in contract order.
    pub const ALL: [EntityKind; 11] = [
        EntityKind::Principals,
        EntityKind::Groups,
        EntityKind::Grants,
        EntityKind::Storage,
        EntityKind::DataStores,
        EntityKind::AuditLogs,
        EntityKind::BackupPlans,
        EntityKind::ProtectedResources,
        EntityKind::Keys,
        EntityKind::Shares,
        EntityKind::TenantSettings,
    ];

    /// The WIT name, e.g. `data-stores`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Principals => "principals",
            EntityKind::Groups => "groups",
            EntityKind::Grants => "grants",
            EntityKind::Storage => "storage",
            EntityKind::DataStores => "data-stores",
            EntityKind::AuditLogs => "audit-logs",
            EntityKind::BackupPlans => "backup-plans",
            EntityKind::ProtectedResources => "protected-resources",
            EntityKind::Keys => "keys",
            EntityKind::Shares => "shares",
            EntityKind::TenantSettings => "tenant-settings",
        }
    }

    /// The key of this kind's list in the snapshot JSON, e.g. `data_stores`.
    pub fn json_key(self) -> &'static str {
        match self {
            EntityKind::DataStores => "data_stores",
            EntityKind::AuditLogs => "audit_logs",
            EntityKind::BackupPlans => "backup_plans",
            EntityKind::ProtectedResources => "protected_resources",
            EntityKind::TenantSettings => "tenant_settings",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.json_key() == s)
            .ok_or_else(|| format!("unknown entity kind `{s}`"))
    }
}
