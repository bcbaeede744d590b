// Escaping of text put into HTML (innerHTML, attributes): the one copy every module imports.

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or null/undefined, shown empty) safe inside HTML text and quoted attributes. */
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
