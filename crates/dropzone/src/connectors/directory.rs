//! The `directory` connector: the regular files of a configured folder. Each file is
//! opened without following a symbolic link (`O_NOFOLLOW`), checked to be a regular file
//! through the opened handle, and read from that same handle, so a file swapped for a
//! link between listing and reading cannot pull in anything outside the folder.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use draxis_protocol::types::label_problem;
use serde::Deserialize;

use super::Fetched;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryConfig {
    path: String,
    /// Only files whose name ends with one of these (e.g. [".csv", ".txt"]); all when empty.
    #[serde(default)]
    extensions: Vec<String>,
}

/// Reads the folder's files, in name order.
pub(super) async fn fetch(config: &str, max_bytes: usize) -> Result<Vec<Fetched>, String> {
    let config: DirectoryConfig = serde_json::from_str(config).map_err(|e| {
        format!(
            "its configuration is not valid ({e}); it needs {{\"path\": \"/folder\"}} \
             and optionally \"extensions\"."
        )
    })?;
    tokio::task::spawn_blocking(move || read_folder(&config, max_bytes))
        .await
        .map_err(|e| format!("reading the folder stopped unexpectedly ({e})."))?
}

fn read_folder(config: &DirectoryConfig, max_bytes: usize) -> Result<Vec<Fetched>, String> {
    let cannot_read = |e: std::io::Error| {
        format!(
            "cannot read the folder `{}` ({e}); create it or correct the path.",
            config.path
        )
    };
    // The folder itself may be reached through a link; the files in it may not.
    let folder = std::fs::canonicalize(&config.path).map_err(cannot_read)?;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(cannot_read)? {
        let entry = entry.map_err(|e| format!("listing `{}` failed ({e}).", config.path))?;
        let Ok(name) = entry.file_name().into_string() else {
            tracing::warn!(folder = %folder.display(), "file whose name is not UTF-8 skipped");
            continue;
        };
        if let Some(problem) = label_problem("its file name", &name) {
            tracing::warn!(folder = %folder.display(), %problem, "file skipped");
            continue;
        }
        if !name.starts_with('.') && wanted(&name, &config.extensions) {
            names.push(name);
        }
    }
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let path = folder.join(&name);
        let Some(bytes) = read_regular_file(&path, max_bytes)? else {
            continue;
        };
        let Ok(content) = String::from_utf8(bytes) else {
            tracing::warn!(file = %path.display(), "file that is not UTF-8 text skipped");
            continue;
        };
        out.push(Fetched {
            mime_type: mime_from_name(&name),
            filename: Some(name),
            content,
            source: path.display().to_string(),
        });
    }
    Ok(out)
}

fn wanted(name: &str, extensions: &[String]) -> bool {
    let lower = name.to_lowercase();
    extensions.is_empty()
        || extensions
            .iter()
            .any(|ext| lower.ends_with(&ext.to_lowercase()))
}

/// The bytes of `path` if it is a regular file (not a link, folder, device or pipe) of at
/// most `max_bytes`; `None`, with a warning, for anything to skip.
fn read_regular_file(path: &Path, max_bytes: usize) -> Result<Option<Vec<u8>>, String> {
    let file = match open_no_follow(path) {
        Ok(file) => file,
        Err(error) => {
            // A link (ELOOP), or a file gone since the listing.
            tracing::warn!(file = %path.display(), %error, "file not opened without following links; skipped");
            return Ok(None);
        }
    };
    let meta = file
        .metadata()
        .map_err(|e| format!("reading `{}` failed ({e}).", path.display()))?;
    if !meta.is_file() {
        tracing::warn!(file = %path.display(), "not a regular file; skipped");
        return Ok(None);
    }
    if meta.len() > max_bytes as u64 {
        tracing::warn!(file = %path.display(), "file over the artifact size limit skipped");
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow after the check; never read more than the limit allows.
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading `{}` failed ({e}).", path.display()))?;
    if bytes.len() > max_bytes {
        tracing::warn!(file = %path.display(), "file over the artifact size limit skipped");
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading, refusing a symbolic link as its last component; a pipe or
/// device opens without blocking, to be refused by the regular-file check.
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    options.open(path)
}

fn mime_from_name(name: &str) -> Option<String> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(
        match ext.as_str() {
            "json" => "application/json",
            "csv" => "text/csv",
            "tsv" => "text/tab-separated-values",
            "md" => "text/markdown",
            "html" | "htm" => "text/html",
            "txt" | "log" => "text/plain",
            "yaml" | "yml" => "application/yaml",
            _ => return None,
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;

    use super::*;

    /// A fresh folder under the system temp folder, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "draxis-dir-{name}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::remove_dir_all(&path).ok();
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.0).ok();
        }
    }

    fn config(folder: &Path) -> String {
        serde_json::json!({ "path": folder }).to_string()
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn links_and_special_files_are_skipped_and_only_regular_files_read() {
        let scratch = Scratch::new("links");
        let outside = Scratch::new("outside");
        std::fs::write(outside.0.join("secret.txt"), "password = hunter2").unwrap();
        std::fs::write(scratch.0.join("report.csv"), "kri,value\nmfa,97\n").unwrap();
        std::os::unix::fs::symlink(outside.0.join("secret.txt"), scratch.0.join("link.txt"))
            .unwrap();
        std::os::unix::fs::symlink(&outside.0, scratch.0.join("linked-folder")).unwrap();
        std::fs::create_dir(scratch.0.join("sub.txt")).unwrap();
        let fetched = fetch(&config(&scratch.0), 1024).await.unwrap();
        let names: Vec<_> = fetched.iter().filter_map(|f| f.filename.clone()).collect();
        assert_eq!(names, ["report.csv"]);
        assert!(fetched.iter().all(|f| !f.content.contains("hunter2")));
    }

    #[test]
    fn the_handle_is_the_file_checked() {
        let scratch = Scratch::new("handle");
        let target = scratch.0.join("a.txt");
        std::fs::write(&target, "0123456789").unwrap();
        assert_eq!(
            read_regular_file(&target, 10).unwrap().unwrap(),
            b"0123456789"
        );
        assert_eq!(read_regular_file(&target, 9).unwrap(), None);
        #[cfg(unix)]
        {
            let link = scratch.0.join("b.txt");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            assert_eq!(read_regular_file(&link, 100).unwrap(), None);
        }
    }

    #[tokio::test]
    async fn a_missing_folder_is_a_sentence() {
        let refused = fetch(&config(Path::new("/nonexistent/draxis")), 10)
            .await
            .unwrap_err();
        assert!(
            refused.contains("create it or correct the path"),
            "{refused}"
        );
    }
}
