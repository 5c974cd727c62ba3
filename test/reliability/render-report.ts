/*
 * Turns the lines the fault suite appends to $DTS_RELIABILITY_REPORT into the README's
 * reliability table:
 *
 *   DTS_RELIABILITY_REPORT=/tmp/faults.jsonl TIMESCALEDB_URL=... bun test test/reliability
 *   bun test/reliability/render-report.ts /tmp/faults.jsonl
 */
import { readFileSync } from 'node:fs'
import type { FaultReport } from './support.ts'

const file = process.argv[2] ?? process.env.DTS_RELIABILITY_REPORT
if (!file) {
  console.error('usage: bun test/reliability/render-report.ts FILE.jsonl')
  process.exit(2)
}
const entries = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as FaultReport)
const n = (x: number) => x.toLocaleString('en')
const rows = entries.map(
  (e) => `| ${e.fault} | ${n(e.runs)} | ${n(e.sent)} | ${n(e.found)} | ${n(e.duplicates)} | ${n(e.lost)} | ${e.note ?? ''} |`,
)
console.log(
  [
    '| fault | runs | rows sent | rows found | duplicates | lost | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n'),
)
