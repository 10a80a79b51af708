//! The letter of commitment: a PDF, checked by its content (not its name)
//! and its size. Its file name is kept only for display, made safe.

pub const MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLetter {
    /// A safe name to show and to offer when downloading.
    pub name: String,
}

/// Why an upload is refused, in words for the person uploading.
pub fn check(bytes: &[u8], declared_name: &str) -> Result<CheckedLetter, &'static str> {
    if bytes.is_empty() {
        return Err("The file is empty. Choose the signed letter, saved as a PDF.");
    }
    if bytes.len() > MAX_BYTES {
        return Err(
            "The file is larger than 10 MB. Save the letter as a smaller PDF (for example, scan it in black and white).",
        );
    }
    // A PDF starts with "%PDF-" (within the first kilobyte) and ends with "%%EOF".
    let head = &bytes[..bytes.len().min(1024)];
    let starts = head.windows(5).any(|w| w == b"%PDF-");
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    let ends = tail.windows(5).any(|w| w == b"%%EOF");
    if !starts || !ends {
        return Err("This file is not a PDF. Save the signed letter as a PDF and upload that.");
    }
    Ok(CheckedLetter {
        name: safe_name(declared_name),
    })
}

/// Keeps letters, digits, spaces, dots, dashes and underscores of the last
/// path part; always ends in .pdf.
pub fn safe_name(declared: &str) -> String {
    let last = declared.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_'))
        .take(100)
        .collect();
    name = name.trim_matches(|c: char| c == '.' || c == ' ').to_owned();
    if name.to_ascii_lowercase().ends_with(".pdf") {
        name.truncate(name.len() - 4);
    }
    let name = name.trim_matches(|c: char| c == '.' || c == ' ');
    if name.is_empty() {
        "letter-of-commitment.pdf".into()
    } else {
        format!("{name}.pdf")
    }
}

/// A one-page PDF, for the demo and the tests.
pub fn sample_pdf(text: &str) -> Vec<u8> {
    let stream = format!(
        "BT /F1 12 Tf 72 720 Td ({}) Tj ET",
        text.replace(['(', ')', '\\'], "")
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_pdf_passes() {
        let pdf = sample_pdf("Letter of commitment");
        assert_eq!(check(&pdf, "Letter.pdf").unwrap().name, "Letter.pdf");
    }

    #[test]
    fn files_are_judged_by_content_not_name() {
        assert!(
            check(b"<html><script>alert(1)</script></html>", "letter.pdf")
                .unwrap_err()
                .contains("not a PDF")
        );
        let mut exe = b"MZ\x90\x00".to_vec();
        exe.extend(vec![0u8; 100]);
        assert!(check(&exe, "letter.pdf").unwrap_err().contains("not a PDF"));
        assert!(
            check(b"%PDF-1.4 but cut short", "letter.pdf")
                .unwrap_err()
                .contains("not a PDF")
        );
        assert!(check(b"", "letter.pdf").unwrap_err().contains("empty"));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(check(&big, "letter.pdf").unwrap_err().contains("10 MB"));
    }

    #[test]
    fn hostile_names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(
            safe_name("C:\\Users\\me\\Signed Letter.PDF"),
            "Signed Letter.pdf"
        );
        assert_eq!(safe_name("<script>x</script>.pdf"), "script.pdf");
        assert_eq!(safe_name("a/b\\c.pdf"), "c.pdf");
        let odd = safe_name("x\"; rm -rf *\n.pdf");
        assert!(!odd.contains(['/', '"', '\n', ';', '*']), "{odd}");
        assert_eq!(safe_name("...."), "letter-of-commitment.pdf");
        assert_eq!(safe_name(""), "letter-of-commitment.pdf");
    }
}
