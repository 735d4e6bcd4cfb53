// {{name}}: a posture check plugin in JavaScript.
// Build: `posture plugin build .`; test: `posture test target/plugins/{{name}}.wasm --cases cases`.

import { count, listPrincipals } from 'posture:plugin/snapshot@{{contract}}';

const CHECK_ID = '{{domain}}.admin-mfa';

/** Every principal, page by page; undefined when the snapshot does not include principals. */
function principals() {
  if (count('principals') === undefined) {
    return undefined;
  }
  const out = [];
  for (;;) {
    const page = listPrincipals(out.length, 1000);
    if (page.length === 0) {
      return out;
    }
    out.push(...page);
  }
}

export const plugin = {
  describe() {
    return {
      name: '{{name}}',
      version: '0.1.0',
      vendor: '{{vendor}}',
      contractVersion: '{{contract}}',
      checks: [
        {
          id: CHECK_ID,
          title: 'Administrators use MFA',
          description: 'Fails for each interactive administrator without a second factor.',
          defaultSeverity: 'high',
          domain: '{{domain}}',
          rationale: 'A stolen password is enough to take over an administrator without MFA.',
          remediation: 'Enrol the administrator in MFA, or remove the administrative role.',
          controls: [
            { framework: 'soc2', id: 'CC6.1' },
            { framework: 'iso27001', id: 'A.8.5' },
          ],
          params: [],
          reads: ['principals'],
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
      const people = principals();
      if (people === undefined) {
        out.push({
          checkId: CHECK_ID,
          status: 'not-evaluable',
          resource: { kind: 'snapshot', id: 'principals', displayName: undefined, account: undefined },
          message: 'the snapshot does not include principals',
          severity: undefined,
          evidence: [],
        });
        continue;
      }
      people.forEach((p, i) => {
        if (p.admin !== true || p.interactive === false) {
          return;
        }
        let status = 'not-evaluable';
        let message = 'MFA state unknown';
        if (p.mfaEnabled === true) {
          status = 'pass';
          message = `${p.name} uses MFA`;
        } else if (p.mfaEnabled === false) {
          status = 'fail';
          message = `${p.name} has no MFA`;
        }
        out.push({
          checkId: CHECK_ID,
          status,
          resource: { kind: 'principal', id: p.id, displayName: p.name, account: p.account },
          message,
          severity: undefined,
          evidence: [
            {
              key: 'mfa_enabled',
              value: p.mfaEnabled === undefined ? 'unknown' : String(p.mfaEnabled),
              path: `/principals/${i}/mfa_enabled`,
            },
          ],
        });
      });
    }
    return out;
  },
};
