//! `backup.coverage`: every in-scope resource is backed up: databases, volumes and file
//! systems always; storage containers when tagged as in scope (`scope-tag`, default
//! `criticality=high`).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "backup.coverage";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("In-scope resources are backed up")
        .description(
            "For each database, volume and file system, and each storage container carrying the \
             `scope-tag` tag (key=value): passes when a backup plan protects it or (data stores) \
             its own automated backups are on; fails otherwise. Where the protected resources \
             are unknown but the account has no backup plan at all, nothing is in a plan, so the \
             resource's own backups decide.",
        )
        .severity(Severity::High)
        .rationale(
            "Ransomware, deletion by mistake and provider incidents are survived only with \
             backups; a resource outside every backup plan is lost the day it fails.",
        )
        .remediation(
            "Add the resource to a backup plan (AWS Backup resource assignment by tag is the most \
             robust), or turn on the service's automated backups with adequate retention; tag \
             resources so that new ones are covered automatically.",
        )
        .soc2("A1.2")
        .iso27001("A.8.13")
        .param_text(
            "scope-tag",
            "criticality=high",
            "tag key=value that puts storage in scope",
        )
        .reads(&[
            EntityKind::DataStores,
            EntityKind::Storage,
            EntityKind::ProtectedResources,
            EntityKind::BackupPlans,
        ])
}

/// What is known of a resource's protection by a backup plan.
enum Protection<'a> {
    /// The protected resource that names it.
    Protected(usize, &'a ProtectedResource),
    /// In no plan: the protected resources do not name it, or the account has no plan.
    Unprotected,
    /// The protected resources are unknown and the account may have plans.
    Unknown,
}

fn protected_by<'a>(
    prs: Option<&'a [ProtectedResource]>,
    plans: Option<&[BackupPlan]>,
    id: &str,
    account: &str,
) -> Protection<'a> {
    match prs {
        Some(prs) => prs
            .iter()
            .enumerate()
            .find(|(_, p)| p.resource_id == id && p.account == account)
            .map_or(Protection::Unprotected, |(j, p)| {
                Protection::Protected(j, p)
            }),
        None if plans.is_some_and(|plans| !plans.iter().any(|p| p.account == account)) => {
            Protection::Unprotected
        }
        None => Protection::Unknown,
    }
}

