//! INSEE's table of changes of the *Code officiel géographique* (COG): the file
//! « Événements sur les communes » (`mvtcommune`), read and written in its published format.
//!
//! One row per (commune before, commune after) pair of an event, comma separated, UTF-8, with
//! the header `MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,TYPECOM_AP,
//! COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP`. A commune nouvelle (MOD 32) has one row per
//! former commune towards the new one (`COM` → `COM`) and, when they are kept, one row per
//! commune déléguée (`COM` → `COMD`); a rétablissement (MOD 21) has one row from the parent to
//! itself and one to each re-established commune; a change of name (MOD 10) one row.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

use serde::Serialize;

use super::error::{EvolutionError, EvolutionResult};

/// The header of INSEE's table of changes, in order.
pub const MVTCOMMUNE_HEADER: [&str; 14] = [
    "MOD",
    "DATE_EFF",
    "TYPECOM_AV",
    "COM_AV",
    "TNCC_AV",
    "NCC_AV",
    "NCCENR_AV",
    "LIBELLE_AV",
    "TYPECOM_AP",
    "COM_AP",
    "TNCC_AP",
    "NCC_AP",
    "NCCENR_AP",
    "LIBELLE_AP",
];

/// MOD 10: changement de nom.
pub const MOD_RENAME: u16 = 10;
/// MOD 21: rétablissement (a commune split off again).
pub const MOD_RESTORE: u16 = 21;
/// MOD 31: fusion simple.
pub const MOD_MERGE: u16 = 31;
/// MOD 32: création de commune nouvelle.
pub const MOD_NEW_COMMUNE: u16 = 32;

/// The French label INSEE gives each kind of event (`MOD`).
///
/// ```
/// assert_eq!(ifn_core::evolution::mod_label(32), "Création de commune nouvelle");
/// ```
pub fn mod_label(code: u16) -> &'static str {
    match code {
        10 => "Changement de nom",
        20 => "Création",
        21 => "Rétablissement",
        30 => "Suppression",
        31 => "Fusion simple",
        32 => "Création de commune nouvelle",
        33 => "Fusion association",
        34 => "Transformation de fusion association en fusion simple",
        35 => "Suppression de commune déléguée",
        41 => "Changement de code dû à un changement de département",
        50 => "Changement de code dû à un transfert de chef-lieu",
        70 => "Transformation de commune associée en commune déléguée",
        71 => "Rétablissement de commune déléguée",
        _ => "Autre événement",
    }
}

/// One side (before or after) of a row of the table of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CogCommune {
    /// `COM` (commune), `COMD` (commune déléguée), `COMA` (associée) or `ARM`.
    pub typecom: String,
    /// INSEE code.
    pub code: String,
    /// Type of the name (`TNCC`: which article, 0 for none).
    pub tncc: String,
    /// Name in capitals without accents or article (`NCC`).
    pub ncc: String,
    /// Name in rich typography without article (`NCCENR`).
    pub nccenr: String,
    /// Name with its article (`LIBELLE`).
    pub libelle: String,
}

impl CogCommune {
    /// A commune (`COM`) named `libelle`, its other name fields derived as INSEE writes them.
    ///
    /// ```
    /// let c = ifn_core::evolution::CogCommune::commune("X1004", "Le Morac-sur-Mer");
    /// assert_eq!((c.tncc.as_str(), c.ncc.as_str(), c.nccenr.as_str()), ("2", "MORAC SUR MER", "Morac-sur-Mer"));
    /// ```
    pub fn commune(code: &str, libelle: &str) -> CogCommune {
        CogCommune::with_type("COM", code, libelle)
    }

    /// Like [`CogCommune::commune`] with another `TYPECOM` (`COMD` for a commune déléguée).
    pub fn with_type(typecom: &str, code: &str, libelle: &str) -> CogCommune {
        let (tncc, nccenr) = match libelle {
            l if l.starts_with("Le ") => ("2", &l[3..]),
            l if l.starts_with("La ") => ("3", &l[3..]),
            l if l.starts_with("Les ") => ("4", &l[4..]),
            l if l.starts_with("L'") => ("5", &l[2..]),
            l if l.starts_with(['A', 'E', 'I', 'O', 'U', 'É']) => ("1", l),
            l => ("0", l),
        };
        CogCommune {
            typecom: typecom.to_string(),
            code: code.to_string(),
            tncc: tncc.to_string(),
            ncc: crate::text::fold(nccenr)
                .to_uppercase()
                .replace(['-', '\''], " "),
            nccenr: nccenr.to_string(),
            libelle: libelle.to_string(),
        }
    }

