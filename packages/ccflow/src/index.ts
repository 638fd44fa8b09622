export * from '@ccflow/core';
export * from '@ccflow/parser';
export * from '@ccflow/sessions';
export * from '@ccflow/reliability';
// For its effect: the process-wide executor becomes the reliable one (limits, circuit breaker, retries).
export {} from '@ccflow/reliability/install';
