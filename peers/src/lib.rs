//! entitle's decision procedure (LANGUAGE.md §3) translated to Cedar and to Rego, checked
//! against entitle on the same requests and measured side by side, in one process.
//!
//! [`cedar`] and [`rego`] hold the translations (the rules are the fixed files under
//! `policies/`; the entities and the data document are generated from the resolved model).
//! [`run`] generates a synthetic organisation, loads it in every engine, draws random
//! (principal, product) requests, compares every engine's answer with
//! `entitle::eval::decide` and times them.

pub mod cedar;
pub mod rego;

use entitle::compile::Compiled;
use entitle::eval::{self, Rule};
use entitle::gen::GenConfig;
use entitle::model::ProductId;
use entitle::{Access, Policy};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How Cedar's answers name the group rules: one family (see `policies/entitle.cedar`).
pub const GROUP_FAMILY: &str = "group-*";

/// The position of a rule (or the group family) in §3's order.
pub fn step_of(rule: &str) -> usize {
    if rule == GROUP_FAMILY {
        return Rule::ALL.iter().position(|r| *r == Rule::GroupAllowed).unwrap_or(0);
    }
    Rule::parse(rule).map_or(usize::MAX, |r| Rule::ALL.iter().position(|x| *x == r).unwrap_or(0))
}

/// A rule's name, or its family for the group rules.
pub fn family(rule: Rule) -> &'static str {
    if rule.is_group_rule() {
        GROUP_FAMILY
    } else {
        rule.as_str()
    }
}

/// One engine's answer to one request, in a common form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub allow: bool,
    /// The rule named, when the engine can name one.
    pub rule: Option<String>,
    /// The credited group, when the engine can name one.
    pub group: Option<String>,
    /// Evaluation errors reported with the answer (Cedar skips a policy that errors).
    pub errors: Vec<String>,
}

/// How much of the rule attribution an engine gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribution {
    /// Rule and credited group, exactly as entitle.
    Full,
    /// The rule, with the four group rules as one family and no group.
    Family,
}

/// What to generate and how many requests to draw.
#[derive(Clone, Debug)]
pub struct Config {
    pub users: usize,
    pub products: usize,
    pub groups: usize,
    pub seed: u64,
    pub requests: usize,
    /// Requests timed one by one for the latency percentiles.
    pub sample: usize,
    /// Revision 2 constructs added to the generated organisation ([`add_r2`]): this many of
    /// each kind of added principal; 0 leaves `gen`'s output as it is.
    pub r2: usize,
}

impl Config {
    /// The default number of groups for a number of users: about one per 50 users.
    pub fn default_groups(users: usize) -> usize {
        (users / 50).clamp(10, 1000)
    }
}

/// One (principal, product) request: the principal's dense index (users, then keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Req {
    pub principal: usize,
    pub product: usize,
}

/// SplitMix64, seeded: the same seed always draws the same requests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0xD1B5_4A32_D192_ED03)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// `n` uniform random requests over every principal and product.
pub fn random_requests(principals: usize, products: usize, n: usize, seed: u64) -> Vec<Req> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| Req {
            principal: rng.below(principals),
            product: rng.below(products),
        })
        .collect()
}

/// Every (principal, product) pair.
pub fn all_requests(principals: usize, products: usize) -> Vec<Req> {
    (0..principals)
        .flat_map(|p| {
            (0..products).map(move |x| Req {
                principal: p,
                product: x,
            })
        })
        .collect()
}

/// One request where an engine and entitle differ.
#[derive(Clone, Debug)]
pub struct Disagreement {
    pub principal: String,
    pub product: String,
    pub expected: String,
    pub got: String,
}

/// One engine's figures and its agreement with entitle.
#[derive(Clone, Debug)]
pub struct EngineReport {
    pub name: String,
    /// Loading the policy: parse (and compile) the rules, load the data.
    pub load: Duration,
    /// Generating the engine's data (entities, data document) from entitle's model.
    pub translate: Option<Duration>,
    pub p50: Duration,
    pub p99: Duration,
    /// Decisions per second over all requests.
    pub throughput: f64,
    pub attribution: Attribution,
    /// Requests whose allow/deny differs from `eval::decide`.
    pub disagreements: usize,
    /// Requests with the same allow/deny but another rule (or credited group).
    pub rule_disagreements: usize,
    /// Requests whose evaluation reported an error.
    pub errors: usize,
    pub examples: Vec<Disagreement>,
    pub rule_examples: Vec<Disagreement>,
    pub error_examples: Vec<String>,
}

