//! Diagnostics: errors and warnings that quote the source, rendered with ariadne.

use crate::source::{Location, Sources, Span};
use ariadne::{CharSet, Color, Config, IndexType, Label as ALabel, Report, ReportKind};

/// How serious a [`Diagnostic`] is (serialized in lowercase: `error`, `warning`, `note`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is invalid: a policy with an error does not load, a what-if statement with
    /// one is not applied.
    Error,
    /// Probably a mistake, but the input is valid and is used as written (lint findings).
    Warning,
    /// Not a problem: a pointer at the source (e.g. the statement that decided).
    Note,
}

/// Labels whose lines together are longer than this (in bytes) are not quoted.
const QUOTE_LIMIT: usize = 4096;
/// A diagnostic with more labels than this is not quoted.
const QUOTE_LABELS: usize = 64;

/// A secondary or primary place in the source with a short message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The place in the source.
    pub span: Span,
    /// What the label says about that place (shown beside the quoted source).
    pub message: String,
}

/// One error or warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// A stable, kebab-case identifier (`unknown-name`, `duplicate`, `unused-product` …).
    pub code: &'static str,
    /// The headline: one sentence saying what is wrong.
    pub message: String,
    /// Where it happened; the first label is the primary one. Empty for a problem that has no
    /// place in the sources (a file that cannot be read).
    pub labels: Vec<Label>,
    /// How to fix it (the `help:` line), e.g. `did you mean `MicroStation`?`; `None` when
    /// there is no suggestion.
    pub help: Option<String>,
    /// Further remarks, each rendered as a `note:` line, in order.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A new error with a `code` and a `message`, and no labels, help or notes yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: vec![],
            help: None,
            notes: vec![],
        }
    }
    /// A new warning with a `code` and a `message`, and no labels, help or notes yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }
    /// Add a label at `span`; the first label added is the primary one.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    /// Set the help text (replacing any earlier one).
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    /// Add a note after the ones already there.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
    /// Where the diagnostic is reported: the first label's span, `None` when it has no label.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
    /// Whether the severity is [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render with ariadne: header, file:line:column, the quoted source and labels.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let kind = match self.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
            Severity::Note => ReportKind::Custom("decided", Color::Green),
        };
        let Some(primary) = self.primary_span() else {
            return self.render_plain(sources);
        };
        // A label on a huge line (a 5 MB identifier, a 200,000-entry list on one line) would
        // quote the whole line for every diagnostic, and ariadne takes time quadratic in the
        // number of labels: give file:line:column instead.
        let quotable = self.labels.len() <= QUOTE_LABELS
            && self.labels.iter().all(|l| {
                sources
                    .try_get(l.span.file)
                    .is_some_and(|f| f.lines_len(l.span.range()) <= QUOTE_LIMIT)
            });
        if !quotable {
            return self.render_plain(sources);
        }
        // Labels in one file far apart (a user's line and a group declared at the top of a
        // 200,000-user file) are shown as separate excerpts: ariadne walks every line between
        // the labels of one excerpt, which made rendering one warning per user quadratic. Each
        // cluster of nearby labels gets its own id, so its excerpt spans only its own lines.
        let clusters = clusters(&self.labels, sources);
        // (ariadne is given character offsets: with byte offsets it misplaces, and can panic
        // on, the location of a label in a second file after non-ASCII text)
        let name = |i: usize, span: Span| {
            let (name, range) = match sources.try_get(span.file) {
                Some(f) => (
                    f.name.clone(),
                    f.char_offset(span.start as usize)..f.char_offset(span.end as usize),
                ),
                None => (String::new(), span.range()),
            };
            ((span.file, name, clusters[i]), range)
        };
        let config = Config::default()
            .with_color(color)
            .with_index_type(IndexType::Char)
            .with_char_set(if color { CharSet::Unicode } else { CharSet::Ascii });
        let mut report = Report::build(kind, name(0, primary))
            .with_config(config)
            .with_message(&self.message);
        if self.severity != Severity::Note {
            report = report.with_code(self.code);
        }
        for (i, label) in self.labels.iter().enumerate() {
            let mut l = ALabel::new(name(i, label.span))
                .with_message(&label.message)
                .with_order(i as i32);
            if color {
                l = l.with_color(if i == 0 {
                    match self.severity {
                        Severity::Error => Color::Red,
                        Severity::Warning => Color::Yellow,
                        Severity::Note => Color::Green,
                    }
                } else {
                    Color::Blue
                });
            }
            report = report.with_label(l);
        }
        if let Some(help) = &self.help {
            report = report.with_help(help);
        }
        for note in &self.notes {
            report = report.with_note(note);
        }
        let mut buf = Vec::new();
        if report.finish().write(SourceCache(sources), &mut buf).is_err() {
            return format!("{}[{}]: {}\n", self.severity_word(), self.code, self.message);
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        // ariadne colours a custom report kind even with colour off
        if color {
            text
        } else {
            strip_ansi(&text)
        }
    }

    /// The rendering without source excerpts: header, each label's location, help, notes.
    fn render_plain(&self, sources: &Sources) -> String {
        let mut out = format!("{}[{}]: {}\n", self.severity_word(), self.code, self.message);
        for label in &self.labels {
            if sources.try_get(label.span.file).is_some() {
                let loc = sources.location(label.span);
                out.push_str(&format!(
                    "  --> {}:{}:{}: {}\n",
                    loc.file, loc.line, loc.column, label.message
                ));
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        out
    }

    fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// A JSON-friendly form, with locations instead of spans (an element of the
    /// `diagnostics` array of `lint --json`).
    pub fn to_json(&self, sources: &Sources) -> DiagnosticJson {
        DiagnosticJson {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            location: self.primary_span().map(|s| sources.location(s)),
            labels: self
                .labels
                .iter()
                .map(|l| LabelJson {
                    location: sources.location(l.span),
                    message: l.message.clone(),
                })
                .collect(),
            help: self.help.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// The sources as ariadne reads them: each file is prepared once (see `SourceFile::rendered`).
struct SourceCache<'s>(&'s Sources);

/// An excerpt's id: the file, its name, and which cluster of nearby labels it shows.
type ExcerptId = (crate::source::FileId, String, usize);

impl ariadne::Cache<ExcerptId> for SourceCache<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &ExcerptId) -> Result<&ariadne::Source<String>, impl std::fmt::Debug> {
        self.0.try_get(id.0).map(|f| f.rendered()).ok_or(())
    }

    fn display<'a>(&self, id: &'a ExcerptId) -> Option<impl std::fmt::Display + 'a> {
        Some(id.1.as_str())
    }
}

