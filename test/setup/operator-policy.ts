// Runs after every test of the suite: whatever flowfix sent to the stateful fake must be allowed by
// the operator policies users attach (policies/operator-plan.json for reads, operator-apply.json), and
// every write must be covered by the permissions its action kind declares.
import { disallowedCalls, takeRegisteredCalls, undeclaredPermissions } from '../helpers/operator-permissions.js';

afterEach(() => {
  const violations = takeRegisteredCalls().flatMap(({ accountId, calls, roleArnOf }) => [
    ...disallowedCalls(calls, accountId, roleArnOf),
    ...undeclaredPermissions(calls, accountId, roleArnOf),
  ]);
  expect(violations).toEqual([]);
});
