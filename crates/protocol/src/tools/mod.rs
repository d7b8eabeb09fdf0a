//! One module per tool: its typed definition (a [`Tool`](crate::Tool)), its arguments and
//! its result. The list below is the catalog's order; every layer derives from it.

mod get_asset_inventory;
mod get_kri;
mod list_controls;
mod list_integrations;
mod list_kris;
mod list_outcomes;
mod list_risks;
mod list_simulations;
mod list_vendors;
mod run_integration;
mod submit_dropzone_artifact;

pub use get_asset_inventory::*;
pub use get_kri::*;
pub use list_controls::*;
pub use list_integrations::*;
pub use list_kris::*;
pub use list_outcomes::*;
pub use list_risks::*;
pub use list_simulations::*;
pub use list_vendors::*;
pub use run_integration::*;
pub use submit_dropzone_artifact::*;

/// Calls `$callback! { ListKris, GetKri, ... }` with every tool's type, in the order
/// clients list them. The catalog, the server's dispatch table and its completeness test
/// are all built from this one list.
#[macro_export]
macro_rules! with_every_tool {
    ($callback:ident) => {
        $callback! {
            ListKris,
            GetKri,
            ListControls,
            ListRisks,
            ListOutcomes,
            ListVendors,
            GetAssetInventory,
            ListSimulations,
            ListIntegrations,
            SubmitDropzoneArtifact,
            RunIntegration,
        }
    };
}
