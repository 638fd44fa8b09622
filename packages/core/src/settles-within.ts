/**
 * Whether `promise` settles (either way) within `ms`. The timer is cleared as soon as the race is decided, so
 * nothing is left pending that would keep the process alive or show up as an open handle.
 */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
