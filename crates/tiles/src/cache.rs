//! A small size-bounded cache with least-recently-used eviction, shared behind a mutex.
//!
//! Tiles are small and hit rates high, so a `Mutex<HashMap>` with batch eviction is enough and
//! keeps the dependency list short (no moka). Eviction drops the least recently used quarter
//! at once, so its O(n log n) sort is paid rarely.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

struct Entry<V> {
    value: V,
    size: usize,
    used: u64,
}

struct Inner<K, V> {
    map: HashMap<K, Entry<V>>,
    clock: u64,
    bytes: usize,
}

/// A thread-safe cache bounded by the sum of the sizes given at insertion.
///
/// ```
/// use ifn_tiles::SizedCache;
/// let cache: SizedCache<u32, &str> = SizedCache::new(10);
/// cache.insert(1, "a", 6);
/// cache.insert(2, "b", 6); // over budget: the least recently used entry goes
/// assert_eq!(cache.get(&1), None);
/// assert_eq!(cache.get(&2), Some("b"));
/// ```
pub struct SizedCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> SizedCache<K, V> {
    /// A cache holding at most `capacity` (in the unit of the sizes given to `insert`).
    pub fn new(capacity: usize) -> SizedCache<K, V> {
        SizedCache {
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                clock: 0,
                bytes: 0,
            }),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        // A panic while holding the lock can only leave a consistent map (no user code runs
        // under it), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value for `key` (or anything the key type borrows as, like `&str` for
    /// `Box<str>` keys), marking it as recently used.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut g = self.lock();
        g.clock += 1;
        let now = g.clock;
        g.map.get_mut(key).map(|e| {
            e.used = now;
            e.value.clone()
        })
    }

    /// Inserts a value of a given size, evicting the least recently used entries when the
    /// capacity is exceeded. A value larger than the whole capacity is not kept.
    pub fn insert(&self, key: K, value: V, size: usize) {
        if size > self.capacity {
            return;
        }
        let mut g = self.lock();
        g.clock += 1;
        let used = g.clock;
        if let Some(old) = g.map.insert(key, Entry { value, size, used }) {
            g.bytes -= old.size;
        }
        g.bytes += size;
        if g.bytes > self.capacity {
            let mut ages: Vec<(u64, K)> = g.map.iter().map(|(k, e)| (e.used, k.clone())).collect();
            ages.sort_unstable_by_key(|(u, _)| *u);
            let target = self.capacity / 4 * 3;
            for (_, k) in ages {
                if g.bytes <= target {
                    break;
                }
                if let Some(e) = g.map.remove(&k) {
                    g.bytes -= e.size;
                }
            }
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sum of the sizes of the entries.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cache_misses() {
        let c: SizedCache<u8, u8> = SizedCache::new(0);
        assert_eq!(c.get(&1), None);
        c.insert(1, 1, 1);
        assert!(c.is_empty(), "a value larger than the capacity is not kept");
    }

    #[test]
    fn recently_read_entries_survive_eviction() {
        let c = SizedCache::new(100);
        for i in 0..10u32 {
            c.insert(i, i, 10);
        }
        assert_eq!(c.get(&0), Some(0));
        c.insert(10, 10, 10);
        assert!(c.bytes() <= 100);
        assert_eq!(c.get(&0), Some(0), "0 was read last, 1 was not");
        assert_eq!(c.get(&1), None);
    }

    #[test]
    fn replacing_a_key_does_not_leak_its_size() {
        let c = SizedCache::new(100);
        c.insert(1, 1, 40);
        c.insert(1, 2, 30);
        assert_eq!(c.bytes(), 30);
        assert_eq!(c.get(&1), Some(2));
    }
}
