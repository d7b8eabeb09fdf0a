//! The risk domain: entities, the rules that colour them (KRI status, risk score,
//! outcome roll-up), the repository traits storage implements, the read services the
//! tools call, and the deterministic demo dataset. No IO happens here.

pub mod cache;
pub mod demo;
pub mod entities;
pub mod error;
pub mod ids;
pub mod paging;
pub mod register;
pub mod register_edits;
pub mod repository;
pub mod rules;
pub mod simulations;
pub mod tools;

pub use draxis_auth::TenantId;
pub use error::{StorageError, StorageResult, ToolError, ToolResult};
pub use repository::RiskRepository;
pub use tools::{Handle, RiskQueries};
