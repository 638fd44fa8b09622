/** A value, or a function giving the current one: lets a decorator follow a process-wide default that is reset. */
export type Provider<T> = T | (() => T);

export function provide<T extends object>(provider: Provider<T>): T {
  return typeof provider === 'function' ? (provider as () => T)() : provider;
}
