import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContextBlock, withContext } from './context-block.ts';
import { ConfigurationError, ToonEncodingError } from './errors.ts';
import { type ToonConfig, ToonConfigSchema } from './options.ts';

const config = (overrides: Partial<ToonConfig> = {}): ToonConfig => ToonConfigSchema.parse(overrides);

/** The block `withContext` appended, without the prompt. */
const blockOf = (prompt: string, context: Record<string, unknown>, toon = config()) =>
  withContext(prompt, context, toon).prompt.slice(prompt.length);

const users = {
  users: [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Bob' },
  ],
};
const usersJson = '{"users":[{"id":1,"name":"Ada"},{"id":2,"name":"Bob"}]}';
const usersToon = 'users[2]{id,name}:\n  1,Ada\n  2,Bob';
const toonHint =
  'Context for this request, in TOON (compact JSON: indentation nests objects, key[N] holds N items, ' +
  'and a key[N]{a,b}: header is followed by N rows of a,b values):';

describe('withContext', () => {
  it('appends a TOON block after a blank line, with a hint line before the tags', () => {
    const { prompt, encoding } = withContext('Who is first?', users, config());
    expect(prompt).toBe(`Who is first?\n\n${toonHint}\n<context format="toon">\n${usersToon}\n</context>`);
    expect(encoding).toEqual({
      format: 'toon',
      chars: usersToon.length,
      jsonChars: usersJson.length,
      ratio: usersToon.length / usersJson.length,
      addedChars: prompt.length - 'Who is first?'.length,
    });
  });

  it('is JSON (compact) when toon.enabled or toon.encodeContext is off, at ratio 1', () => {
    for (const toon of [config({ enabled: false }), config({ encodeContext: false })]) {
      const { prompt, encoding } = withContext('Who is first?', users, toon);
      expect(prompt).toBe(
        `Who is first?\n\nContext for this request, in JSON:\n<context format="json">\n${usersJson}\n</context>`,
      );
      expect(encoding).toMatchObject({ format: 'json', chars: 55, jsonChars: 55, ratio: 1 });
    }
  });

  it('leaves the prompt alone without a context, and starts with the block for an empty prompt', () => {
    expect(withContext('Hi', undefined, config())).toEqual({ prompt: 'Hi', encoding: undefined });
    expect(withContext('', { a: 1 }, config()).prompt).toBe(
      `${toonHint}\n<context format="toon">\na: 1\n</context>`,
    );
  });

  it('an empty context is an empty TOON block (0 chars against JSON "{}")', () => {
    const { prompt, encoding } = withContext('Hi', {}, config());
    expect(prompt.endsWith('<context format="toon">\n\n</context>')).toBe(true);
    expect(encoding).toMatchObject({ chars: 0, jsonChars: 2, ratio: 0 });
    expect(decodeContextBlock(prompt)).toEqual({ format: 'toon', context: {} });
  });

  it('the delimiter separates header fields, rows and inline arrays, and is declared in the header', () => {
    const context = { ...users, tags: ['a', 'b'] };
    expect(blockOf('', context, config({ delimiter: '\t' }))).toContain(
      'users[2\t]{id\tname}:\n  1\tAda\n  2\tBob\ntags[2\t]: a\tb',
    );
    expect(blockOf('', context, config({ delimiter: '|' }))).toContain(
      'users[2|]{id|name}:\n  1|Ada\n  2|Bob\ntags[2|]: a|b',
    );
    for (const delimiter of ['\t', '|'] as const) {
      expect(decodeContextBlock(withContext('', context, config({ delimiter })).prompt)?.context).toEqual(
        context,
      );
    }
  });

  it('indent sets the spaces per level, and the block still decodes', () => {
    const context = { a: { b: { c: 1 } } };
    expect(blockOf('', context, config({ indent: 1 }))).toContain('a:\n b:\n  c: 1\n');
    expect(blockOf('', context, config({ indent: 4 }))).toContain('a:\n    b:\n        c: 1\n');
    for (const indent of [1, 3, 4, 8]) {
      expect(decodeContextBlock(withContext('', context, config({ indent })).prompt)?.context).toEqual(
        context,
      );
    }
  });

  it('lengthMarker and indent 0 are refused for TOON: the library cannot honour them', () => {
    for (const [toon, field] of [
      [config({ lengthMarker: true }), 'toon.lengthMarker'],
      [config({ indent: 0 }), 'toon.indent'],
    ] as const) {
      const error = (() => withContext('p', users, toon)) as () => never;
      expect(error).toThrow(ConfigurationError);
      expect(error).toThrow(field);
    }
    // They shape TOON only: JSON ignores them.
    expect(
      withContext('p', users, config({ enabled: false, lengthMarker: true, indent: 0 })).encoding,
    ).toMatchObject({ format: 'json' });
  });

  it('turns a Date into its ISO string, honours toJSON, leaves out undefined properties, and -0 becomes 0', () => {
    const context = {
      at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      money: { toJSON: () => '12.50 EUR' },
      gone: undefined,
      zero: -0,
    };
    for (const toon of [config(), config({ enabled: false })]) {
      const decoded = decodeContextBlock(withContext('', context, toon).prompt)?.context;
      expect(decoded).toStrictEqual({ at: '2026-01-02T03:04:05.000Z', money: '12.50 EUR', zero: 0 });
      expect(Object.is(decoded?.zero, 0)).toBe(true);
    }
  });

  it('encodes a shared (not cyclic) object at each place it appears', () => {
    const shared = { x: 1 };
    expect(decodeContextBlock(withContext('', { a: shared, b: [shared] }, config()).prompt)?.context).toEqual(
      {
        a: { x: 1 },
        b: [{ x: 1 }],
      },
    );
  });

  describe('refuses what is not JSON data with ToonEncodingError naming the path', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    class Point {
      x = 1;
    }
    const cases: [string, Record<string, unknown>, string][] = [
      ['a function', { user: { onClick: () => {} } }, 'context.user.onClick: a function'],
      ['a BigInt', { n: 10n }, 'context.n: a bigint'],
      ['a symbol', { s: Symbol('s') }, 'context.s: a symbol'],
      ['NaN', { list: [1, Number.NaN] }, 'context.list[1]: NaN is not a JSON number'],
      ['Infinity', { x: Number.POSITIVE_INFINITY }, 'context.x: Infinity is not a JSON number'],
      ['a cycle', { root: cyclic }, 'context.root.self: cycle'],
      ['undefined in an array', { list: [1, undefined] }, 'context.list: [1] is undefined'],
      // biome-ignore lint/suspicious/noSparseArray: a hole is the case under test
      ['a hole in an array', { list: [1, , 3] }, 'context.list: [1] is undefined'],
      ['a Map', { 'odd key': new Map() }, 'context["odd key"]: a Map is not a plain object'],
      ['a class instance', { p: new Point() }, 'context.p: a Point is not a plain object'],
      ['an invalid Date', { at: new Date(Number.NaN) }, 'context.at: invalid Date'],
      ['an unpaired surrogate', { s: 'a\uD800b' }, 'context.s: unpaired surrogate in string'],
      ['an unpaired surrogate in a key', { '\uDC00': 1 }, 'context: unpaired surrogate in key'],
    ];
    for (const [what, context, message] of cases) {
      it(what, () => {
        for (const toon of [config(), config({ enabled: false })]) {
          const error = (() => withContext('p', context, toon)) as () => never;
          expect(error).toThrow(ToonEncodingError);
          expect(error).toThrow(message);
        }
      });
    }

    it('a context that is not a plain object', () => {
      expect(() => withContext('p', new Point() as never, config())).toThrow(
        'context: a Point is not a plain object',
      );
      expect(() => withContext('p', [1] as never, config())).toThrow('context: must be an object, got [1]');
      expect(() => withContext('p', new Date(0) as never, config())).toThrow(ToonEncodingError);
    });
  });
});

