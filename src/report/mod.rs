//! The acceptance report (process.md step 7).

pub mod compare;
