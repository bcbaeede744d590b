//! The deterministic random generator of the demo territory and the benchmarks.
//!
//! The demo must be identical on every machine and every version of the dependencies:
//! [`SplitMix64`] is `rand_xoshiro`'s, whose output for a seed is fixed by its specification
//! (a test below holds it to the reference sequence the demo was first generated with).
//! [`DemoRng`] adds the few draws the demo needs.

pub use rand_xoshiro::rand_core::{Rng, SeedableRng};
pub use rand_xoshiro::SplitMix64;

/// The draws the demo and the benchmarks use, on any generator.
///
/// ```
/// use ifn_core::rng::{DemoRng, SeedableRng, SplitMix64};
/// let mut r = SplitMix64::seed_from_u64(7);
/// let x = r.unit();
/// assert!((0.0..1.0).contains(&x));
/// assert!(r.below(3) < 3);
/// ```
pub trait DemoRng: Rng {
    /// Uniform in `[0, 1)`, from the top 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[0, n)`; 0 when `n` is 0.
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    /// Approximately normal (mean 0, sd 1): the sum of 4 uniforms, rescaled.
    fn normal(&mut self) -> f64 {
        let s: f64 = (0..4).map(|_| self.unit()).sum();
        (s - 2.0) * (3.0f64).sqrt()
    }
}

impl<R: Rng + ?Sized> DemoRng for R {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SplitMix64 step the demo was generated with before `rand_xoshiro` (Steele, Lea and
    /// Flood, 2014; Vigna's reference C code).
    fn reference(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn the_sequence_is_the_one_the_demo_was_made_with() {
        for seed in [0u64, 7, 2023, 0x1F_2023 ^ 0xA5A5, u64::MAX] {
            let mut ours = SplitMix64::seed_from_u64(seed);
            let mut state = seed;
            for _ in 0..1000 {
                assert_eq!(ours.next_u64(), reference(&mut state), "seed {seed}");
            }
        }
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut r = SplitMix64::seed_from_u64(1);
        for _ in 0..10_000 {
            assert!((0.0..1.0).contains(&r.unit()));
            assert!((-3.0..5.0).contains(&r.range(-3.0, 5.0)));
            assert!(r.below(7) < 7);
            assert!(r.normal().abs() <= 2.0 * 3f64.sqrt());
        }
        assert_eq!(r.below(0), 0);
    }
}
