//! The OpenAPI 3.0 description of the API, served at `/api/openapi.json`.

use serde_json::{json, Value};

fn q(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn p(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn selection_params() -> Vec<Value> {
    vec![
        q("profile", "Profile: tout-age (default), senior, jeune", json!({"type": "string", "default": "tout-age"})),
        q("indicators", "Comma-separated indicator keys (default: the 5 IFN indicators of the profile with data)", json!({"type": "string"})),
        q("weights", "Weights key=value,key=value (finite, ≥ 0, keys among the selected indicators; default 1)", json!({"type": "string"})),
        q("reference", "Reference set of the decile classes: france (default), departement, region", json!({"type": "string", "enum": ["france", "departement", "region"]})),
        q("threshold", "Mediation offer: base units whose score is at or above this are fragile (default 7)", json!({"type": "number", "default": 7})),
        q("distance_km", "Mediation offer: a fragile unit with no place within this distance (km) is a zone blanche (default 10)", json!({"type": "number", "minimum": 0, "default": 10})),
    ]
}

fn place_filter_params() -> Vec<Value> {
    vec![
        q("kinds", "|-separated place kinds: france_services, conseiller_numerique, aidants_connect, bibliotheque, autre (any)", json!({"type": "string"})),
        q("services", "|-separated services (any; case-insensitive exact values, see /api/places/facets)", json!({"type": "string"})),
        q("publics", "|-separated publics (any; case-insensitive exact values)", json!({"type": "string"})),
    ]
}

fn ok(description: &str, content_type: &str) -> Value {
    json!({
        "200": {"description": description, "content": {content_type: {}}},
        "400": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
    })
}

/// The OpenAPI document.
pub fn document() -> Value {
    let sel = selection_params();
    let with = |extra: Vec<Value>| -> Vec<Value> {
        extra.into_iter().chain(sel.iter().cloned()).collect()
    };
    let level = p(
        "level",
        "departement, epci, commune, iris (region when present)",
    );
    let places_params: Vec<Value> = std::iter::once(q(
        "bbox",
        "west,south,east,north in WGS84 degrees",
        json!({"type": "string"}),
    ))
    .chain(place_filter_params())
    .collect();
    let tile_params: Vec<Value> = with(vec![
        level.clone(),
        p("z", "zoom 0 to 16"),
        p("x", "column, 0 to 2^z − 1"),
        p("y", "row from the north, 0 to 2^z − 1, followed by .mvt"),
    ])
    .into_iter()
    .chain(place_filter_params())
    .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "ifn — Indice de Fragilité Numérique",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Scores, territory details, search and vector tiles of the Indice de Fragilité Numérique. Errors are {\"error\": message, \"status\": code}.",
        },
        "paths": {
            "/health": {"get": {"summary": "Liveness and store summary", "responses": ok("status, store name, fictional flag, number of base units", "application/json")}},
            "/api/meta": {"get": {"summary": "Store description, sources, bbox and levels with contours", "responses": ok("metadata", "application/json")}},
            "/api/catalogue": {"get": {"summary": "Profiles and indicators, and the indicators with data in this store", "responses": ok("catalogue", "application/json")}},
            "/api/search": {"get": {
                "summary": "Search territories by name or INSEE code (accent- and case-insensitive; exact code, then prefix, then substring; then population)",
                "parameters": [
                    {"name": "q", "in": "query", "required": true, "schema": {"type": "string", "maxLength": 200}},
                    q("limit", "1 to 100, default 10", json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 10})),
                ],
                "responses": ok("{results: [{level, code, name, parent, population, bbox}]}", "application/json"),
            }},
            "/api/territories/{level}/{code}": {"get": {
                "summary": "One territory: population, parents, total score, per indicator raw value, class, label, unit, source and vintage, and the mediation offer (places by kind and per 10,000, fragile population, distances, zones blanches)",
                "parameters": with(vec![level.clone(), p("code", "territory code")]),
                "responses": ok("territory detail", "application/json"),
            }},
            "/api/scores/{level}": {"get": {
                "summary": "Scores of every territory of a level (as `ifn score`)",
                "parameters": with(vec![level.clone(), q("format", "json (default) or csv", json!({"type": "string", "enum": ["json", "csv"]}))]),
                "responses": {
                    "200": {"description": "scores", "content": {"application/json": {}, "text/csv": {}}},
                    "400": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"},
                },
            }},
            "/api/compare": {"get": {
                "summary": "Details of several territories of one level",
                "parameters": with(vec![
                    json!({"name": "level", "in": "query", "required": true, "schema": {"type": "string"}}),
                    json!({"name": "codes", "in": "query", "required": true, "description": "comma-separated codes (1 to 50)", "schema": {"type": "string"}}),
                ]),
                "responses": ok("{territories: [territory detail]}", "application/json"),
            }},
            "/api/places": {"get": {
                "summary": "Mediation places as a GeoJSON FeatureCollection",
                "parameters": places_params,
                "responses": ok("GeoJSON FeatureCollection", "application/geo+json"),
            }},
            "/api/places/facets": {"get": {
                "summary": "Kinds, services and publics of the mediation places with their counts (to build filters)",
                "responses": ok("{total, kinds: [{key, label, count}], services: [{value, count}], publics: [{value, count}]}", "application/json"),
            }},
            "/api/export/{level}.{format}": {"get": {
                "summary": "Scores and mediation-offer figures of a level with contours as a file: fgb (FlatGeobuf with spatial index), gpkg, geojson or csv. Honours Range requests (206) so QGIS can stream a FlatGeobuf by URL.",
                "parameters": with(vec![
                    level.clone(),
                    p("format", "fgb, gpkg, geojson or csv (the extension of the path)"),
                    q("excel", "csv only: 1 for Excel in French (BOM, ';', decimal comma)", json!({"type": "string", "enum": ["0", "1"]})),
                ]),
                "responses": {
                    "200": {"description": "the file", "content": {"application/vnd.flatgeobuf": {}, "application/geopackage+sqlite3": {}, "application/geo+json": {}, "text/csv": {}}},
                    "206": {"description": "the requested byte range"},
                    "304": {"description": "not modified (If-None-Match)"},
                    "400": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"},
                    "416": {"description": "range outside the file"},
                },
            }},
            "/diagnostic/{level}/{code}": {"get": {
                "summary": "Printable diagnostic territorial (French HTML, A4): needs of the public, mediation offer, gaps, sources",
                "parameters": with(vec![level.clone(), p("code", "territory code")]),
                "responses": ok("HTML page", "text/html"),
            }},
            "/tiles/{level}.json": {"get": {
                "summary": "TileJSON 3.0.0 of a level (or `places`); the tiles URL carries the selection",
                "parameters": with(vec![level.clone()]),
                "responses": ok("TileJSON", "application/json"),
            }},
            "/tiles/{level}/{z}/{x}/{y}.mvt": {"get": {
                "summary": "Mapbox Vector Tile, one layer named as the level (or `places`); feature id = row index, properties code, name, population, score, one class per selected indicator and the mediation-offer figures (places_all…, fragile_population, mean_distance_km, fragile_share_beyond, zones_blanches). The places layer takes the filters kinds, services, publics. gzip with Accept-Encoding, ETag, 204 for an empty tile.",
                "parameters": tile_params,
                "responses": {
                    "200": {"description": "tile", "content": {"application/vnd.mapbox-vector-tile": {}}},
                    "204": {"description": "empty tile"},
                    "304": {"description": "not modified (If-None-Match)"},
                    "400": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"},
                },
            }},
        },
        "components": {
            "schemas": {"Error": {"type": "object", "required": ["error", "status"], "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}},
            "responses": {"Error": {"description": "what is wrong with the request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
    })
}
