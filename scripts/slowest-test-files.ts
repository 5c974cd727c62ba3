#!/usr/bin/env bun
/*
 * The slowest test files of a `bun test` log (what .ci/run prints at its end, so that growth shows
 * the day it happens): each file's tests' own times added up, as bun prints them after each test.
 *
 * Usage: bun scripts/slowest-test-files.ts <log> [count]
 */
import { readFileSync } from 'node:fs'

const [path, count = '10'] = process.argv.slice(2)
if (!path) {
  process.stderr.write('usage: bun scripts/slowest-test-files.ts <log> [count]\n')
  process.exit(2)
}
const seconds = new Map<string, number>()
let file: string | undefined
for (const line of readFileSync(path, 'utf8').split('\n')) {
  const header = /^(\S+\.test\.ts):$/.exec(line.trim())
  if (header) {
    file = header[1]
    continue
  }
  const timed = /^\((?:pass|fail)\).*\[([\d.]+)(ms|s)\]$/.exec(line.trim())
  if (timed && file) seconds.set(file, (seconds.get(file) ?? 0) + Number(timed[1]) / (timed[2] === 'ms' ? 1000 : 1))
}
const rows = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, Number(count))
for (const [name, s] of rows) process.stdout.write(`${s.toFixed(1).padStart(8)} s  ${name}\n`)
