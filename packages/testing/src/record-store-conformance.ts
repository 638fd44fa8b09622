import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';

/** What a record carries for every store: the store's version and the two dates the contract orders and ages by. */
export interface StoredRecord {
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The paging every filter has. */
export interface PageFilter {
  limit?: number;
  offset?: number;
}

/** The methods every record store has, whatever its records. */
export interface RecordStore<R, F> {
  save(record: R): Promise<number>;
  load(id: string): Promise<R | undefined>;
  delete(id: string): Promise<boolean>;
  list(filter?: F): Promise<object[]>;
  count(filter?: F): Promise<number>;
  close(): Promise<void>;
}

/** A store with the age-based `cleanup(olderThanMs)` (by `updatedAt`). */
interface Cleanable {
  cleanup(olderThanMs: number): Promise<number>;
}

/** A table of filters and the ids each lists, in order, over a set of records. */
export interface FilterExample<R, F> {
  name: string;
  records: () => R[];
  cases: readonly (readonly [F, readonly string[]])[];
}

/** How a test tells the store's errors apart (the kit imports no store package, so it cannot name their classes). */
export interface StoreErrorChecks {
  /** Any error of the store family. */
  store(error: unknown): boolean;
  /** Input no store can keep: an empty id, an invalid date, version, limit or offset. */
  input(error: unknown): boolean;
  closed(error: unknown): boolean;
  /** A stale save; the error carries `id`, `expectedVersion` and `actualVersion`. */
  conflict(error: unknown): boolean;
}

/** What the tests of `extra` get: the store of the running test and the kit's helpers. */
export interface RecordStoreTester<R, F, S, H> {
  readonly store: S;
  /** What the factory returned (a store, or a store and its companions). */
  readonly handle: H;
  saveAll(records: readonly R[]): Promise<number[]>;
  listIds(filter?: F): Promise<string[]>;
  /** `list` gives exactly these ids, in order, and `count` their number. */
  expectMatches(filter: F, ids: readonly string[]): Promise<void>;
  expectInputError(promise: Promise<unknown>): Promise<void>;
  expectClosedError(promise: Promise<unknown>): Promise<void>;
}

export interface RecordStoreConformanceSpec<
  R extends StoredRecord,
  F extends PageFilter,
  S extends RecordStore<R, F>,
  H,
> {
  /** Returns a new, empty store (or what `store` takes it from). */
  factory: () => H | Promise<H>;
  /** The store under test in what the factory returned. Default: the factory's value itself. */
  store?: (handle: H) => S;
  /** Closes what the factory returned, after every test (closed or not: closing twice is fine). Default: the store's `close()`. */
  close?: (handle: H) => Promise<void>;
  /** Runs after each test, once closed: remove its file, drop its database. */
  cleanup?: (handle: H) => void | Promise<void>;
  /** The record's id field: `sessionId`, `traceId`. */
  id: keyof R & string;
  /** A valid new record (a new id, version 0, created and updated now, no optional field) with `overrides`. */
  fixture: (overrides?: Partial<R>) => R;
  /** A record with every field set, with the characters that trip up SQL, JSON and CSV encodings. */
  rich: () => R;
  /** A record as `list` gives it. Default: whole. */
  listed?: (record: R) => object;
  /** Filters that match `rich()`'s values; after it is replaced by a bare record they must match nothing. */
  filtersOf: (rich: R) => F[];
  /** The contract's list order. */
  order: (a: R, b: R) => number;
  /** The contract's filter, written plainly (paging aside): the reference the random test compares with. */
  matches: (record: R, filter: F) => boolean;
  /** `list`'s page size when no `limit` is given; undefined: all. */
  defaultLimit: number | undefined;
  /** A random record for an id; few distinct values, so filters and order ties hit often. */
  randomRecord: (next: () => number, id: string) => R;
  randomFilter: (next: () => number) => F;
  /** Filters with a date that is not one, which `list` and `count` reject. */
  badFilters: F[];
  /** Whether the store has `cleanup(olderThanMs)`, deleting by `updatedAt`. */
  hasCleanup: boolean;
  /** Filter tables, each its own test. */
  examples: FilterExample<R, F>[];
  /** The store's other methods, each called once on a closed store, which must reject. */
  otherCalls: (store: S, record: R) => Promise<unknown>[];
  errors: StoreErrorChecks;
  /** More tests, in the kit's `describe` (they share its setup and teardown). */
  extra?: (t: RecordStoreTester<R, F, S, H>) => void;
}

/**
 * The contract every ccflow record store shares (save with optimistic concurrency, load, delete, list and count
 * with filters, order and paging, cleanup, close), as a vitest suite over any record type. Call it at the top level
 * of a test file. Every test gets a new store from the factory and closes it. `@ccflow/sessions/testing` and
 * `@ccflow/tracing/testing` express their store suites with it.
 */
export function recordStoreConformance<
  R extends StoredRecord,
  F extends PageFilter,
  S extends RecordStore<R, F>,
  H = S,
>(name: string, spec: RecordStoreConformanceSpec<R, F, S, H>): void {
  const storeOf = spec.store ?? ((handle: H) => handle as unknown as S);
  const listed = spec.listed ?? ((record: R) => record);
  const idOf = (record: object): string => (record as Record<string, unknown>)[spec.id] as string;
  const at = (version: number, record: R): R => ({ ...record, version });
  const sorted = (records: R[]): R[] => [...records].sort(spec.order);

  describe(name, () => {
    let handle: H;
    let store: S;

    beforeEach(async () => {
      handle = await spec.factory();
      store = storeOf(handle);
      expect(await store.count(), 'the factory must return an empty store').toBe(0);
    });

    // Closing twice is part of the contract: a test that closed the store needs no special case.
    afterEach(async () => {
      await (spec.close ?? ((h: H) => storeOf(h).close()))(handle);
      await spec.cleanup?.(handle);
    });

    async function saveAll(records: readonly R[]): Promise<number[]> {
      const versions: number[] = [];
      for (const record of records) versions.push(await store.save(record));
      return versions;
    }

    async function listIds(filter?: F): Promise<string[]> {
      return (await store.list(filter)).map(idOf);
    }

    async function expectMatches(filter: F, ids: readonly string[]): Promise<void> {
      expect(await listIds(filter), JSON.stringify(filter)).toEqual(ids);
      expect(await store.count(filter), JSON.stringify(filter)).toBe(ids.length);
    }

    const rejects = (check: (e: unknown) => boolean) => async (promise: Promise<unknown>) => {
      await expect(promise).rejects.toSatisfy((e: unknown) => check(e) && spec.errors.store(e));
    };
    const expectInputError = rejects(spec.errors.input);
    const expectClosedError = rejects(spec.errors.closed);

    async function expectConflict(
      promise: Promise<unknown>,
      id: string,
      expectedVersion: number,
      actualVersion: number,
    ): Promise<void> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(spec.errors.conflict(error) && spec.errors.store(error), String(error)).toBe(true);
      expect(error).toMatchObject({ id, expectedVersion, actualVersion });
    }

    describe('save and load', () => {
      it('round-trips every field exactly; the first save gives version 1', async () => {
        const record = spec.rich();
        expect(await store.save(record)).toBe(1);
        const loaded = await store.load(idOf(record));
        expect(loaded).toEqual(at(1, record));
        expect(loaded?.createdAt).toBeInstanceOf(Date);
        expect(loaded?.updatedAt).toBeInstanceOf(Date);
        expect(loaded?.createdAt.getTime()).toBe(record.createdAt.getTime());
        expect(loaded?.updatedAt.getTime()).toBe(record.updatedAt.getTime());
        expect(await store.list()).toEqual([listed(at(1, record))]);
      });

      it('keeps absent optional fields absent (undefined, not null), empty text and collections empty', async () => {
        const record = spec.fixture();
        await store.save(record);
        expect(await store.load(idOf(record))).toEqual(at(1, record));
        expect(await store.list()).toEqual([listed(at(1, record))]);
      });

      it('round-trips dates before the epoch and far ahead, to the millisecond', async () => {
        const early = spec.fixture({
          createdAt: new Date('1969-12-31T23:59:59.999Z'),
          updatedAt: new Date('1900-01-01T00:00:00.001Z'),
        } as Partial<R>);
        const late = spec.fixture({
          createdAt: new Date('2999-12-31T23:59:59.999Z'),
          updatedAt: new Date(Date.UTC(2100, 5, 15, 12, 30, 45, 1)),
        } as Partial<R>);
        await saveAll([early, late]);
        expect(await store.load(idOf(early))).toEqual(at(1, early));
        expect(await store.load(idOf(late))).toEqual(at(1, late));
      });

      it('replaces the whole record: no duplicate, cleared fields are cleared', async () => {
        const first = spec.rich();
        const second = spec.fixture({ [spec.id]: idOf(first), createdAt: first.createdAt } as Partial<R>);
        await store.save(first);
        expect(await store.save(at(1, second))).toBe(2);
        expect(await store.load(idOf(first))).toEqual(at(2, second));
        expect(await store.count()).toBe(1);
        expect(await store.list()).toEqual([listed(at(2, second))]);
        for (const filter of spec.filtersOf(first)) {
          expect(await store.count(filter), JSON.stringify(filter)).toBe(0);
        }
      });

      it('loads a missing id as undefined', async () => {
        await store.save(spec.fixture({ [spec.id]: 'present' } as Partial<R>));
        expect(await store.load('absent')).toBeUndefined();
        expect(await store.load('PRESENT')).toBeUndefined();
        expect(await store.load('')).toBeUndefined();
      });

      it('keeps its own copy: mutating what was saved, loaded or listed changes nothing stored', async () => {
        const record = spec.rich();
        const snapshot = structuredClone(record);
        await store.save(record);
        scramble(record);
        scramble(await store.load(idOf(record)));
        scramble(await store.list());
        expect(record.version, 'save leaves the given record as it was').toBe(0);
        expect(await store.load(idOf(snapshot))).toEqual(at(1, snapshot));
      });

      it('rejects what no store can keep: an empty id, an invalid date or version', async () => {
        await expectInputError(store.save(spec.fixture({ [spec.id]: '' } as Partial<R>)));
        await expectInputError(store.save(spec.fixture({ createdAt: new Date(Number.NaN) } as Partial<R>)));
        await expectInputError(store.save(spec.fixture({ updatedAt: new Date('not a date') } as Partial<R>)));
        for (const version of [-1, 1.5, Number.NaN, undefined]) {
          await expectInputError(store.save(spec.fixture({ version } as Partial<R>)));
        }
        expect(await store.count()).toBe(0);
      });
    });

    describe('versions', () => {
      it('each save adds 1 and resolves to the new version, which load and list give', async () => {
        const record = spec.fixture();
        const id = idOf(record);
        expect(await store.save(record)).toBe(1);
        expect(await store.save(at(1, record))).toBe(2);
        expect(await store.save(at(2, record))).toBe(3);
        expect((await store.load(id))?.version).toBe(3);
        expect(await store.list()).toEqual([listed(at(3, record))]);
      });

      it('a stale save is a conflict naming the id and both versions, and writes nothing', async () => {
        const record = spec.rich();
        const id = idOf(record);
        await store.save(record);
        const theirs = spec.fixture({ [spec.id]: id, createdAt: record.createdAt } as Partial<R>);
        await store.save(at(1, theirs));
        await expectConflict(store.save(at(1, record)), id, 1, 2);
        await expectConflict(store.save(at(3, record)), id, 3, 2);
        expect(await store.load(id)).toEqual(at(2, theirs));
        expect(await store.list()).toEqual([listed(at(2, theirs))]);
      });

      it('saving a new record (version 0) under an id that exists is a conflict', async () => {
        const record = spec.fixture();
        await store.save(record);
        await store.save(at(1, record));
        await expectConflict(store.save(at(0, record)), idOf(record), 0, 2);
        expect((await store.load(idOf(record)))?.version).toBe(2);
      });

      it('saving at a version a record never had, or after its deletion, is a conflict; then version 0 saves anew', async () => {
        const record = spec.fixture();
        const id = idOf(record);
        await expectConflict(store.save(at(1, record)), id, 1, 0);
        expect(await store.load(id)).toBeUndefined();
        await store.save(record);
        expect(await store.delete(id)).toBe(true);
        await expectConflict(store.save(at(1, record)), id, 1, 0);
        expect(await store.count()).toBe(0);
        expect(await store.save(record)).toBe(1);
      });

      it('of many concurrent saves from one loaded version, exactly one wins, whole', async () => {
        const base = spec.fixture();
        const id = idOf(base);
        await store.save(base);
        const loaded = (await store.load(id))!;
        const variants = Array.from({ length: 20 }, (_, i) =>
          spec.fixture({
            [spec.id]: id,
            createdAt: loaded.createdAt,
            updatedAt: new Date(loaded.updatedAt.getTime() + i + 1),
            version: loaded.version,
          } as Partial<R>),
        );
        const outcomes = await Promise.allSettled(variants.map((v) => store.save(v)));
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        expect(outcomes[won[0]!]).toEqual({ status: 'fulfilled', value: 2 });
        for (const o of outcomes) {
          if (o.status === 'rejected') {
            expect(spec.errors.conflict(o.reason), String(o.reason)).toBe(true);
            expect(o.reason).toMatchObject({ id, expectedVersion: 1, actualVersion: 2 });
          }
        }
        expect(await store.load(id)).toEqual(at(2, variants[won[0]!]!));
        expect(await store.count()).toBe(1);
      });

      it('of many concurrent first saves of one id, exactly one wins', async () => {
        const records = Array.from({ length: 20 }, (_, i) =>
          spec.fixture({
            [spec.id]: 'contended',
            updatedAt: new Date(Date.UTC(2025, 0, 1) + i),
          } as Partial<R>),
        );
        const outcomes = await Promise.allSettled(records.map((r) => store.save(r)));
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        for (const o of outcomes)
          if (o.status === 'rejected') expect(spec.errors.conflict(o.reason)).toBe(true);
        expect(await store.load('contended')).toEqual(at(1, records[won[0]!]!));
      });

      it('concurrent saves of different records all land', async () => {
        const records = Array.from({ length: 50 }, (_, i) =>
          spec.fixture({ [spec.id]: `r${i}` } as Partial<R>),
        );
        expect(await Promise.all(records.map((r) => store.save(r)))).toEqual(records.map(() => 1));
        expect(await store.count()).toBe(50);
        expect(await Promise.all(records.map((r) => store.load(idOf(r))))).toEqual(
          records.map((r) => at(1, r)),
        );
      });
    });

    describe('delete', () => {
      it('says whether there was a record, and removes only that one', async () => {
        await saveAll([
          spec.fixture({ [spec.id]: 'a' } as Partial<R>),
          spec.fixture({ [spec.id]: 'b' } as Partial<R>),
        ]);
        expect(await store.delete('a')).toBe(true);
        expect(await store.delete('a')).toBe(false);
        expect(await store.load('a')).toBeUndefined();
        expect(await store.delete('never')).toBe(false);
        expect(await store.delete('B')).toBe(false);
        expect(await listIds()).toEqual(['b']);
      });
    });

    describe('filters, order and paging', () => {
      for (const example of spec.examples) {
        it(example.name, async () => {
          await saveAll(example.records());
          for (const [filter, ids] of example.cases) await expectMatches(filter, ids);
        });
      }

      it('orders by the contract, whatever the saving order or updatedAt', async () => {
        const t = (ms: number) => new Date(Date.UTC(2025, 5, 1) + ms);
        const records = [
          spec.fixture({ [spec.id]: 'late', createdAt: t(2), updatedAt: t(-9000) } as Partial<R>),
          ...['b', 'z', 'a', 'B'].map((id) => spec.fixture({ [spec.id]: id, createdAt: t(1) } as Partial<R>)),
          spec.fixture({ [spec.id]: 'first', createdAt: t(0), updatedAt: t(9000) } as Partial<R>),
        ];
        await saveAll(records);
        expect(await listIds()).toEqual(sorted(records).map(idOf));
      });

      const five = () =>
        ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
          spec.fixture({ [spec.id]: id, createdAt: new Date(Date.UTC(2025, 0, 1) + i) } as Partial<R>),
        );

      it('limit and offset page through the ordered list; count ignores them', async () => {
        const records = five();
        await saveAll(records);
        const all = sorted(records).map(idOf);
        expect(await listIds({ limit: 2 } as F)).toEqual(all.slice(0, 2));
        expect(await listIds({ limit: 2, offset: 2 } as F)).toEqual(all.slice(2, 4));
        expect(await listIds({ limit: 2, offset: 4 } as F)).toEqual(all.slice(4));
        expect(await listIds({ offset: 3 } as F)).toEqual(all.slice(3));
        expect(await listIds({ limit: 10 } as F)).toEqual(all);
        for (const filter of [
          { offset: 5 },
          { offset: 1000, limit: 3 },
          { limit: 0 },
          { limit: 0, offset: 2 },
        ]) {
          expect(await store.list(filter as F)).toEqual([]);
          expect(await store.count(filter as F)).toBe(5);
        }
      });

      it(`without a limit, lists ${spec.defaultLimit ?? 'all'}`, async () => {
        const n = (spec.defaultLimit ?? 100) + 1;
        const records = Array.from({ length: n }, (_, i) =>
          spec.fixture({
            [spec.id]: `r${String(i).padStart(3, '0')}`,
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
          } as Partial<R>),
        );
        await saveAll(records.toReversed());
        const all = sorted(records).map(idOf);
        expect(await listIds()).toEqual(all.slice(0, spec.defaultLimit));
        expect(await listIds({ offset: 1 } as F)).toEqual(
          all.slice(1, spec.defaultLimit && spec.defaultLimit + 1),
        );
        expect(await listIds({ limit: n } as F)).toEqual(all);
        expect(await store.count()).toBe(n);
      });

      it('rejects a limit or offset that is not a non-negative integer, and a date that is not one', async () => {
        await saveAll(five());
        for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          for (const filter of [{ limit: bad }, { offset: bad }] as F[]) {
            await expectInputError(store.list(filter));
            await expectInputError(store.count(filter));
          }
        }
        for (const filter of spec.badFilters) {
          await expectInputError(store.list(filter));
          await expectInputError(store.count(filter));
        }
      });

      it('random records and filters: list and count agree with the reference', async () => {
        for (let seed = 1; seed <= 25; seed += 1) {
          const next = seededRandom(seed);
          const latest = new Map<string, R>();
          for (let i = 0, n = Math.floor(next() * 20); i < n; i += 1) {
            const id = `id-${Math.floor(next() * 12)}`;
            const record = { ...spec.randomRecord(next, id), version: latest.get(id)?.version ?? 0 };
            latest.set(id, { ...record, version: await store.save(record) });
          }
          for (let i = 0; i < 12; i += 1) {
            const filter = spec.randomFilter(next);
            const matches = sorted([...latest.values()].filter((r) => spec.matches(r, filter))).map(idOf);
            const offset = filter.offset ?? 0;
            const limit = filter.limit ?? spec.defaultLimit;
            const why = `seed ${seed}, filter ${JSON.stringify(filter)}`;
            expect(await listIds(filter), why).toEqual(
              matches.slice(offset, limit === undefined ? undefined : offset + limit),
            );
            expect(await store.count(filter), why).toBe(matches.length);
          }
          for (const id of latest.keys()) await store.delete(id);
        }
      });
    });

