//! Names compared ignoring case: the lookup key of a name (its lowercase form) and comparisons
//! of names by key, without building a lowercase copy for the common case.
//!
//! Every lookup by name lowercases the name (LANGUAGE.md §1: names match ignoring case). Most
//! names are short and ASCII, and a lookup, a duplicate check or a what-if statement's search
//! of the document does one per name it meets: a `String` each time was a third of the
//! allocations of the `explain` fuzz target (resolving, editing, the fix search). Here an ASCII name of up to [`INLINE`] bytes is
//! lowercased into a buffer on the stack, a name that is already lowercase is borrowed, and
//! only a longer or non-ASCII name is lowercased into a `String` (`str::to_lowercase`, whose
//! answer is the key whatever the path: a non-ASCII name can have an ASCII key, as the Kelvin
//! sign `K` has `k`).

/// The longest ASCII name lowercased on the stack.
pub(crate) const INLINE: usize = 64;

/// A name's lookup key, its lowercase form, without an allocation for an ASCII name of up to
/// [`INLINE`] bytes (borrowed when it already is lowercase). It dereferences to the key.
pub(crate) enum Key<'a> {
    Borrowed(&'a str),
    Inline([u8; INLINE], usize),
    Owned(String),
}

impl<'a> Key<'a> {
    pub(crate) fn of(name: &'a str) -> Key<'a> {
        if !name.is_ascii() {
            return Key::Owned(name.to_lowercase());
        }
        if !name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Key::Borrowed(name);
        }
        if name.len() > INLINE {
            return Key::Owned(name.to_ascii_lowercase());
        }
        let mut buf = [0; INLINE];
        buf[..name.len()].copy_from_slice(name.as_bytes());
        buf[..name.len()].make_ascii_lowercase();
        Key::Inline(buf, name.len())
    }
}

impl std::ops::Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            // the bytes of an ASCII name, lowercased: still ASCII
            Key::Inline(buf, n) => std::str::from_utf8(&buf[..*n]).expect("an ASCII name"),
            Key::Owned(s) => s,
        }
    }
}

/// Whether `name`'s key is `key` (a key: already lowercase), ignoring case as [`Key`] does.
pub(crate) fn has_key(name: &str, key: &str) -> bool {
    if name.is_ascii() {
        name.len() == key.len() && name.bytes().zip(key.bytes()).all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        name.to_lowercase() == key
    }
}

/// Whether two names have the same key.
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        *Key::of(a) == *Key::of(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names() -> impl Strategy<Value = String> {
        // ASCII of both cases, long and short, and the characters whose lowercase is another
        // length or ASCII (Kelvin sign, dotted capital I, final sigma)
        prop::collection::vec(
            prop_oneof![
                4 => prop::char::range('A', 'Z'),
                4 => prop::char::range('a', 'z'),
                1 => Just('-'),
                1 => Just('\u{212A}'),
                1 => Just('\u{130}'),
                1 => Just('Σ'),
                1 => Just('é'),
                1 => Just('É'),
            ],
            0..80,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn key_is_the_lowercase(name in names()) {
            prop_assert_eq!(&*Key::of(&name), name.to_lowercase());
        }

        #[test]
        fn comparisons_are_those_of_the_lowercase(a in names(), b in names()) {
            let same = a.to_lowercase() == b.to_lowercase();
            prop_assert_eq!(same_key(&a, &b), same);
            prop_assert_eq!(has_key(&a, &b.to_lowercase()), same);
            // a name and a case variant of it
            let upper = a.to_uppercase();
            prop_assert_eq!(same_key(&a, &upper), a.to_lowercase() == upper.to_lowercase());
            prop_assert_eq!(has_key(&upper, &a.to_lowercase()), a.to_lowercase() == upper.to_lowercase());
        }
    }

    #[test]
    fn a_non_ascii_name_can_have_an_ascii_key() {
        // the Kelvin sign lowercases to `k`
        assert!(same_key("\u{212A}ey", "KEY"));
        assert!(has_key("\u{212A}EY", "key"));
        assert_eq!(&*Key::of("\u{212A}EY"), "key");
        assert!(!same_key("key", "keys"));
        let long = "A".repeat(INLINE + 1);
        assert_eq!(&*Key::of(&long), "a".repeat(INLINE + 1));
        assert!(matches!(Key::of("Ab"), Key::Inline(..)));
        assert!(matches!(Key::of("ab"), Key::Borrowed(_)));
    }
}
