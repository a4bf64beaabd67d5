//! Parse a file to its AST (no resolution), for profiling the parser and AST builder:
//! `cargo run --release --example parseonly -- FILE`.

fn main() {
    let path = std::env::args().nth(1).expect("usage: parseonly FILE");
    let mut sources = entitle::Sources::new();
    let file = sources.add(path.clone(), std::fs::read_to_string(&path).expect("read"));
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    println!("{} items, {} errors", doc.items.len(), errors.len());
    let (model, errors) = entitle::resolve::resolve(&doc);
    println!("{} users, {} errors", model.users.len(), errors.len());
}
