//! Rebuilds the crate when the web viewer is rebuilt: `rust-embed` includes `web/dist` at
//! compile time, but cargo does not know it reads that folder (Vite renames its hashed files
//! on every build, so the embedded list changes too).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Before the first `npm run build` there is no dist: watch web/ so that it is picked up
    // (a missing path would rebuild this crate every time).
    if std::path::Path::new("../../web/dist").is_dir() {
        println!("cargo:rerun-if-changed=../../web/dist");
    } else {
        println!("cargo:rerun-if-changed=../../web");
    }
}
