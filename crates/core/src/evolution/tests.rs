//! Tests of the comparison of two vintages.

use super::*;

#[test]
fn explore() {
    let (_, c) = crate::demo::vintage(2).unwrap();
    let mut out = Vec::new();
    c.as_ref().unwrap().write_csv(&mut out).unwrap();
    println!("{}", String::from_utf8(out).unwrap());
    for e in c.unwrap().events() { println!("{}", e.describe()); }
}
