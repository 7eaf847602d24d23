// Runs after every test of the suite: every JSON document flowfix printed to stdout in the test (plan
// and verify reports, apply reports, SARIF) must validate against its schema.
import { documentProblems, takeCapturedOutputs } from '../helpers/documents.js';

afterEach(() => {
  expect(takeCapturedOutputs().flatMap(documentProblems)).toEqual([]);
});
