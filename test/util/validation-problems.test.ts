import { z } from 'zod';

import { formatIssuePath, issueLines, MAX_SHOWN_ISSUES } from '../../src/util/validation-problems.js';

describe('formatIssuePath', () => {
  test.each([
    [['actions', 3, 'input', 'RoleName'], 'actions[3].input.RoleName'],
    [[0, 'Key'], '[0].Key'],
    [['tags', 'aws:cloudformation', 'x'], 'tags["aws:cloudformation"].x'],
    [[], '(top level)'],
  ])('GIVEN %j THEN %s', (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });

  test('GIVEN a root such as a flag name THEN the path continues from it', () => {
    expect(formatIssuePath([1], '--regions')).toBe('--regions[1]');
    expect(formatIssuePath([], '--regions')).toBe('--regions');
  });
});

describe('issueLines', () => {
  test('GIVEN nested problems THEN one `path: message` line each', () => {
    const schema = z.object({ actions: z.array(z.object({ input: z.object({ RoleName: z.string() }) })) });
    const issues = schema.safeParse({ actions: [{ input: { RoleName: 'a' } }, { input: {} }] }).error?.issues ?? [];

    expect(issueLines(issues)).toEqual(['actions[1].input.RoleName: Invalid input: expected string, received undefined']);
  });

  test('GIVEN 200k problems THEN the first few are shown and the rest counted, at once', () => {
    const issues = z.array(z.string()).safeParse(Array.from({ length: 200_000 }, () => 1)).error?.issues ?? [];

    const lines = issueLines(issues);

    expect(lines).toHaveLength(MAX_SHOWN_ISSUES + 1);
    expect(lines[0]).toBe('[0]: Invalid input: expected string, received number');
    expect(lines.at(-1)).toBe(`and ${200_000 - MAX_SHOWN_ISSUES} more`);
  });

  test('GIVEN 200k unknown keys in one issue THEN a few are named', () => {
    const keys = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 1]));
    const issues = z.strictObject({}).safeParse(keys).error?.issues ?? [];

    expect(issueLines(issues)).toEqual(['(top level): Unrecognized keys: "k0", "k1", "k2", "k3", "k4" and 199995 more']);
  });

  test('GIVEN its own where and message THEN the caller words the line', () => {
    const issues = z.object({ a: z.number() }).safeParse({ a: 'x' }).error?.issues ?? [];

    expect(issueLines(issues, { where: (path) => `FILE: ${formatIssuePath(path)}`, message: () => 'bad' })).toEqual(['FILE: a: bad']);
  });
});
