import { INVISIBLE_FORMAT_CHARS } from '../text.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML and SVG, in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

// Bidi controls and invisible operators (see INVISIBLE_FORMAT_CHARS): a report names them instead of obeying them.
const BIDI_CONTROLS = new RegExp(`[${INVISIBLE_FORMAT_CHARS}]`, 'g');

/** Text with each bidirectional control shown as `⟨U+202E⟩`, so what a person reads is what the data holds. */
export function revealControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
