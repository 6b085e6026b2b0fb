//! The `folio` binary: parses flags, runs the library, prints diagnostics
//! once, and maps the outcome to an exit code (see `folio --help`).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use folio::build::{build, FailureKind};
use folio::cli::{Cli, Command, EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use folio::diagnostic::{counts, Diagnostic};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let code = match cli.command {
        Command::Build(args) => run_build(&args),
        Command::Serve(args) => match folio::serve::serve(args.options()) {
            Ok(()) => EXIT_OK,
            Err(failure) => {
                print_diagnostics(&failure.diagnostics);
                match failure.kind {
                    FailureKind::Content => EXIT_CONTENT,
                    FailureKind::Environment => EXIT_USAGE,
                }
            }
        },
    };
    ExitCode::from(code as u8)
}

fn run_build(args: &folio::cli::BuildArgs) -> i32 {
    match build(&args.options()) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics);
            if !args.quiet {
                let (_, warnings) = counts(&report.diagnostics);
                println!(
                    "Built {} pages, {} sections, {} warning{} in {} ms → {}",
                    report.pages,
                    report.sections,
                    warnings,
                    if warnings == 1 { "" } else { "s" },
                    report.elapsed.as_millis(),
                    report.out.display()
                );
            }
            if args.timings {
                for (stage, took) in &report.stages {
                    println!("  {stage:<22} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            EXIT_OK
        }
        Err(failure) => {
            print_diagnostics(&failure.diagnostics);
            let (errors, warnings) = counts(&failure.diagnostics);
            eprintln!(
                "Build failed: {errors} error{}, {warnings} warning{}; nothing was written.",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            );
            match failure.kind {
                FailureKind::Content => EXIT_CONTENT,
                FailureKind::Environment => EXIT_USAGE,
            }
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in sorted {
        let _ = writeln!(err, "{d}");
    }
}
