/**
 * `value` as JSON text, for any value, never throwing. `JSON.stringify` recurses and overflows the stack on values
 * nested a few thousand deep, which `JSON.parse` reads fine (a 10 KB line suffices); those, and cycles, are written
 * by a loop instead. A value JSON has no text for (`undefined`, a function, a symbol) gives `String(value)`.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return iterative(value);
    } catch {
      return '[unprintable]';
    }
  }
}

interface Frame {
  value: object;
  /** The keys of an object; undefined for an array. */
  keys: string[] | undefined;
  at: number;
  /** A member has been written (objects skip members JSON leaves out, so `at` cannot tell). */
  wrote: boolean;
}

/** `JSON.stringify` without recursion: cycles become `"[Circular]"`, BigInts their digits, `toJSON` is not called. */
function iterative(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  const write = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) {
      out.push(scalar(v) ?? 'null');
    } else if (onPath.has(v)) {
      out.push('"[Circular]"');
    } else {
      onPath.add(v);
      const isArray = Array.isArray(v);
      out.push(isArray ? '[' : '{');
      stack.push({ value: v, keys: isArray ? undefined : Object.keys(v), at: 0, wrote: false });
    }
  };
  if (typeof root !== 'object' && scalar(root) === undefined) return String(root);
  write(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const size = f.keys === undefined ? (f.value as unknown[]).length : f.keys.length;
    if (f.at === size) {
      out.push(f.keys === undefined ? ']' : '}');
      onPath.delete(f.value);
      stack.pop();
      continue;
    }
    if (f.keys === undefined) {
      if (f.at > 0) out.push(',');
      write((f.value as unknown[])[f.at++]);
      continue;
    }
    const key = f.keys[f.at++]!;
    const v = (f.value as Record<string, unknown>)[key];
    if (typeof v !== 'object' && scalar(v) === undefined) continue;
    out.push(f.wrote ? ',' : '', JSON.stringify(key), ':');
    f.wrote = true;
    write(v);
  }
  return out.join('');
}

/** A non-object's JSON text; undefined for what JSON leaves out. */
function scalar(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return String(v);
    case 'bigint':
      return v.toString();
    default:
      return v === null ? 'null' : undefined;
  }
}
