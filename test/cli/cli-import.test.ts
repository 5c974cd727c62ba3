import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

// Each file sets it: the preload's setDefaultTimeout reaches only the first test file of a run (Bun 1.4.5).
setDefaultTimeout(60_000)

const CSV = [
  'entity_id,time,value,value2,metadata',
  'csv-1,2024-01-15T10:30:00Z,23.5,65.2,"{""room"":""a, b""}"',
  'csv-1,2024-01-15T10:31:00Z,abc,65.2,',
  'csv-1,2024-01-15T10:32:00,1,,',
  '',
  'csv-2,2024-01-15T10:33:00Z,2,,"{""note"":',
  '""two lines""}"',
  'csv-2,2024-01-15T10:34:00Z,3,4',
  'csv-2,2024-01-15T10:35:00Z,3,4,{oops}',
  'csv-3,2024-01-15T10:36:00+01:00,7,,',
  '',
].join('\n')

const NDJSON = [
  '{"entity_id":"nd-1","time":"2024-01-15T10:30:00Z","value":1,"metadata":{"a":1}}',
  '{bad json',
  '',
  '{"entity_id":"nd-1","time":"2024-01-15T10:31:00Z","value":"x"}',
  '[1,2]',
  '{"entity_id":"nd-1","time":"2024-01-15T10:32:00.123456Z","value":2,"value4":-1}',
  '{"entity_id":"nd-2","time":"2024-01-15T10:33:00Z","value":3,"valu2":4}',
].join('\n')

for (const target of targets) {
  describe(`import on ${target.name}`, () => {
    let t: CliTarget
    let folder: string
    beforeAll(async () => {
      t = await openCliTarget(target, { migrated: true })
      folder = mkdtempSync(join(tmpdir(), 'dts-import-'))
    })
    afterAll(async () => {
      await t.close()
      rmSync(folder, { recursive: true, force: true })
    })
    const rows = (prefix: string) =>
      t.withDb((db) =>
        queryRows<{ entity_id: string; time: string; value: number; value2: number | null; metadata: unknown }>(
          db,
          sql`select entity_id, to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as time, value, value2, metadata
              from time_series_data where entity_id like ${`${prefix}%`} order by entity_id, time`,
        ),
      )

    test('CSV: good rows are written, bad ones reported by line and written to the rejects file; exit 3', async () => {
      const file = join(folder, 'data.csv')
      const rejects = join(folder, 'rejects.csv')
      writeFileSync(file, CSV)
      const run = await runCli(['import', file, '--rejects', rejects, '--batch-size', '2', ...t.args], t.env)
      expect(run.code).toBe(3)
      expect(run.stderr.split('\n').filter((l) => l.startsWith('line '))).toEqual([
        "line 3: value 'abc' is not a number",
        'line 4: time has no zone offset (add Z or +hh:mm); a local time is never guessed',
        'line 8: 4 fields where the header has 5',
        'line 9: metadata is not valid JSON',
      ])
      expect(run.stderr).toMatch(/^import .*data\.csv: 7 rows, 4 rejected in \d+\.\d s/m)
      expect(run.stdout).toMatch(/: 7 rows read, 3 written, 4 rejected, 0 duplicates in a batch, in \d+\.\d s$/m)
      expect(readFileSync(rejects, 'utf8')).toBe(
        [
          '_line,_error,entity_id,time,value,value2,metadata',
          "3,value 'abc' is not a number,csv-1,2024-01-15T10:31:00Z,abc,65.2,",
          '4,time has no zone offset (add Z or +hh:mm); a local time is never guessed,csv-1,2024-01-15T10:32:00,1,,',
          '8,4 fields where the header has 5,csv-2,2024-01-15T10:34:00Z,3,4',
          '9,metadata is not valid JSON,csv-2,2024-01-15T10:35:00Z,3,4,{oops}',
          '',
        ].join('\n'),
      )
      expect(await rows('csv-')).toEqual([
        { entity_id: 'csv-1', time: '2024-01-15T10:30:00.000000Z', value: 23.5, value2: 65.2, metadata: { room: 'a, b' } },
        { entity_id: 'csv-2', time: '2024-01-15T10:33:00.000000Z', value: 2, value2: null, metadata: { note: 'two lines' } },
        { entity_id: 'csv-3', time: '2024-01-15T09:36:00.000000Z', value: 7, value2: null, metadata: null },
      ])
    })

    test('CSV: a re-run writes the same rows again (idempotent), and the fixed rejects file imports as it is', async () => {
      const file = join(folder, 'data.csv')
      const again = await runCli(['import', file, ...t.args], t.env)
      expect(again.code).toBe(3)
      expect(await rows('csv-')).toHaveLength(3)

      const fixed = readFileSync(join(folder, 'rejects.csv'), 'utf8')
        .replace(',abc,', ',24.5,')
        .replace('2024-01-15T10:32:00,', '2024-01-15T10:32:00Z,')
        .replace(',3,4\n', ',3,4,\n')
        .replace('{oops}', '"{""ok"":true}"')
      writeFileSync(join(folder, 'fixed.csv'), fixed)
      const run = await runCli(['import', join(folder, 'fixed.csv'), ...t.args], t.env)
      // No rejected row (those lines start with "line N:"; the retention warning about 2024 rows stays).
      expect(run.stderr.split('\n').filter((l) => /^line \d+:/.test(l))).toEqual([])
      expect(run.code).toBe(0)
      expect(await rows('csv-')).toHaveLength(7)
    })

    test('NDJSON: the same, with physical line numbers and rejected objects kept as JSON', async () => {
      const file = join(folder, 'data.ndjson')
      const rejects = join(folder, 'rejects.ndjson')
      writeFileSync(file, NDJSON)
      const run = await runCli(['import', file, '--rejects', rejects, ...t.args], t.env)
      expect(run.code).toBe(3)
      const reported = run.stderr.split('\n').filter((l) => l.startsWith('line '))
      expect(reported.map((l) => l.slice(0, l.indexOf(':')))).toEqual(['line 2', 'line 4', 'line 5', 'line 7'])
      expect(reported[1]).toBe('line 4: value must be a number, not a string')
      expect(reported[3]).toMatch(/^line 7: valu2 is not a field of a record/)
      const lines = readFileSync(rejects, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines[0]).toMatchObject({ _line: 2, _raw: '{bad json' })
      expect(lines[1]).toEqual({
        _line: 4,
        _error: 'value must be a number, not a string',
        entity_id: 'nd-1',
        time: '2024-01-15T10:31:00Z',
        value: 'x',
      })
      expect(lines[2]).toMatchObject({ _line: 5, _error: 'not a JSON object but an array', _raw: '[1,2]' })
      expect(await rows('nd-')).toEqual([
        { entity_id: 'nd-1', time: '2024-01-15T10:30:00.000000Z', value: 1, value2: null, metadata: { a: 1 } },
        { entity_id: 'nd-1', time: '2024-01-15T10:32:00.123456Z', value: 2, value2: null, metadata: null },
      ])
      const again = await runCli(['import', file, ...t.args], t.env)
      expect(again.code).toBe(3)
      expect(await rows('nd-')).toHaveLength(2)
    })

    test('a larger file streams in batches; a later row with the same entity and time wins', async () => {
      const file = join(folder, 'big.ndjson')
      const lines: string[] = []
      for (let i = 0; i < 12_000; i++) {
        lines.push(
          JSON.stringify({ entity_id: `big-${i % 10}`, time: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), value: i }),
        )
      }
      lines.push(JSON.stringify({ entity_id: 'big-9', time: new Date(Date.UTC(2024, 0, 1) + 11_999 * 60_000).toISOString(), value: -1 }))
      writeFileSync(file, `${lines.join('\n')}\n`)
      const run = await runCli(['import', file, '--batch-size', '20000', ...t.args], t.env)
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('12,001 rows read, 12,000 written, 0 rejected, 1 duplicates in a batch')
      const [row] = await t.withDb((db) =>
        queryRows<{ n: number; last: number }>(
          db,
          sql`select count(*)::int as n, (select value from time_series_data where entity_id = 'big-9' order by time desc limit 1) as last
              from time_series_data where entity_id like 'big-%'`,
        ),
      )
      expect(row).toEqual({ n: 12_000, last: -1 })
    })
  })
}

