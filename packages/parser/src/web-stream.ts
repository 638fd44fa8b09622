/**
 * Reads a WHATWG `ReadableStream` (from `fetch`, `Response.body`, or `Readable.toWeb`) as an async iterable, for
 * runtimes whose streams are not async iterable themselves. Cancelling the iteration cancels the stream.
 */
export async function* fromReadableStream<T>(stream: ReadableStream<T>): AsyncGenerator<T> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
