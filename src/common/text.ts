// Small text helpers every printed line shares: counts with their noun, and ANSI colours.

/** `1 test`, `2 tests`; irregular plurals passed in. */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** The noun alone, for a count printed elsewhere: `warning`, `warnings`. */
export function noun(n: number, word: string, words = `${word}s`): string {
  return n === 1 ? word : words;
}

export interface Paint {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

/** ANSI colours when `on` (a terminal, NO_COLOR unset), plain text otherwise. */
export function paint(on: boolean | undefined): Paint {
  const c = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: c(31), green: c(32), yellow: c(33), dim: c(2), bold: c(1) };
}
