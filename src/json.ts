// Where a JSON syntax error is, in words a person can act on ("at line 3, column 35").

/**
 * The line and column of a `JSON.parse` error in `text`, and the error without V8's position.
 *
 * @example
 * describeJsonError('{\n "a": }', e) // { where: ' at line 2, column 7', detail: 'Unexpected token }' }
 */
export function describeJsonError(text: string, error: unknown): { where: string; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  const pos = /position (\d+)/.exec(message);
  let where = '';
  if (pos) {
    const upTo = text.slice(0, Number(pos[1]));
    where = ` at line ${upTo.split('\n').length}, column ${upTo.length - upTo.lastIndexOf('\n')}`;
  }
  return { where, detail: message.replace(/ in JSON at position \d+.*$/, '') };
}
