//! Embeds the built web viewer (`web/dist`) into the binary. When it has not been built (no
//! npm on this machine), embeds a placeholder page saying how to build it, so `cargo build`
//! never needs npm.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const PLACEHOLDER: &str = r#"<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>ifn — visionneuse non construite</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5}code{background:#eee;padding:.1em .3em}</style>
</head><body>
<h1>Indice de Fragilité Numérique</h1>
<p>La carte n'a pas été construite : ce binaire a été compilé sans <code>web/dist</code>.</p>
<p>Pour l'inclure : <code>./scripts/build-web.sh</code> (ou <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), puis recompiler avec <code>cargo build --release</code>.</p>
<p>The web viewer was not built: run <code>./scripts/build-web.sh</code> and rebuild. The API works meanwhile: <a href="/api/meta">/api/meta</a>, <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/health">/health</a>.</p>
</body></html>
"#;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let dist = web.join("dist");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=IFN_WEB_DIST");
    let dist = std::env::var_os("IFN_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or(dist);
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        // A directory is scanned recursively by cargo: any file added, removed or touched in
        // dist/ rebuilds this crate.
        println!("cargo:rerun-if-changed={}", dist.display());
        walk(&dist, &mut files);
    } else if web.is_dir() {
        // Not built yet: watch web/ so that the first `npm run build` is picked up. (Only
        // reached before dist exists.)
        println!("cargo:rerun-if-changed={}", web.display());
    }
    let mut code = String::from("/// Embedded files of the web viewer: (path relative to dist, bytes).\npub static ASSETS: &[(&str, &[u8])] = &[\n");
    if files.is_empty() {
        let p = out_dir.join("placeholder-index.html");
        std::fs::write(&p, PLACEHOLDER).expect("OUT_DIR is writable");
        writeln!(
            code,
            "    (\"index.html\", include_bytes!({:?})),",
            p.display().to_string()
        )
        .expect("writing to a String");
        code.push_str("];\n/// Whether the real viewer was embedded (false: placeholder page).\npub const VIEWER_BUILT: bool = false;\n");
    } else {
        for f in &files {
            let rel = f
                .strip_prefix(&dist)
                .expect("walked under dist")
                .to_string_lossy()
                .replace('\\', "/");
            let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
            writeln!(
                code,
                "    ({rel:?}, include_bytes!({:?})),",
                abs.display().to_string()
            )
            .expect("writing to a String");
        }
        code.push_str("];\n/// Whether the real viewer was embedded (false: placeholder page).\npub const VIEWER_BUILT: bool = true;\n");
    }
    std::fs::write(out_dir.join("assets.rs"), code).expect("OUT_DIR is writable");
}
