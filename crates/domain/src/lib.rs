//! The risk domain: entities, the rules that colour them (KRI status, risk score,
//! outcome roll-up), the repository traits storage implements, the read services the
//! tools call, and the deterministic demo dataset. No IO happens here.

pub mod cache;
pub mod demo;
pub mod entities;
pub mod ids;
pub mod paging;
pub mod queries;
pub mod repository;
pub mod rules;
pub mod simulations;

pub use draxis_auth::TenantId;
pub use queries::{QueryError, RiskQueries};
pub use repository::{RiskRepository, StorageError};
