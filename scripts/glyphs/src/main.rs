//! `ifn-glyphs OUT_DIR RANGE_START… -- FONT.ttf…`: writes `OUT_DIR/<fontstack>/<start>-<end>.pbf`
//! for each font and each range start (a multiple of 256), with glyphore-core (node-fontnik's
//! conventions: 24 px, 3 px buffer, radius 8), and prints each file's size.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sep = args
        .iter()
        .position(|a| a == "--")
        .ok_or("usage: ifn-glyphs OUT_DIR START… -- FONT.ttf…")?;
    let out = PathBuf::from(args.first().ok_or("missing OUT_DIR")?);
    let starts: Vec<u32> = args[1..sep]
        .iter()
        .map(|s| s.parse())
        .collect::<Result<_, _>>()?;
    for font in &args[sep + 1..] {
        let bytes = std::fs::read(font)?;
        let face = glyphore_core::FontFace::parse(&bytes)?;
        let dir = out.join(face.fontstack_name());
        std::fs::create_dir_all(&dir)?;
        for &start in &starts {
            let pbf = glyphore_core::generate_range(&face, start)?;
            let path = dir.join(format!("{start}-{}.pbf", start + 255));
            std::fs::write(&path, &pbf)?;
            println!("{} {} bytes", path.display(), pbf.len());
        }
    }
    Ok(())
}
