// {{name}}: a posture check plugin in Go.
//
// Build: `posture plugin build .` (it generates the contract's Go packages around this file);
// test: `posture test target/plugins/{{name}}.wasm --cases cases`. The package name is the one
// wit-bindgen gives the exported interface; Describe and Evaluate are the contract's exports.
package export_posture_plugin_plugin

import (
	"fmt"

	"wit_component/posture_plugin_snapshot"
	types "wit_component/posture_plugin_types"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
)

const checkID = "{{domain}}.admin-mfa"

// Describe says who the plugin is and what it checks.
func Describe() types.PluginInfo {
	return types.PluginInfo{
		Name:            "{{name}}",
		Version:         "0.1.0",
		Vendor:          "{{vendor}}",
		ContractVersion: "{{contract}}",
		Checks: []types.CheckMetadata{{
			Id:              checkID,
			Title:           "Administrators use MFA",
			Description:     "Fails for each interactive administrator without a second factor.",
			DefaultSeverity: types.Severity_High,
			Domain:          "{{domain}}",
			Rationale:       "A stolen password is enough to take over an administrator without MFA.",
			Remediation:     "Enrol the administrator in MFA, or remove the administrative role.",
			Controls: []types.Control{
				{Framework: "soc2", Id: "CC6.1"},
				{Framework: "iso27001", Id: "A.8.5"},
			},
			Reads: []types.EntityKind{types.EntityKind_Principals},
		}},
	}
}

// Evaluate runs the requested checks against the snapshot.
func Evaluate(cx types.EvaluationContext) witTypes.Result[[]types.Finding, types.PluginError] {
	var out []types.Finding
	for _, request := range cx.Checks {
		if request.CheckId != checkID {
			return witTypes.Err[[]types.Finding](types.PluginError{Message: "no check " + request.CheckId})
		}
		if posture_plugin_snapshot.Count(types.EntityKind_Principals).IsNone() {
			out = append(out, types.Finding{
				CheckId:  checkID,
				Status:   types.Status_NotEvaluable,
				Resource: types.ResourceRef{Kind: "snapshot", Id: "principals"},
				Message:  "the snapshot does not include principals",
			})
			continue
		}
		var principals []types.Principal
		for {
			page := posture_plugin_snapshot.ListPrincipals(uint32(len(principals)), 1000)
			principals = append(principals, page...)
			if len(page) < 1000 {
				break
			}
		}
		for i, p := range principals {
			if !p.Admin.SomeOr(false) || !p.Interactive.SomeOr(true) {
				continue
			}
			f := types.Finding{
				CheckId: checkID,
				Resource: types.ResourceRef{
					Kind: "principal", Id: p.Id,
					DisplayName: witTypes.Some(p.Name), Account: witTypes.Some(p.Account),
				},
			}
			value := "unknown"
			switch {
			case p.MfaEnabled.IsNone():
				f.Status, f.Message = types.Status_NotEvaluable, "MFA state unknown"
			case p.MfaEnabled.Some():
				f.Status, f.Message, value = types.Status_Pass, p.Name+" uses MFA", "true"
			default:
				f.Status, f.Message, value = types.Status_Fail, p.Name+" has no MFA", "false"
			}
			f.Evidence = []types.Evidence{{
				Key: "mfa_enabled", Value: value, Path: fmt.Sprintf("/principals/%d/mfa_enabled", i),
			}}
			out = append(out, f)
		}
	}
	return witTypes.Ok[[]types.Finding, types.PluginError](out)
}
