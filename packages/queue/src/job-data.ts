import {
  type CliAgentOptions,
  CliAgentOptionsSchema,
  ConfigurationError,
  type ExecuteRequest,
  Redactor,
  resolveOptions,
} from '@ccflow/core';
import { z } from 'zod';

/** The version of the job format: a worker refuses jobs of a format it does not know. */
export const JOB_FORMAT = 1;

/** Options a job carries: the request's, without those of the caller's process alone (`env`, `redaction`). */
const JobOptionsSchema = CliAgentOptionsSchema.omit({ env: true, redaction: true });

const PromptSchema = z.union([
  z.string(),
  z.array(
    z.union([
      z.looseObject({ type: z.literal('text'), text: z.string() }),
      z.looseObject({ type: z.literal('image'), source: z.looseObject({}) }),
    ]),
  ),
]);

/** A job as the worker validates it: plain data, nothing of the caller's process. */
export const JobDataSchema = z.strictObject({
  format: z.literal(JOB_FORMAT),
  prompt: PromptSchema,
  options: z.looseObject({}),
  /** W3C trace context (`traceparent`, `tracestate`) of the caller's active span. */
  trace: z.record(z.string(), z.string()),
  /** The session this turn resumes, when it is routed to the worker holding it. */
  session: z.string().optional(),
});
export type JobData = z.infer<typeof JobDataSchema>;

/**
 * The job for a request, or a `ConfigurationError` when the request carries what must not leave the caller's
 * process: callbacks (`host`), environment values, MCP servers' `env` and `headers`, or any value the `Redactor`
 * takes for a secret (credential-named keys, tokens, URL passwords). Workers hold their own credentials. Also
 * `continueSession`, which no worker can route.
 */
export function toJobData(request: ExecuteRequest, trace: Record<string, string>): JobData {
  const host = request.host ?? {};
  const callbacks = Object.entries(host).filter(([, v]) => v !== undefined && !(typeof v === 'number'));
  if (callbacks.length > 0)
    throw new ConfigurationError({
      field: `host.${callbacks[0]![0]}`,
      problem: 'callbacks run in the caller’s process and cannot travel in a queued job; remove them',
    });
  const options: CliAgentOptions = request.options ?? {};
  if (options.env !== undefined && Object.keys(options.env).length > 0)
    throw new ConfigurationError({
      field: 'options.env',
      problem: 'environment values never travel in job data (they may be secrets): set them on the workers',
    });
  for (const [name, server] of Object.entries(options.mcpServers ?? {})) {
    const s = server as { env?: object; headers?: object };
    for (const key of ['env', 'headers'] as const)
      if (s[key] !== undefined && Object.keys(s[key]).length > 0)
        throw new ConfigurationError({
          field: `options.mcpServers.${name}.${key}`,
          problem: 'MCP credentials never travel in job data: configure the server on the workers',
        });
  }
  if (options.continueSession === true)
    throw new ConfigurationError({
      field: 'options.continueSession',
      problem:
        'the most recent session of a directory is on whichever worker ran it: resume it by id (`resume`) instead',
    });
  const { env: _env, redaction: _redaction, ...rest } = options;
  resolveOptions(rest); // unknown or bad options are refused as everywhere, with the nearest name
  const redactor = new Redactor(options);
  // Compared with the same walk without redaction: it also re-serialises a `settings` string, compactly.
  const masked = redactor.options(rest);
  const plain = new Redactor({ redaction: { enabled: false } }).options(rest);
  for (const key of Object.keys(rest)) {
    if (JSON.stringify(masked[key]) !== JSON.stringify(plain[key]))
      throw new ConfigurationError({
        field: `options.${key}`,
        problem:
          'carries a secret (a credential-named field, a token or a URL password): workers hold their own credentials',
      });
  }
  return {
    format: JOB_FORMAT,
    // The backstop: a secret that slipped into the prompt is not stored in Redis.
    prompt: redactor.value(request.prompt) as JobData['prompt'],
    options: rest as Record<string, unknown>,
    trace,
  };
}

/** Validates a job on the worker: the request to run, or the reason the job is bad. */
export function parseJob(
  data: unknown,
): { ok: true; job: JobData; options: CliAgentOptions } | { ok: false; problem: string } {
  const job = JobDataSchema.safeParse(data);
  if (!job.success) return { ok: false, problem: z.prettifyError(job.error) };
  const options = JobOptionsSchema.safeParse(job.data.options);
  if (!options.success) return { ok: false, problem: `options: ${z.prettifyError(options.error)}` };
  return { ok: true, job: job.data, options: job.data.options as CliAgentOptions };
}
