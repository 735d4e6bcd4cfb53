# The Rego twin of five posture checks, for the benchmark's arm (c): same inputs (the snapshot
# JSON as posture reads it), same decisions (pass / fail / not-evaluable per resource), so the
# bench can require identical status counts before comparing speed.
#
#   iam.admin-mfa, iam.user-mfa, iam.stale-accounts, sharing.link-shares, sharing.public-storage
#
# `data.now` is the evaluation's "now" in Unix seconds.
package posture

import rego.v1

day_ns := 86400000000000

# ---- predicates shared by the IAM checks (plugins/iam/src/common.rs) -------------------------

is_admin(p) if p.admin == true

is_admin(p) if p.kind in {"root", "break-glass"}

enabled(p) if not p.status in {"disabled", "suspended"}

interactive(p) if not p.interactive == false

interactive(p) if p.kind == "root"

root_like(p) if p.kind in {"root", "break-glass"}

mfa_status(p) := "pass" if p.mfa_enabled == true

mfa_status(p) := "fail" if p.mfa_enabled == false

mfa_status(p) := "not-evaluable" if not has_mfa_state(p)

has_mfa_state(p) if is_boolean(p.mfa_enabled)

absent(kind) := {"check": "", "id": kind, "status": "not-evaluable"} if not input[kind]

# ---- iam.admin-mfa (root and break-glass accounts are iam.root-mfa's) ------------------------

findings contains f if {
	some p in input.principals
	is_admin(p)
	not root_like(p)
	enabled(p)
	interactive(p)
	status := mfa_status(p)
	f := {"check": "iam.admin-mfa", "id": p.id, "status": status, "message": sprintf("administrator %s: MFA %s", [p.name, status])}
}

findings contains object.union(absent("principals"), {"check": "iam.admin-mfa"}) if not input.principals

# ---- iam.user-mfa ----------------------------------------------------------------------------

findings contains f if {
	some p in input.principals
	p.kind == "user"
	not is_admin(p)
	enabled(p)
	interactive(p)
	status := mfa_status(p)
	f := {"check": "iam.user-mfa", "id": p.id, "status": status, "message": sprintf("%s: MFA %s", [p.name, status])}
}

findings contains object.union(absent("principals"), {"check": "iam.user-mfa"}) if not input.principals

# ---- iam.stale-accounts (max-days 90; departed people are iam.departed-accounts') ------------

last_activity(p) := p.last_sign_in

last_activity(p) := p.created if not p.last_sign_in

stale_candidate(p) if {
	enabled(p)
	interactive(p)
	not p.kind in {"service", "break-glass"}
	not p.employment == "departed"
}

findings contains f if {
	some p in input.principals
	stale_candidate(p)
	since := last_activity(p)
	days := floor((data.now * 1000000000 - time.parse_rfc3339_ns(since)) / day_ns)
	status := stale_status(days)
	f := {"check": "iam.stale-accounts", "id": p.id, "status": status, "message": sprintf("%s: last activity %d days ago", [p.name, days])}
}

findings contains f if {
	some p in input.principals
	stale_candidate(p)
	not p.last_sign_in
	not p.created
	f := {"check": "iam.stale-accounts", "id": p.id, "status": "not-evaluable", "message": sprintf("neither last sign-in nor creation date of %s is known", [p.name])}
}

stale_status(days) := "fail" if days > 90

stale_status(days) := "pass" if days <= 90

findings contains object.union(absent("principals"), {"check": "iam.stale-accounts"}) if not input.principals

# ---- sharing.link-shares (allowed-domains: none) ---------------------------------------------

share_status(s) := "fail" if s.audience in {"public", "anyone-with-link"}

share_status(s) := "pass" if s.audience == "internal"

share_status(s) := "not-evaluable" if {
	s.audience in {"external-domain", "external-user"}
	count(object.get(s, "domains", [])) == 0
}

share_status(s) := "fail" if {
	s.audience in {"external-domain", "external-user"}
	count(object.get(s, "domains", [])) > 0
}

findings contains f if {
	some s in input.shares
	status := share_status(s)
	f := {"check": "sharing.link-shares", "id": s.id, "status": status, "message": sprintf("%s %s: %s", [s.item_kind, s.item_name, s.audience])}
}

findings contains object.union(absent("shares"), {"check": "sharing.link-shares"}) if not input.shares

# ---- sharing.public-storage ------------------------------------------------------------------

storage_status(s) := "fail" if s.public_read == true

storage_status(s) := "fail" if {
	not s.public_read == true
	s.public_write == true
}

storage_status(s) := "pass" if {
	s.public_read == false
	s.public_write == false
}

storage_status(s) := "not-evaluable" if {
	not s.public_read == true
	not s.public_write == true
	not both_false(s)
}

both_false(s) if {
	s.public_read == false
	s.public_write == false
}

findings contains f if {
	some s in input.storage
	status := storage_status(s)
	f := {"check": "sharing.public-storage", "id": s.id, "status": status, "message": sprintf("%s: %s", [s.name, status])}
}

findings contains object.union(absent("storage"), {"check": "sharing.public-storage"}) if not input.storage
