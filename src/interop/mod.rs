//! Interoperability: getting users and policies in and out of `entitle`.
//!
//! One concept per module:
//! - [`users`]: merge the licensing portal's *Bulk Register Users* sheet (CSV) into a policy
//!   (`entitle import-users`).
//! - [`json`]: the resolved model as a versioned JSON document (`entitle export --json`) and
//!   back to policy text (`entitle import`). The schema is documented there and in
//!   `docs/json-schema.md`.
//! - [`report`]: one self-contained HTML page with the principal × product grid, per-product
//!   counts and denials per rule (`entitle report`).
//!
//! All three work on the library types ([`crate::Policy`], [`crate::syntax::Document`],
//! [`crate::model::Model`]); the command-line front end (`src/cli/interop.rs`) only reads
//! files, writes files atomically and formats messages.

pub mod json;
pub mod report;
pub mod users;

/// True when `text` can be written as a name in a policy: exactly when it holds no line break
/// (a string in the language is `"…"` on one line, any other character allowed, the empty
/// string too: `product P ""`). What a policy file can say, an import must accept: the export
/// of every valid policy imports back.
pub(crate) fn writable_name(text: &str) -> bool {
    !text.contains(['\n', '\r'])
}
