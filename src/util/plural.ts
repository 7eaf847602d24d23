/** "1 action", "2 actions": a count with its noun (nouns that take an "s"). */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
