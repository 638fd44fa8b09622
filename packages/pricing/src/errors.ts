import { CCFlowError } from '@ccflow/core';

/** The codes of `@ccflow/pricing`'s errors. */
export type PricingErrorCode = 'UNKNOWN_MODEL' | 'INVALID_USAGE';

/**
 * A model the price table cannot name. Pricing an unknown model is never a silent zero: it throws this, or gives
 * `undefined` where the caller asked for that (`onUnknownModel: 'undefined'`).
 */
export class UnknownModelError extends CCFlowError {
  static override readonly code = 'UNKNOWN_MODEL';
  declare readonly code: 'UNKNOWN_MODEL';
  readonly model: string;
  /** The date of the price table that was searched. */
  readonly tableDate: string | undefined;
  constructor(init: { model: string; tableDate?: string }) {
    const { model, tableDate } = init;
    super({
      message:
        `unknown model ${JSON.stringify(model)}${tableDate ? ` (price table of ${tableDate})` : ''}: ` +
        'add it with PriceTable.extend() or name a model or alias the table knows',
    });
    this.model = model;
    this.tableDate = tableDate;
  }
}

/** A token count that cannot be priced: negative, fractional, or more 1-hour cache writes than cache writes. */
export class InvalidUsageError extends CCFlowError {
  static override readonly code = 'INVALID_USAGE';
  declare readonly code: 'INVALID_USAGE';
  readonly field: string;
  /** The message is `field: problem`. */
  constructor(init: { field: string; problem: string }) {
    super({ message: `${init.field}: ${init.problem}` });
    this.field = init.field;
  }
}
