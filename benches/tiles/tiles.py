#!/usr/bin/env python3
"""Lists the non-empty tiles of a running ifn server over its bbox, writes the request paths
for wrk (ifn and martin URL schemes) and the same tiles as an MBTiles file for martin, and
prints tile-size statistics per zoom.

Usage: tiles.py BASE_URL LEVEL ZMIN ZMAX OUT_DIR
"""
import gzip
import json
import math
import os
import sqlite3
import sys
import urllib.request


def world(lon, lat):
    lat = max(min(lat, 85.0511287798), -85.0511287798)
    x = (lon + 180.0) / 360.0
    y = 0.5 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / (2 * math.pi)
    return x, y


def fetch(url):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as r:
        return r.status, r.read(), r.headers.get("Content-Encoding")


def main():
    base, level, zmin, zmax, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    os.makedirs(out, exist_ok=True)
    meta = json.loads(fetch(f"{base}/api/meta")[1])
    tilejson = json.loads(fetch(f"{base}/tiles/{level}.json")[1])
    w, s, e, n = meta["bbox"]
    source = f"ifn_{level}"
    mb_path = os.path.join(out, f"{source}.mbtiles")
    if os.path.exists(mb_path):
        os.remove(mb_path)
    db = sqlite3.connect(mb_path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    for k, v in [("name", source), ("format", "pbf"), ("bounds", f"{w},{s},{e},{n}"),
                 ("minzoom", str(zmin)), ("maxzoom", str(zmax)),
                 ("json", json.dumps({"vector_layers": tilejson["vector_layers"]}))]:
        db.execute("INSERT INTO metadata VALUES (?, ?)", (k, v))
    ifn_paths, martin_paths = [], []
    print(f"{'zoom':>4} {'tiles':>6} {'max KB (raw)':>13} {'mean KB (raw)':>14} {'max KB (gzip)':>14}")
    for z in range(zmin, zmax + 1):
        side = 1 << z
        x0, y0 = world(w, n)
        x1, y1 = world(e, s)
        xs = range(max(0, int(x0 * side)), min(side - 1, int(x1 * side)) + 1)
        ys = range(max(0, int(y0 * side)), min(side - 1, int(y1 * side)) + 1)
        sizes, gz_sizes = [], []
        for x in xs:
            for y in ys:
                status, body, enc = fetch(f"{base}/tiles/{level}/{z}/{x}/{y}.mvt")
                if status != 200:
                    continue
                raw = gzip.decompress(body) if enc == "gzip" else body
                data = body if enc == "gzip" else gzip.compress(body)
                sizes.append(len(raw))
                gz_sizes.append(len(data))
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, side - 1 - y, data))
                ifn_paths.append(f"/tiles/{level}/{z}/{x}/{y}.mvt")
                martin_paths.append(f"/{source}/{z}/{x}/{y}")
        if sizes:
            print(f"{z:>4} {len(sizes):>6} {max(sizes) / 1024:>13.1f} {sum(sizes) / len(sizes) / 1024:>14.1f} {max(gz_sizes) / 1024:>14.1f}")
    db.commit()
    db.close()
    with open(os.path.join(out, "ifn-paths.txt"), "w") as f:
        f.write("\n".join(ifn_paths) + "\n")
    with open(os.path.join(out, "martin-paths.txt"), "w") as f:
        f.write("\n".join(martin_paths) + "\n")
    print(f"{len(ifn_paths)} tiles; MBTiles: {mb_path}")


if __name__ == "__main__":
    main()
