//! Parse a file with the pest grammar only (no AST), for profiling the grammar:
//! `cargo run --release --example pestonly -- FILE`.

fn main() {
    use pest::Parser;
    let path = std::env::args().nth(1).expect("usage: pestonly FILE");
    let text = std::fs::read_to_string(path).expect("read");
    let pairs = entitle::syntax::Grammar::parse(entitle::syntax::Rule::file, &text).expect("parse");
    println!("{} top-level pairs", pairs.count());
}
