#!/usr/bin/env python3
"""Cold-selection tile latency of a running ifn server (issue 11: ≤ 30 ms at p95).

For each (level, zoom) case and each of RUNS fresh selections (weights never asked before),
asks the tiles of a viewport at once, CONC requests in flight (MapLibre asks 6 per host over
HTTP/1.1), and records each request's latency. The first tiles of a fresh selection pay for
its scores and offer figures; the others wait for them (or share them). Prints p50/p95/max per
case, and every latency as JSON lines in OUT when given.

Usage: cold_selection.py BASE_URL [RUNS] [CONC] [OUT]
"""
import concurrent.futures as cf
import http.client
import json
import math
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request

# (level, zoom, viewport centre lon/lat, columns, rows): the viewer draws départements up to
# z6, EPCI at z7 and communes from z8; commune tiles at z5–z6 are the heaviest (a user who
# fixes the level), kept as the worst case.
CASES = [
    ("departement", 5, (2.5, 46.6), 3, 3),
    ("departement", 6, (2.5, 46.6), 4, 3),
    ("epci", 7, (2.5, 46.6), 4, 3),
    ("commune", 5, (2.5, 46.6), 3, 3),
    ("commune", 6, (2.5, 46.6), 4, 3),
    ("commune", 8, (4.8, 45.75), 4, 3),
    ("commune", 10, (4.8, 45.75), 4, 3),
]


def tile_of(lon, lat, z):
    n = 2 ** z
    x = (lon + 180.0) / 360.0 * n
    lat_r = math.radians(lat)
    y = (1.0 - math.log(math.tan(lat_r) + 1.0 / math.cos(lat_r)) / math.pi) / 2.0 * n
    return int(x), int(y)


def viewport(z, centre, cols, rows):
    cx, cy = tile_of(centre[0], centre[1], z)
    n = 2 ** z
    return [(z, x, y) for x in range(cx - cols // 2, cx - cols // 2 + cols)
            for y in range(cy - rows // 2, cy - rows // 2 + rows) if 0 <= x < n and 0 <= y < n]


def weights(seed, indicators):
    # A weight set never asked before in this server's life: four random decimals per
    # indicator, seeded by the clock and the run number.
    rng = random.Random(seed)
    return ",".join(f"{k}={rng.uniform(0.5, 3.0):.4f}" for k in indicators)


def get(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=120)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    conn.close()
    if r.status not in (200, 204):
        raise SystemExit(f"{path}: HTTP {r.status}: {body[:200]!r}")
    return ms


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, math.ceil(p / 100 * len(xs)) - 1))]


def main():
    base = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    conc = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    out = open(sys.argv[4], "w") if len(sys.argv) > 4 else None
    u = urllib.parse.urlparse(base)
    # The default profile's indicators that have data in this store (the default selection).
    with urllib.request.urlopen(f"{base}/api/catalogue") as r:
        cat = json.load(r)
    profile = next(p for p in cat["profiles"] if p["key"] == "tout-age")
    indicators = [k for k in profile["ifn"] if k in cat["available"]]
    seed = time.time_ns()
    print(f"{'level':<12} {'z':>2} {'tiles':>5} {'runs':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for level, z, centre, cols, rows in CASES:
        tiles = viewport(z, centre, cols, rows)
        lat = []
        # Warm-up with the default selection: the tiles' geometry (selection-independent) is
        # clipped then, as it would be on a server that has been up a while.
        with cf.ThreadPoolExecutor(conc) as pool:
            list(pool.map(lambda t: get(u.hostname, u.port, f"/tiles/{level}/{t[0]}/{t[1]}/{t[2]}.mvt"), tiles))
        for _ in range(runs):
            seed += 1
            q = urllib.parse.urlencode({"weights": weights(seed, indicators)}, safe="=,")
            paths = [f"/tiles/{level}/{tz}/{tx}/{ty}.mvt?{q}" for tz, tx, ty in tiles]
            with cf.ThreadPoolExecutor(conc) as pool:
                ms = list(pool.map(lambda p: get(u.hostname, u.port, p), paths))
            lat += ms
            if out:
                for p, m in zip(paths, ms):
                    out.write(json.dumps({"level": level, "z": z, "path": p, "ms": round(m, 2)}) + "\n")
        print(f"{level:<12} {z:>2} {len(tiles):>5} {runs:>4} {statistics.median(lat):>8.1f} "
              f"{pct(lat, 95):>8.1f} {max(lat):>8.1f}")


if __name__ == "__main__":
    main()