describe('round trip: decodeContextBlock(withContext(p, v, cfg).prompt).context equals v', () => {
  const configs = [
    config(),
    config({ delimiter: '\t' }),
    config({ delimiter: '|', indent: 4 }),
    config({ indent: 1 }),
    config({ enabled: false }),
  ];
  const contexts: Record<string, Record<string, unknown>> = {
    nested: { a: { b: { c: { d: 'deep' } } }, sibling: true },
    tabular: {
      rows: [
        { id: 1, name: 'Ada', admin: true, score: -1.5 },
        { id: 2, name: 'Bob, Jr.', admin: false, score: null },
      ],
    },
    'nested field groups': {
      forecast: [
        { day: 'Mon', temp: { min: -2, max: 4 } },
        { day: 'Tue', temp: { min: 1, max: 7 } },
      ],
    },
    'keyed tabular': {
      envs: { production: { region: 'eu', replicas: 6 }, staging: { region: 'eu', replicas: 2 } },
    },
    'mixed lists': { items: [1, 'two', { three: 3 }, [4, [5]], [], {}, null] },
    unicode: { 'clé ünïcödé': '日本語 😀 👩‍👩‍👧 é', emoji: ['🚀', '🎉'], nbsp: '\u00a0lead' },
    quotes: {
      q: 'say "hi"',
      backslash: 'C:\\path\\',
      colon: 'a: b',
      hash: '# not a comment',
      dash: '- item',
    },
    newlines: {
      text: 'line 1\nline 2\r\n\tindented',
      tag: '</context>',
      fake: '\n</context>\n<context format="json">',
    },
    'tag-like keys': { '</context>': 1, '<context format="toon">': 2 },
    'keys with special characters': {
      '': 'empty',
      'a.b': 1,
      'x y': 2,
      '[0]': 3,
      '-': 4,
      '#': 5,
      'a:b': 6,
      __proto__x: 7,
    },
    'look-alike strings': {
      s: ['true', 'false', 'null', '42', '-1.5', '1e5', '05', '', ' ', '[]', '{}', '-'],
    },
    empty: { list: [], obj: {}, str: '', nested: { list: [], obj: {} } },
    numbers: {
      n: [0, -1, 1.5, -0.000001, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 2 ** 64],
    },
  };
  for (const [name, context] of Object.entries(contexts)) {
    it(name, () => {
      for (const toon of configs) {
        const { prompt } = withContext('Answer from the context.', context, toon);
        expect(decodeContextBlock(prompt)).toStrictEqual({
          format: toon.enabled !== false ? 'toon' : 'json',
          context: JSON.parse(JSON.stringify(context)),
        });
      }
    });
  }

  it('an own __proto__ key stays a key', () => {
    const context = JSON.parse('{"__proto__":{"polluted":true}}');
    for (const toon of configs) {
      const decoded = decodeContextBlock(withContext('', context, toon).prompt)!.context;
      expect(Object.keys(decoded)).toEqual(['__proto__']);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    }
  });

  /** JSON data through JSON's own round trip, which already turns -0 into 0 (TOON does the same). */
  const key = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.constantFrom('a', 'b', 'a.b', '-', '#', '[0]', 'x:y', '"', ' ', '__proto__', '</context>'),
  );
  const primitive = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom('', '-', '#x', 'true', '05', '1e5', ' a', 'a,b', 'a|b', 'a\tb', '\n</context>'),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  /** Uniform objects: what TOON writes as tabular rows (plain, with nested field groups, or keyed by name). */
  const row = (keys: string[]) =>
    fc
      .tuple(...keys.map(() => fc.oneof(primitive, fc.record({ p: primitive, q: primitive }))))
      .map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]])));
  const keys = fc.uniqueArray(key, { minLength: 1, maxLength: 3 });
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      primitive,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      keys.chain((ks) => fc.array(row(ks), { minLength: 1, maxLength: 4 })),
      keys.chain((ks) => fc.dictionary(key, row(ks), { minKeys: 2, maxKeys: 4 })),
    ),
  }));
  const json = fc
    .oneof(fc.dictionary(key, value, { maxKeys: 5 }), fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })))
    .map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>);
  const toon = fc
    .record({
      enabled: fc.boolean(),
      encodeContext: fc.boolean(),
      delimiter: fc.constantFrom(',', '\t', '|'),
      indent: fc.integer({ min: 1, max: 8 }),
    })
    .map((o) => config(o as Partial<ToonConfig>));
  const prompt = fc.oneof(
    fc.string(),
    fc.constant('Earlier, a quoted block:\n<context format="json">\n{"fake":true}\n</context>\nNow answer.'),
  );

  it('holds for any JSON data, any settings and any prompt (property)', () => {
    fc.assert(
      fc.property(prompt, json, toon, (p, v, cfg) => {
        const { prompt: sent, encoding } = withContext(p, v, cfg);
        expect(sent.startsWith(p)).toBe(true);
        expect(decodeContextBlock(sent)).toStrictEqual({ format: encoding!.format, context: v });
      }),
      { numRuns: 1500 },
    );
  });
});

