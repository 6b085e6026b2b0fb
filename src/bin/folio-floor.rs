//! The yardstick for folio's speed: the least work any generator must do.
//!
//! Reads every Markdown file under `<root>/content`, splits off the front
//! matter, renders the body with pulldown-cmark and writes one HTML file per
//! page, in parallel with rayon. No templates, no links, no site model.
//! `folio build` is measured against this.
//!
//! Usage: `folio-floor <root> <out>`

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{html, Parser};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: folio-floor <root> <out>");
        std::process::exit(2);
    }
    let content = Path::new(&args[1]).join("content");
    let out = PathBuf::from(&args[2]);
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|path| {
        let text = fs::read_to_string(path).expect("readable UTF-8");
        let body = split_front_matter(&text);
        let mut html_out = String::with_capacity(body.len() * 3 / 2);
        html::push_html(
            &mut html_out,
            Parser::new_ext(body, folio::markdown::options()),
        );
        let rel = path.strip_prefix(&content).expect("under content");
        let target = out.join(rel).with_extension("").join("index.html");
        fs::create_dir_all(target.parent().expect("has parent")).expect("mkdir");
        fs::write(target, html_out).expect("write");
    });
    println!("{} pages", files.len());
}

fn split_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}
