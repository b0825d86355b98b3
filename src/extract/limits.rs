//! Caps on what a page's own markup controls, applied before and after parsing.
//!
//! The HTML parser checks the whole stack of open elements for each new tag,
//! so a page nested 50,000 levels deep (broken CMS output, or a hostile page)
//! takes minutes to parse. Real pages nest a few dozen levels. `cap_depth`
//! drops the tags below `max_depth` before the parser sees them and keeps
//! their text, so the page's words are still read and parsing stays linear.

use std::borrow::Cow;

use super::config::ExtractConfig;
use super::record::PageRecord;
use crate::report::labels::Labels;

/// How a tag name counts towards the nesting depth. A `match` on the
/// lower-cased name: this runs for every tag of every page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Counting {
    /// Opens an element that stays open until its end tag.
    Nests,
    /// Void (`br`, `img`) or with an optional end tag (`p`, `li`): the
    /// next one closes it, so it never piles up.
    Flat,
    /// Its content is text up to its end tag, never markup; never dropped,
    /// or its content would turn into markup.
    RawText,
}

fn counting(name: &[u8]) -> Counting {
    let mut buf = [0u8; 8];
    if name.len() > buf.len() {
        return Counting::Nests;
    }
    // Copied only when written in upper case (`<DIV>`), which is rare.
    let lower: &[u8] = if name.iter().any(u8::is_ascii_uppercase) {
        let b = &mut buf[..name.len()];
        for (d, s) in b.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        b
    } else {
        name
    };
    match lower {
        // Void elements.
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link"
        | b"meta" | b"param" | b"source" | b"track" | b"wbr" | b"keygen" | b"frame"
        | b"basefont" | b"bgsound" | b"image"
        // Optional end tags.
        | b"p" | b"li" | b"td" | b"th" | b"tr" | b"dt" | b"dd" | b"option" | b"optgroup"
        | b"thead" | b"tbody" | b"tfoot" | b"colgroup" | b"rb" | b"rt" | b"rp" | b"rtc"
        | b"caption" | b"html" | b"head" | b"body" => Counting::Flat,
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        | b"noframes" => Counting::RawText,
        _ => Counting::Nests,
    }
}

/// A count limit of the rules as a bound: 0 there means no limit.
pub fn bound(limit: u32) -> usize {
    match limit {
        0 => usize::MAX,
        n => n as usize,
    }
}

