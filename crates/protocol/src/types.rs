//! Every argument and result type of the contract under one path: the shared wire
//! vocabulary ([`crate::wire`]) and each tool's own types ([`crate::tools`]).

pub use crate::tools::*;
pub use crate::wire::*;
