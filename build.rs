//! Gives the shared library the soname of libiec61850 1.6.1, so programs linked
//! with `-liec61850` record `libiec61850.so.1.6.1` and find it through the usual
//! `libiec61850.so` -> `libiec61850.so.1.6.1` symlinks, as with the reference.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libiec61850.so.1.6.1");
    }
}
