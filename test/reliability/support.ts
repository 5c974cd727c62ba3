/*
 * Shared pieces of the fault suite: records whose digest can be computed both in JS and by the
 * server, a bounded await (no fault may hang a test), the per-fault report line, and a look at
 * pg_stat_activity for sessions left behind.
 */

import { afterAll, beforeAll } from 'bun:test'
import { createHash } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { ClientFactory, type PostgresTimescaleDatabase, type TimescaleClient } from '../../src/client/index.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import type { ClientConfig, TimeSeriesRecord } from '../../src/types.ts'
import type { TestDatabase, TestTarget } from '../support/targets.ts'

/** A record as generated here: canonical UTC time with microseconds, integer or .25-step values. */
export type PlainRecord = TimeSeriesRecord & { time: string; metadata: { n: number } | null }

/**
 * `n` records of `entities` entities named `${prefix}-${k}`, one second apart per entity from
 * `start`, with values that depend on `salt` (so a re-write with another salt is visible). Numbers
 * print the same in JS and PostgreSQL, so {@link digestOf} and {@link tableDigest} agree.
 */
export function makeRecords(prefix: string, n: number, options: { entities?: number; start?: string; salt?: number } = {}): PlainRecord[] {
  const entities = options.entities ?? 100
  const start = Date.parse(options.start ?? '2024-03-01T00:00:00Z')
  const salt = options.salt ?? 0
  const out = new Array<PlainRecord>(n)
  for (let i = 0; i < n; i++) {
    const second = Math.floor(i / entities)
    const micros = String((i * 7919) % 1_000_000).padStart(6, '0')
    out[i] = {
      entity_id: `${prefix}-${i % entities}`,
      time: `${new Date(start + second * 1000).toISOString().slice(0, 19)}.${micros}Z`,
      value: i + salt,
      value2: i % 4 === 0 ? null : (i % 1000) / 4 - salt,
      value3: i % 3 === 0 ? -0 : salt,
      value4: null,
      metadata: i % 10 === 0 ? { n: i + salt } : null,
    }
  }
  return out
}

const float = (v: number | null | undefined) => (v === null || v === undefined ? '' : Object.is(v, -0) ? '-0' : String(v))

function line(r: PlainRecord): string {
  const metadata = r.metadata === null ? '' : `{"n": ${r.metadata.n}}`
  return `${r.entity_id}|${r.time}|${float(r.value)}|${float(r.value2)}|${float(r.value3)}|${float(r.value4)}|${metadata}`
}

/** The records as the CSV `drizzle-timescale import` reads (every column; metadata as quoted JSON), printed as {@link digestOf} expects them back. */
export function csvOf(records: readonly PlainRecord[]): string {
  const lines = ['entity_id,time,value,value2,value3,value4,metadata']
  for (const r of records) {
    const metadata = r.metadata === null ? '' : `"{""n"": ${r.metadata.n}}"`
    lines.push(`${r.entity_id},${r.time},${float(r.value)},${float(r.value2)},${float(r.value3)},${float(r.value4)},${metadata}`)
  }
  return `${lines.join('\n')}\n`
}

/** What a table holding exactly `records` (last one wins per key) would digest to. */
export function digestOf(records: readonly PlainRecord[]): Digest {
  const byKey = new Map<string, PlainRecord>()
  for (const r of records) byKey.set(`${r.entity_id}\u0000${r.time}`, r)
  const rows = [...byKey.values()].sort((a, b) =>
    a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0,
  )
  const md5 = rows.length === 0 ? null : createHash('md5').update(rows.map(line).join('\n')).digest('hex')
  return { rows: rows.length, keys: rows.length, md5 }
}

/** Row count, distinct keys and an md5 over the rows of `time_series_data` whose entity starts with `prefix`. */
export interface Digest {
  rows: number
  keys: number
  md5: string | null
}

export async function tableDigest(db: AnyPgDatabase, prefix: string): Promise<Digest> {
  const [row] = await queryRows<{ rows: number; keys: number; md5: string | null }>(
    db,
    sql`select count(*)::int as rows, count(distinct (entity_id, time))::int as keys,
          md5(string_agg(concat_ws('|', entity_id, to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            value::text, coalesce(value2::text, ''), coalesce(value3::text, ''), coalesce(value4::text, ''),
            coalesce(metadata::text, '')), E'\n' order by entity_id collate "C", time)) as md5
        from time_series_data where starts_with(entity_id, ${prefix})`,
  )
  return { rows: Number(row?.rows), keys: Number(row?.keys), md5: row?.md5 ?? null }
}

/** Rows sent, found, duplicated (found more than once, or found but never sent) and lost. */
export interface Tally {
  sent: number
  found: number
  duplicates: number
  lost: number
}

/**
 * Compares the table with what was sent: equal digests mean nothing lost and nothing extra; otherwise
 * the keys are fetched and counted (for the report).
 */
