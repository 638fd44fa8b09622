/**
 * `JSON.stringify` without recursion, for the values it cannot take: parsed JSON nested deeper than the call stack
 * (plain objects, arrays, strings, numbers, booleans, null). Slower, and used only then.
 */
export function stringifyDeep(root: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Raw) out.push(item.text);
    else if (Array.isArray(item)) {
      out.push('[');
      stack.push(CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i] === undefined ? null : item[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else if (typeof item === 'object' && item !== null) {
      out.push('{');
      stack.push(CLOSE_OBJECT);
      const entries = Object.entries(item).filter(([, v]) => v !== undefined);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i]!;
        stack.push(v, new Raw(`${JSON.stringify(key)}:`));
        if (i > 0) stack.push(COMMA);
      }
    } else out.push(JSON.stringify(item) ?? 'null');
  }
  return out.join('');
}

/** JSON text already written, on `stringifyDeep`'s stack. */
class Raw {
  constructor(readonly text: string) {}
}
const CLOSE_ARRAY = new Raw(']');
const CLOSE_OBJECT = new Raw('}');
const COMMA = new Raw(',');
