// What tests of many accounts share: the trust policy of a member's role that the management account may
// assume, and the management account's own base credentials in the environment, as in CI.
import { FAKE_ACCOUNT } from './fake-aws.js';
import { setProcessEnv } from './process-env.js';

/** A member role's trust policy: the management account (FAKE_ACCOUNT) may assume it, with this ExternalId if given. */
export const trustManagement = (externalId?: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` },
      Action: 'sts:AssumeRole',
      ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
    },
  ],
});

/** For the enclosing describe: base credentials from the environment; the fake tells them from the ones STS issues. */
export function useManagementCredentials(): void {
  let restore = () => {};
  beforeAll(() => {
    restore = setProcessEnv({ AWS_ACCESS_KEY_ID: 'AKIAFAKEMANAGEMENT01', AWS_SECRET_ACCESS_KEY: 'fake-secret' });
  });
  afterAll(() => restore());
}
