// An example posture check plugin in Go (wit-bindgen go + Go's wasip1 port).
//
// It implements `iam.stale-accounts` with the same logic, messages and evidence as the Rust
// plugin in plugins/iam, so the end-to-end test can require identical findings on the same
// snapshot. `posture plugin build` generates the contract's Go packages next to this file; the
// package name is the one wit-bindgen gives the exported interface. See README.md.
package export_posture_plugin_plugin

import (
	"fmt"
	"time"

	types "wit_component/posture_plugin_types"
	"wit_component/posture_plugin_snapshot"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
)

const (
	checkID = "iam.stale-accounts"
	page    = 1000
	day     = 86400
)

// Describe is the contract's `describe`: who the plugin is and what it checks.
func Describe() types.PluginInfo {
	return types.PluginInfo{
		Name:            "example-go-iam",
		Version:         "0.1.0",
		Vendor:          "posture examples",
		ContractVersion: "0.2.0",
		Checks: []types.CheckMetadata{{
			Id:    checkID,
			Title: "Unused accounts are disabled",
			Description: "For each enabled person's account that can sign in interactively " +
				"(break-glass and service identities excluded), fails when the last sign-in (or, " +
				"for an account that never signed in, its creation) is more than `max-days` days " +
				"before now. People the HR or directory data marks as departed are judged by " +
				"iam.departed-accounts, not here. Written in Go.",
			DefaultSeverity: types.Severity_Medium,
			Domain:          "iam",
			Rationale: "Dormant accounts are not watched by their owners: a takeover goes " +
				"unnoticed, and they often belong to people who changed role or left.",
			Remediation: "Confirm whether the account is still needed, then disable it and " +
				"remove its credentials; review access periodically.",
			Controls: []types.Control{
				{Framework: "soc2", Id: "CC6.2"},
				{Framework: "soc2", Id: "CC6.3"},
				{Framework: "iso27001", Id: "A.5.18"},
			},
			Params: []types.ParamSpec{{
				Name:        "max-days",
				Description: "days without sign-in after which an account is stale",
				Default:     types.MakeParamValueInteger(90),
			}},
			Reads: []types.EntityKind{types.EntityKind_Principals},
		}},
	}
}

// Evaluate is the contract's `evaluate`: a finding per account the check looks at.
func Evaluate(cx types.EvaluationContext) witTypes.Result[[]types.Finding, types.PluginError] {
	var out []types.Finding
	for _, request := range cx.Checks {
		if request.CheckId != checkID {
			return witTypes.Err[[]types.Finding](types.PluginError{Message: fmt.Sprintf("no check `%s`", request.CheckId)})
		}
		maxDays := int64(90)
		for _, p := range request.Params {
			if p.Name == "max-days" && p.Value.Tag() == types.ParamValue_Integer {
				maxDays = p.Value.Integer()
			}
		}
		principals, ok := allPrincipals()
		if !ok {
			out = append(out, types.Finding{
				CheckId:  checkID,
				Status:   types.Status_NotEvaluable,
				Resource: types.ResourceRef{Kind: "snapshot", Id: "principals"},
				Message:  "the snapshot does not include principals (not collected), so this check cannot be evaluated",
			})
			continue
		}
		for i, p := range principals {
			if f, ok := evaluatePrincipal(cx.Now, maxDays, i, p); ok {
				out = append(out, f)
			}
		}
	}
	return witTypes.Ok[[]types.Finding, types.PluginError](out)
}

// allPrincipals reads every principal, page by page; false when the snapshot has none at all.
func allPrincipals() ([]types.Principal, bool) {
	if posture_plugin_snapshot.Count(types.EntityKind_Principals).IsNone() {
		return nil, false
	}
	var out []types.Principal
	for {
		batch := posture_plugin_snapshot.ListPrincipals(uint32(len(out)), page)
		out = append(out, batch...)
		if len(batch) < page {
			return out, true
		}
	}
}

func evaluatePrincipal(now, maxDays int64, i int, p types.Principal) (types.Finding, bool) {
	status := p.Status.SomeOr(types.AccountStatus_Enabled)
	enabled := status != types.AccountStatus_Disabled && status != types.AccountStatus_Suspended
	interactive := p.Interactive.SomeOr(true) || p.Kind == types.PrincipalKind_Root
	// Departed people are iam.departed-accounts' finding (one problem, one finding).
	departed := p.Employment.IsSome() && p.Employment.Some() == types.EmploymentStatus_Departed
	if !enabled || !interactive || p.Kind == types.PrincipalKind_Service || p.Kind == types.PrincipalKind_BreakGlass || departed {
		return types.Finding{}, false
	}
	f := types.Finding{
		CheckId: checkID,
		Resource: types.ResourceRef{
			Kind:        "principal",
			Id:          p.Id,
			DisplayName: witTypes.Some(p.Name),
			Account:     witTypes.Some(p.Account),
		},
	}
	field, since := "last_sign_in", p.LastSignIn
	if since.IsNone() {
		field, since = "created", p.Created
	}
	if since.IsNone() {
		f.Status = types.Status_NotEvaluable
		f.Message = fmt.Sprintf("neither last sign-in nor creation date of %s is known", p.Name)
		f.Evidence = []types.Evidence{{Key: "last_sign_in", Value: "unknown", Path: path(i, "last_sign_in")}}
		return f, true
	}
	days := floorDiv(now-since.Some(), day)
	what := "last signed in"
	if field == "created" {
		what = "has never signed in since its creation"
	}
	if days > maxDays {
		f.Status = types.Status_Fail
		f.Message = fmt.Sprintf("%s %s %s %d days ago (limit %d)", who(p), p.Name, what, days, maxDays)
	} else {
		f.Status = types.Status_Pass
		f.Message = fmt.Sprintf("%s %s %d days ago", p.Name, what, days)
	}
	f.Evidence = []types.Evidence{
		{Key: field, Value: rfc3339(since.Some()), Path: path(i, field)},
		{Key: "days", Value: fmt.Sprint(days), Path: ""},
	}
	return f, true
}

// who is the principal's role as the messages name it.
func who(p types.Principal) string {
	switch {
	case p.Kind == types.PrincipalKind_Root:
		return "root account"
	case p.Kind == types.PrincipalKind_BreakGlass:
		return "break-glass account"
	case p.Kind == types.PrincipalKind_Service:
		return "service identity"
	case p.Admin.SomeOr(false):
		return "administrator"
	default:
		return "user"
	}
}

func path(i int, field string) string { return fmt.Sprintf("/principals/%d/%s", i, field) }

func rfc3339(t int64) string { return time.Unix(t, 0).UTC().Format("2006-01-02T15:04:05Z") }

// floorDiv rounds towards negative infinity, so a date in the future is -1 days ago, not 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
