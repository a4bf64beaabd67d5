//! Resident memory after each stage of a first load for a question answered from the model
//! (read, parse, resolve freeing the tree, encode the cache entry), for the scale figures:
//! `cargo run --release --example memphases -- FILE` (Linux: reads /proc/self/status).

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
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    assert!(errors.is_empty(), "syntax errors");
    rss("parsed");
    let (model, errors) = entitle::resolve::resolve_consuming(doc);
    assert!(errors.is_empty(), "resolution errors");
    rss("resolved");
    let parts = entitle::cli::cache::entry::encode(&model).expect("encode");
    rss("encoded");
    println!(
        "{} users; entry {} MB",
        model.users.len(),
        parts.iter().map(Vec::len).sum::<usize>() >> 20
    );
}
