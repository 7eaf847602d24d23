/** "1 role", "2 roles"; irregular nouns give their plural ("2 retention policies"). */
export const plural = (n: number, noun: string, nouns = `${noun}s`): string => `${n} ${n === 1 ? noun : nouns}`;
