import { InvalidArgumentError } from 'commander';

const AGO = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DAY = /^\d{4}-\d\d-\d\d$/;

/**
 * `--since` / `--until`: an ISO date or date-time, or a time ago (`30m`, `12h`, `7d`, `2w`). A bare date is the
 * start of that UTC day for `--since` and its last millisecond for `--until`, so `--until 2026-12-04` includes it.
 */
export function timeOption(bound: 'since' | 'until', now: () => number = Date.now) {
  return (value: string): Date => {
    const ago = AGO.exec(value);
    if (ago) return new Date(now() - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]);
    const date = new Date(value);
    if (!/^\d{4}-/.test(value) || Number.isNaN(date.getTime()))
      throw new InvalidArgumentError(
        'an ISO date or time (2026-12-04, 2026-12-04T10:00Z) or a time ago (30m, 12h, 7d)',
      );
    return DAY.test(value) && bound === 'until' ? new Date(date.getTime() + UNIT_MS.d - 1) : date;
  };
}
