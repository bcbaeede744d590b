//! Clustering of places at low zoom: one point per cell of a screen grid.

/// Highest zoom at which places are clustered; from the next zoom every place is drawn.
pub const CLUSTER_MAX_ZOOM: u8 = 11;
/// Side of a cluster cell, in screen pixels of a 512-pixel tile.
pub const CLUSTER_CELL_PX: i32 = 48;
/// Cluster properties counting each kind, in the order of `PlaceKind::ALL`.
pub(crate) const CLUSTER_COUNT_KEYS: [&str; 5] = [
    "count_france_services",
    "count_conseiller_numerique",
    "count_aidants_connect",
    "count_bibliotheque",
    "count_autre",
];

/// Groups points by grid cell (of `cell` tile units), in the order cells are first met;
/// each group at the mean position of its points.
pub(crate) fn cluster(points: &[(usize, (i32, i32))], cell: i32) -> Vec<(Vec<usize>, (i32, i32))> {
    let mut index: std::collections::HashMap<(i32, i32), usize> = std::collections::HashMap::new();
    let mut groups: Vec<(Vec<usize>, (i64, i64))> = Vec::new();
    for &(i, (x, y)) in points {
        let key = (x.div_euclid(cell), y.div_euclid(cell));
        let g = *index.entry(key).or_insert_with(|| {
            groups.push((Vec::new(), (0, 0)));
            groups.len() - 1
        });
        groups[g].0.push(i);
        groups[g].1 .0 += i64::from(x);
        groups[g].1 .1 += i64::from(y);
    }
    groups
        .into_iter()
        .map(|(members, (sx, sy))| {
            let n = members.len() as i64;
            let mean = |s: i64| i32::try_from(s / n).unwrap_or(0);
            (members, (mean(sx), mean(sy)))
        })
        .collect()
}
