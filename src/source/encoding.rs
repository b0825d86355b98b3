//! Decoding page bytes to text. Government sites still serve many pages in
//! GB2312/GBK, often without a charset header or with one that lies, so the
//! declared charset is trusted only when the bytes decode cleanly under it.

use encoding_rs::{Encoding, UTF_8};

/// The charset named in a `Content-Type` value, if any.
fn header_charset(content_type: Option<&str>) -> Option<&'static Encoding> {
    let ct = content_type?.to_ascii_lowercase();
    let pos = ct.find("charset=")?;
    let v = ct[pos + 8..]
        .trim_start_matches(['"', '\''])
        .split([';', '"', '\'', ' '])
        .next()?;
    Encoding::for_label(v.as_bytes())
}

/// The charset of a `<meta charset>` or `http-equiv` tag in the first 2 KiB.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"charset") {
        let mut j = from + i + 7;
        while j < lower.len() && matches!(lower[j], b' ' | b'\t' | b'\n' | b'\r') {
            j += 1;
        }
        if j < lower.len() && lower[j] == b'=' {
            j += 1;
            while j < lower.len() && matches!(lower[j], b' ' | b'"' | b'\'') {
                j += 1;
            }
            let start = j;
            while j < lower.len()
                && (lower[j].is_ascii_alphanumeric()
                    || matches!(lower[j], b'-' | b'_' | b'.' | b':'))
            {
                j += 1;
            }
            if let Some(enc) = Encoding::for_label(&lower[start..j]) {
                return Some(enc);
            }
        }
        from = from + i + 7;
    }
    None
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow)
}

/// Decodes `bytes`, choosing the charset from the header, then the BOM, then the
/// `<meta>` tag, then detection. A declared charset under which the bytes do not
/// decode cleanly is overruled by detection. Returns the text and the encoding used.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc);
    }
    for declared in [header_charset(content_type), meta_charset(bytes)]
        .into_iter()
        .flatten()
    {
        // GB2312 and GBK labels are decoded as GB18030's superset, as browsers do.
        let (text, had_errors) = declared.decode_without_bom_handling(bytes);
        if !had_errors {
            return (text.into_owned(), declared);
        }
    }
    let enc = detect(bytes);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), if enc == UTF_8 { UTF_8 } else { enc })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn gbk_without_any_declaration_is_detected() {
        let page = "<html><head><title>工作动态</title></head><body><p>云溪街道召开政务公开工作会议，部署下一阶段信息发布工作。</p></body></html>";
        let (text, _) = decode(&gbk(page), None);
        assert_eq!(text, page);
    }

    #[test]
    fn header_that_lies_is_overruled() {
        let page = "<html><head><meta charset=\"utf-8\"></head><body><p>关于做好政府信息公开年度报告编制工作的通知，请各社区认真落实。</p></body></html>";
        let (text, _) = decode(&gbk(page), Some("text/html; charset=UTF-8"));
        assert_eq!(text, page);
    }

    #[test]
    fn meta_charset_is_used() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>通知公告</body></html>";
        let (text, enc) = decode(&gbk(page), Some("text/html"));
        assert_eq!(text, page);
        assert_eq!(enc, encoding_rs::GBK);
    }

    #[test]
    fn utf8_bom() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("政策文件".as_bytes());
        assert_eq!(decode(&b, Some("text/html; charset=gbk")).0, "政策文件");
    }
}