test('import reads standard input with --format', async () => {
  const target = targets[0]
  if (!target) throw new Error('no target')
  const t = await openCliTarget(target, { migrated: true })
  try {
    const child = Bun.spawn(['bun', join(import.meta.dir, '../../src/cli/main.ts'), 'import', '-', '--format', 'ndjson', ...t.args], {
      env: t.env,
      stdin: new Blob(['{"entity_id":"stdin-1","time":"2024-01-15T10:30:00Z","value":5}\n']),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    expect(await child.exited).toBe(0)
    expect(await new Response(child.stdout).text()).toContain('Imported stdin into the embedded database')
  } finally {
    await t.close()
  }
})

// `script` runs the CLI on a pseudo-terminal, so stderr is a TTY as in an interactive shell.
const script = Bun.which('script')
test.if(script !== null)('on a terminal, import draws a progress bar in place and prints rejected rows on lines of their own', async () => {
  const target = targets[0]
  if (!target) throw new Error('no target')
  const t = await openCliTarget(target, { migrated: true })
  const folder = mkdtempSync(join(tmpdir(), 'dts-tty-'))
  try {
    const file = join(folder, 'data.csv')
    writeFileSync(file, CSV)
    const command = ['bun', join(import.meta.dir, '../../src/cli/main.ts'), 'import', file, '--batch-size', '2', ...t.args]
    const child = Bun.spawn([script as string, '-qec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], {
      env: t.env,
      stdout: 'pipe',
      stderr: 'pipe',
      stdin: 'ignore',
    })
    const output = await new Response(child.stdout).text()
    await child.exited
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line is drawn with ANSI escapes.
    expect(output).toMatch(/\r\x1b\[2Kimport \S+data\.csv {2}\[[█░]{24}\] \d+% {2}\d+ rows {2}[\d,]+ rows\/s/)
    expect(output).toContain('\r\x1b[2Kline 8: 4 fields where the header has 5\r\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line is drawn with ANSI escapes.
    expect(output).toMatch(/\r\x1b\[2Kimport \S+data\.csv: 7 rows, 4 rejected in \d+\.\d s/)
  } finally {
    await t.close()
    rmSync(folder, { recursive: true, force: true })
  }
})
