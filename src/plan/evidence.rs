//! Evidence files on progress updates: judged by their content (not their
//! name or the type the browser claims), limited in size, and given a safe
//! name for display. Accepted: PDF, PNG, JPEG, Word (DOCX) and Excel (XLSX);
//! the Exchange's files may also be PowerPoint slide decks (PPTX).

pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// What the accepted file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
    Docx,
    Xlsx,
    Pptx,
}

impl Kind {
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Pptx => "pptx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Png => "PNG image",
            Kind::Jpeg => "JPEG image",
            Kind::Docx => "Word document",
            Kind::Xlsx => "Excel workbook",
            Kind::Pptx => "PowerPoint slide deck",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: Kind,
    /// A safe name to show and to offer when downloading.
    pub name: String,
}

pub const NOT_ALLOWED: &str = "This file is not one we accept. Attach a PDF, a PNG or JPEG image, a Word document (.docx) or an Excel workbook (.xlsx).";

/// The same for the Exchange's files, which may also be slide decks.
pub const NOT_ALLOWED_EXCHANGE: &str = "This file is not one we accept. Attach a PDF, a PNG or JPEG image, a Word document (.docx), an Excel workbook (.xlsx) or a PowerPoint slide deck (.pptx).";

/// Evidence on progress updates: everything but slide decks.
const EVIDENCE: &[Kind] = &[Kind::Pdf, Kind::Png, Kind::Jpeg, Kind::Docx, Kind::Xlsx];

/// Exchange resources: evidence's kinds and PowerPoint slide decks.
const EXCHANGE: &[Kind] = &[
    Kind::Pdf,
    Kind::Png,
    Kind::Jpeg,
    Kind::Docx,
    Kind::Xlsx,
    Kind::Pptx,
];

/// Why an evidence file is refused, in words for the person attaching it.
pub fn check(bytes: &[u8], declared_name: &str) -> Result<Checked, String> {
    check_among(bytes, declared_name, EVIDENCE, NOT_ALLOWED)
}

/// Why a file attached to an Exchange item is refused.
pub fn check_exchange(bytes: &[u8], declared_name: &str) -> Result<Checked, String> {
    check_among(bytes, declared_name, EXCHANGE, NOT_ALLOWED_EXCHANGE)
}

fn check_among(
    bytes: &[u8],
    declared_name: &str,
    allowed: &[Kind],
    not_allowed: &str,
) -> Result<Checked, String> {
    if bytes.is_empty() {
        return Err("The file is empty. Choose the file again.".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(
            "The file is larger than 10 MB. Attach a smaller file (for example, a PDF of the key pages)."
                .into(),
        );
    }
    let kind = sniff(bytes)
        .filter(|k| allowed.contains(k))
        .ok_or_else(|| not_allowed.to_owned())?;
    Ok(Checked {
        kind,
        name: safe_name(declared_name, kind),
    })
}

/// The file's kind from its first bytes (and, for Office files, its parts).
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        let tail = &bytes[bytes.len().saturating_sub(2048)..];
        return tail.windows(5).any(|w| w == b"%%EOF").then_some(Kind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office(bytes);
    }
    None
}

/// A DOCX, XLSX or PPTX: a zip holding `[Content_Types].xml` and the main
/// part of a document, a workbook or a presentation.
fn office(bytes: &[u8]) -> Option<Kind> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let has = |part: &str| names.iter().any(|n| n == part);
    if !has("[Content_Types].xml") {
        return None;
    }
    if has("word/document.xml") {
        Some(Kind::Docx)
    } else if has("xl/workbook.xml") {
        Some(Kind::Xlsx)
    } else if has("ppt/presentation.xml") {
        Some(Kind::Pptx)
    } else {
        None
    }
}

/// Keeps letters, digits, spaces, dots, dashes and underscores of the last
/// path part, and ends in the extension of what the file really is.
pub fn safe_name(declared: &str, kind: Kind) -> String {
    let last = declared.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_'))
        .take(100)
        .collect();
    let mut stem = kept.trim_matches(|c: char| c == '.' || c == ' ').to_owned();
    if let Some(dot) = stem.rfind('.') {
        let ext = stem[dot + 1..].to_ascii_lowercase();
        if matches!(
            ext.as_str(),
            "pdf" | "png" | "jpg" | "jpeg" | "docx" | "xlsx" | "pptx"
        ) {
            stem.truncate(dot);
        }
    }
    let stem = stem.trim_matches(|c: char| c == '.' || c == ' ');
    let stem = if stem.is_empty() { "evidence" } else { stem };
    format!("{stem}.{}", kind.extension())
}

