/*
 * `bun run bench --smoke` at tiny sizes: every contender of every comparison runs, every table is
 * compared by row count and digest, every query answer against the hand-written one. No timing is
 * asserted. The embedded part always runs; the native part on the first server of TIMESCALEDB_URL when it is set.
 */
import { expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BenchResults } from '../../bench/results.ts'
import { HEAVY } from '../support/heavy.ts'
import { targets } from '../support/targets.ts'

const root = resolve(import.meta.dir, '../..')
// The benchmark's two native servers: an Apache-edition one and a full-license one, from TIMESCALEDB_URL.
const nativeUrl = targets.find((t) => t.kind === 'native' && t.license !== 'timescale')?.url
const tslUrl = targets.find((t) => t.kind === 'native' && t.license === 'timescale')?.url

// Heavy when only the embedded database runs (bun run test:heavy runs it; so does any run with a native server).
test.if(HEAVY || nativeUrl !== undefined)(
  'bun run bench --smoke: every contender writes the same rows and answers the same, results go to a temporary directory',
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-smoke-test-'))
    const committed = join(root, 'BENCHMARKS.md')
    const before = existsSync(committed) ? statSync(committed).mtimeMs : undefined
    try {
      const args = [
        'bench/run.ts',
        '--smoke',
        '--out',
        out,
        ...(nativeUrl ? ['--native-url', nativeUrl] : ['--no-native']),
        ...(tslUrl ? ['--tsl-url', tslUrl] : ['--no-tsl']),
      ]
      const child = Bun.spawn([process.execPath, ...args], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
      const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
      if (code !== 0) console.error(stderr)
      expect(code).toBe(0)
      expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toMatchObject({ outDir: out, failedChecks: 0 })

      const results = JSON.parse(readFileSync(join(out, 'bench-results.json'), 'utf8')) as BenchResults
      expect(results.mode).toBe('smoke')
      const ids = results.comparisons.map((c) => c.id)
      expect(ids).toEqual(
        expect.arrayContaining([
          'ingest.embedded',
          'queries.embedded.latest',
          'queries.embedded.buckets-one',
          'queries.embedded.buckets-all',
          'queries.embedded.records',
          'queries.embedded.stream',
          'declared.embedded.ingest',
          'declared.embedded.latest-all',
          'declared.embedded.buckets-one-key',
          'declared.embedded.buckets-all-keys',
          'declared.embedded.range',
        ]),
      )
      if (nativeUrl) {
        expect(ids).toEqual(
          expect.arrayContaining([
            'ingest.main',
            'ingest.conflicts',
            'ingest.paths',
            'queries.native.latest',
            'queries.native.records',
            'queries.native.stream',
          ]),
        )
        const main = results.comparisons.find((c) => c.id === 'ingest.main')
        expect(main?.entries.map((e) => e.name)).toEqual(['ours', 'raw-copy', 'drizzle-naive', 'design-values'])
      }
      if (tslUrl) {
        expect(ids).toEqual(
          expect.arrayContaining([
            'ingest.native-tsl.main',
            'ingest.native-tsl.conflicts',
            'queries.native-tsl.latest',
            'queries.native-tsl.buckets-one',
            'queries.native-tsl.buckets-all',
            'queries.native-tsl.records',
            'queries.native-tsl.stream',
            'queries.native-tsl.compressed-records',
            'queries.native-tsl.compressed-buckets',
          ]),
        )
        // On 2.29 the buckets are answered from hourly_metrics: the check is part of the comparison.
        for (const id of ['queries.native-tsl.buckets-one', 'queries.native-tsl.buckets-all']) {
          expect(results.comparisons.find((c) => c.id === id)?.checks.map((c) => c.name)).toContain('answered from hourly_metrics')
        }
        expect(results.metrics.find((m) => m.id === 'queries.native-tsl.compression')?.value).toBeGreaterThan(0)
      }
      for (const comparison of results.comparisons) {
        expect(comparison.checks.length).toBeGreaterThan(0)
        expect(comparison.checks.filter((c) => !c.ok)).toEqual([])
      }
      expect(readFileSync(join(out, 'BENCHMARKS.md'), 'utf8')).toContain('smoke sizes')
      expect(readFileSync(join(out, 'bench-ingest.svg'), 'utf8')).toStartWith('<svg')
      // The committed results are never touched by a smoke run.
      expect(existsSync(committed) ? statSync(committed).mtimeMs : undefined).toBe(before)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  },
  120_000,
)
