import { type Counter, metrics } from '@opentelemetry/api';

const METER_NAME = '@ccflow/api-fallback';

/** The span attributes and the metric of `FallbackExecutor`. */
export const FALLBACK_TELEMETRY = {
  /** Span attribute and metric attribute: `cli` or `api`, the path that served the execution. */
  servedBy: 'ccflow.served_by',
  /** Span attribute and metric attribute: why the API served it (see `FallbackReason`); absent when the CLI did. */
  reason: 'ccflow.fallback.reason',
  /** Counter of executions, by `ccflow.served_by` and `ccflow.fallback.reason`, unit `{execution}`. */
  executions: 'ccflow.fallback.executions',
} as const;

/** Why the API path served: the CLI was not found, its circuit was open, it timed out, or the caller forced it. */
export type FallbackReason = 'cli_not_found' | 'circuit_open' | 'cli_timeout' | 'forced';

let instrument: { counter: Counter; source: unknown } | undefined;

/** Counts one execution; through `@opentelemetry/api`, so it costs nothing without a registered `MeterProvider`. */
export function countExecution(servedBy: 'cli' | 'api', reason: FallbackReason | undefined): void {
  const source = metrics.getMeterProvider();
  if (instrument?.source !== source) {
    const counter = metrics.getMeter(METER_NAME).createCounter(FALLBACK_TELEMETRY.executions, {
      description: 'Executions of a FallbackExecutor, by the path that served them',
      unit: '{execution}',
    });
    instrument = { counter, source };
  }
  instrument.counter.add(1, {
    [FALLBACK_TELEMETRY.servedBy]: servedBy,
    ...(reason ? { [FALLBACK_TELEMETRY.reason]: reason } : {}),
  });
}