export async function tally(
  db: AnyPgDatabase,
  prefix: string,
  sent: readonly PlainRecord[],
): Promise<Tally & { digest: Digest; expected: Digest }> {
  const expected = digestOf(sent)
  const digest = await tableDigest(db, prefix)
  if (digest.md5 === expected.md5 && digest.rows === expected.rows) {
    return { sent: expected.rows, found: digest.rows, duplicates: 0, lost: 0, digest, expected }
  }
  const rows = await queryRows<{ k: string }>(
    db,
    sql`select entity_id || chr(1) || to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k
        from time_series_data where starts_with(entity_id, ${prefix})`,
  )
  const wanted = new Set(sent.map((r) => `${r.entity_id}\u0001${r.time}`))
  const seen = new Set<string>()
  let duplicates = 0
  for (const { k } of rows) {
    if (seen.has(k) || !wanted.has(k)) duplicates++
    seen.add(k)
  }
  const lost = [...wanted].filter((k) => !seen.has(k)).length
  return { sent: wanted.size, found: rows.length, duplicates, lost, digest, expected }
}

/** Rejects with a message naming `what` when `promise` has not settled within `ms`: no fault may hang a test. */
export async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The settled outcome of a promise, for asserting on a rejection. */
export async function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** One line of the README's reliability table. */
export interface FaultReport extends Tally {
  fault: string
  runs: number
  note?: string
}

/**
 * Prints the line, and appends it as JSON to `$DTS_RELIABILITY_REPORT` when set
 * (`bun test/reliability/render-report.ts` turns the file into the markdown table).
 */
export function report(entry: FaultReport): void {
  const { fault, runs, sent, found, duplicates, lost, note } = entry
  console.log(
    `[reliability] ${fault}: runs ${runs}, sent ${sent}, found ${found}, duplicates ${duplicates}, lost ${lost}${note ? ` (${note})` : ''}`,
  )
  const file = process.env.DTS_RELIABILITY_REPORT
  if (file) appendFileSync(file, `${JSON.stringify({ fault, runs, sent, found, duplicates, lost, note })}\n`)
}

/** A one-connection admin pool on `url` (a scratch database of ours), for faults and checks. */
export function adminPool(url: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 })
}

/**
 * A BEFORE INSERT trigger on time_series_data that sleeps `seconds` when the row's entity_id is
 * `entityId`: a statement that holds such a row is slow on purpose (timeouts, cancels, busy pools).
 */
export async function createSlowRowTrigger(admin: postgres.Sql, entityId: string, seconds: number): Promise<void> {
  await admin.unsafe(`
    create function dts_slow_row() returns trigger language plpgsql as $$
    begin
      if new.entity_id = '${entityId.replace(/'/g, "''")}' then perform pg_sleep(${Number(seconds)}); end if;
      return new;
    end $$;
    create trigger dts_slow_row before insert on time_series_data for each row execute function dts_slow_row();`)
}

/** Sessions of `applicationName` in the current database that are stuck: in a transaction while idle, or in a COPY. */
export async function stuckSessions(
  admin: postgres.Sql,
  applicationName: string,
): Promise<{ pid: number; state: string; query: string }[]> {
  return admin<{ pid: number; state: string; query: string }[]>`
    select pid, state, left(query, 80) as query from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and application_name = ${applicationName}
      and (state like 'idle in transaction%' or (state = 'active' and query ilike 'copy%'))`
}

/** Terminates the backends of `applicationName` in the current database; how many. */
export async function terminate(admin: postgres.Sql, applicationName: string): Promise<number> {
  const rows = await admin`select pg_terminate_backend(pid) as done from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and application_name = ${applicationName}`
  return rows.filter((r) => r.done).length
}

/** `url` with `application_name` (and other startup parameters) set, so faults hit only our sessions. */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url)
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
  return u.href
}

/** A scratch database on a native target, its admin pool, and the clients a test file opened. */
export interface NativeFixture {
  /** Set by the fixture's beforeAll. */
  t: TestDatabase
  admin: postgres.Sql
  /** A client on the scratch database with `application_name = app` (and `params` in the URL), closed after all. */
  open(app: string, config?: ClientConfig, params?: Record<string, string>): Promise<TimescaleClient<PostgresTimescaleDatabase>>
}

/**
 * The native fixture of the fault test files, registered with the file's hooks: a fresh migrated
 * database on `target`, an admin pool on it (then `setup(admin)`), and at the end every client
 * closed, the pool ended and the database dropped.
 */
export function useNativeFixture(target: TestTarget | undefined, setup?: (admin: postgres.Sql) => Promise<unknown>): NativeFixture {
  const clients: TimescaleClient<PostgresTimescaleDatabase>[] = []
  const fixture: NativeFixture = {
    t: undefined as unknown as TestDatabase,
    admin: undefined as unknown as postgres.Sql,
    async open(app, config = {}, params = {}) {
      const client = await ClientFactory.fromConnectionString(
        withParams(fixture.t.url as string, { application_name: app, ...params }),
        config,
      )
      clients.push(client)
      return client
    },
  }
  beforeAll(async () => {
    fixture.t = await (target as TestTarget).open()
    fixture.admin = adminPool(fixture.t.url as string)
    await setup?.(fixture.admin)
  }, 60_000)
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close({ timeout: 1 })))
    await fixture.admin?.end({ timeout: 1 })
    await fixture.t?.close()
  }, 60_000)
  return fixture
}