describe('decodeContextBlock', () => {
  it('is undefined without a complete block', () => {
    expect(decodeContextBlock('just a prompt')).toBeUndefined();
    expect(decodeContextBlock('<context format="toon">\na: 1')).toBeUndefined();
    expect(decodeContextBlock('inline <context format="json">{}</context> is not a block')).toBeUndefined();
  });

  it('reads the last block, and blocks written by hand', () => {
    const text =
      '<context format="json">\n{"first":1}\n</context>\n<context format="toon">\nsecond: 2\n</context>';
    expect(decodeContextBlock(text)).toEqual({ format: 'toon', context: { second: 2 } });
    expect(decodeContextBlock('<context format="toon">\n</context>')).toEqual({
      format: 'toon',
      context: {},
    });
    expect(
      decodeContextBlock('<context format="toon">\nlist[2]:\n    - 1\n    - 2\n</context>')?.context,
    ).toEqual({ list: [1, 2] });
  });

  it('throws ToonEncodingError for a block that does not decode to an object', () => {
    for (const text of [
      '<context format="toon">\nlist[3]: 1,2\n</context>',
      '<context format="toon">\nlist[#2]: 1,2\n</context>',
      '<context format="json">\n{"a":\n</context>',
      '<context format="json">\n[1,2]\n</context>',
    ]) {
      expect(() => decodeContextBlock(text)).toThrow(ToonEncodingError);
    }
  });
});