/// Labels further apart than this many lines go to separate excerpts.
const NEAR_LINES: usize = 200;

/// For each label, the cluster of nearby labels of its file it belongs to: labels are taken
/// in line order, and one more than [`NEAR_LINES`] lines after the lines of the labels before
/// it starts a new cluster.
fn clusters(labels: &[Label], sources: &Sources) -> Vec<usize> {
    let lines = |l: &Label| {
        sources.try_get(l.span.file).map_or((0, 0), |f| {
            let text_len = f.text.len();
            (
                f.line_index((l.span.start as usize).min(text_len)),
                f.line_index((l.span.end as usize).min(text_len)),
            )
        })
    };
    let mut order: Vec<(crate::source::FileId, usize, usize, usize)> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (a, b) = lines(l);
            (l.span.file, a, b, i)
        })
        .collect();
    order.sort();
    let mut out = vec![0; labels.len()];
    let mut cluster = 0;
    let mut last: Option<(crate::source::FileId, usize)> = None;
    for (file, start, end, i) in order {
        match last {
            Some((f, until)) if f == file && start <= until + NEAR_LINES => {
                last = Some((f, until.max(end)));
            }
            _ => {
                if last.is_some() {
                    cluster += 1;
                }
                last = Some((file, end));
            }
        }
        out[i] = cluster;
    }
    out
}

/// The JSON form of a [`Diagnostic`] ([`Diagnostic::to_json`]).
#[derive(Clone, Debug, serde::Serialize)]
pub struct DiagnosticJson {
    /// [`Diagnostic::severity`].
    pub severity: Severity,
    /// [`Diagnostic::code`].
    pub code: &'static str,
    /// [`Diagnostic::message`].
    pub message: String,
    /// Where the primary label starts, serialized as the fields `file`, `line` and `column`
    /// of this object; `None` (and absent) when the diagnostic has no label.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub location: Option<Location>,
    /// Every label, primary first.
    pub labels: Vec<LabelJson>,
    /// [`Diagnostic::help`] (absent when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// [`Diagnostic::notes`] (absent when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The JSON form of a [`Label`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct LabelJson {
    /// Where the label starts, serialized as the fields `file`, `line` and `column` of this
    /// object.
    #[serde(flatten)]
    pub location: Location,
    /// [`Label::message`].
    pub message: String,
}

