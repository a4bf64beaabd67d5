//! Byte comparison without libFuzzer's comparison hook.
//!
//! Every `==` on two byte slices or strings of unknown length (pest tries a keyword at every
//! position with one) is a call to `bcmp`, and an ordering of two of them a call to `memcmp`.
//! In a build with AddressSanitizer both go through the sanitizer's interceptor, which checks
//! the two ranges and then calls libFuzzer's `__sanitizer_weak_hook_memcmp` on every unequal
//! comparison: the hook hashes the bytes into the table of recent comparisons and the value
//! profile. `scripts/fuzz.sh` runs with `-use_cmp=0` and without `-use_value_profile`, so
//! nothing ever reads either, and on the `parse` target the interceptor and the hook were 9%
//! of every execution.
//!
//! [`compare_without_hook!`](crate::compare_without_hook) defines `bcmp` and `memcmp` in the
//! target's own binary, where they take precedence over the sanitizer's (weak) interceptors and
//! the C library's. They are ordinary Rust, built with the target's instrumentation, so
//! AddressSanitizer still checks every byte they read, as it checks any other load.

/// Compares `n` bytes at `a` and `b` as `memcmp` does: 0 when equal, else negative or positive
/// as the first byte that differs is smaller or larger in `a`.
///
/// # Safety
///
/// `a` and `b` must each be valid for reads of `n` bytes (no alignment needed), as for
/// `memcmp`.
pub unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    // eight bytes at a time, read big-endian so that the first byte is the most significant
    // and one comparison of the two words orders them as the bytes would
    while i + 8 <= n {
        // SAFETY: i + 8 <= n, and both pointers are valid for n bytes
        let (x, y) = unsafe {
            (
                u64::from_be(a.add(i).cast::<u64>().read_unaligned()),
                u64::from_be(b.add(i).cast::<u64>().read_unaligned()),
            )
        };
        if x != y {
            return if x < y { -1 } else { 1 };
        }
        i += 8;
    }
    while i < n {
        // SAFETY: i < n
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// Defines `bcmp` and `memcmp` in the fuzz target that invokes it (once, at the top level) as
/// [`compare`](crate::compare::compare): see [the module](crate::compare). It must be in the
/// target's own source: a definition in this library would be linked only if something else
/// drew in its object file, and the sanitizer's interceptors are always there. Only in a build
/// with AddressSanitizer (`cfg(fuzz_asan)`, set by `build.rs`): without a sanitizer libFuzzer
/// links interceptors of its own with the same names.
#[macro_export]
macro_rules! compare_without_hook {
    () => {
        /// `bcmp` without the sanitizer's interceptor and libFuzzer's hook
        /// (`entitle_fuzz::compare`).
        ///
        /// # Safety
        ///
        /// As `bcmp`: `a` and `b` valid for reads of `n` bytes.
        #[cfg(fuzz_asan)]
        #[no_mangle]
        pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
            // SAFETY: the caller's, as for bcmp
            unsafe { $crate::compare::compare(a, b, n) }
        }

        /// `memcmp` without the sanitizer's interceptor and libFuzzer's hook
        /// (`entitle_fuzz::compare`).
        ///
        /// # Safety
        ///
        /// As `memcmp`: `a` and `b` valid for reads of `n` bytes.
        #[cfg(fuzz_asan)]
        #[no_mangle]
        pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
            // SAFETY: the caller's, as for memcmp
            unsafe { $crate::compare::compare(a, b, n) }
        }
    };
}
