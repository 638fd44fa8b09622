import { CCFlowError } from '@ccflow/core';

/**
 * A model the price table cannot name. Pricing an unknown model is never a silent zero: it throws this, or gives
 * `undefined` where the caller asked for that (`onUnknownModel: 'undefined'`).
 */
export class UnknownModelError extends CCFlowError {
  static override readonly code = 'UNKNOWN_MODEL';
  constructor(
    readonly model: string,
    /** The date of the price table that was searched. */
    readonly tableDate?: string,
  ) {
    super(
      `unknown model ${JSON.stringify(model)}${tableDate ? ` (price table of ${tableDate})` : ''}: ` +
        'add it with PriceTable.extend() or name a model or alias the table knows',
    );
  }
}

/** A token count that cannot be priced: negative, fractional, or more 1-hour cache writes than cache writes. */
export class InvalidUsageError extends CCFlowError {
  static override readonly code = 'INVALID_USAGE';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
