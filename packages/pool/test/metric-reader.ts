import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import { type DataPoint, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';

/** A metric reader that collects on demand: tests read what was recorded, with no exporter and no timer. */
export class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}

  /** Every metric recorded so far, by name. */
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.collect();
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const m of scope.metrics) out.set(m.descriptor.name, m);
    return out;
  }

  /** The data points of one metric, with their attributes. */
  async points(name: string): Promise<DataPoint<unknown>[]> {
    return ((await this.metrics()).get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
  }
}

export function meterProvider(): { provider: MeterProvider & ApiMeterProvider; reader: TestMetricReader } {
  const reader = new TestMetricReader();
  return { provider: new MeterProvider({ readers: [reader] }), reader };
}
