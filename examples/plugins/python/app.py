"""An example posture check plugin in Python (componentize-py).

It implements `sharing.link-shares` with the same logic, messages and evidence as the Rust
plugin in plugins/sharing, so the end-to-end test can require identical findings on the same
snapshot. Build: see README.md in this folder.
"""

from typing import List

from wit_world import exports
from componentize_py_types import Err
from wit_world.imports import snapshot
from wit_world.imports.types import (
    CheckMetadata,
    Control,
    EntityKind,
    EvaluationContext,
    Evidence,
    Finding,
    ParamSpec,
    ParamValue_TextList,
    PluginError,
    PluginInfo,
    ResourceRef,
    Severity,
    Share,
    ShareAudience,
    Status,
)

CHECK_ID = "sharing.link-shares"
PAGE = 1000


def wit_name(value) -> str:
    """The WIT spelling of an enum case: ANYONE_WITH_LINK -> anyone-with-link."""
    return value.name.lower().replace("_", "-")


def all_shares():
    """Every share, page by page; None when the snapshot does not include shares."""
    if snapshot.count(EntityKind.SHARES) is None:
        return None
    out: List[Share] = []
    while True:
        page = snapshot.list_shares(len(out), PAGE)
        if not page:
            return out
        out.extend(page)


def finding(status: Status, share: Share, message: str, index: int) -> Finding:
    return Finding(
        check_id=CHECK_ID,
        status=status,
        resource=ResourceRef(
            kind="share", id=share.id, display_name=share.item_name, account=share.account
        ),
        message=message,
        severity=None,
        evidence=[
            Evidence("audience", wit_name(share.audience), f"/shares/{index}/audience"),
            Evidence("domains", ",".join(share.domains), f"/shares/{index}/domains"),
        ],
    )


def evaluate_share(share: Share, index: int, allowed: List[str]) -> Finding:
    item = f"{share.item_kind} {share.item_name}"
    audience = share.audience
    if audience == ShareAudience.PUBLIC:
        return finding(Status.FAIL, share, f"{item} is public on the internet", index)
    if audience == ShareAudience.ANYONE_WITH_LINK:
        return finding(Status.FAIL, share, f"{item} is shared with anyone who has the link", index)
    if audience == ShareAudience.INTERNAL:
        return finding(Status.PASS, share, f"{item} is shared internally only", index)
    if not share.domains:
        return finding(
            Status.NOT_EVALUABLE,
            share,
            f"{item} is shared externally, but the domains reached are unknown",
            index,
        )
    outside = [d for d in share.domains if d.lower() not in allowed]
    if not outside:
        return finding(Status.PASS, share, f"{item} is shared only with allowed domains", index)
    return finding(
        Status.FAIL,
        share,
        f"{item} is shared with domains outside the allow-list: {', '.join(outside)}",
        index,
    )


class Plugin(exports.Plugin):
    def describe(self) -> PluginInfo:
        return PluginInfo(
            name="example-python-sharing",
            version="0.1.0",
            vendor="posture examples",
            contract_version="0.2.0",
            checks=[
                CheckMetadata(
                    id=CHECK_ID,
                    title="Items are not shared publicly or outside allowed domains",
                    description="For each share: fails when the audience is public or "
                    "anyone-with-the-link, or when an external share reaches a domain that is "
                    "not in `allowed-domains`. Written in Python.",
                    default_severity=Severity.MEDIUM,
                    domain="sharing",
                    rationale="Links that need no sign-in move confidential data outside the "
                    "organisation's control.",
                    remediation="Remove the link or the external grantee, or share with named, "
                    "signed-in people instead.",
                    controls=[Control("soc2", "C1.1"), Control("iso27001", "A.5.14")],
                    params=[
                        ParamSpec(
                            "allowed-domains",
                            "external domains items may be shared with",
                            ParamValue_TextList([]),
                        )
                    ],
                    reads=[EntityKind.SHARES],
                )
            ],
        )

    def evaluate(self, context: EvaluationContext) -> List[Finding]:
        out: List[Finding] = []
        for request in context.checks:
            if request.check_id != CHECK_ID:
                raise Err(PluginError(f"no check `{request.check_id}`"))
            allowed = []
            for p in request.params:
                if p.name == "allowed-domains" and isinstance(p.value, ParamValue_TextList):
                    allowed = [d.lower() for d in p.value.value]
            shares = all_shares()
            if shares is None:
                out.append(
                    Finding(
                        check_id=CHECK_ID,
                        status=Status.NOT_EVALUABLE,
                        resource=ResourceRef("snapshot", "shares", None, None),
                        message="the snapshot does not include shares (not collected), so "
                        "this check cannot be evaluated",
                        severity=None,
                        evidence=[],
                    )
                )
                continue
            for index, share in enumerate(shares):
                out.append(evaluate_share(share, index, allowed))
        return out
