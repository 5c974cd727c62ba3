#!/usr/bin/env bun
/*
 * `bun run test`: the suite, fast. On the embedded database alone, two workers (`--parallel=2
 * --no-isolate`: each keeps its module registry, so its template database, across the files it
 * runs). With TIMESCALEDB_URL, one process: the test files share each server's lock table, and two
 * lock-heavy files at once run it out where each alone stays within its share (tried: 53200 in
 * one-write-path's 80-chunk import on 2.29.2). Arguments go to `bun test` (a file, `-t`, ...).
 *
 * Usage: bun scripts/run-tests.ts [bun test arguments]
 */
const onServers = Boolean(process.env.TIMESCALEDB_URL?.trim())
const args = ['test', '--timeout', '60000', ...(onServers ? [] : ['--parallel=2', '--no-isolate']), ...process.argv.slice(2)]
const child = Bun.spawn(['bun', ...args], { stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' })
child.exited.then((code) => process.exit(code))
