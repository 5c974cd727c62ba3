import { type SQL, sql } from 'drizzle-orm'
import { regclassText } from '../identifier.ts'
import { tslOnly } from './tsl-only.ts'

/**
 * The retention policy of a hypertable or continuous aggregate (drop chunks older than
 * `dropAfter`): with `replace`, the old one is removed first (a change); without, it is only added
 * (a new one). Idempotent.
 *
 * @see https://docs.timescale.com/api/latest/data-retention/add_retention_policy/
 */
export function retentionPolicySql(spec: { schema: string; name: string }, dropAfter: string | null, replace = true): SQL {
  const table = regclassText(spec)
  const steps: SQL[] = []
  if (replace) steps.push(sql`  PERFORM remove_retention_policy(${table}, if_exists => TRUE);`)
  if (dropAfter !== null)
    steps.push(sql`  PERFORM add_retention_policy(${table}, drop_after => INTERVAL ${dropAfter}, if_not_exists => TRUE);`)
  return tslOnly(`the retention policy of ${spec.schema}.${spec.name}`, sql.join(steps, sql`\n`))
}
