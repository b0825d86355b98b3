//! Caps on what a page's own markup controls, applied before and after parsing.
//!
//! The HTML parser checks the whole stack of open elements for each new tag,
//! so a page nested 50,000 levels deep (broken CMS output, or a hostile page)
//! takes minutes to parse. Real pages nest a few dozen levels. `cap_depth`
//! drops the tags below `max_depth` before the parser sees them and keeps
//! their text, so the page's words are still read and parsing stays linear.

use std::borrow::Cow;

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image",
];

/// Elements whose end tag may be left out: the next one closes them, so
/// they never pile up and are not counted.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "rb", "rt", "rp", "rtc", "caption", "html", "head", "body",
];

/// Elements whose content is text up to their end tag, never markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// The page with start and end tags deeper than `max_depth` removed, and how
/// many tags were removed. `max_depth` 0 means no limit.
pub fn cap_depth(html: &str, max_depth: usize) -> (Cow<'_, str>, usize) {
    if max_depth == 0 || !too_deep(html, max_depth) {
        return (Cow::Borrowed(html), 0);
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        match scan_tag(html, start) {
            Tag::Start { end, name, counts } => {
                let keep = if counts {
                    depth += 1;
                    depth <= max_depth
                } else {
                    true
                };
                if !keep {
                    out.push_str(&html[copied..start]);
                    copied = end;
                    dropped += 1;
                }
                i = end;
                if RAW_TEXT.contains(&name.as_str()) {
                    // Its end tag is read next, as an end tag that does not count.
                    i = raw_text_end(html, end, &name);
                }
            }
            Tag::End { end, counts } => {
                if counts {
                    if depth > max_depth {
                        out.push_str(&html[copied..start]);
                        copied = end;
                        dropped += 1;
                    }
                    depth = depth.saturating_sub(1);
                }
                i = end;
            }
            Tag::Other { end } => i = end,
        }
        if i >= bytes.len() {
            break;
        }
    }
    out.push_str(&html[copied.min(html.len())..]);
    (Cow::Owned(out), dropped)
}

/// A quick pass that tells whether the page needs cutting at all.
fn too_deep(html: &str, max_depth: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        match scan_tag(html, start) {
            Tag::Start { end, name, counts } => {
                if counts {
                    depth += 1;
                    if depth > max_depth {
                        return true;
                    }
                }
                i = end;
                if RAW_TEXT.contains(&name.as_str()) {
                    // Its end tag is read next, as an end tag that does not count.
                    i = raw_text_end(html, end, &name);
                }
            }
            Tag::End { end, counts } => {
                if counts {
                    depth = depth.saturating_sub(1);
                }
                i = end;
            }
            Tag::Other { end } => i = end,
        }
        if i >= html.len() {
            break;
        }
    }
    false
}

enum Tag {
    /// `counts`: the tag opens an element that stays open until its end tag.
    Start {
        end: usize,
        name: String,
        counts: bool,
    },
    End {
        end: usize,
        counts: bool,
    },
    /// A comment, doctype, processing instruction or a `<` that starts no tag.
    Other {
        end: usize,
    },
}

/// Reads the tag at `start` (which holds `<`); `end` is just past it.
fn scan_tag(html: &str, start: usize) -> Tag {
    let bytes = html.as_bytes();
    let next = bytes.get(start + 1).copied().unwrap_or(b' ');
    if html[start..].starts_with("<!--") {
        let end = html[start + 4..]
            .find("-->")
            .map_or(html.len(), |p| start + 4 + p + 3);
        return Tag::Other { end };
    }
    if next == b'!' || next == b'?' {
        return Tag::Other {
            end: tag_end(html, start + 1),
        };
    }
    let (closing, name_at) = if next == b'/' {
        (true, start + 2)
    } else {
        (false, start + 1)
    };
    if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
        return Tag::Other { end: start + 1 };
    }
    let name_len = bytes[name_at..]
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && **b != b'>' && **b != b'/')
        .count();
    let name = html[name_at..name_at + name_len].to_ascii_lowercase();
    let end = tag_end(html, name_at + name_len);
    let self_closed = end >= 2 && bytes.get(end - 2) == Some(&b'/');
    // Raw-text elements are never dropped: their content would turn into markup.
    let counts = !VOID.contains(&name.as_str())
        && !OPTIONAL_END.contains(&name.as_str())
        && !RAW_TEXT.contains(&name.as_str());
    if closing {
        Tag::End { end, counts }
    } else {
        Tag::Start {
            end,
            counts: counts && !self_closed,
            name,
        }
    }
}

