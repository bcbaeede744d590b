//! Property-based fuzzing of the parsers of outside input: the source manifest (TOML) and the
//! CSV table reader. Arbitrary input never panics, and every error names the file, the line
//! and (for table cells) the column.
//!
//! Inputs come from a small seeded generator rather than proptest: adding proptest changed
//! the feature set of the crate's test build enough to rebuild polars, which the shared
//! build machine could not afford. The cases are deterministic (a failing case is found
//! again by its seed, printed in the message).

use std::path::Path;

use ifn_ingest::manifest::{CodeKind, Manifest, ManifestError, FRANCE_MANIFEST};
use ifn_ingest::table::{CsvOptions, Table, TableError};

/// Bounded so that the suite stays a few seconds on a small machine.
const CASES: u64 = 256;

/// xorshift64*: enough to spread bytes; not for anything that needs real randomness.
struct Gen(u64);

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn options(&mut self) -> CsvOptions {
        CsvOptions {
            separator: [b';', b',', b'\t'][self.below(3)],
            skip_lines: self.below(3),
            decimal_comma: self.below(2) == 1,
            ..Default::default()
        }
    }
    /// Text that looks like a CSV file: pieces rich in separators, quotes, line ends,
    /// digits, decimal marks, secrecy tokens and non-ASCII letters.
    fn csv_like(&mut self) -> Vec<u8> {
        const PIECES: [&str; 16] = [
            ";", ",", "\"", "\n", "\r\n", "s", "ND", "2A004", "é", "12", "01001", "3,5", "4.25",
            "abc", " ", "\t",
        ];
        let n = self.below(60);
        (0..n)
            .map(|_| PIECES[self.below(PIECES.len())])
            .collect::<String>()
            .into_bytes()
    }
}

/// Checks that a table error names the file and a real line (1-based) of the file.
fn check_table_error(e: &TableError, lines: usize, seed: u64) {
    let text = e.to_string();
    assert!(text.contains("fuzz.csv"), "seed {seed}: {text}");
    let line = match e {
        TableError::Malformed { line, column, .. } => {
            assert!(!column.is_empty(), "seed {seed}: {text}");
            *line
        }
        TableError::NotANumber { line, .. }
        | TableError::BadCode { line, .. }
        | TableError::MissingColumn { line, .. } => *line,
        other => panic!("seed {seed}: unexpected error: {other}"),
    };
    assert!(
        line >= 1 && line <= lines.max(1),
        "seed {seed}: line {line} of {lines}: {text}"
    );
    assert!(
        text.contains(&format!("line {line}")),
        "seed {seed}: {text}"
    );
}

fn read_and_check(bytes: Vec<u8>, opts: &CsvOptions, seed: u64) {
    let lines = bytes.split(|&b| b == b'\n').count();
    match Table::parse_csv(bytes, Path::new("fuzz.csv"), opts) {
        Ok(t) => {
            for (j, c) in t.columns().iter().enumerate() {
                match t.numbers(c) {
                    Ok(v) => assert_eq!(v.len(), t.len(), "seed {seed}"),
                    Err(e) => {
                        check_table_error(&e, lines, seed);
                        assert!(
                            e.to_string().contains(&format!("'{c}'")),
                            "seed {seed}: {e}"
                        );
                    }
                }
                if j == 0 {
                    if let Err(e) = t.codes(c, Some(CodeKind::Commune)) {
                        check_table_error(&e, lines, seed);
                    }
                }
            }
            for row in 0..t.len() {
                assert!(t.line_of(row) <= lines.max(1), "seed {seed}");
            }
        }
        Err(e) => check_table_error(&e, lines, seed),
    }
}

#[test]
fn arbitrary_bytes_never_panic_the_csv_reader() {
    for seed in 0..CASES {
        let mut g = Gen::new(seed);
        let opts = g.options();
        read_and_check(g.bytes(300), &opts, seed);
    }
}

#[test]
fn csv_like_text_reads_or_fails_naming_file_line_and_column() {
    for seed in 0..CASES {
        let mut g = Gen::new(seed + 1_000_000);
        let opts = g.options();
        read_and_check(g.csv_like(), &opts, seed);
    }
}

fn check_manifest(text: &str, seed: u64) {
    if let Err(e) = Manifest::parse(text, Path::new("fuzz.toml")) {
        let msg = e.to_string();
        assert!(msg.contains("fuzz.toml"), "seed {seed}: {msg}");
        if let ManifestError::Toml { line, column, .. } = &e {
            assert!(
                *line >= 1 && *line <= text.lines().count() + 1,
                "seed {seed}: {msg}"
            );
            assert!(*column >= 1, "seed {seed}: {msg}");
        }
    }
}

#[test]
fn arbitrary_text_never_panics_the_manifest_parser() {
    for seed in 0..CASES {
        let mut g = Gen::new(seed + 2_000_000);
        let text = String::from_utf8_lossy(&g.bytes(200)).into_owned();
        check_manifest(&text, seed);
    }
}

#[test]
fn a_damaged_built_in_manifest_never_panics_and_names_its_line() {
    const INSERTS: [&str; 8] = ["[", "]", "=", "\"", "\n", "[[datasets]]", "key = 1", ""];
    for seed in 0..CASES {
        let mut g = Gen::new(seed + 3_000_000);
        let mut at = g.below(FRANCE_MANIFEST.len());
        while !FRANCE_MANIFEST.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + g.below(40)).min(FRANCE_MANIFEST.len());
        while !FRANCE_MANIFEST.is_char_boundary(end) {
            end -= 1;
        }
        let insert = INSERTS[g.below(INSERTS.len())];
        let text = format!(
            "{}{insert}{}",
            &FRANCE_MANIFEST[..at],
            &FRANCE_MANIFEST[end..]
        );
        check_manifest(&text, seed);
    }
}
