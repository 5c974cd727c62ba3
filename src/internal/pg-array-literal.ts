/*
 * PostgreSQL array literals built in JS and sent as ONE text parameter (`$1::text::float8[]`), so a
 * batch needs one bind parameter per column whatever its size, and both drivers (postgres.js and
 * PGlite) receive the same plain string instead of serializing JS arrays each in its own way.
 * https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO
 */

/** `{"a","b\"c",NULL}`: each element double-quoted with `"` and `\` escaped, `null` as `NULL`. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  const parts = new Array<string>(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    parts[i] = value === null || value === undefined ? 'NULL' : `"${value.replace(/[\\"]/g, '\\$&')}"`
  }
  return `{${parts.join(',')}}`
}

/** `{1.5,-0,1e-7,NULL}`: finite numbers in their shortest round-trip form, `null` as `NULL`. */
export function floatArrayLiteral(values: readonly (number | null)[]): string {
  const parts = new Array<string>(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    parts[i] = value === null || value === undefined ? 'NULL' : floatText(value)
  }
  return `{${parts.join(',')}}`
}

/** A finite number as `float8` input text; keeps `-0`, which `String` turns into `0`. */
export function floatText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value)
}
