// How large the checker's caches may grow in this thread. The default sizes suit one checker
// that keeps a driver's whole header closure from check to check: the editor across
// keystrokes, the CLI across a vendor driver's files, which read the same multi-megabyte
// register headers. Each of the CLI's n checking threads takes 1/n of them, so that the threads
// together keep what one would (src/cli/workers.ts says what that saves and costs). A cache takes
// its size when it is made, so the share is set before the thread makes its first checker; the
// module-level caches are made at their first use for that reason.

let share = 1;

/** Caches made from now on in this thread keep `fraction` (0 < fraction ≤ 1) of their default size. */
export function shareCaches(fraction: number): void {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`a cache share is a fraction in (0, 1], not ${fraction}`);
  share = fraction;
}

/** A module-level cache made at its first use, when the thread's share is set: `made()` returns the one cache. */
export function madeAtFirstUse<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** `defaultSize` (entries or characters) scaled by this thread's share: a whole number, at least 1. */
export function cacheSize(defaultSize: number): number {
  return Math.max(1, Math.ceil(defaultSize * share));
}
