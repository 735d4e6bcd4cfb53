"""{{name}}: a posture check plugin in Python.

Build: `posture plugin build .`; test: `posture test target/plugins/{{name}}.wasm --cases cases`.
"""

from typing import List

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import snapshot
from wit_world.imports.types import (
    CheckMetadata,
    Control,
    EntityKind,
    EvaluationContext,
    Evidence,
    Finding,
    PluginError,
    PluginInfo,
    ResourceRef,
    Severity,
    Status,
)

CHECK_ID = "{{domain}}.admin-mfa"


def principals():
    """Every principal, page by page; None when the snapshot does not include principals."""
    if snapshot.count(EntityKind.PRINCIPALS) is None:
        return None
    out = []
    while True:
        page = snapshot.list_principals(len(out), 1000)
        if not page:
            return out
        out.extend(page)


class Plugin(exports.Plugin):
    def describe(self) -> PluginInfo:
        return PluginInfo(
            name="{{name}}",
            version="0.1.0",
            vendor="{{vendor}}",
            contract_version="{{contract}}",
            checks=[
                CheckMetadata(
                    id=CHECK_ID,
                    title="Administrators use MFA",
                    description="Fails for each interactive administrator without a second factor.",
                    default_severity=Severity.HIGH,
                    domain="{{domain}}",
                    rationale="A stolen password is enough to take over an administrator without MFA.",
                    remediation="Enrol the administrator in MFA, or remove the administrative role.",
                    controls=[Control("soc2", "CC6.1"), Control("iso27001", "A.8.5")],
                    params=[],
                    reads=[EntityKind.PRINCIPALS],
                )
            ],
        )

    def evaluate(self, context: EvaluationContext) -> List[Finding]:
        out: List[Finding] = []
        for request in context.checks:
            if request.check_id != CHECK_ID:
                raise Err(PluginError(f"no check `{request.check_id}`"))
            people = principals()
            if people is None:
                out.append(Finding(CHECK_ID, Status.NOT_EVALUABLE,
                                   ResourceRef("snapshot", "principals", None, None),
                                   "the snapshot does not include principals", None, []))
                continue
            for i, p in enumerate(people):
                if p.admin is not True or p.interactive is False:
                    continue
                if p.mfa_enabled is None:
                    status, message = Status.NOT_EVALUABLE, "MFA state unknown"
                elif p.mfa_enabled:
                    status, message = Status.PASS, f"{p.name} uses MFA"
                else:
                    status, message = Status.FAIL, f"{p.name} has no MFA"
                value = "unknown" if p.mfa_enabled is None else str(p.mfa_enabled).lower()
                out.append(Finding(
                    CHECK_ID, status, ResourceRef("principal", p.id, p.name, p.account), message,
                    None, [Evidence("mfa_enabled", value, f"/principals/{i}/mfa_enabled")],
                ))
        return out
