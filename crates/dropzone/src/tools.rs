//! The two write tools, served by the Drop Zone: `submit_dropzone_artifact` and
//! `run_integration` (their rules are in [`crate::service`]).

use draxis_auth::Principal;
use draxis_domain::{Handle, ToolResult};
use draxis_protocol::tools::{RunIntegration, SubmitDropzoneArtifact};
use draxis_protocol::types::{
    RunIntegrationArgs, RunIntegrationResult, SubmitArtifactArgs, SubmitArtifactResult,
};

use crate::service::DropZone;

impl Handle<SubmitDropzoneArtifact> for DropZone {
    async fn handle(
        &self,
        principal: &Principal,
        args: SubmitArtifactArgs,
    ) -> ToolResult<SubmitArtifactResult> {
        self.submit(principal, args).await
    }
}

impl Handle<RunIntegration> for DropZone {
    async fn handle(
        &self,
        principal: &Principal,
        args: RunIntegrationArgs,
    ) -> ToolResult<RunIntegrationResult> {
        self.run_integration(principal, args).await
    }
}
