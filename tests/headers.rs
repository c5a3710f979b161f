//! The committed C header `include/rs61850_generated.h` must be what cbindgen
//! makes of `src/ffi` today. `RS61850_BLESS=1 cargo test --test headers`
//! rewrites it after a change to the C-visible declarations.

use std::path::Path;

/// Path of the generated header, relative to the crate root.
const HEADER: &str = "include/rs61850_generated.h";

#[test]
fn generated_header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml must parse");
    // Only src/ffi is C-visible; parsing the whole crate would let same-named
    // Rust types of the inner layers (e.g. `mms::value::MmsType`) shadow ours.
    let bindings = cbindgen::Builder::new()
        .with_src(root.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen must understand src/ffi");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);

    let path = root.join(HEADER);
    if std::env::var_os("RS61850_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("write the generated header");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{HEADER} is stale: run `RS61850_BLESS=1 cargo test --test headers` and commit it"
    );
}
