//! Conversions between the WIT binding types and the host's model types.

use super::bindings::wit;
use crate::model::{
    CheckInfo, Control, Evidence, ParamSpec, ParamValue, PluginInfo, ResourceRef, Severity, Status,
};
use crate::snapshot::EntityKind;

pub(crate) fn severity(s: wit::Severity) -> Severity {
    match s {
        wit::Severity::Info => Severity::Info,
        wit::Severity::Low => Severity::Low,
        wit::Severity::Medium => Severity::Medium,
        wit::Severity::High => Severity::High,
        wit::Severity::Critical => Severity::Critical,
    }
}

pub(crate) fn status(s: wit::Status) -> Status {
    match s {
        wit::Status::Pass => Status::Pass,
        wit::Status::Fail => Status::Fail,
        wit::Status::NotEvaluable => Status::NotEvaluable,
        wit::Status::Error => Status::Error,
    }
}

fn entity_kind(k: wit::EntityKind) -> EntityKind {
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

pub(crate) fn param_value(v: wit::ParamValue) -> ParamValue {
    match v {
        wit::ParamValue::Integer(i) => ParamValue::Integer(i),
        wit::ParamValue::Number(n) => ParamValue::Number(n),
        wit::ParamValue::Text(t) => ParamValue::Text(t),
        wit::ParamValue::Flag(b) => ParamValue::Flag(b),
        wit::ParamValue::TextList(l) => ParamValue::TextList(l),
    }
}

pub(crate) fn to_wit_param_value(v: &ParamValue) -> wit::ParamValue {
    match v {
        ParamValue::Integer(i) => wit::ParamValue::Integer(*i),
        ParamValue::Number(n) => wit::ParamValue::Number(*n),
        ParamValue::Text(t) => wit::ParamValue::Text(t.clone()),
        ParamValue::Flag(b) => wit::ParamValue::Flag(*b),
        ParamValue::TextList(l) => wit::ParamValue::TextList(l.clone()),
    }
}

pub(crate) fn plugin_info(i: wit::PluginInfo) -> PluginInfo {
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
            })
            .collect(),
    }
}

pub(crate) fn resource(r: wit::ResourceRef) -> ResourceRef {
    ResourceRef {
        kind: r.kind,
        id: r.id,
        display_name: r.display_name,
        account: r.account,
        tags: Default::default(),
    }
}

pub(crate) fn evidence(e: wit::Evidence) -> Evidence {
    Evidence {
        key: e.key,
        value: e.value,
        path: e.path,
    }
}
