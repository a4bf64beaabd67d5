//! Finding `#` comments in source text (outside strings), for the formatter to keep.

/// A comment: where it starts and its text (starting with `#`, trailing space trimmed).
#[derive(Clone, Debug)]
pub struct Comment {
    pub start: usize,
    pub text: String,
}

/// Every comment of `text`, in order.
pub fn scan(text: &str) -> Vec<Comment> {
    super::scan::pieces(text)
        .filter_map(|p| match p {
            super::scan::Piece::Comment(r) => Some(Comment {
                start: r.start,
                text: text[r].trim_end().to_string(),
            }),
            _ => None,
        })
        .collect()
}
