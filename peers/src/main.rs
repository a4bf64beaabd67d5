//! `cargo run -p peers --release -- --users N --products M`: entitle, Cedar and Rego side by
//! side on the same synthetic organisation and the same random requests.

use clap::Parser;
use std::io::Write;

/// Decide the same random (principal, product) requests with entitle, Cedar and Rego
/// (regorus), count every disagreement with entitle, and time each engine.
#[derive(Parser, Debug)]
#[command(name = "peers")]
struct Args {
    /// Users in the synthetic organisation
    #[arg(long, default_value_t = 1000)]
    users: usize,
    /// Products
    #[arg(long, default_value_t = 64)]
    products: usize,
    /// Entitlement groups (default: users / 50, clamped to 10..=1000)
    #[arg(long)]
    groups: Option<usize>,
    /// Seed for the organisation and for the requests
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Random (principal, product) requests, each decided by every engine
    #[arg(long, default_value_t = 100_000)]
    requests: usize,
    /// Requests timed one by one for the latency percentiles
    #[arg(long, default_value_t = 10_000)]
    sample: usize,
    /// Revision 2 principals of each kind added to the generated organisation (users falling
    /// back to the highest revenue, users with an Entitlement Country attribute, keys `in` a
    /// country with and without a group), plus revenues and two `global` products; 0: none
    /// (default: users / 100, at least 12)
    #[arg(long)]
    r2: Option<usize>,
}

fn main() {
    let args = Args::parse();
    let cfg = peers::Config {
        users: args.users,
        products: args.products,
        groups: args.groups.unwrap_or_else(|| peers::Config::default_groups(args.users)),
        seed: args.seed,
        requests: args.requests,
        sample: args.sample,
        r2: args.r2.unwrap_or((args.users / 100).max(12)),
    };
    let mut log = |m: &str| {
        eprintln!("peers: {m}");
    };
    match peers::run(&cfg, &mut log) {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", peers::render(&report));
            if report.total_problems() > 0 {
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("peers: {e}");
            std::process::exit(2);
        }
    }
}
