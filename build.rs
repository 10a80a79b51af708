// Re-embed the static assets whenever a file under assets/ changes.
fn main() {
    println!("cargo:rerun-if-changed=assets");
    println!("cargo:rerun-if-changed=migrations");
}
