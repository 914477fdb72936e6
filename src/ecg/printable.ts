/**
 * Text from files (header fields, lead names, paths) made safe for a terminal: control bytes are
 * shown escaped instead of reaching the terminal (a NUL, an ESC sequence, a UTF-16 header read as
 * bytes), and a long field is cut with its length shown, so one refusal stays one readable line.
 * Browser-safe, no imports: the header parser, the CLI's failure path and its printouts share it.
 */

/** Longest field shown whole; a longer one keeps its start and says how long it was. */
export const FIELD_LIMIT = 80;
/** Longest message line the CLI prints; a longer one keeps its start and end and says what was cut. */
export const LINE_LIMIT = 600;

// C0 controls, DEL, C1 controls, and the bidirectional overrides/isolates (they reorder what follows);
// lone surrogates (a broken UTF-16 text) are escaped too.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character escaped (\n, \t, \0, \x1b, \u202e …): always one line. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** One field for a message: escaped, and when longer than `limit` characters, its start and its length. */
export function printableField(text: string, limit = FIELD_LIMIT): string {
  const chars = Array.from(text); // by code point, so a cut never splits a surrogate pair
  if (chars.length <= limit) return escapeControls(text);
  return `${escapeControls(chars.slice(0, limit).join(''))}… (${chars.length} characters)`;
}

/** A whole message line: escaped, and when longer than `limit`, its start and end around what was cut. */
export function printableLine(text: string, limit = LINE_LIMIT): string {
  const line = escapeControls(text);
  const chars = Array.from(line);
  if (chars.length <= limit) return line;
  const head = Math.floor(limit * 0.7), tail = limit - head;
  return `${chars.slice(0, head).join('')} …[${chars.length - head - tail} characters cut]… ${chars.slice(-tail).join('')}`;
}

/** A field in single quotes, as messages quote what a file said: `'…'`, escaped and cut. */
export const quoted = (text: string): string => `'${printableField(text)}'`;

/** Several lines (a log entry, a report): each line made printable, the line breaks kept. */
export const printableLines = (text: string): string => text.split('\n').map((l) => printableLine(l)).join('\n');
