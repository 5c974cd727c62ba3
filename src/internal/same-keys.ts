/** `true` when two object types have the same keys, else `false`: for compile-time checks. */
export type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false
