import { closestWord, editDistance } from '../../src/util/closest-word.js';

describe('closestWord', () => {
  const commands = ['plan', 'apply', 'verify', 'guided'];

  test.each([
    ['plna', 'plan'], // swapped neighbours: one edit
    ['pla', 'plan'],
    ['plans', 'plan'],
    ['appply', 'apply'],
    ['verfiy', 'verify'],
    ['VERIFY', 'verify'],
    ['guide', 'guided'],
  ])('GIVEN %s THEN %s', (word, expected) => {
    expect(closestWord(word, commands)).toBe(expected);
  });

  test.each(['bogus', 'x', 'delete', 'rollback', 'p'])('GIVEN %s THEN no guess (too far from every command)', (word) => {
    expect(closestWord(word, commands)).toBeUndefined();
  });

  test('GIVEN distances THEN insert, delete, substitute and swap each count one', () => {
    expect([
      editDistance('plan', 'plan'),
      editDistance('pln', 'plan'),
      editDistance('plaan', 'plan'),
      editDistance('plen', 'plan'),
      editDistance('lpan', 'plan'),
    ]).toEqual([0, 1, 1, 1, 1]);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
