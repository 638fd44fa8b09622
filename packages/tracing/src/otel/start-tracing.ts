import { diag, trace } from '@opentelemetry/api';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/** Anything `NodeSDK` takes; by default everything comes from the standard `OTEL_*` variables. */
export type StartTracingOptions = Partial<NodeSDKConfiguration>;

/** A started SDK: flush before reading what was exported, shut down before the process ends. */
export interface TracingHandle {
  readonly sdk: NodeSDK;
  /**
   * Exports every span ended so far. Never rejects: telemetry must not take the application down, so an export
   * that fails (a collector down or unreachable) is reported on OpenTelemetry's `diag` logger and the spans are lost.
   */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting; the global providers go back to no-ops. Never rejects, as `forceFlush`. */
  shutdown(): Promise<void>;
}

/**
 * Turns on OpenTelemetry export for an application using ccflow, configured the standard way: the SDK reads
 * `OTEL_TRACES_EXPORTER` (default `otlp`), `OTEL_EXPORTER_OTLP_ENDPOINT` / `_TRACES_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, `http/json`, `grpc`), `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`, `OTEL_SDK_DISABLED`, ... from
 * `process.env` itself. ccflow's libraries only use `@opentelemetry/api`: once this runs, their spans
 * (`ccflow.session`, `session.turn`, `invoke_agent`, `execute_tool`) are exported. Call it once, before the first turn.
 */
export function startTracing(options: StartTracingOptions = {}): TracingHandle {
  const sdk = new NodeSDK(options);
  sdk.start();
  return {
    sdk,
    forceFlush: async () => {
      // The API hands out a proxy; the SDK's provider behind it is the one that can flush.
      const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
      const delegate = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> };
      await delegate.forceFlush?.().catch((error: unknown) => report('flush', error));
    },
    shutdown: async () => {
      await sdk.shutdown().catch((error: unknown) => report('shutdown', error));
      trace.disable();
    },
  };
}

function report(when: string, error: unknown): void {
  diag.error(`ccflow: exporting telemetry failed at ${when}; the spans not yet exported are lost`, error);
}
