//! Finding `#` comments in source text (outside strings), for the formatter to keep.

/// A comment: where it starts and its text (starting with `#`, trailing space trimmed).
#[derive(Clone, Debug)]
pub struct Comment {
    pub start: usize,
    pub text: String,
}

pub fn scan(text: &str) -> Vec<Comment> {
    let mut out = vec![];
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'#' {
            let end = text[i..].find('\n').map_or(text.len(), |e| i + e);
            out.push(Comment {
                start: i,
                text: text[i..end].trim_end().to_string(),
            });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}
