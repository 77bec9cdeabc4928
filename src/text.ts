/** Text helpers for what flowq shows people: messages, error bodies, logs. */

/** The first line of a text: an error message without the detail that follows it. */
export function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** The first line of an error's message (of what was thrown, when not an Error). */
export function errorLine(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}

/** The items of a comma-separated list, each trimmed, empty ones dropped: `a, b,` is `['a', 'b']`. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A value cut to a short prefix, so an error message never echoes a megabyte back. */
export function shorten(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length} characters)`;
}

/**
 * Bidirectional controls (embeddings, overrides, isolates, the direction marks and the Arabic letter
 * mark U+061C) and the invisible operators U+2060–U+2064: in data they can make `\u202Eexe.live`
 * read as `evil.exe`, or hide what a value holds.
 */
export const INVISIBLE_FORMAT_CHARS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069';

// C0 controls, DEL, C1 controls (ESC and CSI start terminal escape sequences), and the invisible format characters.
const NOT_INERT = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE_FORMAT_CHARS}]`, 'g');

/**
 * Text a terminal shows as it is: control characters as `\x1b` (C0, DEL, C1) and bidi or invisible
 * format characters as `⟨U+202E⟩`, so data can neither move the cursor, clear the screen, set the
 * title or plant a link, nor reorder what a person reads. Tabs and line ends are escaped too: one
 * value stays on its line.
 */
export function inertText(text: string): string {
  return text.replace(NOT_INERT, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0x9f ? `\\x${code.toString(16).padStart(2, '0')}` : `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
  });
}