/// A tiny valid PNG (one white pixel), for tests.
pub fn sample_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90,
        0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8,
        0xFF, 0xFF, 0x3F, 0x00, 0x05, 0xFE, 0x02, 0xFE, 0xDC, 0xCC, 0x59, 0xE7, 0x00, 0x00, 0x00,
        0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::letter::sample_pdf;

    fn zip_with(parts: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for p in parts {
            w.start_file(*p, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn accepted_kinds_are_known_by_content() {
        assert_eq!(
            check(&sample_pdf("Minutes"), "minutes.pdf").unwrap(),
            Checked {
                kind: Kind::Pdf,
                name: "minutes.pdf".into()
            }
        );
        assert_eq!(sniff(&sample_png()), Some(Kind::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(Kind::Jpeg));
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(check(&docx, "Agenda.docx").unwrap().kind, Kind::Docx);
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(check(&xlsx, "Data.xlsx").unwrap().kind, Kind::Xlsx);
        // The real kind names the file, whatever it was called.
        assert_eq!(check(&xlsx, "Data.docx").unwrap().name, "Data.xlsx");
    }

    #[test]
    fn renamed_and_other_files_are_refused() {
        let html = b"<!doctype html><script>alert(1)</script>";
        assert_eq!(check(html, "report.pdf").unwrap_err(), NOT_ALLOWED);
        let mut exe = b"MZ\x90\x00".to_vec();
        exe.extend(vec![0u8; 100]);
        assert_eq!(check(&exe, "photo.png").unwrap_err(), NOT_ALLOWED);
        // A zip that is not an Office document, and a broken zip.
        let plain = zip_with(&["readme.txt"]);
        assert_eq!(check(&plain, "doc.docx").unwrap_err(), NOT_ALLOWED);
        assert_eq!(
            check(b"PK\x03\x04garbage", "a.xlsx").unwrap_err(),
            NOT_ALLOWED
        );
        assert!(check(b"%PDF-1.4 cut short", "a.pdf").is_err());
        assert!(check(b"", "a.pdf").unwrap_err().contains("empty"));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(check(&big, "a.pdf").unwrap_err().contains("10 MB"));
    }

    #[test]
    fn slide_decks_are_known_by_content_and_accepted_on_the_exchange_only() {
        let pptx = zip_with(&["[Content_Types].xml", "ppt/presentation.xml"]);
        assert_eq!(sniff(&pptx), Some(Kind::Pptx));
        assert_eq!(
            check_exchange(&pptx, "Kickoff deck.pptx").unwrap(),
            Checked {
                kind: Kind::Pptx,
                name: "Kickoff deck.pptx".into()
            }
        );
        // Named for what it is, whatever it was called.
        assert_eq!(
            check_exchange(&pptx, "deck.html").unwrap().name,
            "deck.html.pptx"
        );
        assert_eq!(
            check_exchange(&pptx, "deck.docx").unwrap().name,
            "deck.pptx"
        );
        assert_eq!(Kind::Pptx.extension(), "pptx");
        assert!(
            Kind::Pptx
                .content_type()
                .ends_with("presentationml.presentation")
        );
        // Progress evidence stays as it was.
        assert_eq!(check(&pptx, "deck.pptx").unwrap_err(), NOT_ALLOWED);
        // A zip with the presentation part but no content types, or the
        // content types and no presentation, is not a slide deck.
        let no_types = zip_with(&["ppt/presentation.xml"]);
        assert_eq!(
            check_exchange(&no_types, "a.pptx").unwrap_err(),
            NOT_ALLOWED_EXCHANGE
        );
        let no_deck = zip_with(&["[Content_Types].xml", "ppt/slides/slide1.xml"]);
        assert_eq!(
            check_exchange(&no_deck, "a.pptx").unwrap_err(),
            NOT_ALLOWED_EXCHANGE
        );
        assert!(NOT_ALLOWED_EXCHANGE.contains("PowerPoint slide deck (.pptx)"));
        // Everything evidence takes, the Exchange takes too.
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(check_exchange(&docx, "a.docx").unwrap().kind, Kind::Docx);
        assert_eq!(
            check_exchange(&sample_png(), "a.png").unwrap().kind,
            Kind::Png
        );
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd", Kind::Pdf), "passwd.pdf");
        assert_eq!(
            safe_name("C:\\Users\\me\\Site visit.JPEG", Kind::Jpeg),
            "Site visit.jpg"
        );
        assert_eq!(safe_name("<script>x</script>.pdf", Kind::Pdf), "script.pdf");
        let odd = safe_name("x\"; rm -rf *\n.png", Kind::Png);
        assert!(!odd.contains(['/', '"', '\n', ';', '*']), "{odd}");
        assert_eq!(safe_name("....", Kind::Png), "evidence.png");
        assert_eq!(safe_name("evil.html", Kind::Pdf), "evil.html.pdf");
    }
}
