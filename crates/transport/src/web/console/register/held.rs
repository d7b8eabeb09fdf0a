//! Uploaded register files held between the dry run and its Apply: in this process's
//! memory, keyed by a random id and bound to the session, user and tenant that uploaded
//! them, for [`HOLD_FOR`]; at most [`PER_SESSION`] uploads per session (a newer one drops
//! the session's oldest) and [`MAX_HELD_BYTES`] in all. Apply takes an upload out, so the
//! same preview is never applied twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use draxis_auth::TenantId;
use rand::TryRng;

/// How long a previewed upload waits for its Apply.
pub(crate) const HOLD_FOR: Duration = Duration::from_secs(10 * 60);

/// Uploads held per session.
pub(crate) const PER_SESSION: usize = 3;

/// Bytes held for everyone together.
pub(crate) const MAX_HELD_BYTES: usize = 64 * 1024 * 1024;

/// Whose upload it is: only the same session, user and tenant may apply it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Owner {
    pub session_id: i64,
    pub user_id: i64,
    pub tenant: TenantId,
}

/// One previewed upload: the files as uploaded, the SHA-256 the dry run reported for
/// each, and whether it was previewed with prune.
#[derive(Debug, Clone)]
pub(crate) struct HeldUpload {
    pub files: Vec<(String, Arc<[u8]>)>,
    pub previewed: Vec<(String, String)>,
    pub prune: bool,
}

impl HeldUpload {
    fn bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }
}

struct Entry {
    owner: Owner,
    upload: HeldUpload,
    held_at: Instant,
}

/// Why an upload cannot be held.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HoldError {
    /// Everyone's held previews fill [`MAX_HELD_BYTES`].
    Full,
    /// The system's random source failed.
    NoRandomness,
}

/// The held uploads of this process.
#[derive(Default)]
pub(crate) struct HeldUploads {
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for HeldUploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldUploads").finish_non_exhaustive()
    }
}

impl HeldUploads {
    /// Holds `upload` for `owner`; answers its id (32 hex digits).
    pub fn hold(
        &self,
        owner: Owner,
        upload: HeldUpload,
        now: Instant,
    ) -> Result<String, HoldError> {
        let mut secret = [0u8; 16];
        rand::rngs::SysRng
            .try_fill_bytes(&mut secret)
            .map_err(|_| HoldError::NoRandomness)?;
        let id = hex::encode(secret);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, e| now.saturating_duration_since(e.held_at) < HOLD_FOR);
        let mut own: Vec<(Instant, String)> = entries
            .iter()
            .filter(|(_, e)| e.owner.session_id == owner.session_id)
            .map(|(id, e)| (e.held_at, id.clone()))
            .collect();
        own.sort();
        let surplus = (own.len() + 1).saturating_sub(PER_SESSION);
        for (_, oldest) in own.into_iter().take(surplus) {
            entries.remove(&oldest);
        }
        let held: usize = entries.values().map(|e| e.upload.bytes()).sum();
        if held + upload.bytes() > MAX_HELD_BYTES {
            return Err(HoldError::Full);
        }
        entries.insert(
            id.clone(),
            Entry {
                owner,
                upload,
                held_at: now,
            },
        );
        Ok(id)
    }

    /// Takes out the upload `id`, with when it was held, if it is `owner`'s and younger
    /// than [`HOLD_FOR`]; an upload of another owner stays where it is.
    pub fn take(&self, id: &str, owner: Owner, now: Instant) -> Option<(HeldUpload, Instant)> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, e| now.saturating_duration_since(e.held_at) < HOLD_FOR);
        match entries.get(id) {
            Some(entry) if entry.owner == owner => {
                entries.remove(id).map(|e| (e.upload, e.held_at))
            }
            _ => None,
        }
    }

    /// Puts back an upload taken for an Apply that could not run (the database failed),
    /// so the admin can try again; it keeps its original deadline.
    pub fn put_back(&self, id: String, owner: Owner, upload: HeldUpload, held_at: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(
            id,
            Entry {
                owner,
                upload,
                held_at,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(session_id: i64) -> Owner {
        Owner {
            session_id,
            user_id: 1,
            tenant: TenantId(1),
        }
    }

    fn upload(bytes: usize) -> HeldUpload {
        HeldUpload {
            files: vec![("kris.csv".into(), Arc::from(vec![b'x'; bytes]))],
            previewed: vec![("kris.csv".into(), "00".into())],
            prune: false,
        }
    }

    #[test]
    fn only_the_owner_takes_an_upload_and_only_once() {
        let held = HeldUploads::default();
        let now = Instant::now();
        let id = held.hold(owner(1), upload(10), now).unwrap();
        assert_eq!(id.len(), 32);
        assert!(held.take(&id, owner(2), now).is_none(), "another session");
        let other_tenant = Owner {
            tenant: TenantId(2),
            ..owner(1)
        };
        assert!(
            held.take(&id, other_tenant, now).is_none(),
            "another tenant"
        );
        assert!(held.take(&id, owner(1), now).is_some());
        assert!(held.take(&id, owner(1), now).is_none(), "taken once");
    }

    #[test]
    fn an_upload_expires_after_ten_minutes() {
        let held = HeldUploads::default();
        let now = Instant::now();
        let id = held.hold(owner(1), upload(10), now).unwrap();
        assert!(held.take(&id, owner(1), now + HOLD_FOR).is_none());
        let id = held.hold(owner(1), upload(10), now).unwrap();
        let later = now + HOLD_FOR - Duration::from_secs(1);
        assert!(held.take(&id, owner(1), later).is_some());
    }

    #[test]
    fn a_session_holds_a_few_uploads_and_everyone_a_bounded_total() {
        let held = HeldUploads::default();
        let now = Instant::now();
        let ids: Vec<String> = (0..PER_SESSION + 1)
            .map(|i| {
                held.hold(owner(1), upload(10), now + Duration::from_secs(i as u64))
                    .unwrap()
            })
            .collect();
        let later = now + Duration::from_secs(60);
        assert!(
            held.take(&ids[0], owner(1), later).is_none(),
            "oldest dropped"
        );
        assert!(held.take(&ids[PER_SESSION], owner(1), later).is_some());

        let big = MAX_HELD_BYTES / 2;
        held.hold(owner(7), upload(big), now).unwrap();
        held.hold(owner(8), upload(big - 100), now).unwrap();
        assert_eq!(held.hold(owner(9), upload(200), now), Err(HoldError::Full));
        // Expired uploads make room.
        assert!(held.hold(owner(9), upload(200), now + HOLD_FOR).is_ok());
    }
}
