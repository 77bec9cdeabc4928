/** Text helpers for what flowq shows people: messages, error bodies, logs. */

/** A value cut to a short prefix, so an error message never echoes a megabyte back. */
export function shorten(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length} characters)`;
}
