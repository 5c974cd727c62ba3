import { validateInterval } from '../validation/validate-interval.ts'
import { validateOptions } from '../validation/validate-options.ts'

/** The refresh policy of hourly_metrics: refresh `[now - startOffset, now - endOffset)` every `scheduleInterval`. */
export interface RefreshPolicyOptions {
  /** How far back each refresh reaches (default `1 day`); `null`: from the oldest data. */
  startOffset?: string | null
  /** How recent the refreshed window ends (default `1 hour`: the current hour is left to real-time). */
  endOffset?: string
  /** How often it runs (default `1 hour`). */
  scheduleInterval?: string
}

/** Options of `configurePolicies`: each key left out keeps its policy, `null` removes it. */
export interface PolicyOptions {
  /** Drop chunks of time_series_data older than this (`'2 years'`); `null`: keep everything. */
  retention?: string | null
  /** Compress chunks older than this (`'30 days'`); `null`: compress nothing more (compressed chunks stay so). */
  compressAfter?: string | null
  /** hourly_metrics' refresh policy; `null`: no scheduled refresh (real-time reads still see new rows). */
  refresh?: RefreshPolicyOptions | null
}

/** {@link PolicyOptions} checked, intervals in canonical text, refresh defaults filled in. */
export interface ResolvedPolicyOptions {
  retention?: string | null
  compressAfter?: string | null
  refresh?: { startOffset: string | null; endOffset: string; scheduleInterval: string } | null
}

/**
 * Checks the options of `configurePolicies`: intervals as `validateInterval` accepts them
 * (`'2 years'`, `'30 days'`, `'1 hour'`), or `null` to remove a policy.
 *
 * @example
 * ```ts
 * validatePolicyOptions({ retention: '2 years', refresh: { endOffset: '2 hours' } })
 * // { retention: '2 years', refresh: { startOffset: '1 day', endOffset: '2 hours', scheduleInterval: '1 hour' } }
 * ```
 */
export function validatePolicyOptions(input: unknown): ResolvedPolicyOptions {
  const options = validateOptions(input, ['retention', 'compressAfter', 'refresh'])
  const out: ResolvedPolicyOptions = {}
  const interval = (value: unknown, field: string) => validateInterval(value, field).text
  if (options.retention !== undefined) out.retention = options.retention === null ? null : interval(options.retention, 'retention')
  if (options.compressAfter !== undefined) {
    out.compressAfter = options.compressAfter === null ? null : interval(options.compressAfter, 'compressAfter')
  }
  if (options.refresh !== undefined) {
    if (options.refresh === null) out.refresh = null
    else {
      const refresh = validateOptions(options.refresh, ['startOffset', 'endOffset', 'scheduleInterval'], 'refresh')
      out.refresh = {
        startOffset: refresh.startOffset === null ? null : interval(refresh.startOffset ?? '1 day', 'refresh.startOffset'),
        endOffset: interval(refresh.endOffset ?? '1 hour', 'refresh.endOffset'),
        scheduleInterval: interval(refresh.scheduleInterval ?? '1 hour', 'refresh.scheduleInterval'),
      }
    }
  }
  return out
}
