import { type Column, type SQL, sql } from 'drizzle-orm'

/**
 * TimescaleDB's `first(value, time)`: the value at the earliest `time` of each group.
 *
 * @example
 * ```ts
 * await db.select({ device: readings.deviceId, opening: first(readings.temperature, readings.time) })
 *   .from(readings).groupBy(readings.deviceId)
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/first/
 */
export function first<C extends Column>(value: C, time: Column): SQL<C['_']['data'] | null> {
  return sql<C['_']['data'] | null>`first(${value}, ${time})`.mapWith(value)
}

/**
 * TimescaleDB's `last(value, time)`: the value at the latest `time` of each group.
 *
 * @see https://docs.timescale.com/api/latest/hyperfunctions/last/
 */
export function last<C extends Column>(value: C, time: Column): SQL<C['_']['data'] | null> {
  return sql<C['_']['data'] | null>`last(${value}, ${time})`.mapWith(value)
}
