//! Tells the targets whether they are built with AddressSanitizer (`cfg(fuzz_asan)`): only
//! then do they define `bcmp` and `memcmp` themselves (`entitle_fuzz::compare_without_hook!`).
//! A build without a sanitizer (`cargo fuzz build -s none`, `cargo fuzz coverage`) links
//! libFuzzer's own `FuzzerInterceptors`, which define both, and two definitions do not link.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(fuzz_asan)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags.split('\x1f').any(|f| f == "-Zsanitizer=address" || f == "sanitizer=address") {
        println!("cargo::rustc-cfg=fuzz_asan");
    }
}
