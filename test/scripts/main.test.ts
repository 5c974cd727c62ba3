/*
 * `bun run main`, the README's first command after the install: migrate, a day of demo data, one
 * query with its sparkline, on a fresh embedded database; `--no-seed` only migrates.
 */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { cliEnv, REPO } from '../cli/cli-harness.ts'

async function main(args: string[] = []) {
  const child = Bun.spawn(['bun', join(REPO, 'scripts/main.ts'), ...args], { cwd: REPO, env: cliEnv(), stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { stdout, stderr, code }
}

describe('bun run main', () => {
  test('migrates, seeds a day of three sensors and shows one as a table and a sparkline', async () => {
    const run = await main()
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      'applied 0000_timescaledb_extension, 0001_tables, 0002_hypertable, 0003_compression_retention, 0004_hourly_metrics',
    )
    expect(run.stdout).toMatch(/3 entities \(iot\), 864 records/)
    expect(run.stdout).toMatch(/24 buckets, 288 records/)
    expect(run.stdout).toMatch(/\n[▁▂▃▄▅▆▇█]{24}\n/)
    expect(run.stdout).toContain('removed now')
  })

  test('--no-seed only migrates and describes', async () => {
    const run = await main(['--no-seed'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Hypertable public.time_series_data: 0 chunks')
    expect(run.stdout).not.toContain('seed')
  })
})
