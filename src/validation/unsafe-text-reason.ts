// A lone UTF-16 surrogate cannot be encoded as UTF-8; PostgreSQL text cannot hold U+0000.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why `text` cannot be stored in a PostgreSQL `text` or `jsonb` value, or `undefined` when it can. */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a \\u0000 character, which PostgreSQL cannot store'
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate, which is not valid Unicode'
  return undefined
}
