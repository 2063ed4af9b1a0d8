// Base and head matched up by a stable key: what every comparison of the diff starts from.

/**
 * Base and head items paired by key, each key once: `before` or `after` is missing where the
 * item exists on one side only. Keys in sorted order, or in order of first appearance (base
 * first) with `sorted: false`.
 */
export function pairByKey<T>(
  base: readonly T[],
  head: readonly T[],
  key: (item: T) => string,
  opts: { sorted?: boolean } = {},
): { key: string; before?: T; after?: T }[] {
  const b = new Map(base.map((x) => [key(x), x]));
  const h = new Map(head.map((x) => [key(x), x]));
  const keys = [...new Set([...b.keys(), ...h.keys()])];
  if (opts.sorted ?? true) keys.sort();
  return keys.map((k) => ({ key: k, before: b.get(k), after: h.get(k) }));
}
