//! Every conversion between the WIT binding types and the host's model types: metadata
//! from `describe`, the evaluation context handed to `evaluate`, and the findings it returns.

use super::bindings::wit;
use super::entities::Account;
use crate::model::{
    CheckInfo, CheckRun, CheckScope, Control, EntityKind, Evidence, ParamSpec, ParamValue,
    PluginInfo, RawFinding, ResourceRef, Severity, Status,
};

/// The context of one evaluation: `now`, the snapshot's capture time and accounts, and the
/// checks to run with their parameters.
pub fn evaluation_context(
    captured_at: i64,
    accounts: &[Account],
    now: i64,
    checks: &[CheckRun],
) -> wit::EvaluationContext {
    wit::EvaluationContext {
        now,
        captured_at,
        accounts: accounts
            .iter()
            .map(|a| wit::Account {
                id: a.id.clone(),
                provider: a.provider.clone(),
                name: a.name.clone(),
            })
            .collect(),
        checks: checks
            .iter()
            .map(|c| wit::CheckRequest {
                check_id: c.id.clone(),
                params: c
                    .params
                    .iter()
                    .map(|(name, v)| wit::Param {
                        name: name.clone(),
                        value: to_wit_param_value(v),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A finding as returned by a plugin, in the host's model (not yet finished by the report).
pub fn finding(f: wit::Finding) -> RawFinding {
    RawFinding {
        check_id: f.check_id,
        status: status(f.status),
        resource: resource(f.resource),
        message: f.message,
        severity: f.severity.map(severity),
        evidence: f.evidence.into_iter().map(evidence).collect(),
    }
}

/// A severity.
pub fn severity(s: wit::Severity) -> Severity {
    match s {
        wit::Severity::Info => Severity::Info,
        wit::Severity::Low => Severity::Low,
        wit::Severity::Medium => Severity::Medium,
        wit::Severity::High => Severity::High,
        wit::Severity::Critical => Severity::Critical,
    }
}

/// A status.
pub fn status(s: wit::Status) -> Status {
    match s {
        wit::Status::Pass => Status::Pass,
        wit::Status::Fail => Status::Fail,
        wit::Status::NotEvaluable => Status::NotEvaluable,
        wit::Status::Error => Status::Error,
    }
}

/// An entity kind.
pub fn entity_kind(k: wit::EntityKind) -> EntityKind {
    match k {
        wit::EntityKind::Principals => EntityKind::Principals,
        wit::EntityKind::Groups => EntityKind::Groups,
        wit::EntityKind::Grants => EntityKind::Grants,
        wit::EntityKind::Storage => EntityKind::Storage,
        wit::EntityKind::DataStores => EntityKind::DataStores,
        wit::EntityKind::AuditLogs => EntityKind::AuditLogs,
        wit::EntityKind::BackupPlans => EntityKind::BackupPlans,
        wit::EntityKind::ProtectedResources => EntityKind::ProtectedResources,
        wit::EntityKind::Keys => EntityKind::Keys,
        wit::EntityKind::Shares => EntityKind::Shares,
        wit::EntityKind::TenantSettings => EntityKind::TenantSettings,
    }
}

/// A parameter value from the WIT.
pub fn param_value(v: wit::ParamValue) -> ParamValue {
    match v {
        wit::ParamValue::Integer(i) => ParamValue::Integer(i),
        wit::ParamValue::Number(n) => ParamValue::Number(n),
        wit::ParamValue::Text(t) => ParamValue::Text(t),
        wit::ParamValue::Flag(b) => ParamValue::Flag(b),
        wit::ParamValue::TextList(l) => ParamValue::TextList(l),
    }
}

/// A parameter value for the WIT.
pub fn to_wit_param_value(v: &ParamValue) -> wit::ParamValue {
    match v {
        ParamValue::Integer(i) => wit::ParamValue::Integer(*i),
        ParamValue::Number(n) => wit::ParamValue::Number(*n),
        ParamValue::Text(t) => wit::ParamValue::Text(t.clone()),
        ParamValue::Flag(b) => wit::ParamValue::Flag(*b),
        ParamValue::TextList(l) => wit::ParamValue::TextList(l.clone()),
    }
}

/// A plugin's self-description.
pub fn plugin_info(i: wit::PluginInfo) -> PluginInfo {
    PluginInfo {
        name: i.name,
        version: i.version,
        vendor: i.vendor,
        contract_version: i.contract_version,
        checks: i
            .checks
            .into_iter()
            .map(|c| CheckInfo {
                id: c.id,
                title: c.title,
                description: c.description,
                default_severity: severity(c.default_severity),
                domain: c.domain,
                rationale: c.rationale,
                remediation: c.remediation,
                controls: c
                    .controls
                    .into_iter()
                    .map(|k| Control {
                        framework: k.framework,
                        id: k.id,
                    })
                    .collect(),
                params: c
                    .params
                    .into_iter()
                    .map(|p| ParamSpec {
                        name: p.name,
                        description: p.description,
                        default: param_value(p.default),
                    })
                    .collect(),
                reads: c.reads.into_iter().map(entity_kind).collect(),
                providers: Vec::new(),
            })
            .collect(),
    }
}

/// The entries of a plugin's `scope` export.
pub fn check_scopes(scopes: Vec<super::bindings::scope_exports::CheckScope>) -> Vec<CheckScope> {
    scopes
        .into_iter()
        .map(|s| CheckScope {
            check: s.check,
            providers: s.providers,
        })
        .collect()
}

/// A finding's resource (tags are the host's to fill).
pub fn resource(r: wit::ResourceRef) -> ResourceRef {
    ResourceRef {
        kind: r.kind,
        id: r.id,
        display_name: r.display_name,
        account: r.account,
        tags: Default::default(),
    }
}

/// One evidence record.
pub fn evidence(e: wit::Evidence) -> Evidence {
    Evidence {
        key: e.key,
        value: e.value,
        path: e.path,
    }
}