/// Everything one run measured.
#[derive(Clone, Debug)]
pub struct Report {
    pub users: usize,
    pub keys: usize,
    pub products: usize,
    pub groups: usize,
    pub countries: usize,
    pub policy_bytes: usize,
    pub requests: usize,
    pub sample: usize,
    /// How many requests each rule decided (entitle's answers).
    pub rule_counts: Vec<(Rule, usize)>,
    /// The cost of the `Instant::now()` / `elapsed()` pair around each timed decision.
    pub timer_overhead: Duration,
    pub engines: Vec<EngineReport>,
}

impl Report {
    pub fn engine(&self, name: &str) -> Option<&EngineReport> {
        self.engines.iter().find(|e| e.name == name)
    }
    /// Throughput of entitle compiled over that of the named engine.
    pub fn ratio(&self, name: &str) -> Option<f64> {
        Some(self.engine(ENTITLE_COMPILED)?.throughput / self.engine(name)?.throughput)
    }
    /// The fastest regorus path.
    pub fn fastest_regorus(&self) -> Option<&EngineReport> {
        self.engines
            .iter()
            .filter(|e| e.name.starts_with("regorus"))
            .max_by(|a, b| a.throughput.total_cmp(&b.throughput))
    }
    /// Total disagreements (decision, rule, errors) over the peer engines.
    pub fn total_problems(&self) -> usize {
        self.engines
            .iter()
            .map(|e| e.disagreements + e.rule_disagreements + e.errors)
            .sum()
    }
}

pub const ENTITLE_COMPILED: &str = "entitle compiled";
pub const ENTITLE_DECIDE: &str = "entitle eval::decide";
pub const ENTITLE_EXPLAIN: &str = "entitle eval::explain";
pub const CEDAR: &str = "cedar";
pub const REGORUS: &str = "regorus interpreter";
pub const REGORUS_RVM: &str = "regorus rvm";

/// Timing of one engine over the requests.
struct Timing<T> {
    results: Vec<T>,
    throughput: f64,
    p50: Duration,
    p99: Duration,
}

impl<T> Timing<T> {
    fn map<U>(self, f: impl FnMut(&T) -> U) -> Timing<U> {
        Timing {
            results: self.results.iter().map(f).collect(),
            throughput: self.throughput,
            p50: self.p50,
            p99: self.p99,
        }
    }
}

/// Minimum total time spent measuring throughput: fast engines get repeated passes.
pub const MIN_THROUGHPUT_TIME: Duration = Duration::from_millis(300);

/// How long to measure.
#[derive(Clone, Copy, Debug)]
pub struct Measure {
    /// Requests timed one by one for the latency percentiles (the first ones).
    pub sample: usize,
    /// Passes over all requests repeat until they took this long in total.
    pub min_time: Duration,
}

/// Run `f` over every request (keeping the results), repeat the pass while the total time is
/// short, then time the first `sample` requests one by one.
fn measure<T>(reqs: &[Req], how: Measure, mut f: impl FnMut(usize, usize) -> T) -> Timing<T> {
    let sample = how.sample;
    let mut results = Vec::with_capacity(reqs.len());
    let start = Instant::now();
    for r in reqs {
        results.push(f(r.principal, r.product));
    }
    let mut elapsed = start.elapsed();
    let mut decisions = reqs.len();
    while elapsed < how.min_time && !reqs.is_empty() && decisions < 1000 * reqs.len() {
        let start = Instant::now();
        for r in reqs {
            black_box(f(black_box(r.principal), black_box(r.product)));
        }
        elapsed += start.elapsed();
        decisions += reqs.len();
    }
    let throughput = decisions as f64 / elapsed.as_secs_f64().max(1e-12);
    let mut lat: Vec<Duration> = reqs
        .iter()
        .take(sample)
        .map(|r| {
            let (p, x) = (black_box(r.principal), black_box(r.product));
            let t = Instant::now();
            let out = f(p, x);
            let d = t.elapsed();
            black_box(out);
            d
        })
        .collect();
    lat.sort_unstable();
    let pct = |q: f64| -> Duration {
        if lat.is_empty() {
            Duration::ZERO
        } else {
            lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)]
        }
    };
    Timing {
        results,
        throughput,
        p50: pct(0.5),
        p99: pct(0.99),
    }
}

