//! Deterministic randomness for the generator (no floating point, no hash-map order).

// ---------------------------------------------------------------- randomness

/// SplitMix64: tiny, fast, and good enough for synthetic data.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6A09_E667_F3BC_C908)
    }
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    pub(super) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `percent`/100.
    pub(super) fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// In `0..n`, biased towards 0 (the minimum of two uniform draws).
    pub(super) fn popular(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `k` distinct entries of `pool` (fewer if it is shorter), favouring its front, in pool order.
pub(super) fn sample(rng: &mut Rng, pool: &[u32], k: usize) -> Vec<u32> {
    let k = k.min(pool.len());
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    while picked.len() < k {
        let mut i = rng.popular(pool.len());
        let mut tries = 0;
        while picked.contains(&i) {
            tries += 1;
            i = if tries < 32 {
                rng.popular(pool.len())
            } else {
                (0..pool.len()).find(|j| !picked.contains(j)).expect("k <= pool")
            };
        }
        picked.push(i);
    }
    picked.sort_unstable();
    picked.into_iter().map(|i| pool[i]).collect()
}

/// Cumulative weights, for [`pick_weighted`].
pub(super) fn cumulative(weights: impl Iterator<Item = u32>) -> Vec<u32> {
    weights
        .scan(0u32, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

pub(super) fn pick_weighted(rng: &mut Rng, cum: &[u32]) -> usize {
    let total = *cum.last().expect("at least one weight") as usize;
    let r = rng.below(total) as u32;
    cum.partition_point(|&c| c <= r)
}