/// Just past the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut quote: Option<u8> = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return k + 1,
            None => {}
        }
    }
    html.len()
}

/// Where the raw text of a `<script>` (or `style`…) ends: at its end tag.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let closing = format!("</{name}");
    let lower_len = closing.len();
    let bytes = html.as_bytes();
    let mut k = from;
    while let Some(off) = html[k..].find("</") {
        let at = k + off;
        if bytes
            .get(at..at + lower_len)
            .is_some_and(|s| s.eq_ignore_ascii_case(closing.as_bytes()))
        {
            return at;
        }
        k = at + 2;
    }
    html.len()
}

/// `text` cut to at most `max_chars` characters (0: no limit); whether it was cut.
pub fn cap_chars(text: &mut String, max_chars: usize) -> bool {
    if max_chars == 0 {
        return false;
    }
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => {
            text.truncate(at);
            true
        }
        None => false,
    }
}

/// The report's note on pages that went over a limit, if any did.
pub fn note(
    records: &[super::record::PageRecord],
    cfg: &super::config::ExtractConfig,
) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut first: Option<&str> = None;
    for r in records.iter().filter(|r| !r.cut.is_empty()) {
        first.get_or_insert(r.url.as_str());
        for key in &r.cut {
            match counts.iter_mut().find(|(k, _)| k == key) {
                Some((_, n)) => *n += 1,
                None => counts.push((key.as_str(), 1)),
            }
        }
    }
    let first = first?;
    let pages = records.iter().filter(|r| !r.cut.is_empty()).count();
    let parts: Vec<String> = counts
        .iter()
        .map(|(key, n)| {
            let limit = match *key {
                "max_depth" => cfg.max_depth,
                "max_links" => cfg.max_links,
                "max_list_items" => cfg.max_list_items,
                "max_text_chars" => cfg.max_text_chars,
                _ => 0,
            };
            format!("{key} = {limit} ({n})")
        })
        .collect();
    Some(format!(
        "{pages} pages were read only in part, cut at the [extract] limits {} (first: {first}); raise them in a rule file to read more",
        parts.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_left_alone() {
        let html =
            "<html><body><div><p>一<p>二<ul><li>甲<li>乙</ul><img src=a><br/></div></body></html>";
        let (out, dropped) = cap_depth(html, 3);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(dropped, 0);
    }

    #[test]
    fn deep_tags_are_dropped_and_their_text_kept() {
        let html = format!(
            "<body>{}正文{}</body>",
            "<div>".repeat(10),
            "</div>".repeat(10)
        );
        let (out, dropped) = cap_depth(&html, 4);
        assert_eq!(
            out,
            "<body><div><div><div><div>正文</div></div></div></div></body>"
        );
        assert_eq!(dropped, 12);
    }

    #[test]
    fn unclosed_optional_end_tags_do_not_count() {
        let html = format!("<ul>{}</ul>", "<li>项".repeat(10_000));
        let (out, dropped) = cap_depth(&html, 5);
        assert_eq!(dropped, 0);
        assert_eq!(out.len(), html.len());
    }

    #[test]
    fn scripts_comments_and_quotes_are_not_tags() {
        let html = "<div><script>if (a <b) { x = '<div><div><div>'; }</script><!-- <div><div><div> --><a title=\"<div><div>\">x</a></div>";
        let (out, dropped) = cap_depth(html, 2);
        assert_eq!(dropped, 0, "{out}");
        let html = "<div><SCRIPT>var s = '<div><div>';</Script><div><div>深</div></div></div>";
        let (out, dropped) = cap_depth(html, 2);
        assert_eq!(dropped, 2, "{out}");
        assert!(out.contains("var s = '<div><div>';"), "{out}");
        assert!(out.contains("深"), "{out}");
    }

    #[test]
    fn broken_markup_never_panics() {
        for html in [
            "<",
            "</",
            "<div",
            "<div a=\"",
            "<!--",
            "<script>",
            "<div><div></",
            "< div>",
            "<1>",
            "<div/><div/>",
            "中文<中文>",
            "<div title='>'>",
        ] {
            let _ = cap_depth(html, 1);
            let _ = cap_depth(html, 0);
        }
    }

    #[test]
    fn text_is_cut_on_a_character_boundary() {
        let mut s = "政务公开".repeat(10);
        assert!(cap_chars(&mut s, 5));
        assert_eq!(s, "政务公开政");
        let mut s = "短".to_string();
        assert!(!cap_chars(&mut s, 5));
        assert!(!cap_chars(&mut s, 0));
    }
}
