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
import { nativeUrls } from '../support/targets.ts'

const root = resolve(import.meta.dir, '../..')
// The benchmark takes one native server: the first of TIMESCALEDB_URL.
const nativeUrl = nativeUrls[0]

test('bun run bench --smoke: every contender writes the same rows and answers the same, results go to a temporary directory', async () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-test-'))
  const committed = join(root, 'BENCHMARKS.md')
  const before = existsSync(committed) ? statSync(committed).mtimeMs : undefined
  try {
    const args = ['bench/run.ts', '--smoke', '--out', out, ...(nativeUrl ? ['--native-url', nativeUrl] : ['--no-native'])]
    const child = Bun.spawn([process.execPath, ...args], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    if (code !== 0) console.error(stderr)
    expect(code).toBe(0)
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toMatchObject({ outDir: out, failedChecks: 0 })

    const results = JSON.parse(readFileSync(join(out, 'bench-results.json'), 'utf8')) as BenchResults
    expect(results.mode).toBe('smoke')
    const ids = results.comparisons.map((c) => c.id)
    expect(ids).toEqual(expect.arrayContaining(['ingest.embedded', 'queries.embedded.latest', 'queries.embedded.buckets-one', 'queries.embedded.buckets-all', 'queries.embedded.records', 'queries.embedded.stream']))
    if (nativeUrl) {
      expect(ids).toEqual(expect.arrayContaining(['ingest.main', 'ingest.conflicts', 'ingest.paths', 'queries.native.latest', 'queries.native.records', 'queries.native.stream']))
      const main = results.comparisons.find((c) => c.id === 'ingest.main')
      expect(main?.entries.map((e) => e.name)).toEqual(['ours', 'raw-copy', 'drizzle-naive', 'design-values'])
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
}, 60_000)
