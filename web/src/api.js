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
  places: (query = '') => getJson(`/api/places${query ? `?${query}` : ''}`),
  placeFacets: () => getJson('/api/places/facets'),
  table: (level, query) => getJson(`/api/table/${encodeURIComponent(level)}?${query}`),
  scores: (level, query) => getJson(`/api/scores/${encodeURIComponent(level)}?${query}`),
  tileJson: (level, query) => getJson(`/tiles/${encodeURIComponent(level)}.json?${query}`),
  /** `kind`: delta, robustness or correlations; `extra`: more query pairs (`&draws=…`). */
  analyse: (kind, level, query, extra = '', signal) =>
    getJson(`/api/analyse/${kind}/${encodeURIComponent(level)}?${query}${extra}`, { signal }),
};

/**
 * The static site the viewer runs on (`ifn site`), or null when a server answers: set by
 * `useStatic`, which answers the API in the browser from the site's files.
 */
export const mode = { site: null, api: null };

/** Answers every call of `api` from a static site (`static-api.js`) instead of the server. */
export function useStatic(staticApi) {
  mode.site = staticApi.site;
  mode.api = staticApi;
  for (const key of Object.keys(api)) {
    const f = staticApi[key];
    api[key] = f
      ? async (...args) => {
        try {
          return await f.apply(staticApi, args);
        } catch (e) {
          throw new ApiError(e.status || 400, e.message, `static:${key}`);
        }
      }
      : () => Promise.reject(new ApiError(501, 'nécessite le serveur ifn (ce site est statique)', `static:${key}`));
  }
}

/** Absolute URL template of the vector tiles of one level for a selection query. */
export function tileUrl(level, query) {
  return `${location.origin}/tiles/${level}/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`;
}

/** Absolute URL template of the mediation places' vector tiles, with the places filter query. */
export function placesTileUrl(query) {
  return `${location.origin}/tiles/places/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`;
}

/** Extensions of the level exports of `/api/export/{level}.{ext}`. */
export const EXPORT_FORMATS = ['fgb', 'gpkg', 'geojson', 'csv'];

/** URL of the export of a whole level (`excel` only for CSV: BOM, `;`, decimal comma). */
export function exportUrl(level, ext, query, { excel = false } = {}) {
  return `/api/export/${encodeURIComponent(level)}.${ext}?${query}${excel ? '&excel=1' : ''}`;
}

/** URL of the printable diagnostic territorial of one territory. */
export function diagnosticUrl(level, code, query) {
  return `/diagnostic/${encodeURIComponent(level)}/${encodeURIComponent(code)}?${query}`;
}
