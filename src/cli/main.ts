#!/usr/bin/env bun
/*
 * drizzle-timescale <command>: migrate, status, serve, seed, import, query.
 * See run-cli.ts for the commands and `drizzle-timescale --help` for their use.
 */
import { runCli } from './run-cli.ts'

const controller = new AbortController()
const onSignal = (signal: NodeJS.Signals) => {
  // A second Ctrl-C while a command is shutting down stops at once.
  if (controller.signal.aborted) process.exit(130)
  controller.abort(signal)
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
process.off('SIGINT', onSignal)
process.off('SIGTERM', onSignal)
