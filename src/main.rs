//! The `cytoken` binary: everything lives in the library; this only hands it argv
//! and turns its answer into the exit status.

fn main() {
    std::process::exit(cytoken::run(std::env::args_os().collect()));
}
