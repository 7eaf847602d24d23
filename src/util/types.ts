// Type-level helpers.

/** `true` only when A and B are the same type (optional and required fields differ). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
