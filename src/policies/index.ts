/*
 * The package's TimescaleDB policies (retention and compression of time_series_data, the refresh
 * of hourly_metrics), read from TimescaleDB's jobs and set per database.
 */
export { configurePolicies, type PolicyChanges } from './configure-policies.ts'
export { AGGREGATE, type Policies, type PolicyJob, policiesOf, readPolicies } from './read-policies.ts'
export {
  type PolicyOptions,
  type RefreshPolicyOptions,
  type ResolvedPolicyOptions,
  validatePolicyOptions,
} from './validate-policy-options.ts'
