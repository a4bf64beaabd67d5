//! Front end of the commands that help people find their way in: `init` (a commented starter
//! policy), `completions` (shell completion scripts, by `clap_complete`) and `man` (manual
//! pages, by `clap_mangen`). Completions and man pages are generated from the same clap
//! definition as `--help` ([`super::Cli`]), so they cannot drift from it.

use super::{Cli, Ctx, EXIT_ERROR, EXIT_OK};
use clap::CommandFactory;
use std::path::Path;

/// The policy `entitle init` writes: canonical (`fmt --check` passes), lint-clean, and every
/// expectation and scenario in it passes (`tests/discover.rs` checks all three).
pub(crate) const STARTER: &str = include_str!("starter.ent");

/// A principal and a product of [`STARTER`] whose answer is worth explaining (a denial with
/// fixes), for the next steps `init` prints.
const STARTER_EXPLAIN: (&str, &str) = ("ben@example.com", "MicroStation");

impl Ctx<'_> {
    /// `entitle init FILE [--force]`: write [`STARTER`] to FILE (atomically), refusing to
    /// replace an existing file (or symlink, even a dangling one) without `--force` and to
    /// create a missing folder; then print the commands to run next.
    ///
    /// Without `--force` the existence check and the write are two steps: a file created by
    /// another process in between would be replaced (never half-written).
    pub(super) fn init(&mut self, file: &Path, force: bool) -> i32 {
        let shown = file.display();
        let folder = file.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder {
            match std::fs::metadata(folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    let _ = writeln!(
                        self.err,
                        "error: cannot write `{shown}`: `{}` is not a folder",
                        folder.display()
                    );
                    return EXIT_ERROR;
                }
                Err(_) => {
                    let _ = writeln!(
                        self.err,
                        "error: cannot write `{shown}`: the folder `{}` does not exist (create it first)",
                        folder.display()
                    );
                    return EXIT_ERROR;
                }
            }
        }
        if file.is_dir() {
            let suggestion = crate::lint::shell_word(&file.join("policy.ent").to_string_lossy());
            let _ = writeln!(
                self.err,
                "error: `{shown}` is a folder; name the file to create, e.g. `entitle init {suggestion}`"
            );
            return EXIT_ERROR;
        }
        if !force && std::fs::symlink_metadata(file).is_ok() {
            let _ = writeln!(
                self.err,
                "error: `{shown}` already exists; nothing was written (use --force to replace it)"
            );
            return EXIT_ERROR;
        }
        if let Err(e) = crate::atomic_write(file, STARTER.as_bytes()) {
            let _ = writeln!(self.err, "error: cannot write `{shown}`: {e}");
            return EXIT_ERROR;
        }
        let word = crate::lint::shell_word(&file.to_string_lossy());
        let (principal, product) = STARTER_EXPLAIN;
        let commands = [
            (format!("entitle test {word}"), "run its expect lines and its scenario"),
            (
                format!("entitle explain {word} {principal} {product}"),
                "why Ben may not use MicroStation, and the fixes",
            ),
            (
                format!("entitle lint {word}"),
                "check it for risky setups as you edit it",
            ),
            (
                format!("entitle repl {word}"),
                "ask questions and try edits on a working copy",
            ),
        ];
        let width = commands.iter().map(|(c, _)| c.chars().count()).max().unwrap_or(0);
        let _ = writeln!(
            self.out,
            "wrote `{shown}`: a starter policy, commented with the portal's words for each setting"
        );
        let _ = writeln!(self.out, "\nnext:");
        for (command, what) in &commands {
            let pad = width - command.chars().count();
            let _ = writeln!(self.out, "  {command}{:pad$}   # {what}", "");
        }
        EXIT_OK
    }

    /// `entitle completions SHELL`: the completion script, on standard output.
    pub(super) fn completions(&mut self, shell: clap_complete::Shell) -> i32 {
        let mut cmd = Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut cmd, "entitle", &mut script);
        self.emit_generated(&script)
    }

    /// `entitle man [--dir DIR]`: entitle(1) on standard output, or entitle.1 and one page per
    /// subcommand (entitle-check.1, …) written into DIR, each atomically, their paths listed
    /// on standard output. Every page is rendered before the first is written.
    pub(super) fn man(&mut self, dir: Option<&Path>) -> i32 {
        let pages = match man_pages() {
            Ok(pages) => pages,
            Err(e) => {
                let _ = writeln!(self.err, "error: cannot render the man pages: {e}");
                return EXIT_ERROR;
            }
        };
        let Some(dir) = dir else {
            // the first page is the command's own
            return self.emit_generated(&pages[0].1);
        };
        if !dir.is_dir() {
            let what = if dir.exists() {
                "is not a folder"
            } else {
                "does not exist (create it first)"
            };
            let _ = writeln!(self.err, "error: `{}` {what}; no page was written", dir.display());
            return EXIT_ERROR;
        }
        for (name, roff) in &pages {
            let path = dir.join(name);
            if let Err(e) = crate::atomic_write(&path, roff) {
                let _ = writeln!(self.err, "error: cannot write `{}`: {e}", path.display());
                return EXIT_ERROR;
            }
            let _ = writeln!(self.out, "{}", path.display());
        }
        EXIT_OK
    }

    /// Write generated bytes to standard output (a closed pipe is not an error).
    fn emit_generated(&mut self, bytes: &[u8]) -> i32 {
        match self.out.write_all(bytes).and_then(|()| self.out.flush()) {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(e) => {
                let _ = writeln!(self.err, "error: cannot write to standard output: {e}");
                EXIT_ERROR
            }
        }
    }
}

/// Every man page as (file name, roff): entitle.1 first, then one per subcommand in the order
/// of `--help` (without `help`, which has no page), as `clap_mangen::generate_to` names them.
fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn render(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let subcommands: Vec<clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned().collect();
        let man = clap_mangen::Man::new(cmd).source(concat!("entitle ", env!("CARGO_PKG_VERSION")));
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        pages.push((
            man.get_filename(),
            ascii_roff(&String::from_utf8_lossy(&roff)).into_bytes(),
        ));
        for sub in subcommands {
            render(sub, pages)?;
        }
        Ok(())
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // (building gives each subcommand its display name, `entitle-check`)
    cmd.build();
    let mut pages = Vec::new();
    render(cmd, &mut pages)?;
    Ok(pages)
}

/// Roff with every non-ASCII character (`×`, `—`, `→`, `…` in the help texts) written as a
/// `\[uXXXX]` escape, which groff and mandoc both read: the pages then render the same under
/// any locale and need no `preconv`.
fn ascii_roff(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for c in roff.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ascii_roff;

    #[test]
    fn non_ascii_characters_become_groff_escapes() {
        assert_eq!(ascii_roff("a × b — c \\-d"), "a \\[u00D7] b \\[u2014] c \\-d");
        assert_eq!(ascii_roff("\u{1F600}"), "\\[u1F600]");
    }
}
