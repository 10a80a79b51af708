use std::process::ExitCode;

fn main() -> ExitCode {
    waymark::cli::main()
}
