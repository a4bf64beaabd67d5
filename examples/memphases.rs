//! Resident memory after each stage of a first load for a question answered from the model
//! (read, parse leaving plain users as text, resolve, encode the cache entry), for the scale figures:
//! `cargo run --release --example memphases -- FILE` (Linux: reads /proc/self/status).

// the binary's allocator (src/main.rs), so the figures are the command's
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rss(label: &str) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let mb = |key: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(key)).expect(key);
        line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0) / 1024
    };
    eprintln!(
        "{label:<9} resident {:>5} MB, peak {:>5} MB",
        mb("VmRSS:"),
        mb("VmHWM:")
    );
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: memphases FILE");
    let text = std::fs::read_to_string(&path).expect("read");
    rss("read");
    let mut sources = entitle::Sources::new();
    let file = sources.add(path.clone(), text);
    let (doc, lean, errors) = entitle::syntax::parse_lean(&sources, file);
    assert!(errors.is_empty(), "syntax errors");
    rss("parsed");
    let (model, errors) = entitle::resolve::resolve_lean(&doc, &lean);
    assert!(errors.is_empty(), "resolution errors");
    rss("resolved");
    let mut size = 0usize;
    let mut sink = std::io::sink();
    let mut counting = Counting(&mut sink, &mut size);
    entitle::cli::cache::entry::write(&model, &mut counting).expect("encode");
    rss("encoded");
    println!("{} users; entry {} MB", model.users.len(), size >> 20);
}

/// A writer that counts what it is given (the entry is streamed: never whole in memory).
struct Counting<'a>(&'a mut dyn std::io::Write, &'a mut usize);

impl std::io::Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.1 += buf.len();
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
