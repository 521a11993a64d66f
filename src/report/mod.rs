//! The acceptance report (process.md step 7): [`data::build`] gathers it
//! from the target store, [`text`] and [`html`] render it.

pub(crate) mod compare;
pub mod data;
pub mod html;
pub(crate) mod lang;
pub mod text;

pub use data::{Report, build};
pub use lang::Lang;
