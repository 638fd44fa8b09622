import type { ApiFallbackErrorCode } from '@ccflow/api-fallback';
import type { CoreErrorCode } from '@ccflow/core';
import type { PoolErrorCode } from '@ccflow/pool';
import type { PricingErrorCode } from '@ccflow/pricing';
import type { ReliabilityErrorCode } from '@ccflow/reliability';
import type { SessionsErrorCode } from '@ccflow/sessions';
import type { TracingErrorCode } from '@ccflow/tracing';

/** Every `code` a ccflow error can carry, across the packages `ccflow` brings together. */
export type ErrorCode =
  | ApiFallbackErrorCode
  | CoreErrorCode
  | PoolErrorCode
  | PricingErrorCode
  | ReliabilityErrorCode
  | SessionsErrorCode
  | TracingErrorCode;
