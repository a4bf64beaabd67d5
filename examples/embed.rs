//! Embedding entitle in a service: load the policy once, then answer questions about people
//! the policy does not declare — their records come from the portal's user database with each
//! request, as Cedar takes its entities per request.
//!
//! `cargo run --example embed -- ../shared/spec/examples-r2/portal-countries.ent`

use entitle::request::{RequestPrincipal, RequestUser};
use entitle::{Access, Policy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/revenue-fallback.ent".into());
    let policy = Policy::from_path(std::path::Path::new(&path))?;

    // a record as the user database holds it, e.g. deserialised from a request body
    let record = r#"{"user": {"email": "new.hire@example.com", "country": "PT"}}"#;
    let who: RequestPrincipal = serde_json::from_str(record)?;

    // resolve once, then ask about every product without touching the policy again
    let resolved = policy.resolve_request(&who)?;
    let subject = resolved.subject();
    match subject.country() {
        Some(c) => println!(
            "{}: entitlement country {}",
            subject.name(),
            policy.model().country(c).name
        ),
        None => println!("{}: no entitlement country", subject.name()),
    }
    for x in policy.model().product_ids() {
        let d = entitle::eval::decide_subject(policy.model(), subject, x);
        let verdict = if d.access == Access::Allow {
            "may use"
        } else {
            "may not use"
        };
        println!("  {verdict} {} (rule {})", policy.model().product(x).name, d.rule);
    }

    // one question with its explanation
    let product = &policy.model().products[0].name;
    let why = policy.explain_request(
        &RequestPrincipal::User(RequestUser {
            email: "locked.out@example.com".into(),
            country: "PT".into(),
            status: Some("locked".into()),
            ..RequestUser::default()
        }),
        product,
    )?;
    println!(
        "locked.out@example.com × {product}: {} by {}",
        why.decision.access, why.decision.rule
    );
    Ok(())
}