/// The cost of timing nothing, as `measure` times a decision.
fn timer_overhead(n: usize) -> Duration {
    let mut lat: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let t = Instant::now();
            black_box(());
            t.elapsed()
        })
        .collect();
    lat.sort_unstable();
    lat[lat.len() / 2]
}

/// Generate the organisation of `cfg`, draw its requests and compare every engine.
pub fn run(cfg: &Config, log: &mut dyn FnMut(&str)) -> Result<Report, String> {
    let text = entitle::gen::generate_string(&GenConfig {
        users: cfg.users,
        products: cfg.products,
        groups: cfg.groups,
        seed: cfg.seed,
    });
    let how = Measure {
        sample: cfg.sample,
        min_time: MIN_THROUGHPUT_TIME,
    };
    let requests = Requests::Random {
        n: cfg.requests,
        seed: cfg.seed,
    };
    if cfg.r2 == 0 {
        return run_policy("generated.ent", &text, requests, how, log);
    }
    let (text, statements) = add_r2(&text, cfg.r2)?;
    let t = Instant::now();
    let mut policy = Policy::parse("generated.ent", &text).map_err(|e| e.render(false))?;
    let parse = t.elapsed();
    policy.apply("<r2>", &statements).map_err(|e| e.render(false))?;
    run_parsed(&policy, parse, text.len(), requests, how, log)
}

/// A name as a string token (the language accepts a string wherever a name is expected).
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Revision 2 added to a generated organisation, whatever `gen` itself writes: returns the
/// policy text with `n` more principals of each kind appended (users whose profile code
/// matches no country, so they fall back to the highest revenue; users with an Entitlement
/// Country attribute other than their profile country; keys `in` a country with one of its
/// groups; keys `in` a country without groups; keys with neither, which have no country),
/// every fifth added user `locked`, every third
/// with user exceptions; and what-if statements to apply after parsing it: the highest
/// revenue to the second country (any revenue `gen` declared cleared first, so that no tie can
/// arise), revenue 0 to the third, and the second and last products `global`.
pub fn add_r2(text: &str, n: usize) -> Result<(String, String), String> {
    let m = Policy::parse("generated.ent", text)
        .map_err(|e| e.render(false))?
        .model()
        .clone();
    if m.countries.len() < 3 || m.products.len() < 2 {
        return Err("add_r2 needs at least 3 countries and 2 products".into());
    }
    let country = |i: usize| quoted(&m.countries[i % m.countries.len()].name);
    let product = |i: usize| quoted(&m.products[i % m.products.len()].name);
    let groups_of = |c: usize| -> Vec<String> {
        m.groups
            .iter()
            .filter(|g| g.country.index() == c % m.countries.len())
            .map(|g| quoted(&g.name))
            .collect()
    };
    let mut out = text.to_string();
    out.push_str("\n# revision 2, added by peers::add_r2\n");
    for i in 0..n {
        // groups of the principal's own country and of the fallback country
        let mut groups = groups_of(i);
        let shift = i / m.countries.len() % groups.len().max(1);
        groups.rotate_left(shift);
        groups.truncate(2);
        for g in groups_of(1).into_iter().take(1) {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        let groups = if groups.is_empty() {
            String::new()
        } else {
            format!("groups {}", groups.join(", "))
        };
        let status = if i % 5 == 4 { "status locked" } else { "" };
        let except = if i % 3 == 0 {
            format!("allow {}  deny {}", product(i), product(i + 1))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "user r2-fb{i}@r2.example {{ country QQ{i}  {groups}  {status}  {except} }}\n"
        ));
        out.push_str(&format!(
            "user r2-ec{i}@r2.example {{ country {}  entitlement-country {}  {groups}  {status} }}\n",
            country(i + 1),
            country(i)
        ));
        match groups_of(i).get(i / m.countries.len() % groups_of(i).len().max(1)) {
            Some(g) => out.push_str(&format!("key R2-KG{i} in {} {{ groups {g} }}\n", country(i))),
            None => out.push_str(&format!("key R2-KG{i} in {} {{ }}\n", country(i))),
        }
        out.push_str(&format!("key R2-K{i} in {} {{ }}\n", country(i)));
        // neither `in` nor groups: no country (keys never fall back to the highest revenue)
        out.push_str(&format!("key R2-N{i} {{ }}\n"));
    }
    let mut stmts = vec![];
    for c in &m.countries {
        if c.revenue.is_some() {
            stmts.push(format!("set revenue {} none", quoted(&c.name)));
        }
    }
    stmts.push(format!("set revenue {} 5_000_000", country(1)));
    stmts.push(format!("set revenue {} 0", country(2)));
    stmts.push(format!("set global {} on", product(1)));
    stmts.push(format!("set global {} on", product(m.products.len() - 1)));
    Ok((out, stmts.join("\n")))
}