/// Remove ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Render many diagnostics, in source order, followed by a count line.
pub fn render_all(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.render(sources, color));
    }
    out.push_str(&count_line(diags.iter()));
    out
}

/// `2 errors, 1,234 warnings` and a newline; empty when there are neither.
pub fn count_line<'d>(diags: impl Iterator<Item = &'d Diagnostic>) -> String {
    let (mut errors, mut warnings) = (0, 0);
    for d in diags {
        if d.is_error() {
            errors += 1;
        } else if d.severity == Severity::Warning {
            warnings += 1;
        }
    }
    let mut parts = vec![];
    let n = |k: usize, one: &str, many: &str| {
        format!("{} {}", crate::filter::thousands(k), if k == 1 { one } else { many })
    };
    if errors > 0 {
        parts.push(n(errors, "error", "errors"));
    }
    if warnings > 0 {
        parts.push(n(warnings, "warning", "warnings"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}\n", parts.join(", "))
    }
}

/// Sort diagnostics by file and position, keeping the order of those at the same place.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.primary_span().map(|s| (s.file, s.start)).unwrap_or_default());
}

/// The closest of `candidates` to `name` (case-insensitive), if it is close enough to suggest.
pub(crate) fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    use crate::model::NameKey;
    // (comparing costs the product of the lengths: nobody mistypes a name this long)
    const LONGEST: usize = 256;
    if name.len() > LONGEST {
        return None;
    }
    let lower = NameKey::of(name);
    let len = lower.chars().count();
    let edits = (len / 3).max(1);
    let letters = lower.is_ascii().then(|| ascii_counts(&lower));
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c.len() > LONGEST {
            continue;
        }
        let c_lower = NameKey::of(c);
        // a candidate that cannot pass either test below is not compared (the comparisons
        // are most of the cost of a syntax error, and a misspelling is tried against every
        // word of its block): the Levenshtein distance is at least the difference in length,
        // and Jaro-Winkler at most 0.4 + 0.6 × Jaro, with Jaro at most (2 + shorter / longer)
        // / 3, under 0.9 when one is more than twice the other
        let c_len = c_lower.chars().count();
        let (shorter, longer) = (len.min(c_len), len.max(c_len));
        if longer - shorter > edits && (2 * shorter < longer || len < 4) {
            continue;
        }
        // the same with the characters the two have in common (`common`, as multisets):
        // every edit script keeps at most that many characters, so the distance is at least
        // `longer - common`; Jaro's matches are common characters, so Jaro is at most
        // (common / len + common / c_len + 1) / 3
        if let (Some(letters), true) = (&letters, c_lower.is_ascii()) {
            let common = common_ascii(letters, &c_lower);
            let jaro_at_most = (common as f64 / len as f64 + common as f64 / c_len as f64 + 1.0) / 3.0;
            let winkler_at_most = 0.4 + 0.6 * jaro_at_most;
            if longer - common > edits && (len < 4 || winkler_at_most < 0.9 - 1e-9) {
                continue;
            }
        }
        let score = strsim::jaro_winkler(&lower, &c_lower);
        let lev = strsim::levenshtein(&lower, &c_lower);
        // close in spelling: a few edits for the name's length, or a long shared prefix
        let good = lev <= edits || (score >= 0.9 && len >= 4);
        if good && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// How many times each ASCII character occurs in `text` (ASCII).
fn ascii_counts(text: &str) -> [u16; 128] {
    let mut counts = [0u16; 128];
    for b in text.bytes() {
        counts[usize::from(b & 0x7f)] += 1;
    }
    counts
}

