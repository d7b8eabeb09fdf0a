//! Scopes a credential carries: `read`, or `read write`.

use std::fmt;

/// One permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

/// The set of scopes on a credential. Write always implies read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes {
    write: bool,
}

impl Scopes {
    pub const READ: Scopes = Scopes { write: false };
    pub const READ_WRITE: Scopes = Scopes { write: true };

    pub fn allows(self, scope: Scope) -> bool {
        match scope {
            Scope::Read => true,
            Scope::Write => self.write,
        }
    }

    /// Parses `read`, `write`, `read write`, `read,write` (any order, spaces or commas).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut read = false;
        let mut write = false;
        for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
            match word {
                "read" => read = true,
                "write" => write = true,
                other => {
                    return Err(format!(
                        "unknown scope `{other}`: use `read` or `read,write`"
                    ));
                }
            }
        }
        if !read && !write {
            return Err("no scope given: use `read` or `read,write`".into());
        }
        Ok(Scopes { write })
    }

    /// The canonical stored form: `read` or `read write`.
    pub fn as_str(self) -> &'static str {
        if self.write { "read write" } else { "read" }
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spellings_users_type() {
        assert_eq!(Scopes::parse("read"), Ok(Scopes::READ));
        assert_eq!(Scopes::parse("read,write"), Ok(Scopes::READ_WRITE));
        assert_eq!(Scopes::parse("read write"), Ok(Scopes::READ_WRITE));
        assert_eq!(Scopes::parse("write"), Ok(Scopes::READ_WRITE));
        assert!(Scopes::parse("admin").is_err());
        assert!(Scopes::parse("").is_err());
        assert!(!Scopes::READ.allows(Scope::Write));
        assert!(Scopes::READ_WRITE.allows(Scope::Read));
    }
}