/// The page with start and end tags deeper than `max_depth` removed, and how
/// many tags were removed. `max_depth` 0 means no limit.
///
/// One pass: nothing is copied until the first tag to drop, so a page that
/// needs no cutting (nearly every page) costs one scan and no allocation.
pub fn cap_depth(html: &str, max_depth: usize) -> (Cow<'_, str>, usize) {
    if max_depth == 0 {
        return (Cow::Borrowed(html), 0);
    }
    // Allocated at the first dropped tag.
    let mut out: Option<String> = None;
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut copied = 0usize;
    let mut i = 0usize;
    let mut cut = |start: usize, end: usize, copied: &mut usize| {
        let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
        o.push_str(&html[*copied..start]);
        *copied = end;
        dropped += 1;
    };
    while let Some(off) = find_byte(b'<', &html.as_bytes()[i..]) {
        let start = i + off;
        match scan_tag(html, start) {
            Tag::Start {
                end,
                name_at,
                name_len,
                counts,
            } => {
                if counts {
                    depth += 1;
                    if depth > max_depth {
                        cut(start, end, &mut copied);
                    }
                }
                i = end;
                let name = &html.as_bytes()[name_at..name_at + name_len];
                if counting(name) == Counting::RawText {
                    // Its end tag is read next, as an end tag that does not count.
                    i = raw_text_end(html, end, name);
                }
            }
            Tag::End { end, counts } => {
                if counts {
                    if depth > max_depth {
                        cut(start, end, &mut copied);
                    }
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
    match out {
        None => (Cow::Borrowed(html), 0),
        Some(mut o) => {
            o.push_str(&html[copied.min(html.len())..]);
            (Cow::Owned(o), dropped)
        }
    }
}

enum Tag {
    /// `name_at`, `name_len`: where the tag name is, as written.
    /// `counts`: the tag opens an element that stays open until its end tag.
    Start {
        end: usize,
        name_at: usize,
        name_len: usize,
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
    let name = &bytes[name_at..name_at + name_len];
    let name_end = name_at + name_len;
    // `<p>`, `</div>`: most tags end right after their name.
    let end = match bytes.get(name_end) {
        Some(b'>') => name_end + 1,
        _ => tag_end(html, name_end),
    };
    let self_closed = end >= 2 && bytes.get(end - 2) == Some(&b'/');
    let counts = counting(name) == Counting::Nests;
    if closing {
        Tag::End { end, counts }
    } else {
        Tag::Start {
            end,
            name_at,
            name_len,
            counts: counts && !self_closed,
        }
    }
}

/// `memchr` after a look at the first bytes: the next `<` is usually a few
/// bytes away, closer than a vector search pays for.
fn find_byte(b: u8, hay: &[u8]) -> Option<usize> {
    let near = hay.len().min(16);
    match hay[..near].iter().position(|&c| c == b) {
        Some(i) => Some(i),
        None => memchr::memchr(b, &hay[near..]).map(|i| i + near),
    }
}

/// Just past the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut k = from.min(bytes.len());
    while let Some(off) = memchr::memchr3(b'>', b'"', b'\'', &bytes[k..]) {
        let at = k + off;
        let q = bytes[at];
        if q == b'>' {
            return at + 1;
        }
        match find_byte(q, &bytes[at + 1..]) {
            Some(close) => k = at + 1 + close + 1,
            None => return html.len(),
        }
    }
    html.len()
}

/// Where the raw text of a `<script>` (or `style`…, named `name`) ends: at its end tag.
fn raw_text_end(html: &str, from: usize, name: &[u8]) -> usize {
    let bytes = html.as_bytes();
    let mut k = from;
    while let Some(off) = html[k..].find("</") {
        let at = k + off;
        if bytes
            .get(at + 2..at + 2 + name.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(name))
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

/// The `[extract]` limits a page can go over: the rule files' keys, and
/// the names `PageRecord::cut` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Depth,
    Links,
    ListItems,
    TextChars,
}

impl Limit {
    pub const ALL: [Limit; 4] = [
        Limit::Depth,
        Limit::Links,
        Limit::ListItems,
        Limit::TextChars,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Limit::Depth => "max_depth",
            Limit::Links => "max_links",
            Limit::ListItems => "max_list_items",
            Limit::TextChars => "max_text_chars",
        }
    }

    pub fn parse(key: &str) -> Option<Limit> {
        Limit::ALL.into_iter().find(|l| l.key() == key)
    }

    pub fn value(self, cfg: &ExtractConfig) -> u32 {
        match self {
            Limit::Depth => cfg.max_depth,
            Limit::Links => cfg.max_links,
            Limit::ListItems => cfg.max_list_items,
            Limit::TextChars => cfg.max_text_chars,
        }
    }
}

/// The report's note on pages that went over a limit, if any did.
/// The limits read `max_links = 5000 (3)` in both languages: the key is what
/// a rule file sets.
pub fn note_in(records: &[PageRecord], cfg: &ExtractConfig, words: &Labels) -> Option<String> {
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
        .map(|(key, n)| match Limit::parse(key) {
            Some(l) => format!("{key} = {} ({n})", l.value(cfg)),
            // A record from an older cache may name a limit that is gone.
            None => format!("{key} ({n})"),
        })
        .collect();
    Some(words.note(
        "extract_limits",
        &[
            ("pages", pages.to_string()),
            ("limits", parts.join(", ")),
            ("first", first.to_string()),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Lang;
    use crate::report::labels::shipped;

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
        // Upper-case names count the same; `<LI>` and `<BR>` never nest.
        let html = "<DIV><Div><dIV><LI>项<BR>深</dIV></Div></DIV>";
        let (out, dropped) = cap_depth(html, 2);
        assert_eq!(out, "<DIV><Div><LI>项<BR>深</Div></DIV>");
        assert_eq!(dropped, 2);
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

    #[test]
    fn the_note_names_each_limit_in_both_languages() {
        let cfg = ExtractConfig {
            max_links: 5000,
            max_depth: 512,
            ..Default::default()
        };
        let cut = |url: &str, keys: &[&str]| PageRecord {
            url: url.into(),
            cut: keys.iter().map(|k| k.to_string()).collect(),
            ..Default::default()
        };
        let records = [
            cut("http://x.gov.cn/a.html", &["max_links", "max_depth"]),
            PageRecord::default(),
            cut("http://x.gov.cn/b.html", &["max_depth"]),
        ];
        for lang in [Lang::Zh, Lang::En] {
            let n = note_in(&records, &cfg, &shipped(lang)).unwrap();
            assert!(n.contains("max_links = 5000 (1)"), "{n}");
            assert!(n.contains("max_depth = 512 (2)"), "{n}");
            assert!(n.contains("http://x.gov.cn/a.html"), "{n}");
        }
        assert!(
            note_in(&records, &cfg, &shipped(Lang::Zh))
                .unwrap()
                .contains("个页面")
        );
        assert_eq!(note_in(&records[1..2], &cfg, &shipped(Lang::Zh)), None);
        for l in Limit::ALL {
            assert_eq!(Limit::parse(l.key()), Some(l));
        }
    }
}