/// How many characters `text` (ASCII) has in common with the text counted in `counts`, as
/// multisets.
fn common_ascii(counts: &[u16; 128], text: &str) -> usize {
    let mut left = *counts;
    let mut common = 0;
    for b in text.bytes() {
        let n = &mut left[usize::from(b & 0x7f)];
        if *n > 0 {
            *n -= 1;
            common += 1;
        }
    }
    common
}

/// `help: did you mean `X`?` text, when there is a close candidate.
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_prefers_the_nearest_spelling() {
        let names = ["MicroStation", "OpenRoads", "LumenRT"];
        assert_eq!(closest("Microstaton", names), Some("MicroStation"));
        assert_eq!(closest("lumenrt", names), Some("LumenRT"));
        assert_eq!(closest("Zzz", names), None);
    }

    /// `closest` without its length filter: every candidate compared.
    fn closest_comparing_all<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let lower = name.to_lowercase();
        let mut best: Option<(f64, &str)> = None;
        for c in candidates {
            let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
            let lev = strsim::levenshtein(&lower, &c.to_lowercase());
            let good = lev <= (lower.chars().count() / 3).max(1) || (score >= 0.9 && lower.chars().count() >= 4);
            if good && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    proptest::proptest! {
        /// The length filter skips only candidates that could not have been chosen: on words of
        /// a few letters (so that near spellings are common), lengths 0-16, and letters whose
        /// lowercase has another length (`İ`).
        #[test]
        fn closest_filters_only_hopeless_candidates(
            name in "[abcAB\u{130}]{0,16}",
            candidates in proptest::collection::vec("[abcAB\u{130}]{0,16}", 0..12),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                closest(&name, candidates.iter().copied()),
                closest_comparing_all(&name, &candidates)
            );
        }

        /// The common-characters bound skips only hopeless candidates too: misspellings of the
        /// language's words (a few letters changed, dropped or added) against all of them.
        #[test]
        fn closest_bounds_only_hopeless_candidates(
            word in 0..crate::keywords::RESERVED.len(),
            edits in proptest::collection::vec((0usize..20, "[a-zA-Z\\-]?"), 0..5),
        ) {
            let mut name: Vec<char> = crate::keywords::RESERVED[word].chars().collect();
            for (at, c) in &edits {
                let at = at % (name.len() + 1);
                match c.chars().next() {
                    Some(c) if at < name.len() && at % 2 == 0 => name[at] = c,
                    Some(c) => name.insert(at, c),
                    None if at < name.len() => {
                        name.remove(at);
                    }
                    None => {}
                }
            }
            let name: String = name.into_iter().collect();
            proptest::prop_assert_eq!(
                closest(&name, crate::keywords::RESERVED.iter().copied()),
                closest_comparing_all(&name, crate::keywords::RESERVED)
            );
        }
    }

    /// Labels far apart in one file become separate excerpts, each with its true line
    /// numbers, the primary first; nearby labels share one excerpt.
    #[test]
    fn distant_labels_get_their_own_excerpts() {
        let mut text = String::from("group G in US { }\n");
        for i in 0..300 {
            text.push_str(&format!("# filler {i}\n"));
        }
        text.push_str("user u@x.io { country US  groups G }\n");
        let mut sources = Sources::new();
        let file = sources.add("big.ent", text.clone());
        let at = |needle: &str| {
            let start = text.find(needle).unwrap() as u32;
            Span::new(file, start as usize..start as usize + needle.len())
        };
        let d = Diagnostic::warning("test", "far apart")
            .with_label(at("groups G"), "the member")
            .with_label(at("group G in US"), "the group");
        let c = clusters(&d.labels, &sources);
        assert_ne!(c[0], c[1]);
        let shown = d.render(&sources, false);
        let first = shown.find("big.ent:302:").expect("the user's excerpt, on line 302");
        let second = shown.find("big.ent:1:").expect("the group's excerpt, on line 1");
        assert!(first < second, "{shown}");
        assert!(shown.contains(" 302 | user u@x.io"), "{shown}");
        assert!(shown.contains("   1 | group G in US"), "{shown}");
        assert!(!shown.contains("filler"), "{shown}");
        // near each other: one excerpt
        let near = Diagnostic::warning("test", "near")
            .with_label(at("groups G"), "a")
            .with_label(at("u@x.io"), "b");
        let c = clusters(&near.labels, &sources);
        assert_eq!(c[0], c[1]);
    }
}
