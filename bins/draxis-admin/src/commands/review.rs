//! `draxis-admin review`: the Pending Extraction Review queue — list, show, and accept
//! or reject through the Drop Zone, as the console does.

use anyhow::Context;
use clap::Subcommand;
use draxis_app::App;
use draxis_domain::ids::IdKind;
use draxis_domain::repository::RefKind;
use draxis_dropzone::records::{Decided, Decision, DropZoneStore, ExtractionFilter};
use draxis_protocol::types::ProposalState;

use super::support::{admin_actor, lookup, when};

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// List extractions, pending review by default.
    List {
        #[arg(long)]
        tenant: String,
        /// Only this integration (id such as int_1, or name).
        #[arg(long)]
        integration: Option<String>,
        /// pending_review (default), auto_accepted, accepted, rejected or all.
        #[arg(long, default_value = "pending_review")]
        state: String,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one extraction: KRI, value, confidence and reasons, evidence span, artifact.
    Show {
        #[arg(long)]
        tenant: String,
        /// Extraction id (ext_12 or 12).
        id: String,
    },
    /// Accept an extraction; the next run of its integration writes it into the KRI.
    Accept {
        #[arg(long)]
        tenant: String,
        /// Extraction id (ext_12 or 12).
        id: String,
        /// Write this value instead of the proposed one (in the KRI's unit).
        #[arg(long)]
        value: Option<f64>,
        /// Why, for the audit trail.
        #[arg(long)]
        note: Option<String>,
        /// Who decides (recorded).
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
    /// Reject an extraction: it is never written.
    Reject {
        #[arg(long)]
        tenant: String,
        /// Extraction id (ext_12 or 12).
        id: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
}

pub async fn run(app: &App, command: ReviewCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        ReviewCommand::List {
            tenant,
            integration,
            state,
            limit,
        } => {
            let tenant = store.require_tenant(&tenant).await?;
            let state = match state.as_str() {
                "all" => None,
                s => Some(ProposalState::parse(s).with_context(|| {
                    format!("unknown state `{s}`; use pending_review, auto_accepted, accepted, rejected or all")
                })?),
            };
            let integration_id = match integration {
                Some(key) => Some(lookup(store, &tenant, RefKind::Integration, &key).await?),
                None => None,
            };
            let rows = store
                .extractions(
                    tenant.id,
                    &ExtractionFilter {
                        state,
                        integration_id,
                        limit,
                    },
                )
                .await?;
            println!(
                "{:<8} {:<16} {:<38} {:>12} {:>6} {:<16} EVIDENCE",
                "ID", "STATE", "KRI", "VALUE", "CONF", "ARTIFACT"
            );
            for e in &rows {
                let excerpt: String = e.excerpt.replace('\n', " ").chars().take(60).collect();
                println!(
                    "{:<8} {:<16} {:<38} {:>12} {:>6.2} {:<16} {excerpt}",
                    IdKind::Extraction.format(e.id),
                    e.state.as_str(),
                    e.kri_slug,
                    format!("{} {}", e.value, e.kri_unit),
                    e.confidence,
                    IdKind::Artifact.format(e.artifact_id),
                );
            }
            eprintln!("{} extraction(s)", rows.len());
        }
        ReviewCommand::Show { tenant, id } => {
            let tenant = store.require_tenant(&tenant).await?;
            let id = extraction_id(&id)?;
            let e = store
                .extraction(tenant.id, id)
                .await?
                .with_context(|| format!("no extraction ext_{id} in tenant {}", tenant.slug))?;
            let artifact = store.artifact(tenant.id, e.artifact_id).await?;
            println!("extraction   {}", IdKind::Extraction.format(e.id));
            println!("state        {}", e.state);
            println!(
                "kri          {} ({})",
                e.kri_slug,
                IdKind::Kri.format(e.kri_id)
            );
            println!("value        {} {}", e.value, e.kri_unit);
            if let Some(v) = e.proposed_value {
                println!(
                    "proposed     {v} {} (corrected by the reviewer)",
                    e.kri_unit
                );
            }
            println!("observed at  {}", when(e.observed_at));
            println!("confidence   {:.2}", e.confidence);
            for r in &e.reasons {
                println!("  because    {r}");
            }
            println!("evidence     lines {}-{}:", e.line_start, e.line_end);
            for line in e.excerpt.lines() {
                println!("  | {line}");
            }
            if let Some(a) = artifact {
                println!(
                    "artifact     {} {} ({} bytes, {}, sha256 {}) received {} from {}",
                    IdKind::Artifact.format(a.id),
                    a.filename.as_deref().unwrap_or("(no filename)"),
                    a.size_bytes,
                    a.mime_type.as_deref().unwrap_or("no type"),
                    a.sha256,
                    when(Some(a.received_at)),
                    a.submitted_by
                );
            }
            if let Some(by) = &e.decided_by {
                println!("decided      by {by} at {}", when(e.decided_at));
            }
            if let Some(note) = &e.note {
                println!("note         {note}");
            }
            if e.materialized_at.is_some() {
                println!("written      {}", when(e.materialized_at));
            }
        }
        ReviewCommand::Accept {
            tenant,
            id,
            value,
            note,
            by,
        } => decide(app, &tenant, &id, true, value, note, &by).await?,
        ReviewCommand::Reject {
            tenant,
            id,
            note,
            by,
        } => decide(app, &tenant, &id, false, None, note, &by).await?,
    }
    Ok(())
}

/// Accepts or rejects through the Drop Zone, as the console does: the decision is
/// audited and the tenant's cached lists are dropped.
async fn decide(
    app: &App,
    tenant: &str,
    id: &str,
    accept: bool,
    value: Option<f64>,
    note: Option<String>,
    by: &str,
) -> anyhow::Result<()> {
    let tenant = app.store.require_tenant(tenant).await?;
    let id = extraction_id(id)?;
    if let Some(v) = value
        && !v.is_finite()
    {
        anyhow::bail!("--value must be a finite number");
    }
    let decision = Decision {
        accept,
        value,
        note,
    };
    match app
        .dropzone
        .decide(tenant.id, id, &decision, &admin_actor(by))
        .await?
    {
        Decided::Done(e) => eprintln!(
            "{} ext_{id}: {} = {} {}; {}",
            if accept { "accepted" } else { "rejected" },
            e.kri_slug,
            e.value,
            e.kri_unit,
            if accept {
                format!(
                    "the next run of its integration (int_{}) writes it into the KRI",
                    e.integration_id
                )
            } else {
                "it will never be written".into()
            }
        ),
        Decided::NotPending(state) => anyhow::bail!(
            "ext_{id} is {state}, not waiting for a decision; only pending_review (or auto_accepted, not yet written) extractions can be decided"
        ),
        Decided::NotFound => anyhow::bail!("no extraction ext_{id} in tenant {}", tenant.slug),
    }
    Ok(())
}

fn extraction_id(text: &str) -> anyhow::Result<i64> {
    IdKind::Extraction
        .parse(text)
        .or_else(|| text.trim().parse().ok())
        .with_context(|| {
            format!("`{text}` is not an extraction id; use ext_12 or 12 (see `review list`)")
        })
}
