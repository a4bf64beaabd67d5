fn main() { println!("peers: see issue 5"); }
