//! Embeds every `.nix` file under `lib/` (the library) and `nixos/` (the
//! standard modules) into the binary as `(relative path, text)`.

use std::path::Path;

fn collect(dir: &Path, root: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("lib directory is readable").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, root, prefix, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            out.push(format!("(\"{prefix}/{rel}\", include_str!({:?}))", path.display().to_string()));
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for prefix in ["lib", "nixos"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(prefix);
        println!("cargo:rerun-if-changed={}", root.display());
        if root.is_dir() {
            collect(&root, &root, prefix, &mut files);
        }
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set")).join("embedded_files.rs");
    std::fs::write(out, format!("[{}]", files.join(",\n"))).expect("OUT_DIR is writable");
}