    // Only stores that have `cleanup` get these tests: none are defined (rather than skipped) for the others.
    if (spec.hasCleanup) {
      describe('cleanup', () => {
        const cleanable = () => store as unknown as S & Cleanable;

        it('deletes records updated more than olderThanMs ago, by updatedAt, and says how many', async () => {
          const hour = 3_600_000;
          const now = Date.now();
          const record = (id: string, createdAt: number, updatedAt: number) =>
            spec.fixture({
              [spec.id]: id,
              createdAt: new Date(createdAt),
              updatedAt: new Date(updatedAt),
            } as Partial<R>);
          await saveAll([
            record('just-older', now, now - hour - 1000),
            record('much-older', now, now - 10 * hour),
            record('just-newer', now, now - hour + 1000),
            record('created-long-ago', 0, now - 1),
            record('future', now, now + hour),
          ]);
          expect(await cleanable().cleanup(hour)).toBe(2);
          expect((await listIds()).sort()).toEqual(['created-long-ago', 'future', 'just-newer']);
          expect(await cleanable().cleanup(hour)).toBe(0);
          expect(await cleanable().cleanup(0)).toBe(2);
          expect(await listIds()).toEqual(['future']);
        });

        it('returns 0 on an empty store and rejects an age that is not a finite number >= 0', async () => {
          expect(await cleanable().cleanup(1000)).toBe(0);
          for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
            await expectInputError(cleanable().cleanup(bad));
          }
        });
      });
    }

    describe('after close', () => {
      it('every method rejects with the closed error; closing twice is fine', async () => {
        const record = spec.fixture();
        await store.save(record);
        await store.close();
        const id = idOf(record);
        const calls = [
          store.save(spec.fixture()),
          store.load(id),
          store.delete(id),
          store.list(),
          store.count(),
        ];
        if (spec.hasCleanup) calls.push((store as unknown as Cleanable).cleanup(0));
        for (const call of [...calls, ...spec.otherCalls(store, record)]) await expectClosedError(call);
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    spec.extra?.({
      get store() {
        return store;
      },
      get handle() {
        return handle;
      },
      saveAll,
      listIds,
      expectMatches,
      expectInputError,
      expectClosedError,
    });
  });
}

/** Changes every array, object and date inside `value`, in place: a store that shared them would show it. */
function scramble(value: unknown): void {
  if (value instanceof Date) value.setTime(0);
  else if (Array.isArray(value)) {
    for (const item of value) scramble(item);
    value.push('scrambled');
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) scramble(item);
    (value as Record<string, unknown>).scrambled = true;
  }
}
