// The data of a static IFN site (`ifn site`, crates/export/src/site): loaded on demand from
// files beside the page, kept once loaded. See the Rust module for the layout.

/** Error of a static site's file (missing, or not what `ifn site` writes). */
export class SiteError extends Error {}

/** Bytes of a file, inflated when gzip (hosts serve `.gz` files as they are, or inflate them). */
async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new SiteError(`${url} : ${res.status} ${res.statusText} (fichier du site manquant ?)`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A typed array over bytes (copied when unaligned). */
function typed(Type, bytes) {
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0 && bytes.byteLength % Type.BYTES_PER_ELEMENT === 0) {
    return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
  }
  return new Type(bytes.slice().buffer);
}

export class SiteData {
  /** `manifest`: `data/site.json`; `base`: the site's root URL (ending in `/`). */
  constructor(base, manifest) {
    this.base = base;
    this.manifest = manifest;
    this.n = manifest.units;
    this.column = new Map(manifest.indicators.map((k, j) => [k, j]));
    this.levels = manifest.levels.map((l) => l.level);
    this.cache = new Map();
  }

  /** Opens the site whose `data/site.json` is at `url` (relative to the page). */
  static async open(url) {
    const abs = new URL(url, location.href);
    const res = await fetch(abs);
    if (!res.ok) throw new SiteError(`${abs} : ${res.status} (le dossier publié par ifn site est-il complet ?)`);
    const manifest = await res.json();
    if (manifest.format !== 1) throw new SiteError(`${abs} : format ${manifest.format} inconnu de cette visionneuse`);
    return new SiteData(new URL('..', abs).href, manifest);
  }

  /** Absolute URL of a file of the site. */
  url(path) {
    return new URL(path, this.base).href;
  }

  once(key, load) {
    if (!this.cache.has(key)) {
      const p = load();
      // A failed load is tried again next time.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return this.cache.get(key);
  }

  /** Bytes of a file of the site (inflated). */
  bytes(path) {
    return fetchBytes(this.url(path));
  }

  /** Population of each base unit (Float64Array). */
  population() {
    return this.once('population', async () => typed(Float64Array, await fetchBytes(this.url('data/population.f64.gz'))));
  }

  /** Classes of every unit for a reference set (Uint8Array, column-major). */
  classes(reference) {
    if (!this.manifest.references.includes(reference)) {
      return Promise.reject(new SiteError(`référence « ${reference} » inconnue : ${this.manifest.references.join(', ')}`));
    }
    return this.once(`classes-${reference}`, async () => fetchBytes(this.url(`data/classes-${reference}.u8.gz`)));
  }

  /** Raw values of one indicator for every unit (Float64Array). */
  raw(key) {
    return this.once(`raw-${key}`, async () => typed(Float64Array, await fetchBytes(this.url(`data/raw-${key}.f64.gz`))));
  }

  /** Row at `level` of each base unit (Uint32Array), or null at the base level. */
  ofUnit(level) {
    if (level === this.levels[0]) return Promise.resolve(null);
    return this.once(`of-${level}`, async () => typed(Uint32Array, await fetchBytes(this.url(`data/of-unit-${level}.u32.gz`))));
  }

  /** `{codes, names, bbox, row}` of a level's territories (row: code → row). */
  territories(level) {
    if (!this.levels.includes(level)) return Promise.reject(new SiteError(`niveau « ${level} » absent de ce site : ${this.levels.join(', ')}`));
    return this.once(`territories-${level}`, async () => {
      const t = JSON.parse(new TextDecoder().decode(await fetchBytes(this.url(`data/territories-${level}.json.gz`))));
      t.row = new Map(t.codes.map((c, i) => [c, i]));
      return t;
    });
  }

  /** The places archive (`pmtiles://` URL) or null. */
  placesUrl() {
    return this.manifest.places ? `pmtiles://${this.url('tiles/places.pmtiles')}` : null;
  }

  /** The archive of a level (`pmtiles://` URL for MapLibre) or null. */
  tilesUrl(level, kind = 'tiles') {
    const l = this.manifest.levels.find((x) => x.level === level);
    return l && l[kind] ? `pmtiles://${this.url(l[kind])}` : null;
  }
}