/// Which requests to evaluate.
#[derive(Clone, Copy, Debug)]
pub enum Requests {
    Random {
        n: usize,
        seed: u64,
    },
    /// Every (principal, product) pair.
    All,
}

fn describe(allow: bool, rule: Option<&str>, group: Option<&str>) -> String {
    let mut s = if allow { "allow".to_string() } else { "deny".to_string() };
    if let Some(r) = rule {
        s.push_str(" by ");
        s.push_str(r);
    }
    if let Some(g) = group {
        s.push(' ');
        s.push_str(g);
    }
    s
}

/// Load `text` in every engine, evaluate the requests and compare with `eval::decide`.
pub fn run_policy(
    name: &str,
    text: &str,
    requests: Requests,
    how: Measure,
    log: &mut dyn FnMut(&str),
) -> Result<Report, String> {
    // entitle: parse + resolve, then compile
    let t = Instant::now();
    let policy = Policy::parse(name, text).map_err(|e| e.render(false))?;
    let parse = t.elapsed();
    run_parsed(&policy, parse, text.len(), requests, how, log)
}

/// As [`run_policy`], for a policy already parsed (a scenario's working copy, say): `parse`
/// is counted in entitle's load time, `policy_bytes` is reported.
pub fn run_parsed(
    policy: &Policy,
    parse: Duration,
    policy_bytes: usize,
    requests: Requests,
    how: Measure,
    log: &mut dyn FnMut(&str),
) -> Result<Report, String> {
    let t = Instant::now();
    let compiled = Compiled::new(policy.model());
    let compile = t.elapsed();
    let model = policy.model();
    let principals = compiled.principals();
    let products = model.products.len();
    let reqs = match requests {
        Requests::Random { n, seed } => random_requests(principals, products, n, seed),
        Requests::All => all_requests(principals, products),
    };
    log(&format!(
        "policy: {} users, {} keys, {} products, {} groups, {} countries ({} KiB); {} requests",
        model.users.len(),
        model.keys.len(),
        products,
        model.groups.len(),
        model.countries.len(),
        policy_bytes / 1024,
        reqs.len()
    ));

    // Cedar: translate, then parse the policies and load the entities
    let t = Instant::now();
    let entities = serde_json::to_string(&cedar::entities_json(model)).map_err(|e| e.to_string())?;
    let cedar_translate = t.elapsed();
    let t = Instant::now();
    let cedar = cedar::CedarPeer::load(model, &entities)?;
    let cedar_load = t.elapsed();

    // regorus: translate, then add the module and the data
    let t = Instant::now();
    let data = serde_json::to_string(&rego::data_json(model)).map_err(|e| e.to_string())?;
    let rego_translate = t.elapsed();
    let t = Instant::now();
    let mut rego = rego::RegoPeer::load(model, &data)?;
    let rego_load = t.elapsed();
    let t = Instant::now();
    let rvm = rego::RvmPeer::load(model, &data);
    let rvm_load = t.elapsed();

    // The reference answers.
    let expected: Vec<eval::Decision> = reqs
        .iter()
        .map(|r| eval::decide(model, compiled.principal_at(r.principal), ProductId(r.product as u32)))
        .collect();

    let sample = how.sample.min(reqs.len());
    let how = Measure { sample, ..how };
    let mut rule_counts: Vec<(Rule, usize)> = Rule::ALL.iter().map(|r| (*r, 0)).collect();
    for d in &expected {
        rule_counts[step_of(d.rule.as_str())].1 += 1;
    }
    let mut engines = Vec::new();
    let group_name = |g: Option<entitle::model::GroupId>| g.map(|g| model.group(g).name.clone());
    let from_decision = |d: &eval::Decision| Answer {
        allow: d.access == Access::Allow,
        rule: Some(d.rule.as_str().to_string()),
        group: group_name(d.group),
        errors: vec![],
    };
    let mut compare =
        |name: &str, load: Duration, translate: Option<Duration>, attribution: Attribution, timing: Timing<Answer>| {
            let mut e = EngineReport {
                name: name.to_string(),
                load,
                translate,
                p50: timing.p50,
                p99: timing.p99,
                throughput: timing.throughput,
                attribution,
                disagreements: 0,
                rule_disagreements: 0,
                errors: 0,
                examples: vec![],
                rule_examples: vec![],
                error_examples: vec![],
            };
            for ((r, want), got) in reqs.iter().zip(&expected).zip(&timing.results) {
                let who = || model.principal_name(compiled.principal_at(r.principal)).to_string();
                let what = || model.products[r.product].name.clone();
                if !got.errors.is_empty() {
                    e.errors += 1;
                    if e.error_examples.len() < 5 {
                        e.error_examples
                            .push(format!("{} {}: {}", who(), what(), got.errors.join("; ")));
                    }
                }
                let want_allow = want.access == Access::Allow;
                let (want_rule, want_group) = match attribution {
                    Attribution::Full => (want.rule.as_str(), group_name(want.group)),
                    Attribution::Family => (family(want.rule), None),
                };
                let example = || Disagreement {
                    principal: who(),
                    product: what(),
                    expected: describe(want_allow, Some(want_rule), want_group.as_deref()),
                    got: describe(got.allow, got.rule.as_deref(), got.group.as_deref()),
                };
                if got.allow != want_allow {
                    e.disagreements += 1;
                    if e.examples.len() < 5 {
                        e.examples.push(example());
                    }
                } else if got.rule.as_deref() != Some(want_rule) || got.group != want_group {
                    e.rule_disagreements += 1;
                    if e.rule_examples.len() < 5 {
                        e.rule_examples.push(example());
                    }
                }
            }
            engines.push(e);
        };

    log("timing entitle compiled (Compiled::decide)");
    let timing = measure(&reqs, how, |p, x| compiled.decide(p, x));
    let timing = timing.map(|(a, r, g)| Answer {
        allow: *a == Access::Allow,
        rule: Some(r.as_str().to_string()),
        group: group_name(*g),
        errors: vec![],
    });
    compare(ENTITLE_COMPILED, parse + compile, None, Attribution::Full, timing);

    log("timing entitle eval::decide");
    let timing = measure(&reqs, how, |p, x| {
        eval::decide(model, compiled.principal_at(p), ProductId(x as u32))
    });
    compare(
        ENTITLE_DECIDE,
        parse,
        None,
        Attribution::Full,
        timing.map(from_decision),
    );

    log("timing entitle eval::explain");
    let timing = measure(&reqs, how, |p, x| {
        eval::explain(model, compiled.principal_at(p), ProductId(x as u32)).decision
    });
    compare(
        ENTITLE_EXPLAIN,
        parse,
        None,
        Attribution::Full,
        timing.map(from_decision),
    );

    log("timing cedar (Authorizer::is_authorized)");
    let timing = measure(&reqs, how, |p, x| cedar.decide(p, x));
    compare(
        CEDAR,
        cedar_load,
        Some(cedar_translate),
        Attribution::Family,
        timing.map(|r| cedar.answer(r)),
    );

    log("timing regorus interpreter (Engine::eval_rule)");
    let timing = measure(&reqs, how, |p, x| rego.decide(p, x));
    compare(
        REGORUS,
        rego_load,
        Some(rego_translate),
        Attribution::Full,
        timing.map(rego::answer),
    );

    match rvm {
        Ok(mut rvm) => {
            log("timing regorus rvm (RegoVM::execute)");
            let timing = measure(&reqs, how, |p, x| rvm.decide(p, x));
            compare(
                REGORUS_RVM,
                rvm_load,
                Some(rego_translate),
                Attribution::Full,
                timing.map(rego::answer),
            );
        }
        Err(e) => log(&format!("regorus rvm unavailable: {e}")),
    }

    Ok(Report {
        users: model.users.len(),
        keys: model.keys.len(),
        products,
        groups: model.groups.len(),
        countries: model.countries.len(),
        policy_bytes,
        requests: reqs.len(),
        sample,
        rule_counts,
        timer_overhead: timer_overhead(sample),
        engines,
    })
}

