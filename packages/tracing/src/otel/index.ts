export { type StartTracingOptions, startTracing, type TracingHandle } from './start-tracing.ts';
