import { ConfigurationError } from '@ccflow/core';

/** Bad options fail at construction, naming the option, rather than as odd limits later. */

export function positiveNumber(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError({ field, problem: `must be a positive number, got ${String(value)}` });
  }
  return value;
}

export function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError({ field, problem: `must be a positive integer, got ${String(value)}` });
  }
  return value;
}

export function nonNegativeInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigurationError({ field, problem: `must be a non-negative integer, got ${String(value)}` });
  }
  return value;
}

/** A duration in ms (0 allowed), or `undefined` for "no limit". */
export function optionalDuration(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new ConfigurationError({ field, problem: `must be a duration in ms (>= 0), got ${String(value)}` });
  }
  return value;
}
