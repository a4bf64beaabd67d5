//! Shared set-up for the benchmarks: synthetic organisations from [`entitle::gen`].

use entitle::gen::{generate_string, GenConfig};
use entitle::Policy;

/// Products in every benchmark organisation.
pub const PRODUCTS: usize = 256;

/// The organisation used at a given size: 256 products, about one group per 500 users
/// (clamped to 20..=2000), seed 1.
pub fn config(users: usize) -> GenConfig {
    GenConfig {
        users,
        products: PRODUCTS,
        groups: (users / 500).clamp(20, 2000),
        seed: 1,
    }
}

/// Generate the organisation's text and load it.
pub fn load(users: usize) -> (String, Policy) {
    let text = generate_string(&config(users));
    let policy = match Policy::parse("bench.ent", &text) {
        Ok(p) => p,
        Err(e) => panic!("generated policy ({users} users) does not load:\n{}", e.render(false)),
    };
    (text, policy)
}
