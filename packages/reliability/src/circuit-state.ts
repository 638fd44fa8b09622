export const CircuitState = {
  /** Calls go through; consecutive failures are counted. */
  CLOSED: 'closed',
  /** Calls are refused with `CircuitBreakerError` until `resetTimeoutMs` has passed. */
  OPEN: 'open',
  /** A few trial calls go through; their outcome closes or reopens the circuit. */
  HALF_OPEN: 'half_open',
} as const;
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];
