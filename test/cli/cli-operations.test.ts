/*
 * `chunks`, `jobs` and `refresh` as a user runs them, on the native servers (the embedded database
 * runs the same operations in test/operations; a subprocess on it costs a start-up each): --json
 * for scripts, exit 0 when done, 2 for a bad value or name, 1 for what the server refuses (the
 * Apache edition's FEATURE_NOT_LICENSED, with what works there).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

setDefaultTimeout(60_000)

const json = (text: string) => JSON.parse(text) as Record<string, unknown>

for (const target of targets.filter((t) => t.kind === 'native')) {
  const tsl = target.license === 'timescale'
  describe(`chunks, jobs and refresh commands on ${target.name}`, () => {
    let t: CliTarget
    const cli = (...argv: string[]) => runCli([...argv, ...t.args], t.env)
    beforeAll(async () => {
      t = await openCliTarget(target, { migrated: true })
      expect((await cli('jobs', 'pause', 'all')).code).toBe(0)
      // Ten days of 2025, one row an hour for two entities: ten daily time slots of chunks.
      await t.withDb((db) =>
        db.execute(sql`insert into time_series_data (entity_id, time, value)
          select e, '2025-03-01'::timestamptz + make_interval(hours => h), h from unnest(array['x', 'y']) e, generate_series(0, 239) h`),
      )
    })
    afterAll(() => t.close())

    test('chunks lists them; a bad bound or table is a usage error', async () => {
      const list = await cli('chunks', 'time_series_data', '--json')
      expect(list.code).toBe(0)
      const chunks = json(list.stdout).chunks as { rangeStart: string; compressed: boolean }[]
      expect(chunks.length).toBeGreaterThanOrEqual(10)
      expect(chunks[0]?.rangeStart).toBe('2025-03-01T00:00:00.000000Z')
      const human = await cli('chunks', 'list', 'time_series_data', '--older-than', '2025-03-03T00:00:00Z')
      expect(human.stdout).toMatch(/^time_series_data: \d+ chunks, 0 compressed\n {2}chunk +from +to/)
      const bad = await cli('chunks', 'time_series_data', '--older-than', 'last week')
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('olderThan') as unknown as string])
      const missing = await cli('chunks', 'drop', 'nope', '--older-than', '1 day')
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain('public.nope is not a hypertable')
      expect((await cli('chunks', 'compress', 'time_series_data')).code).toBe(2)
    })

    if (!tsl) {
      test('Apache: compress answers FEATURE_NOT_LICENSED (exit 1) with what works; refresh lists none', async () => {
        const run = await cli('chunks', 'compress', 'time_series_data', '--older-than', '1 day')
        expect(run.code).toBe(1)
        expect(run.stderr).toContain('needs the Timescale license')
        expect(run.stderr).toContain('listChunks and dropChunks work')
        expect(json((await cli('refresh', '--json')).stdout).aggregates).toEqual([])
      })
    }

    if (tsl) {
      test('chunks compress and decompress a window, idempotent', async () => {
        const first = json((await cli('chunks', 'compress', 'time_series_data', '--older-than', '2025-03-06T00:00:00Z', '--json')).stdout)
        expect((first.chunks as string[]).length).toBeGreaterThan(0)
        const again = json((await cli('chunks', 'compress', 'time_series_data', '--older-than', '2025-03-06T00:00:00Z', '--json')).stdout)
        expect([(again.chunks as string[]).length, again.unchanged]).toEqual([0, (first.chunks as string[]).length])
        const back = await cli(
          'chunks',
          'decompress',
          'time_series_data',
          '--newer-than',
          '2025-03-05T00:00:00Z',
          '--older-than',
          '2025-03-06T00:00:00Z',
        )
        expect(back.code).toBe(0)
        expect(back.stdout).toMatch(/^time_series_data: \d+ chunks? decompressed in/)
      })

      test('jobs lists, reschedules, resumes, pauses and runs the package policies', async () => {
        const jobs = json((await cli('jobs', '--table', 'time_series_data', '--json')).stdout).jobs as { id: number; procName: string }[]
        const compression = jobs.find((j) => j.procName === 'policy_compression')
        expect(compression).toBeDefined()
        const id = String(compression?.id)
        const scheduled = json((await cli('jobs', 'schedule', id, '--every', '2 hours', '--json')).stdout).jobs as { schedule: string }[]
        expect(scheduled[0]?.schedule).toBe('02:00:00')
        expect((await cli('jobs', 'resume', id)).stdout).toMatch(new RegExp(`^Job ${id} resumed`))
        expect((await cli('jobs', 'pause', id)).stdout).toContain('(paused)')
        const run = await cli('jobs', 'run', id)
        expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^job ${id} \\(.+\\) ran in`)) as unknown as string])
        expect((await cli('jobs', 'run', '999999')).code).toBe(2)
        expect((await cli('jobs', 'schedule', id)).code).toBe(2)
      })

      test('refresh lists the aggregate and refreshes a window', async () => {
        const before = json((await cli('refresh', '--json')).stdout).aggregates as { name: string; watermark: string | null }[]
        expect(before.map((a) => [a.name, a.watermark])).toEqual([['hourly_metrics', null]])
        const run = await cli(
          'refresh',
          'hourly_metrics',
          '--from',
          '2025-03-01T00:00:00Z',
          '--to',
          '2025-03-11T00:00:00Z',
          '--atomic',
          '--json',
        )
        expect(run.code).toBe(0)
        expect(json(run.stdout)).toMatchObject({
          aggregate: 'public.hourly_metrics',
          attempts: 1,
          watermark: '2025-03-11T00:00:00.000000Z',
        })
        const human = await cli('refresh')
        expect(human.stdout).toMatch(/public\.hourly_metrics +public\.time_series_data +2025-03-11 00:00:00Z/)
      })
    }

    test('chunks drop the oldest, then nothing more', async () => {
      const dropped = json((await cli('chunks', 'drop', 'time_series_data', '--older-than', '2025-03-03T00:00:00Z', '--json')).stdout)
      expect((dropped.chunks as string[]).length).toBeGreaterThan(0)
      const again = json((await cli('chunks', 'drop', 'time_series_data', '--older-than', '2025-03-03T00:00:00Z', '--json')).stdout)
      expect(again.chunks).toEqual([])
      const left = await t.withDb(async (db) => {
        const result = (await db.execute(sql`select min(time) as first from time_series_data`)) as unknown as { first: Date | string }[]
        return new Date(result[0]?.first as string).toISOString()
      })
      expect(left).toBe('2025-03-03T00:00:00.000Z')
    })
  })
}