/// Format a duration for the table: ns below 10 µs, else µs, ms above 10 ms.
pub fn fmt_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 10_000 {
        format!("{ns} ns")
    } else if ns < 10_000_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else {
        format!("{:.1} ms", ns as f64 / 1e6)
    }
}

/// Format a rate with thousands separators.
pub fn fmt_rate(r: f64) -> String {
    let n = r.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The report as text: a summary, the table, the disagreements, the ratio line last.
pub fn render(report: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} users, {} keys, {} products, {} groups, {} countries; {} requests, latency over the first {} (Instant::now pair costs {})",
        report.users,
        report.keys,
        report.products,
        report.groups,
        report.countries,
        report.requests,
        report.sample,
        fmt_duration(report.timer_overhead)
    );
    let counts: Vec<String> = report.rule_counts.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let _ = writeln!(s, "rules deciding the requests: {}", counts.join(", "));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "| {:<22} | {:>10} | {:>10} | {:>9} | {:>9} | {:>14} | {:>9} | {:>9} | {:>10} | {:>6} |",
        "engine", "load", "translate", "p50", "p99", "decisions/s", "vs entitle", "disagree", "rule diff", "errors"
    );
    let _ = writeln!(
        s,
        "|{:-<24}|{:->12}|{:->12}|{:->11}|{:->11}|{:->16}|{:->11}|{:->11}|{:->12}|{:->8}|",
        "", ":", ":", ":", ":", ":", ":", ":", ":", ":"
    );
    let best = report.engine(ENTITLE_COMPILED).map_or(1.0, |e| e.throughput);
    for e in &report.engines {
        let rule = match e.attribution {
            Attribution::Full => e.rule_disagreements.to_string(),
            Attribution::Family => format!("{}*", e.rule_disagreements),
        };
        let _ = writeln!(
            s,
            "| {:<22} | {:>10} | {:>10} | {:>9} | {:>9} | {:>14} | {:>9.0}x | {:>9} | {:>10} | {:>6} |",
            e.name,
            fmt_duration(e.load),
            e.translate.map_or("-".to_string(), fmt_duration),
            fmt_duration(e.p50),
            fmt_duration(e.p99),
            fmt_rate(e.throughput),
            best / e.throughput,
            e.disagreements,
            rule,
            e.errors
        );
    }
    let _ = writeln!(
        s,
        "(* rule compared by family: Cedar cannot name the group rule or the credited group)"
    );
    for e in &report.engines {
        if e.disagreements + e.rule_disagreements + e.errors == 0 {
            continue;
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}: {} decision disagreements, {} rule disagreements, {} errors",
            e.name, e.disagreements, e.rule_disagreements, e.errors
        );
        for d in e.examples.iter().chain(&e.rule_examples) {
            let _ = writeln!(
                s,
                "  ({}, {}) expected {}, got {}",
                d.principal, d.product, d.expected, d.got
            );
        }
        for x in &e.error_examples {
            let _ = writeln!(s, "  error: {x}");
        }
    }
    let _ = writeln!(s);
    let total: usize = report.engines.iter().map(|e| e.disagreements).sum();
    let _ = writeln!(
        s,
        "disagreements with entitle (eval::decide) over {} requests:",
        report.requests
    );
    for e in &report.engines {
        let _ = writeln!(s, "  {:<22} {}", e.name, e.disagreements);
    }
    let _ = writeln!(s, "  total                  {total}");
    if let Some(r) = report.fastest_regorus() {
        let _ = writeln!(s, "regorus figure below: {} (the faster regorus path)", r.name);
    }
    let ratio = |x: Option<f64>| x.map_or("n/a".to_string(), |r| format!("{r:.0}x"));
    let _ = write!(
        s,
        "entitle vs cedar: {}, vs regorus: {}",
        ratio(report.ratio(CEDAR)),
        ratio(report.fastest_regorus().map(|e| best / e.throughput))
    );
    s
}
