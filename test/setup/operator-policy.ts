// Runs after every test of the suite: whatever flowfix sent to the stateful fake must be allowed by
// the operator policies users attach (policies/operator-plan.json for reads, operator-apply.json), plus
// the opt-in documents the test granted with FakeAws.grantOperatorPolicy (raising retention on a user's
// group, S3 delivery), and every write must be covered by the permissions its action kind declares.
import { disallowedCalls, takeRegisteredCalls, undeclaredPermissions } from '../helpers/operator-permissions.js';

afterEach(() => {
  const violations = takeRegisteredCalls().flatMap(({ accountId, calls, roleArnOf, grants }) => [
    ...disallowedCalls(calls, accountId, roleArnOf, grants?.()),
    ...undeclaredPermissions(calls, accountId, roleArnOf, grants?.()),
  ]);
  expect(violations).toEqual([]);
});
