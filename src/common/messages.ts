// One prefix, one shape: "[stripe-permission-guard] What failed: why. How to fix." Message texts
// never carry the prefix; it is added here, once, where a message leaves: a thrown error, a
// warning, a line the CLI or a reporter prints.

export const PREFIX = '[stripe-permission-guard]';

/** The message as it leaves: with the prefix, added once. */
export function prefixed(text: string): string {
  return text.startsWith(PREFIX) ? text : `${PREFIX} ${text}`;
}
