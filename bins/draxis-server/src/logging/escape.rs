//! Log lines that say only what happened: every line the subscriber writes goes through
//! [`EscapeControl`], which escapes control characters (CR, LF, ESC, TAB, DEL, C1) and
//! Unicode line separators and direction overrides wherever they come from — a field
//! value, an error, a message — so a client-supplied value cannot forge a line or send
//! terminal escapes. Only the newline that ends each line is written as is.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

/// A [`MakeWriter`] whose writers escape control characters in each line.
#[derive(Debug, Clone)]
pub struct EscapeControl<M>(M);

impl<M> EscapeControl<M> {
    pub fn new(inner: M) -> Self {
        Self(inner)
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for EscapeControl<M> {
    type Writer = EscapingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapingWriter(self.0.make_writer())
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        EscapingWriter(self.0.make_writer_for(meta))
    }
}

/// Escapes what it is given, one formatted line per write, before passing it on.
#[derive(Debug)]
pub struct EscapingWriter<W>(W);

impl<W: Write> Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let (line, ending) = match buf.strip_suffix(b"\n") {
            Some(line) => (line, "\n"),
            None => (buf, ""),
        };
        let mut escaped = escape(&String::from_utf8_lossy(line));
        escaped.push_str(ending);
        self.0.write_all(escaped.as_bytes())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// `text` with every character that could break or restyle a line written as an escape.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let unsafe_here = c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if unsafe_here {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_hostile_value_cannot_forge_a_line_or_send_escapes() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = crate::logging::builder(EscapeControl::new(move || sink.clone()))
            .with_env_filter("info")
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let client_name = "Evil\r\n2026-01-01T00:00:00Z  INFO admin signed in\u{1b}[2J";
            tracing::info!(client_name = %client_name, "registered {}", "app\u{202e}gpj.exe\n");
            tracing::warn!(error = %"disk\u{7}full", "second line");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            !text.contains(['\u{1b}', '\r', '\u{7}', '\u{202e}']),
            "{text}"
        );
        assert!(
            lines[0].contains(r"Evil\r\n2026-01-01T00:00:00Z  INFO admin signed in\u{1b}[2J"),
            "{text}"
        );
        assert!(lines[0].contains(r"app\u{202e}gpj.exe\n"), "{text}");
        assert!(lines[1].contains(r"disk\u{7}full"), "{text}");
    }
}
