import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { resources } from '@opentelemetry/sdk-node';
import { afterEach, expect, it, vi } from 'vitest';
import { startTracing } from '../src/otel/index.ts';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => vi.unstubAllEnvs());

it('a collector that is down never throws into the application: flush and shutdown resolve', async () => {
  vi.stubEnv('OTEL_TRACES_EXPORTER', 'otlp');
  vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${await closedPort()}`);
  vi.stubEnv('OTEL_METRICS_EXPORTER', 'none');
  vi.stubEnv('OTEL_LOGS_EXPORTER', 'none');
  vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '500');
  const errors: unknown[][] = [];
  const log = (...args: unknown[]) => errors.push(args);
  diag.setLogger(
    { error: log, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.ERROR,
  );
  const tracing = startTracing({ resourceDetectors: [resources.envDetector] });
  trace.getTracer('test').startSpan('lost').end();
  await expect(tracing.forceFlush()).resolves.toBeUndefined();
  trace.getTracer('test').startSpan('lost too').end();
  await expect(tracing.shutdown()).resolves.toBeUndefined();
  diag.disable();
  expect(errors.map(([message]) => message)).toContainEqual(
    expect.stringMatching(/exporting telemetry failed/),
  );
});
