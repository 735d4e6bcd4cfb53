//! The `posture` command line: a thin layer over the library that parses flags, loads
//! inputs, runs the scan and maps outcomes to exit codes.
//!
//! Exit codes: 0 clean; 1 failing findings at or above `--fail-on`; 2 usage or input error;
//! 3 a plugin failed to load or errored (results incomplete).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
