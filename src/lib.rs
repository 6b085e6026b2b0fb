//! folio: a static documentation-site generator for handbooks.
//!
//! The modules follow the pipeline: [`discover`] → [`load`] → [`route`] →
//! [`markdown`] → [`site`] (assemble) → [`render`] → [`output`], driven by
//! [`build`]. Only `discover`, `build` and `output` touch the file system;
//! the stages between them take and return plain data. [`serve`] is the
//! live preview built on top of the pipeline; [`scaffold`] starts a new
//! page for `folio new`.

#![warn(missing_docs)]

pub mod alloc;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
pub mod route;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod site;
pub mod strings;
#[cfg(test)]
mod test_rng;
