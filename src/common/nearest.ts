// "Did you mean …?" for misspelt permission names and method ids.

/** Damerau-free Levenshtein distance, bounded for speed: returns > max early. */
export function distance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate, if it is close enough to be a likely typo.
 *
 * @example
 * nearest('customer_reed', ['customer_read', 'customer_write']) // 'customer_read'
 */
export function nearest(input: string, candidates: Iterable<string>): string | undefined {
  const max = Math.max(2, Math.floor(input.length / 4));
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = distance(input.toLowerCase(), c.toLowerCase(), bestD);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
