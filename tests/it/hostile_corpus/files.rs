//! Files and artifacts: the register upload with broken multipart and hostile files (binary,
//! other encodings, a YAML billion laughs, deep nesting, hostile names, too many, too
//! large) and Drop Zone artifacts that are huge, binary or of mixed encodings.

use serde_json::{Value, json};

use super::tools::tool_call;
use super::web::{console_post, form};
use super::{Keys, Probe};

/// A named set of uploaded files.
type Upload<'a> = (&'a str, Vec<(&'a str, Vec<u8>)>);

/// One multipart part.
fn part(boundary: &str, disposition: &str, content: &[u8]) -> Vec<u8> {
    let mut out = format!("--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n")
        .into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\r\n");
    out
}

pub(crate) fn upload_probes(keys: &Keys, csrf: &str) -> Vec<Probe> {
    let b = "corpus-boundary";
    let multipart = format!("multipart/form-data; boundary={b}");
    let with_files = |files: &[(&str, Vec<u8>)]| {
        let mut body = part(b, "name=\"csrf\"", csrf.as_bytes());
        for (name, content) in files {
            body.extend(part(
                b,
                &format!("name=\"files\"; filename=\"{name}\""),
                content,
            ));
        }
        body.extend(format!("--{b}--\r\n").into_bytes());
        body
    };
    let laughs = format!(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n{}",
        (b'b'..=b'i')
            .map(|c| {
                let p = c - 1;
                format!(
                    "{}: &{} [*{},*{},*{},*{},*{},*{},*{},*{},*{}]\n",
                    c as char,
                    c as char,
                    p as char,
                    p as char,
                    p as char,
                    p as char,
                    p as char,
                    p as char,
                    p as char,
                    p as char,
                    p as char
                )
            })
            .collect::<String>()
    );
    let files: Vec<Upload<'_>> = vec![
        (
            "binary csv",
            vec![("kris.csv", (0..=255u8).cycle().take(100_000).collect())],
        ),
        (
            "latin-1 csv",
            vec![("kris.csv", b"slug,name\ncaf\xe9,Caf\xe9\n".to_vec())],
        ),
        (
            "utf-16 csv",
            vec![(
                "kris.csv",
                "slug,name\nx,y\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect(),
            )],
        ),
        (
            "billion laughs yaml",
            vec![("register.yaml", laughs.into_bytes())],
        ),
        (
            "deep yaml",
            vec![(
                "register.yaml",
                format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000)).into_bytes(),
            )],
        ),
        (
            "json with a bom and nul",
            vec![(
                "register.json",
                b"\xef\xbb\xbf{\"kris\":[{\"slug\":\"a\x00\"}]}".to_vec(),
            )],
        ),
        (
            "csv of one huge cell",
            vec![(
                "kris.csv",
                format!("slug,name\nx,{}\n", "y".repeat(3_000_000)).into_bytes(),
            )],
        ),
        (
            "csv with unbalanced quotes",
            vec![("kris.csv", b"slug,name\n\"x,y\n\"\"\"\n".to_vec())],
        ),
        (
            "hostile file names",
            vec![
                ("../../etc/passwd", b"x".to_vec()),
                ("a\u{0}.csv", b"x".to_vec()),
                ("\u{202e}vsc.exe", b"x".to_vec()),
                ("", b"x".to_vec()),
            ],
        ),
        (
            "unknown extension",
            vec![("kris.exe", b"MZ\x90\x00".to_vec())],
        ),
        (
            "two hundred files",
            (0..200).map(|_| ("kris.csv", b"slug\n".to_vec())).collect(),
        ),
    ];
    let mut probes = Vec::new();
    for (label, files) in files {
        probes.push(console_post(
            keys,
            format!("upload: {label}"),
            "/register/upload",
            &multipart,
            with_files(&files),
        ));
    }
    let raw: Vec<(&str, String, Vec<u8>)> = vec![
        ("no boundary", "multipart/form-data".into(), with_files(&[])),
        (
            "another boundary",
            "multipart/form-data; boundary=other".into(),
            with_files(&[]),
        ),
        (
            "not multipart",
            "application/x-www-form-urlencoded".into(),
            b"files=x".to_vec(),
        ),
        (
            "truncated",
            multipart.clone(),
            with_files(&[("kris.csv", b"slug\nx\n".to_vec())])[..60].to_vec(),
        ),
        (
            "no closing boundary",
            multipart.clone(),
            part(b, "name=\"files\"; filename=\"k.csv\"", b"slug"),
        ),
        ("garbage", multipart.clone(), vec![0xff; 4096]),
        (
            "no csrf",
            multipart.clone(),
            part(b, "name=\"files\"; filename=\"k.csv\"", b"slug"),
        ),
        (
            "over the upload limit",
            multipart.clone(),
            with_files(&[("kris.csv", vec![b'a'; 40 * 1024 * 1024])]),
        ),
    ];
    for (label, content_type, body) in raw {
        probes.push(console_post(
            keys,
            format!("upload: {label}"),
            "/register/upload",
            &content_type,
            body,
        ));
    }
    for id in ["", "nope", "%00", "../x", &"9".repeat(5_000)] {
        let body = form(&[
            ("csrf".into(), csrf.to_string()),
            ("upload".into(), id.to_string()),
        ]);
        probes.push(console_post(
            keys,
            format!("upload apply: id {id:.20}"),
            "/register/upload/apply",
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        ));
    }
    probes
}

pub(crate) fn dropzone_probes(keys: &Keys) -> Vec<Probe> {
    let latin1_as_text: String = b"Patch compliance: 91% caf\xe9"
        .iter()
        .map(|&b| char::from(b))
        .collect();
    let contents: Vec<(&str, Value)> = vec![
        (
            "just over the limit",
            json!("a".repeat(10 * 1024 * 1024 + 1)),
        ),
        (
            "at the limit of lines",
            json!("Patch compliance: 91%\n".repeat(400_000)),
        ),
        (
            "every control character",
            json!((0u8..32).map(char::from).collect::<String>().repeat(1000)),
        ),
        ("nul-separated", json!("Patch\u{0}compliance:\u{0}91%")),
        ("latin-1 read as text", json!(latin1_as_text)),
        (
            "utf-16 code units as text",
            json!("P\u{0}a\u{0}t\u{0}c\u{0}h\u{0}"),
        ),
        ("replacement characters", json!("\u{fffd}".repeat(10_000))),
        (
            "one huge line",
            json!(format!("Patch compliance: {}%", "9".repeat(1_000_000))),
        ),
        (
            "a huge number",
            json!("Patch compliance: 1e308%\nCritical CVEs: 99999999999999999999999"),
        ),
        (
            "deep markdown table",
            json!(format!("|a|\n|-|\n{}", "|1|\n".repeat(100_000))),
        ),
        (
            "html tags with multi-byte letters",
            json!(
                "<table><tr><té>x</té><th>Patch compliance</th></tr><tr><td>91%</td></tr></table>"
            ),
        ),
        (
            "base64 of a pdf",
            json!("JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoK"),
        ),
    ];
    let mut probes = Vec::new();
    for (label, content) in contents {
        for mime in [
            "text/markdown",
            "application/octet-stream",
            "text/plain; charset=latin1",
        ] {
            let arguments = json!({"integrationId": keys.drop_zone, "content": content,
                "filename": "artifact.md", "mimeType": mime});
            probes.push(tool_call(
                format!("artifact {label} as {mime}"),
                keys,
                "submit_dropzone_artifact",
                arguments,
            ));
        }
    }
    probes
}
