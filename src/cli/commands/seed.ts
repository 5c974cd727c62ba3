import { TimescaleClientError } from '../../errors.ts'
import { canonicalTimeFromText } from '../../internal/iso-time.ts'
import { insertManyRecords, upsertEntity } from '../../repository/index.ts'
import { validateInterval } from '../../validation/index.ts'
import type { Command } from '../cli-context.ts'
import { InterruptedError, yieldToEventLoop } from '../cli-error-line.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { choiceOption, integerOption, parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { formatCount, ProgressReporter } from '../progress-reporter.ts'
import { generateSeedRecords } from '../seed/generate-seed-records.ts'
import { seededRandom } from '../seed/seeded-random.ts'
import { type SimulatedEntity, simulateEntity, USE_CASES, type UseCase } from '../seed/use-cases.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const BATCH_SIZE = 5000
/** Most records one seed run generates. */
const MAX_RECORDS = 50_000_000

const HELP = `Usage: drizzle-timescale seed [--use-case all] [--entities 3] [--days 1] [--interval '1 minute'] [--seed <n>] [--end <time>]

Generates realistic demo data for the design's four use cases, upserts the entities into
entities and the records into time_series_data (in batches, with progress):
  iot         temp_sensor_NN: temperature (value, °C), humidity (value2, %), pressure (value3, hPa);
              a daily cycle plus noise; metadata location, room, battery_level
  servers     server_prod_NN: CPU (value, %), memory (value2, GB), network (value3, MB/s),
              disk utilization (value4, 0..1); business-hours load, spikes
  apps        api_gateway_NN: response time (value, ms), success (value2, 1/0), request and
              response size (value3, value4, bytes); metadata endpoint, method, status_code
  industrial  machine_NNN: RPM (value), efficiency (value2, %), temperature (value3, °C),
              vibration (value4); two shifts a day, rare faults; metadata production_line, shift
Re-running with the same options overwrites the same rows (upserts).

Options:
  --use-case <u>    iot, servers, apps, industrial or all (default all)
  --entities <n>    entities per use case (default 3)
  --days <n>        days of history ending at --end (default 1)
  --interval <i>    time between two records of an entity (default '1 minute'; e.g. '30 seconds', '5 min')
  --seed <n>        seed of the random generator: the same seed gives the same values (default 1)
  --end <time>      the last instant, ISO 8601 with a zone (default: now, rounded down to the interval);
                    with --seed, the same --end gives the same rows
  --data-dir <dir>  the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug           print the stack trace of a failure
`

/** `seed`: demo data for the IoT, servers, apps and industrial use cases. */
export const seedCommand: Command = {
  name: 'seed',
  summary: 'generate demo data for the IoT, servers, apps and industrial use cases',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('seed', argv, {
      'use-case': { type: 'string' },
      entities: { type: 'string' },
      days: { type: 'string' },
      interval: { type: 'string' },
      seed: { type: 'string' },
      end: { type: 'string' },
    })
    const useCase = choiceOption(args, 'use-case', [...USE_CASES, 'all'], 'all')
    const perUseCase = integerOption(args, 'entities', 3, 1, 1000)
    const days = integerOption(args, 'days', 1, 1, 3650)
    const seed = integerOption(args, 'seed', 1, 0, 2 ** 31 - 1)
    const stepMs = intervalMs(stringOption(args, 'interval', '1 minute'))
    const end = endMs(stringOption(args, 'end'), stepMs)
    const from = end - days * 86_400_000
    const useCases: UseCase[] = useCase === 'all' ? [...USE_CASES] : [useCase]
    const entities: SimulatedEntity[] = useCases.flatMap((u) =>
      Array.from({ length: perUseCase }, (_, i) => simulateEntity(u, i, seededRandom(`${seed}:${u}:${i}`))),
    )
    const total = entities.length * Math.floor((end - from) / stepMs)
    if (total > MAX_RECORDS) {
      throw new UsageError(
        `seed: that is ${formatCount(total)} records; at most ${formatCount(MAX_RECORDS)} (fewer --entities or --days, or a longer --interval)`,
      )
    }

    const target = await openCliDatabase(args, context, 'seed')
    try {
      for (const e of entities) await upsertEntity(target.db, e.entity)
      const progress = new ProgressReporter({ stream: context.stderr, isTTY: Boolean(context.stderr.isTTY), label: 'seed' })
      const started = performance.now()
      let rows = 0
      for (const batch of generateSeedRecords(entities, from, end, stepMs, BATCH_SIZE)) {
        await yieldToEventLoop()
        if (context.signal.aborted) throw new InterruptedError(`interrupted after ${formatCount(rows)} of ${formatCount(total)} records`)
        await insertManyRecords(target.db, batch)
        rows += batch.length
        progress.update({ rows, done: rows, total })
      }
      progress.finish({ rows, done: rows, total })
      const seconds = (performance.now() - started) / 1000
      const queryRange =
        args.values.end === undefined && days === 1
          ? ''
          : ` --from ${new Date(from).toISOString()} --to ${new Date(end + stepMs).toISOString()}`
      context.stdout.write(
        `Seeded the ${target.where}: ${entities.length} entities (${useCases.join(', ')}), ${formatCount(rows)} records ` +
          `from ${new Date(from + stepMs).toISOString()} to ${new Date(end).toISOString()}, in ${seconds.toFixed(1)} s\n` +
          `Entities: ${entities.map((e) => e.entity.entity_id).join(', ')}\n` +
          `Look at one: drizzle-timescale query ${entities[0]?.entity.entity_id}${queryRange}\n`,
      )
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}

function intervalMs(text: string): number {
  let interval: ReturnType<typeof validateInterval>
  try {
    interval = validateInterval(text, '--interval')
  } catch (error) {
    if (error instanceof TimescaleClientError) throw new UsageError(`seed: ${error.message}`)
    throw error
  }
  if (interval.months > 0) throw new UsageError('seed: --interval cannot be months or years')
  const ms = interval.days * 86_400_000 + interval.microseconds / 1000
  if (ms < 1000) throw new UsageError('seed: --interval must be at least 1 second')
  return ms
}

function endMs(text: string | undefined, stepMs: number): number {
  if (text === undefined) return Math.floor(Date.now() / stepMs) * stepMs
  const canonical = canonicalTimeFromText(text)
  if (!canonical.ok) throw new UsageError(`seed: --end ${text} ${canonical.reason}`)
  return Date.parse(canonical.text)
}