/// The not-evaluable finding for a resource whose protection is unknown.
fn unknown(res: ResourceRef, name: &str) -> Finding {
    Finding::not_evaluable(
        ID,
        res,
        format!(
            "the snapshot does not include protected_resources, and {name}'s account may have \
             backup plans"
        ),
    )
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let (key, value) = cx
        .text("scope-tag")?
        .split_once('=')
        .ok_or_else(|| CheckError::Param("`scope-tag` must be key=value".into()))?;
    let prs = snap.protected_resources().ok();
    let plans = snap.backup_plans().ok();
    if prs.is_none() && plans.is_none() {
        snap.protected_resources()?;
    }
    let mut out = Vec::new();
    for (i, d) in snap.data_stores()?.iter().enumerate() {
        if !matches!(
            d.kind,
            DataStoreKind::Database | DataStoreKind::Volume | DataStoreKind::FileSystem
        ) {
            continue;
        }
        let res = resource::data_store(d);
        let native = d.backup_retention_days.is_some_and(|n| n > 0);
        let f = match (protected_by(prs, plans, &d.id, &d.account), native) {
            (Protection::Protected(j, p), _) => Finding::pass(
                ID,
                res,
                format!("{} is in backup plan {}", d.name, show(p.plan_id.as_ref())),
            )
            .evidence(
                "protected_resource",
                p.resource_id.clone(),
                format!("/protected_resources/{j}"),
            ),
            (Protection::Unprotected | Protection::Unknown, true) => {
                Finding::pass(ID, res, format!("{} has automated backups", d.name))
            }
            (Protection::Unknown, false) => unknown(res, &d.name),
            (Protection::Unprotected, false)
                if d.kind == DataStoreKind::Database && d.backup_retention_days.is_none() =>
            {
                Finding::not_evaluable(
                    ID,
                    res,
                    format!(
                        "{} is in no backup plan and its automated backups are unknown",
                        d.name
                    ),
                )
            }
            (Protection::Unprotected, false) => {
                Finding::fail(ID, res, format!("{} is not backed up", d.name))
            }
        };
        out.push(f.evidence(
            "backup_retention_days",
            show(d.backup_retention_days),
            path(EntityKind::DataStores, i, "backup_retention_days"),
        ));
    }
    for (i, s) in snap.storage()?.iter().enumerate() {
        if !s.tags.iter().any(|t| t.key == key && t.value == value) {
            continue;
        }
        let res = resource::storage(s);
        let f = match protected_by(prs, plans, &s.id, &s.account) {
            Protection::Protected(j, p) => Finding::pass(
                ID,
                res,
                format!("{} is in backup plan {}", s.name, show(p.plan_id.as_ref())),
            )
            .evidence(
                "protected_resource",
                p.resource_id.clone(),
                format!("/protected_resources/{j}"),
            ),
            Protection::Unprotected => Finding::fail(
                ID,
                res,
                format!("{} is tagged {key}={value} but not backed up", s.name),
            ),
            Protection::Unknown => unknown(res, &s.name),
        };
        out.push(f.evidence(
            "tags",
            format!("{key}={value}"),
            path(EntityKind::Storage, i, "tags"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn tagged(id: &str) -> Storage {
        let mut s = testing::storage(id, id);
        s.tags.push(Tag {
            key: "criticality".into(),
            value: "high".into(),
        });
        s
    }

    fn run(params: &[(&str, ParamValue)]) -> Vec<(String, Status)> {
        let mut native = testing::data_store("native", "native");
        native.backup_retention_days = Some(7);
        let mut off = testing::data_store("off", "off");
        off.backup_retention_days = Some(0);
        let mut cache = testing::data_store("cache", "cache");
        cache.kind = DataStoreKind::Cache;
        let unknown_db = testing::data_store("unknown-db", "unknown-db");
        let mut vol = testing::data_store("vol", "vol");
        vol.kind = DataStoreKind::Volume;
        let snap = SnapshotBuilder::new()
            .data_stores(vec![
                testing::data_store("planned", "planned"),
                native,
                off,
                cache,
                unknown_db,
                vol,
            ])
            .storage(vec![
                tagged("crit"),
                tagged("crit-planned"),
                testing::storage("misc", "misc"),
            ])
            .protected_resources(vec![
                testing::protected_resource("planned", "database"),
                testing::protected_resource("crit-planned", "storage"),
            ])
            .build();
        testing::outcomes(testing::run(&crate::plugin(), ID, &snap, params))
    }

    #[test]
    fn plans_or_native_backups_cover_untagged_storage_and_caches_skipped() {
        assert_eq!(
            run(&[]),
            vec![
                ("planned".into(), Status::Pass),
                ("native".into(), Status::Pass),
                ("off".into(), Status::Fail),
                ("unknown-db".into(), Status::NotEvaluable),
                ("vol".into(), Status::Fail),
                ("crit".into(), Status::Fail),
                ("crit-planned".into(), Status::Pass)
            ]
        );
    }

    #[test]
    fn scope_tag_parameter() {
        let got = run(&[("scope-tag", ParamValue::Text("team=none".into()))]);
        assert_eq!(got.len(), 5, "no storage in scope: {got:?}");
        let bad = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().build(),
            &[("scope-tag", ParamValue::Text("novalue".into()))],
        );
        assert_eq!(bad[0].status, Status::Error);
    }

    #[test]
    fn absent_protected_resources_are_not_evaluable() {
        let snap = SnapshotBuilder::new()
            .data_stores(vec![testing::data_store("d", "d")])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        assert_eq!(
            (f[0].resource.id.as_str(), f[0].status),
            ("protected_resources", Status::NotEvaluable)
        );
    }

    #[test]
    fn without_protected_resources_an_account_without_plans_has_nothing_in_a_plan() {
        let mut bare = testing::data_store("bare", "bare");
        bare.kind = DataStoreKind::Volume;
        let mut native = testing::data_store("native", "native");
        native.backup_retention_days = Some(7);
        let mut elsewhere = bare.clone();
        elsewhere.id = "elsewhere".into();
        elsewhere.account = "other".into();
        let mut plan = testing::backup_plan("p", "daily");
        plan.account = "other".into();
        let run = |plans: Vec<BackupPlan>| {
            let snap = SnapshotBuilder::new()
                .data_stores(vec![bare.clone(), native.clone(), elsewhere.clone()])
                .storage(Vec::new())
                .backup_plans(plans)
                .build();
            testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]))
        };
        assert_eq!(
            run(vec![plan.clone()]),
            vec![
                ("bare".into(), Status::Fail),
                ("native".into(), Status::Pass),
                ("elsewhere".into(), Status::NotEvaluable),
            ],
            "the test account has no plan; the other account's plan may protect its volume"
        );
        assert_eq!(run(Vec::new())[2], ("elsewhere".into(), Status::Fail));
    }
}
