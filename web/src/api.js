// Thin client of the ifn HTTP API (docs/api.md). Every scoring call carries the selection query.

/** Error raised when the server answers with a 4xx/5xx; carries the server's message. */
export class ApiError extends Error {
  constructor(status, message, url) {
    super(message);
    this.status = status;
    this.url = url;
  }
}

async function getJson(url, { signal } = {}) {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && body.error) message = body.error;
    } catch {
      // keep the status line: the body was not JSON
    }
    throw new ApiError(res.status, message, url);
  }
  return res.json();
}

export const api = {
  meta: () => getJson('/api/meta'),
  catalogue: () => getJson('/api/catalogue'),
  search: (q, signal) => getJson(`/api/search?q=${encodeURIComponent(q)}&limit=8`, { signal }),
  territory: (level, code, query) =>
    getJson(`/api/territories/${encodeURIComponent(level)}/${encodeURIComponent(code)}?${query}`),
  places: () => getJson('/api/places'),
  tileJson: (level, query) => getJson(`/tiles/${encodeURIComponent(level)}.json?${query}`),
};

/** Absolute URL template of the vector tiles of one level for a selection query. */
export function tileUrl(level, query) {
  return `${location.origin}/tiles/${level}/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`;
}
