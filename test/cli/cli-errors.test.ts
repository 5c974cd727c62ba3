import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closedPort } from '../client/closed-port.ts'
import { type CliRun, cliEnv, runCli, runCliProcess } from './cli-harness.ts'

// Each file sets it: the preload's setDefaultTimeout reaches only the first test file of a run (Bun 1.4.5).
setDefaultTimeout(60_000)

/** The failure is one line on stderr, `drizzle-timescale: ...`, with no stack trace. */
function expectOneLine(run: CliRun, code: number, pattern: RegExp): void {
  expect(run.code).toBe(code)
  const lines = run.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toStartWith('drizzle-timescale: ')
  expect(lines[0]).toMatch(pattern)
  expect(run.stderr).not.toMatch(/^\s+at /m)
}

let folder: string
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'dts-cli-errors-'))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('usage errors: exit 2, one line', () => {
  test('an unknown command lists the commands', async () => {
    expectOneLine(
      await runCli(['frobnicate']),
      2,
      /unknown command 'frobnicate' \(commands: migrate, generate, check, status, policies, chunks, jobs, refresh, grants, serve, seed, import, query/,
    )
  })
  test('an unknown option names it', async () => {
    expectOneLine(await runCli(['status', '--colour']), 2, /status: unknown option --colour/)
  })
  test('a bad option value says what is expected', async () => {
    expectOneLine(await runCli(['serve', '--port', 'http']), 2, /--port must be an integer from 0 to 65535, not 'http'/)
    expectOneLine(await runCli(['seed', '--use-case', 'cars']), 2, /--use-case must be one of iot, servers, apps, industrial, all/)
    expectOneLine(await runCli(['query', 's1', '--interval', '1 fortnight']), 2, /--interval has an unknown unit 'fortnight'/)
    expectOneLine(await runCli(['query', 's1', '--from', '2024-01-15']), 2, /--from 2024-01-15 has no zone offset/)
  })
  test('a missing argument or file', async () => {
    expectOneLine(await runCli(['import']), 2, /import: which file\?/)
    expectOneLine(await runCli(['import', join(folder, 'nope.csv')]), 2, /nope\.csv does not exist/)
    writeFileSync(join(folder, 'data.txt'), 'x')
    expectOneLine(await runCli(['import', join(folder, 'data.txt')]), 2, /give --format csv or --format ndjson/)
  })
  test('serve refuses a non-loopback host, and DATABASE_URL', async () => {
    expectOneLine(await runCli(['serve', '--host', '0.0.0.0']), 2, /--host 0\.0\.0\.0 is not a loopback address/)
    const run = await runCli(['serve'], cliEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' }))
    expectOneLine(run, 2, /serve is for the embedded database only/)
  })
  test('--data-dir that is not a database directory', async () => {
    writeFileSync(join(folder, 'notes.md'), 'x')
    expectOneLine(await runCli(['status', '--data-dir', folder]), 2, /is neither empty nor an embedded database/)
  })
  test('no command prints the help on stderr; --help prints it on stdout with exit 0', async () => {
    const none = await runCli([])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('Usage: drizzle-timescale <command>')
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Exit codes: 0 done, 1 failed, 2 usage error')
    for (const command of ['migrate', 'status', 'serve', 'seed', 'import', 'query']) {
      const run = await runCli([command, '--help'])
      expect(run.code).toBe(0)
      expect(run.stdout).toStartWith(`Usage: drizzle-timescale ${command}`)
    }
  })
})

describe('runtime errors: exit 1, one line, no stack, no password', () => {
  test('an unreachable DATABASE_URL', async () => {
    const port = closedPort()
    const run = await runCli(['status'], cliEnv({ DATABASE_URL: `postgres://app:s3cr3t-pw@127.0.0.1:${port}/metrics` }))
    expectOneLine(run, 1, new RegExp(`could not connect to app@127\\.0\\.0\\.1:${port}/metrics`))
    expect(run.stderr + run.stdout).not.toContain('s3cr3t-pw')
  })
  test('--debug adds the stack trace', async () => {
    const run = await runCli(['status', '--debug'], cliEnv({ DATABASE_URL: `postgres://app:s3cr3t-pw@127.0.0.1:${closedPort()}/m` }))
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^\s+at /m)
    expect(run.stderr).not.toContain('s3cr3t-pw')
  })
  test('a CSV file with an unknown column', async () => {
    const file = join(folder, 'bad-header.csv')
    writeFileSync(file, 'entity_id,time,value,valu2\n')
    const embedded = await runCli(['import', file, '--data-dir', join(folder, 'db')])
    expect(embedded.code).toBe(1)
    expect(embedded.stderr.trimEnd().split('\n').at(-1)).toBe(
      "drizzle-timescale: line 1: unknown column 'valu2' in the CSV header (columns: entity_id, time, value, value2, value3, value4, metadata)",
    )
  })
  test('an embedded database held by another live process', async () => {
    const dir = join(folder, 'locked-db')
    expect((await runCli(['migrate', '--data-dir', dir])).code).toBe(0)
    // Pretend this test process holds it (so the CLI runs as a process of its own).
    writeFileSync(join(dir, 'drizzle-timescale.lock'), JSON.stringify({ pid: process.pid, command: 'serve' }))
    expectOneLine(await runCliProcess(['status', '--data-dir', dir]), 1, /is in use by 'drizzle-timescale serve' \(pid \d+\)/)
    // A lock left by a dead process is taken over.
    writeFileSync(join(dir, 'drizzle-timescale.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'serve' }))
    const run = await runCli(['status', '--data-dir', dir, '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).license).toBe('timescale')
  })
})