    fn is_commune(&self) -> bool {
        self.typecom == "COM"
    }
}

/// One row of the table of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CogChange {
    /// Kind of event (`MOD`, see [`mod_label`]).
    pub mod_code: u16,
    /// Date the event took effect (`DATE_EFF`, `AAAA-MM-JJ`).
    pub date: String,
    /// The commune before the event.
    pub before: CogCommune,
    /// The commune after the event.
    pub after: CogCommune,
}

/// One event of the table, its rows gathered: which communes before, which after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CogEvent {
    /// Kind of event (`MOD`).
    pub mod_code: u16,
    /// INSEE's label of the kind.
    pub label: String,
    /// Date the event took effect.
    pub date: String,
    /// Communes before, `(code, name)`, by code.
    pub before: Vec<(String, String)>,
    /// Communes after, `(code, name)`, by code.
    pub after: Vec<(String, String)>,
}

impl CogEvent {
    /// The event in one French sentence.
    pub fn describe(&self) -> String {
        let list = |v: &[(String, String)]| {
            v.iter()
                .map(|(c, n)| format!("{n} ({c})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{} le {} : {} → {}",
            self.label,
            self.date,
            list(&self.before),
            list(&self.after)
        )
    }
}

/// A table of changes between two vintages of the COG.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CogChanges {
    /// The rows, in the order of the file.
    pub rows: Vec<CogChange>,
}

impl CogChanges {
    /// Reads INSEE's CSV (`,` or `;`, UTF-8, an optional BOM). Columns are found by name, so
    /// extra columns are allowed; a missing column, a bad `MOD` or an empty code is an error
    /// naming `origin`, the line and the column.
    pub fn read_csv(mut input: impl Read, origin: &str) -> EvolutionResult<CogChanges> {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|source| EvolutionError::Read {
                origin: origin.to_string(),
                source,
            })?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(bytes);
        let bad = |line: u64, column: &str, message: String| EvolutionError::Changes {
            origin: origin.to_string(),
            line,
            column: column.to_string(),
            message,
        };
        let headers = reader
            .byte_headers()
            .map_err(|e| bad(1, "", e.to_string()))?
            .clone();
        let index: Vec<usize> = MVTCOMMUNE_HEADER
            .iter()
            .map(|name| {
                headers
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(name.as_bytes()))
                    .ok_or_else(|| {
                        bad(
                            1,
                            name,
                            format!(
                                "colonne absente ; l'en-tête attendu est celui de l'INSEE : {}",
                                MVTCOMMUNE_HEADER.join(",")
                            ),
                        )
                    })
            })
            .collect::<EvolutionResult<_>>()?;
        let mut rows = Vec::new();
        for record in reader.byte_records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                bad(line, "", e.to_string())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let field = |k: usize| -> EvolutionResult<String> {
                let raw = record.get(index[k]).unwrap_or_default();
                String::from_utf8(raw.to_vec())
                    .map(|s| s.trim().to_string())
                    .map_err(|_| {
                        bad(
                            line,
                            MVTCOMMUNE_HEADER[k],
                            "texte qui n'est pas en UTF-8 (l'INSEE publie la table en UTF-8)"
                                .into(),
                        )
                    })
            };
            let mod_text = field(0)?;
            let mod_code = mod_text.parse::<u16>().map_err(|_| {
                bad(
                    line,
                    "MOD",
                    format!("« {mod_text} » n'est pas un code d'événement (10, 21, 32…)"),
                )
            })?;
            let side = |o: usize| -> EvolutionResult<CogCommune> {
                let c = CogCommune {
                    typecom: field(o)?,
                    code: field(o + 1)?,
                    tncc: field(o + 2)?,
                    ncc: field(o + 3)?,
                    nccenr: field(o + 4)?,
                    libelle: field(o + 5)?,
                };
                if c.code.is_empty() {
                    return Err(bad(
                        line,
                        MVTCOMMUNE_HEADER[o + 1],
                        "code de commune vide".into(),
                    ));
                }
                Ok(c)
            };
            rows.push(CogChange {
                mod_code,
                date: field(1)?,
                before: side(2)?,
                after: side(8)?,
            });
        }
        Ok(CogChanges { rows })
    }

    /// Writes the table in INSEE's format (`,`, UTF-8, the official header).
    pub fn write_csv(&self, out: impl Write) -> EvolutionResult<()> {
        let mut w = csv::Writer::from_writer(out);
        let write = |w: &mut csv::Writer<_>, rec: &[&str]| {
            w.write_record(rec)
                .map_err(|e| EvolutionError::Write(e.to_string()))
        };
        write(&mut w, &MVTCOMMUNE_HEADER)?;
        for r in &self.rows {
            let m = r.mod_code.to_string();
            let (a, b) = (&r.before, &r.after);
            write(
                &mut w,
                &[
                    &m, &r.date, &a.typecom, &a.code, &a.tncc, &a.ncc, &a.nccenr, &a.libelle,
                    &b.typecom, &b.code, &b.tncc, &b.ncc, &b.nccenr, &b.libelle,
                ],
            )?;
        }
        w.flush().map_err(|e| EvolutionError::Write(e.to_string()))
    }

    /// Where each commune of the earlier vintage went: for every code named before a
    /// commune-to-commune row (`COM` → `COM`), the codes of the later vintage that hold its
    /// territory, events applied in date order. Codes absent from the map are unchanged.
    ///
    /// ```
    /// use ifn_core::evolution::{CogChange, CogChanges, CogCommune};
    /// let row = |av: &str, ap: &str| CogChange { mod_code: 32, date: "2025-01-01".into(),
    ///     before: CogCommune::commune(av, "A"), after: CogCommune::commune(ap, "B") };
    /// let t = CogChanges { rows: vec![row("X1001", "X1001"), row("X1002", "X1001")] };
    /// let m = t.successors();
    /// assert_eq!(m["X1002"].iter().collect::<Vec<_>>(), ["X1001"]);
    /// ```
    pub fn successors(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut dates: Vec<&str> = self.rows.iter().map(|r| r.date.as_str()).collect();
        dates.sort_unstable();
        dates.dedup();
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for date in dates {
            let mut step: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for r in self.rows.iter().filter(|r| r.date == date) {
                if r.before.is_commune() && r.after.is_commune() {
                    step.entry(&r.before.code)
                        .or_default()
                        .insert(&r.after.code);
                }
            }
            let apply = |codes: &BTreeSet<String>| -> BTreeSet<String> {
                codes
                    .iter()
                    .flat_map(|c| match step.get(c.as_str()) {
                        Some(next) => next.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                        None => vec![c.clone()],
                    })
                    .collect()
            };
            for codes in map.values_mut() {
                *codes = apply(codes);
            }
            for (&code, _) in step.iter() {
                map.entry(code.to_string())
                    .or_insert_with(|| apply(&BTreeSet::from([code.to_string()])));
            }
        }
        map
    }

    /// The events of the table: rows of one date and kind linked by a commune are gathered
    /// (a commune nouvelle and all its former communes, a parent and the communes split off
    /// it). Rows towards communes déléguées or associées only are left out. Sorted by date,
    /// then by the first code after.
    pub fn events(&self) -> Vec<CogEvent> {
        let rows: Vec<&CogChange> = self
            .rows
            .iter()
            .filter(|r| r.before.is_commune() && r.after.is_commune())
            .collect();
        // Union-find over the rows: two rows of the same date and kind sharing a code before
        // or after belong to one event.
        let mut parent: Vec<usize> = (0..rows.len()).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let mut seen: BTreeMap<(&str, u16, u8, &str), usize> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            for key in [
                (r.date.as_str(), r.mod_code, 0u8, r.before.code.as_str()),
                (r.date.as_str(), r.mod_code, 1u8, r.after.code.as_str()),
            ] {
                match seen.get(&key) {
                    Some(&j) => {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a] = b;
                    }
                    None => {
                        seen.insert(key, i);
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<&CogChange>> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            groups.entry(root(&mut parent, i)).or_default().push(r);
        }
        let mut events: Vec<CogEvent> = groups
            .into_values()
            .map(|g| {
                let before: BTreeMap<&str, &str> = g
                    .iter()
                    .map(|r| (r.before.code.as_str(), r.before.libelle.as_str()))
                    .collect();
                let after: BTreeMap<&str, &str> = g
                    .iter()
                    .map(|r| (r.after.code.as_str(), r.after.libelle.as_str()))
                    .collect();
                let pairs = |m: BTreeMap<&str, &str>| {
                    m.into_iter()
                        .map(|(c, n)| (c.to_string(), n.to_string()))
                        .collect()
                };
                CogEvent {
                    mod_code: g[0].mod_code,
                    label: mod_label(g[0].mod_code).to_string(),
                    date: g[0].date.clone(),
                    before: pairs(before),
                    after: pairs(after),
                }
            })
            .collect();
        events.sort_by(|a, b| (&a.date, &a.after).cmp(&(&b.date, &b.after)));
        events
    }
}
