//! AWS Backup: plans (retention, schedule, vault, copies), vault lock, protected resources.

use super::scope::Scoped;
use super::time::{AwsTime, secs};
use crate::import::common::ImportError;
use crate::import::files::safe_component;
use crate::snapshot::{BackupPlan, ProtectedResource};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the Backup files give the snapshot.
pub struct Backup {
    /// Backup plans; `None` when `list-backup-plans` was not collected.
    pub plans: Option<Vec<BackupPlan>>,
    /// Protected resources; `None` when `list-protected-resources` was not collected.
    pub protected: Option<Vec<ProtectedResource>>,
}

/// Retention recorded for a rule that never deletes its recovery points: 100 years.
pub const KEPT_FOREVER_DAYS: u32 = 36_500;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListPlans {
    #[serde(default)]
    backup_plans_list: Vec<PlanEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlanEntry {
    backup_plan_id: String,
    #[serde(default)]
    backup_plan_name: Option<String>,
    #[serde(default)]
    backup_plan_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetPlan {
    backup_plan: PlanBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlanBody {
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Rule {
    #[serde(default)]
    target_backup_vault_name: Option<String>,
    #[serde(default)]
    schedule_expression: Option<String>,
    #[serde(default)]
    lifecycle: Option<Lifecycle>,
    #[serde(default)]
    copy_actions: Vec<CopyAction>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Lifecycle {
    #[serde(default)]
    delete_after_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CopyAction {
    destination_backup_vault_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListVaults {
    #[serde(default)]
    backup_vault_list: Vec<Vault>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vault {
    backup_vault_name: String,
    #[serde(default)]
    locked: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListProtected {
    #[serde(default)]
    results: Vec<Protected>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Protected {
    resource_arn: String,
    #[serde(default)]
    resource_type: Option<String>,
    #[serde(default)]
    last_backup_time: Option<AwsTime>,
}

/// Hours between runs of a Backup schedule (`cron(…)` or `rate(…)`), when it is regular.
pub fn schedule_hours(expr: &str) -> Option<u32> {
    let expr = expr.trim();
    if let Some(rate) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let mut parts = rate.split_whitespace();
        let n: u32 = parts.next()?.parse().ok()?;
        return match parts.next()?.trim_end_matches('s') {
            "minute" => Some(n.div_ceil(60).max(1)),
            "hour" => Some(n),
            "day" => n.checked_mul(24),
            _ => None,
        };
    }
    let cron = expr.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = cron.split_whitespace().collect();
    let [_minute, hour, dom, _month, dow, ..] = fields.as_slice() else {
        return None;
    };
    let any = |f: &str| f == "*" || f == "?";
    if *hour == "*" {
        return Some(1);
    }
    if let Some((_, step)) = hour.split_once('/') {
        return step.parse().ok();
    }
    let per_day = hour.split(',').count() as u32;
    match (any(dom), any(dow)) {
        (true, true) => Some(24 / per_day.max(1)),
        (true, false) => Some(168 / dow.split(',').count().max(1) as u32),
        (false, true) => Some(24 * 31),
        (false, false) => None,
    }
}

/// `arn:aws:backup:REGION:ACCOUNT:…` → (region, account).
fn arn_region_account(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.split(':');
    let region = parts.nth(3)?;
    let account = parts.next()?;
    Some((region, account))
}

fn resource_kind(aws_type: Option<&str>) -> String {
    match aws_type {
        Some("RDS" | "Aurora" | "DynamoDB" | "DocumentDB" | "Neptune") => "database",
        Some("EBS") => "volume",
        Some("EFS" | "FSx") => "file-system",
        Some("S3") => "storage",
        Some("EC2") => "instance",
        Some(other) => return other.to_ascii_lowercase(),
        None => "resource",
    }
    .to_string()
}

/// Reads one region's Backup files (`region`: the region they were collected in, when known).
pub fn collect(
    files: &mut Scoped<'_>,
    account: &str,
    region: Option<&str>,
) -> Result<Backup, ImportError> {
    let vaults: Option<BTreeMap<String, Option<bool>>> = files
        .answer::<ListVaults>("backup/list-backup-vaults.json")?
        .ok()
        .map(|v| {
            v.backup_vault_list
                .into_iter()
                .map(|v| (v.backup_vault_name, v.locked))
                .collect()
        });
    let plans = match files
        .answer::<ListPlans>("backup/list-backup-plans.json")?
        .ok()
    {
        None => None,
        Some(list) => {
            let mut out = Vec::new();
            for entry in list.backup_plans_list {
                if !safe_component(&entry.backup_plan_id) {
                    return Err(ImportError::Invalid {
                        path: files.display("backup/list-backup-plans.json"),
                        message: format!(
                            "plan id `{}` cannot be a directory name",
                            entry.backup_plan_id
                        ),
                    });
                }
                let rel = format!("backup/plans/{}/get-backup-plan.json", entry.backup_plan_id);
                let rules = files
                    .answer::<GetPlan>(&rel)?
                    .ok()
                    .map(|p| p.backup_plan.rules);
                out.push(plan(entry, rules, vaults.as_ref(), account, region));
            }
            Some(out)
        }
    };
    let listed = files
        .answer::<ListProtected>("backup/list-protected-resources.json")?
        .ok()
        .map(|l| {
            l.results
                .into_iter()
                .map(|r| ProtectedResource {
                    resource_id: r.resource_arn,
                    account: account.to_string(),
                    resource_kind: resource_kind(r.resource_type.as_deref()),
                    plan_id: None,
                    last_backup: secs(r.last_backup_time),
                    attributes: None,
                })
                .collect()
        });
    // The protected resources are what `list-protected-resources` answered, and nothing else:
    // an account without plans may still hold on-demand recovery points. That no resource is
    // in a plan when the account has none is for the checks to derive from the (empty) plans.
    Ok(Backup {
        plans,
        protected: listed,
    })
}

fn plan(
    entry: PlanEntry,
    rules: Option<Vec<Rule>>,
    vaults: Option<&BTreeMap<String, Option<bool>>>,
    account: &str,
    region: Option<&str>,
) -> BackupPlan {
    let home_region = entry
        .backup_plan_arn
        .as_deref()
        .and_then(arn_region_account)
        .map(|(r, _)| r.to_string())
        .filter(|r| !r.is_empty())
        .or(region.map(str::to_string));
    let rules = rules.as_deref();
    let retention_days = rules.filter(|r| !r.is_empty()).map(|rules| {
        rules
            .iter()
            .map(|r| {
                r.lifecycle
                    .as_ref()
                    .and_then(|l| l.delete_after_days)
                    .and_then(|d| u32::try_from(d).ok())
                    .unwrap_or(KEPT_FOREVER_DAYS)
            })
            .min()
            .unwrap_or(KEPT_FOREVER_DAYS)
    });
    let frequency_hours = rules.and_then(|rules| {
        rules
            .iter()
            .filter_map(|r| r.schedule_expression.as_deref().and_then(schedule_hours))
            .min()
    });
    let vault = rules.and_then(|r| r.iter().find_map(|r| r.target_backup_vault_name.clone()));
    let vault_locked = match (&vault, vaults) {
        // `Locked` missing from the vault's listing: unknown.
        (Some(v), Some(known)) => known.get(v).copied().flatten(),
        _ => None,
    };
    let copies: Vec<(String, String)> = rules
        .iter()
        .flat_map(|r| r.iter())
        .flat_map(|r| r.copy_actions.iter())
        .filter_map(|c| arn_region_account(&c.destination_backup_vault_arn))
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .collect();
    // Unknown when copies exist but the plan's own region is not.
    let cross_region_copy = rules.and_then(|_| match home_region.as_deref() {
        Some(home) => Some(copies.iter().any(|(r, _)| r != home)),
        None => copies.is_empty().then_some(false),
    });
    let cross_account_copy = rules.map(|_| copies.iter().any(|(_, a)| a != account));
    BackupPlan {
        id: entry.backup_plan_id.clone(),
        account: account.to_string(),
        name: entry
            .backup_plan_name
            .unwrap_or_else(|| entry.backup_plan_id.clone()),
        retention_days,
        frequency_hours,
        vault,
        vault_locked,
        cross_region_copy,
        cross_account_copy,
        attributes: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(schedule_hours("cron(0 5 ? * * *)"), Some(24));
        assert_eq!(schedule_hours("cron(0 0/12 ? * * *)"), Some(12));
        assert_eq!(schedule_hours("cron(0 5,17 ? * * *)"), Some(12));
        assert_eq!(schedule_hours("cron(0 5 ? * SUN *)"), Some(168));
        assert_eq!(schedule_hours("cron(0 5 1 * ? *)"), Some(744));
        assert_eq!(schedule_hours("rate(12 hours)"), Some(12));
        assert_eq!(schedule_hours("rate(1 day)"), Some(24));
        assert_eq!(schedule_hours("at(2026-01-01)"), None);
    }
}
