// An example posture check plugin in JavaScript (componentize-js).
//
// It implements `sharing.link-shares` with the same logic, messages and evidence as the Rust
// check in plugins/sharing, so the end-to-end test can require identical findings on the same
// snapshot. Records arrive as objects with camelCase fields, enums as their WIT names.

import { count, listShares } from 'posture:plugin/snapshot@0.2.0';

const CHECK_ID = 'sharing.link-shares';
const PAGE = 1000;

/** Every share, page by page; undefined when the snapshot does not include shares. */
function allShares() {
  if (count('shares') === undefined) {
    return undefined;
  }
  const out = [];
  for (;;) {
    const page = listShares(out.length, PAGE);
    if (page.length === 0) {
      return out;
    }
    out.push(...page);
  }
}

function finding(status, share, message, index) {
  return {
    checkId: CHECK_ID,
    status,
    resource: {
      kind: 'share',
      id: share.id,
      displayName: share.itemName,
      account: share.account,
    },
    message,
    severity: undefined,
    evidence: [
      { key: 'audience', value: share.audience, path: `/shares/${index}/audience` },
      { key: 'domains', value: share.domains.join(','), path: `/shares/${index}/domains` },
    ],
  };
}

function evaluateShare(share, index, allowed) {
  const item = `${share.itemKind} ${share.itemName}`;
  switch (share.audience) {
    case 'public':
      return finding('fail', share, `${item} is public on the internet`, index);
    case 'anyone-with-link':
      return finding('fail', share, `${item} is shared with anyone who has the link`, index);
    case 'internal':
      return finding('pass', share, `${item} is shared internally only`, index);
    default:
      break;
  }
  if (share.domains.length === 0) {
    return finding(
      'not-evaluable',
      share,
      `${item} is shared externally, but the domains reached are unknown`,
      index,
    );
  }
  const outside = share.domains.filter((d) => !allowed.includes(d.toLowerCase()));
  if (outside.length === 0) {
    return finding('pass', share, `${item} is shared only with allowed domains`, index);
  }
  return finding(
    'fail',
    share,
    `${item} is shared with domains outside the allow-list: ${outside.join(', ')}`,
    index,
  );
}

export const plugin = {
  describe() {
    return {
      name: 'example-javascript-sharing',
      version: '0.1.0',
      vendor: 'posture examples',
      contractVersion: '0.2.0',
      checks: [
        {
          id: CHECK_ID,
          title: 'Items are not shared publicly or outside allowed domains',
          description:
            'For each share: fails when the audience is public or anyone-with-the-link, or ' +
            'when an external share reaches a domain that is not in `allowed-domains`. ' +
            'Written in JavaScript.',
          defaultSeverity: 'medium',
          domain: 'sharing',
          rationale:
            "Links that need no sign-in move confidential data outside the organisation's control.",
          remediation:
            'Remove the link or the external grantee, or share with named, signed-in people instead.',
          controls: [
            { framework: 'soc2', id: 'C1.1' },
            { framework: 'iso27001', id: 'A.5.14' },
          ],
          params: [
            {
              name: 'allowed-domains',
              description: 'external domains items may be shared with',
              default: { tag: 'text-list', val: [] },
            },
          ],
          reads: ['shares'],
        },
      ],
    };
  },

  evaluate(context) {
    const out = [];
    for (const request of context.checks) {
      if (request.checkId !== CHECK_ID) {
        throw { message: `no check \`${request.checkId}\`` };
      }
      let allowed = [];
      for (const p of request.params) {
        if (p.name === 'allowed-domains' && p.value.tag === 'text-list') {
          allowed = p.value.val.map((d) => d.toLowerCase());
        }
      }
      const shares = allShares();
      if (shares === undefined) {
        out.push({
          checkId: CHECK_ID,
          status: 'not-evaluable',
          resource: { kind: 'snapshot', id: 'shares', displayName: undefined, account: undefined },
          message:
            'the snapshot does not include shares (not collected), so this check cannot be evaluated',
          severity: undefined,
          evidence: [],
        });
        continue;
      }
      shares.forEach((share, index) => out.push(evaluateShare(share, index, allowed)));
    }
    return out;
  },
};
