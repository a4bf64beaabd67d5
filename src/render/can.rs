//! `can`: an account capability, as text and as JSON.

use super::{at, base_name};
use crate::capability::{CanAnswer, CanJson};
use crate::Policy;

/// The text of `can`: `yes: …` or `no: …`, then the statement the answer rests on, if any.
pub fn can_text(policy: &Policy, answer: &CanAnswer) -> String {
    let verdict = if answer.granted { "yes" } else { "no" };
    let mut out = format!("{verdict}: {}\n", answer.describe(&policy.model));
    if let Some(s) = answer.source {
        out.push_str(&format!("  {}\n", at(&policy.sources, s)));
    }
    out
}

/// The JSON of `can` (`source.file` is the policy's base name, as in `check --json`).
pub fn can_json(policy: &Policy, answer: &CanAnswer) -> CanJson {
    let mut j = answer.to_json(&policy.model, &policy.sources);
    if let Some(loc) = j.source.as_mut() {
        loc.file = base_name(&loc.file);
    }
    j
}
