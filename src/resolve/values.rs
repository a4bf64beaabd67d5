//! Values with rules of their own (LANGUAGE.md §8): numbers, references that must name a
//! declared country, and the fallback entitlement country.

use super::*;

/// A number as LANGUAGE.md §8 writes it: digits with single `_` between them, at most 18
/// digits (`_` not counted), compared by value.
pub fn number(n: &Name) -> Result<u64, Diagnostic> {
    let t = &n.text;
    let well_formed = !t.is_empty()
        && t.split('_')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    if well_formed && digits <= 18 {
        return Ok(t
            .bytes()
            .filter(u8::is_ascii_digit)
            .fold(0u64, |v, d| v * 10 + u64::from(d - b'0')));
    }
    let mut d = Diagnostic::error("number", format!("`{t}` is not a valid number"));
    d = if well_formed {
        d.with_label(n.span, format!("{digits} digits: at most 18 are allowed"))
    } else {
        d.with_label(n.span, "not a number")
    };
    if t.eq_ignore_ascii_case("none") {
        Err(d.with_help("fixed words are lowercase: write `none`"))
    } else {
        Err(d.with_help("write decimal digits, optionally with `_` between groups: `1_200_000`"))
    }
}

/// A reference that must name a declared country (a user's `entitlement-country`, a key's
/// `in`, the country of a `set` statement). A profile code is not a country: the error
/// suggests the country covering it, else the closest declared name.
pub fn declared_country(model: &Model, n: &Name) -> Result<CountryId, Diagnostic> {
    if let Some(c) = model.find_country(&n.text) {
        return Ok(c);
    }
    let d = Diagnostic::error("unknown-name", format!("unknown country `{}`", n.text));
    if let Some(c) = model.country_for_profile(&n.text) {
        let name = &model.country(c).name;
        return Err(d
            .with_label(
                n.span,
                format!(
                    "`{}` is a profile code covered by {name}, not a declared country",
                    n.text
                ),
            )
            .with_help(format!("did you mean `{name}`?")));
    }
    Err(unknown("country", n, model.countries.iter().map(|c| c.name.as_str())))
}

/// The fallback entitlement country (the highest `revenue`), and an error for each later
/// country that ties for the highest (LANGUAGE.md §8).
pub fn fallback_country(model: &Model) -> (Option<CountryId>, Vec<Diagnostic>) {
    let Some(top) = model.countries.iter().filter_map(|c| c.revenue.map(|(v, _)| v)).max() else {
        return (None, vec![]);
    };
    let tied: Vec<usize> = (0..model.countries.len())
        .filter(|&i| model.countries[i].revenue.is_some_and(|(v, _)| v == top))
        .collect();
    let first = &model.countries[tied[0]];
    let errors = tied[1..]
        .iter()
        .map(|&i| {
            let c = &model.countries[i];
            Diagnostic::error(
                "revenue-tie",
                format!("{} and {} share the highest revenue", first.name, c.name),
            )
            .with_label(c.revenue.unwrap().1, "the same revenue as the first")
            .with_label(first.revenue.unwrap().1, format!("{}'s revenue", first.name))
            .with_help("the fallback entitlement country would be ambiguous: make one revenue higher")
        })
        .collect::<Vec<_>>();
    (
        if errors.is_empty() {
            Some(CountryId(tied[0] as u32))
        } else {
            None
        },
        errors,
    )
}
