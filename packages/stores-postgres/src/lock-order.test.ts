import { describe, expect, it } from 'vitest';
import { lockOrder } from './lock-order.ts';

describe('lockOrder', () => {
  it('gives the indexes of the records in id order, ties in their places', () => {
    const records = [{ id: 'c' }, { id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 'B' }];
    expect(lockOrder(records, 'id')).toEqual([4, 1, 3, 2, 0]);
  });

  it('is the same order for the same ids in any order: two batches lock alike', () => {
    const ids = ['t2', 't10', 'ü', 't1', '😀'];
    const order = (list: string[]) =>
      lockOrder(
        list.map((id) => ({ id })),
        'id',
      ).map((i) => list[i]);
    expect(order(ids)).toEqual(order(ids.toReversed()));
  });
});
